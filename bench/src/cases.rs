//! The benchmark cases of issue 7, each with its anchor measured in the same run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use llapi_bench::inputs;
use llapi_bench::measure::Summary;

use crate::env::{Env, KEY};
use crate::report::{ms, Report};
use crate::Options;

/// Peak RSS bound of every target, in MiB.
const RSS_BOUND_MIB: f64 = 64.0;

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `heartbeat --dry-run`: median ≤ 10 ms.
pub fn heartbeat(env: &Env, options: &Options, report: &mut Report) -> Result<(), String> {
    eprintln!("heartbeat --dry-run ...");
    let runs = options.runs * 6;
    let s = env.bench(runs, || {
        let mut c = env.llapi();
        c.args(["heartbeat", "--dry-run"]);
        c
    })?;
    report.row("heartbeat --dry-run", "-", s, None);
    report.check(
        "heartbeat --dry-run median <= 10 ms",
        format!("{:.1} ms (median of {runs})", ms(&s)),
        ms(&s) <= 10.0,
    );
    Ok(())
}

/// The test server binary, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(env: &Env) -> Result<Server, String> {
        let mut child = Command::new(env.bin_dir.join("llapi-test-server"))
            .arg("--key-file")
            .arg(&env.key_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start llapi-test-server: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("llapi-test-server: {e}"))?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("llapi-test-server said {line:?}"))?
            .to_owned();
        Ok(Server { child, url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server that reads each request's body and throws it away, answering an upload at once:
/// what the client costs without any server work. Runs on a thread of the harness.
fn discarding_sink() -> Result<String, String> {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 256 * 1024];
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut length = 0u64;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                line.clear();
            }
            let mut body = reader.take(length);
            while body.read(&mut buf).is_ok_and(|n| n > 0) {}
            let answer = r#"{"manifest_token": "MAN-SINK", "group_token": "", "folder_token": "", "date": "2026-01-01T00:00:00Z"}"#;
            let _ = write!(
                &stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    Ok(url)
}

/// Sign, encode and dry-run, the request dump, and real uploads, for 1, 20 and 200 MB
/// manifests, with `openssl dgst -sha256 -hmac` on the same file as the anchor.
pub fn upload(env: &Env, options: &Options, report: &mut Report) -> Result<(), String> {
    // 3,000 / 60,000 / 600,000 packages: 1.0 / 19.6 / 196 MB (60,000 is the issue's manifest).
    let mut sizes = vec![(3_000usize, options.runs), (60_000, options.runs)];
    if !options.quick {
        sizes.push((600_000, options.runs.min(3)));
    }
    let mut worst_rss: f64 = 0.0;
    let mut worst_upload_rss: f64 = 0.0;
    let sink = discarding_sink()?;
    for (packages, runs) in sizes {
        let file = env.path(&format!("manifest-{packages}.json"));
        let size = inputs::manifest_file(&file, packages)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        let input = format!("{} ({packages} pkgs)", mb(size));
        eprintln!("manifest {input} ...");
        let openssl = env.bench(runs, || {
            let mut c = env.tool(Path::new("openssl"));
            c.args(["dgst", "-sha256", "-hmac", KEY]).arg(&file);
            c
        })?;
        report.row("anchor: openssl dgst -sha256 -hmac", &input, openssl, None);
        let dry = env.bench(runs, || {
            let mut c = env.llapi();
            c.arg("upload").arg(&file).arg("--dry-run");
            c
        })?;
        report.row("upload --dry-run", &input, dry, Some(("openssl", &openssl)));
        // The whole signed request as JSON on stdout (discarded): body encoded in full.
        let whole = env.bench(runs, || {
            let mut c = env.llapi();
            c.arg("upload")
                .arg(&file)
                .args(["--dry-run", "--message-format", "json"]);
            c
        })?;
        report.row(
            "upload --dry-run --message-format json",
            &input,
            whole,
            Some(("openssl", &openssl)),
        );
        let out = env.path("request.json");
        let dump = env.bench(runs, || {
            let mut c = env.llapi();
            c.arg("upload")
                .arg(&file)
                .args(["--dry-run", "--request-out"])
                .arg(&out);
            c
        })?;
        let dump_size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&out);
        report.row(
            &format!("upload --dry-run --request-out ({})", mb(dump_size)),
            &input,
            dump,
            Some(("openssl", &openssl)),
        );
        let send = |url: &str, upload_only: bool| {
            env.bench(runs, || {
                let mut c = env.llapi();
                c.arg("upload").arg(&file);
                c.args(["--url", url, "--no-spool", "--retries", "0"]);
                if upload_only {
                    c.arg("--upload-only");
                }
                c
            })
        };
        let client_only = send(&sink, true)?;
        report.row(
            "upload --upload-only (discarding sink)",
            &input,
            client_only,
            Some(("dry-run json", &whole)),
        );
        // A fresh server per size: it keeps every upload in memory.
        let server = Server::start(env)?;
        let only = send(&server.url, true)?;
        report.row(
            "upload --upload-only (test server)",
            &input,
            only,
            Some(("dry-run json", &whole)),
        );
        let full = if packages <= 60_000 {
            let full = send(&server.url, false)?;
            report.row(
                "upload + server scan (test server)",
                &input,
                full,
                Some(("dry-run json", &whole)),
            );
            Some(full)
        } else {
            None
        };
        drop(server);
        worst_rss = worst_rss
            .max(dry.max_rss_mib())
            .max(whole.max_rss_mib())
            .max(dump.max_rss_mib());
        worst_upload_rss = worst_upload_rss
            .max(only.max_rss_mib())
            .max(client_only.max_rss_mib());
        if let Some(f) = &full {
            worst_upload_rss = worst_upload_rss.max(f.max_rss_mib());
        }
        if packages == 60_000 {
            check_ratio(
                report,
                "sign, encode and dry-run of the 19.6 MB manifest (whole request, JSON) <= 4x openssl",
                &whole,
                &openssl,
                4.0,
            );
            check_ratio(
                report,
                "  same, summary dry-run (signature + encoded length) <= 4x openssl",
                &dry,
                &openssl,
                4.0,
            );
            report.note(format!(
                "  full request dump to a file (--request-out, fsynced): {:.2}x openssl (not a target)",
                ms(&dump) / ms(&openssl)
            ));
            check_ratio(
                report,
                "upload --upload-only to the test server <= 2x dry-run (whole request)",
                &only,
                &whole,
                2.0,
            );
            if let Some(full) = &full {
                check_ratio(
                    report,
                    "  same, with the test server's CVE scan <= 2x dry-run (whole request)",
                    full,
                    &whole,
                    2.0,
                );
            }
        }
    }
    report.check(
        "dry-run peak RSS <= 64 MiB at every size",
        format!("{worst_rss:.1} MiB"),
        worst_rss <= RSS_BOUND_MIB,
    );
    report.check(
        "upload peak RSS (client) <= 64 MiB at every size",
        format!("{worst_upload_rss:.1} MiB"),
        worst_upload_rss <= RSS_BOUND_MIB,
    );
    Ok(())
}

fn check_ratio(report: &mut Report, target: &str, case: &Summary, anchor: &Summary, max: f64) {
    let ratio = ms(case) / ms(anchor);
    report.check(
        target,
        format!("{ratio:.2}x ({:.1} ms vs {:.1} ms)", ms(case), ms(anchor)),
        ratio <= max,
    );
}

/// The directory of the shared benchmark inputs (`../shared/bench` from the repository root).
fn shared_bench() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench")
}

/// The repository's workspace root (for the live `cargo metadata` case).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or_else(|| "rustc -vV printed no host".to_owned())
}

/// CycloneDX generation from saved metadata (deno's, and synthetic 100 / 1,000 / 5,000-package
/// graphs) against Python's `json.load` of the same file, and from a live `cargo metadata` of
/// this workspace against `cargo metadata` alone.
pub fn sbom(env: &Env, options: &Options, report: &mut Report) -> Result<(), String> {
    let probe = env.llapi().args(["manifest", "--help"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        report.note("`cargo-llapi manifest` is not in this build: SBOM cases skipped".to_owned());
        return Ok(());
    }
    let runs = options.runs;
    let out = env.path("sbom.cdx.json");
    let json_load = |file: &Path| {
        env.bench(runs, || {
            let mut c = env.tool(Path::new("python3"));
            c.args(["-c", "import json, sys; json.load(open(sys.argv[1]))"])
                .arg(file);
            c
        })
    };
    let generate = |metadata: &Path, lockfile: &Path| {
        env.bench(runs, || {
            let mut c = env.llapi();
            c.args(["manifest", "--format", "cyclonedx", "--metadata-json"])
                .arg(metadata)
                .arg("--lockfile")
                .arg(lockfile)
                .arg("--output")
                .arg(&out);
            c
        })
    };
    let bench_dir = shared_bench();
    let deno = bench_dir.join("deno-metadata.json");
    let deno_input = format!(
        "deno metadata ({})",
        mb(std::fs::metadata(&deno).map_or(0, |m| m.len()))
    );
    eprintln!("sbom {deno_input} ...");
    let anchor = json_load(&deno)?;
    report.row("anchor: python3 json.load", &deno_input, anchor, None);
    let ours = generate(&deno, &bench_dir.join("deno-Cargo.lock"))?;
    report.row(
        "manifest --format cyclonedx --metadata-json",
        &deno_input,
        ours,
        Some(("json.load", &anchor)),
    );
    check_ratio(
        report,
        "CycloneDX of deno's metadata < json.load",
        &ours,
        &anchor,
        1.0,
    );
    let mut worst_rss = ours.max_rss_mib();
    let mut graphs = vec![100usize, 1_000];
    if !options.quick {
        graphs.push(5_000);
    }
    for packages in graphs {
        let g = inputs::graph(env.tmp.path(), packages)
            .map_err(|e| format!("cannot write a graph: {e}"))?;
        let input = format!(
            "{packages} pkgs ({})",
            mb(std::fs::metadata(&g.metadata).map_or(0, |m| m.len()))
        );
        eprintln!("sbom {input} ...");
        let anchor = json_load(&g.metadata)?;
        report.row("anchor: python3 json.load", &input, anchor, None);
        let ours = generate(&g.metadata, &g.lockfile)?;
        report.row(
            "manifest --format cyclonedx --metadata-json",
            &input,
            ours,
            Some(("json.load", &anchor)),
        );
        worst_rss = worst_rss.max(ours.max_rss_mib());
    }
    report.check(
        "CycloneDX peak RSS <= 64 MiB (deno and 100-5,000 pkgs)",
        format!("{worst_rss:.1} MiB"),
        worst_rss <= RSS_BOUND_MIB,
    );
    live(env, runs, report)
}

/// A live `cargo metadata` of this workspace against the whole generation with it (runs
/// alternated).
fn live(env: &Env, runs: usize, report: &mut Report) -> Result<(), String> {
    let manifest = workspace_root().join("Cargo.toml");
    let triple = host_triple()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let metadata = || {
        let mut c = env.tool(Path::new(&cargo));
        env.with_user_home(&mut c)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--filter-platform",
                &triple,
            ])
            .arg("--manifest-path")
            .arg(&manifest);
        c
    };
    eprintln!("sbom live cargo metadata ...");
    env.bench(1, metadata)?; // warm cargo's caches
    let input = "this workspace (live)";
    let out = env.path("live.cdx.json");
    let (anchor, ours) = env.bench_pair(runs, metadata, || {
        let mut c = env.llapi();
        env.with_user_home(&mut c)
            .env("CARGO", &cargo)
            .args([
                "manifest",
                "--format",
                "cyclonedx",
                "--offline",
                "--manifest-path",
            ])
            .arg(&manifest)
            .arg("--output")
            .arg(&out);
        c
    })?;
    report.row("anchor: cargo metadata", input, anchor, None);
    report.row(
        "manifest --format cyclonedx (live)",
        input,
        ours,
        Some(("cargo metadata", &anchor)),
    );
    check_ratio(
        report,
        "CycloneDX with live cargo metadata <= 1.1x cargo metadata",
        &ours,
        &anchor,
        1.1,
    );
    Ok(())
}
