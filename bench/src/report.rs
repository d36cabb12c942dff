//! The results table: one row per case (median wall time, peak RSS, ratio to its anchor) and
//! one PASS/FAIL line per target.

use llapi_bench::measure::Summary;

use crate::env::Env;

/// One measured case.
pub struct Row {
    /// What ran, e.g. "upload --dry-run".
    pub case: String,
    /// The input, e.g. "19.6 MB manifest".
    pub input: String,
    /// The measurement.
    pub summary: Summary,
    /// Ratio of the median to the anchor's, with the anchor's name.
    pub ratio: Option<(f64, String)>,
}

/// One target of the issue.
pub struct Check {
    /// The target, e.g. "dry-run ≤ 4× openssl".
    pub target: String,
    /// The measured figure.
    pub measured: String,
    /// Whether it was met.
    pub pass: bool,
}

/// All rows and checks of a run.
pub struct Report {
    machine: String,
    rows: Vec<Row>,
    checks: Vec<Check>,
    notes: Vec<String>,
}

/// Milliseconds, for the table.
pub fn ms(summary: &Summary) -> f64 {
    summary.median.as_secs_f64() * 1e3
}

impl Report {
    /// An empty report for this machine.
    pub fn new(env: &Env) -> Report {
        Report {
            machine: machine(env),
            rows: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a row (printed at once too, so long runs show progress).
    pub fn row(
        &mut self,
        case: &str,
        input: &str,
        summary: Summary,
        anchor: Option<(&str, &Summary)>,
    ) {
        let row = Row {
            case: case.to_owned(),
            input: input.to_owned(),
            summary,
            ratio: anchor.map(|(name, a)| (ms(&summary) / ms(a), name.to_owned())),
        };
        eprintln!("  {}", format_row(&row));
        self.rows.push(row);
    }

    /// Adds a target check.
    pub fn check(&mut self, target: &str, measured: String, pass: bool) {
        self.checks.push(Check {
            target: target.to_owned(),
            measured,
            pass,
        });
    }

    /// Adds a note printed under the table.
    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// True when every check passed.
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }

    /// Prints the whole report to stdout.
    pub fn print(&self) {
        println!("{}", self.machine);
        println!();
        println!(
            "{:<44} {:<28} {:>10} {:>10} {:>9}  ratio",
            "case", "input", "median ms", "min ms", "peak MiB"
        );
        for row in &self.rows {
            println!("{}", format_row(row));
        }
        println!();
        for check in &self.checks {
            println!(
                "{}  {:<58} {}",
                if check.pass { "PASS" } else { "FAIL" },
                check.target,
                check.measured
            );
        }
        for note in &self.notes {
            println!("note: {note}");
        }
    }
}

fn format_row(row: &Row) -> String {
    let ratio = match &row.ratio {
        Some((r, name)) => format!("{r:.2}x {name}"),
        None => String::new(),
    };
    format!(
        "{:<44} {:<28} {:>10.1} {:>10.1} {:>9.1}  {ratio}",
        row.case,
        row.input,
        ms(&row.summary),
        row.summary.min.as_secs_f64() * 1e3,
        row.summary.max_rss_mib(),
    )
}

fn machine(env: &Env) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "machine: {model}, {cpus} CPUs, {:.1} GiB RAM, Linux {}; binaries: {}",
        mem as f64 / 1024.0 / 1024.0,
        kernel.trim(),
        env.bin_dir.display()
    )
}
