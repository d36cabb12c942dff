//! Running a child process to completion and reading its wall time and peak resident set size
//! from the kernel (`wait4`), so the figures are the child's own, not the harness's.

use std::io;
use std::process::Command;
use std::time::{Duration, Instant};

/// One run of a child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// From spawn to reaped.
    pub wall: Duration,
    /// Peak resident set size of the child, in KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
    /// Exit code, or `None` when a signal ended it.
    pub exit_code: Option<i32>,
}

impl Sample {
    /// Peak RSS in MiB.
    pub fn max_rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Spawns `cmd`, waits for it with `wait4` and returns its wall time, peak RSS and exit code.
/// The caller sets up stdin/stdout/stderr.
///
/// Linux counts in a child's `ru_maxrss` the memory of the process it was spawned from (the
/// address space it replaced at `exec`), so a figure is only the child's own when the caller
/// is small at spawn time: keep large data out of the measuring process.
pub fn run(cmd: &mut Command) -> io::Result<Sample> {
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we just spawned and still own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = loop {
        // SAFETY: valid pointers to locals; pid is our unreaped child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    if reaped != pid {
        return Err(io::Error::last_os_error());
    }
    // The child is reaped: dropping the handle neither waits nor kills.
    drop(child);
    let exit_code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(Sample {
        wall,
        max_rss_kib: usage.ru_maxrss.max(0) as u64,
        exit_code,
    })
}

/// Median of the wall times and maximum of the peak RSS over several samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Median wall time.
    pub median: Duration,
    /// Fastest run.
    pub min: Duration,
    /// Largest peak RSS of any run, in KiB.
    pub max_rss_kib: u64,
    /// Number of runs.
    pub runs: usize,
}

impl Summary {
    /// Summarises `samples` (at least one).
    pub fn of(samples: &[Sample]) -> Summary {
        assert!(!samples.is_empty(), "at least one sample");
        let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
        walls.sort();
        let n = walls.len();
        let median = if n % 2 == 1 {
            walls[n / 2]
        } else {
            (walls[n / 2 - 1] + walls[n / 2]) / 2
        };
        Summary {
            median,
            min: walls[0],
            max_rss_kib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0),
            runs: n,
        }
    }

    /// Peak RSS in MiB.
    pub fn max_rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_is_the_childs_own() {
        // A child that touches 100 MiB must report at least that, and far more than one that
        // touches nothing. (A child's figure also covers what its parent held when it was
        // spawned, so only the difference is asserted.)
        let small = run(&mut Command::new("true")).unwrap();
        let big = run(Command::new("python3").args([
            "-c",
            "b = bytearray(100 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1",
        ]))
        .unwrap();
        assert_eq!(big.exit_code, Some(0));
        assert!(big.max_rss_kib >= 100 * 1024, "{big:?}");
        assert!(
            big.max_rss_kib >= small.max_rss_kib + 50 * 1024,
            "{big:?} {small:?}"
        );
    }

    #[test]
    fn exit_codes_and_signals() {
        let failed = run(Command::new("sh").args(["-c", "exit 3"])).unwrap();
        assert_eq!(failed.exit_code, Some(3));
        let killed = run(Command::new("sh").args(["-c", "kill -9 $$"])).unwrap();
        assert_eq!(killed.exit_code, None);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let s = |ms| Sample {
            wall: Duration::from_millis(ms),
            max_rss_kib: ms,
            exit_code: Some(0),
        };
        let odd = Summary::of(&[s(30), s(10), s(20)]);
        assert_eq!(odd.median, Duration::from_millis(20));
        assert_eq!(odd.min, Duration::from_millis(10));
        assert_eq!(odd.max_rss_kib, 30);
        let even = Summary::of(&[s(10), s(40), s(20), s(30)]);
        assert_eq!(even.median, Duration::from_millis(25));
    }
}
