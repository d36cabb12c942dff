//! The client's peak memory stays under 64 MiB whatever the manifest's size: a 200 MB manifest
//! is signed and measured in a dry run, and a 50 MB one (a 70 MB encoded body, larger than the
//! bound) is really uploaded to the test server. The CycloneDX SBOM of a 5,000-package graph
//! (5.5 times deno's) stays under the same bound. Peak RSS is the child's own, from `wait4`.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use e2e::World;
use llapi_bench::{inputs, measure};

/// The bound of issue 7.
const BOUND_KIB: u64 = 64 * 1024;

/// Runs `cmd` with stdout in `out` and stderr in `err`, returning its measurement.
fn measured(mut cmd: Command, world: &World) -> (measure::Sample, String, String) {
    let (out, err) = (world.sb.path("stdout.txt"), world.sb.path("stderr.txt"));
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    let sample = measure::run(&mut cmd).unwrap();
    let text = |p| std::fs::read_to_string(p).unwrap_or_default();
    (sample, text(&out), text(&err))
}

/// One test, in order: Linux counts in a child's peak RSS what this process held when it
/// spawned the child, so every child is spawned before the in-process server has received
/// anything (it holds the whole upload), and the SBOM is read back last.
#[test]
fn large_manifests_and_sbom_graphs_stay_under_64_mib() {
    let world = World::new();
    dry_run_of_a_200_mb_manifest(&world);
    let sbom = cyclonedx_of_a_5000_package_graph(&world);
    real_upload_of_a_50_mb_manifest(&world);
    lists_5000_packages_with_checksums(&sbom);
}

fn dry_run_of_a_200_mb_manifest(world: &World) {
    let file = world.sb.path("big.json");
    let size = inputs::manifest_file(&file, 600_000).unwrap();
    assert!(size > 190_000_000, "{size}");
    let mut cmd = world.cmd();
    cmd.arg("upload").arg(&file).arg("--dry-run");
    let (sample, out, err) = measured(cmd, world);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(sample.exit_code, Some(0), "{err}");
    // The whole file went through the signing pass: its size is reported, and the encoded
    // length (every byte of the file counted) is in Content-Length.
    assert!(out.contains(&format!("<{size} bytes from")), "{out}");
    assert!(out.contains("X-Auth-Signature: "), "{out}");
    let content_length: u64 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Length: "))
        .expect("Content-Length shown")
        .parse()
        .unwrap();
    assert!(content_length > size, "{content_length} <= {size}");
    assert!(
        sample.max_rss_kib <= BOUND_KIB,
        "dry run of {size} bytes peaked at {:.1} MiB",
        sample.max_rss_mib()
    );
}

/// Makes the SBOM and returns its path.
fn cyclonedx_of_a_5000_package_graph(world: &World) -> PathBuf {
    let graph = inputs::graph(&world.sb.path(""), 5_000).unwrap();
    let out = world.sb.path("sbom.cdx.json");
    let mut cmd = world.sb.cmd();
    cmd.args(["manifest", "--format", "cyclonedx", "--metadata-json"])
        .arg(&graph.metadata)
        .arg("--lockfile")
        .arg(&graph.lockfile)
        .arg("--output")
        .arg(&out);
    let (sample, _, err) = measured(cmd, world);
    assert_eq!(sample.exit_code, Some(0), "{err}");
    assert!(
        sample.max_rss_kib <= BOUND_KIB,
        "CycloneDX of 5,000 packages peaked at {:.1} MiB",
        sample.max_rss_mib()
    );
    out
}

/// The whole graph is in the SBOM, each package with the lock file's checksum.
fn lists_5000_packages_with_checksums(sbom: &Path) {
    let sbom: serde_json::Value = serde_json::from_slice(&std::fs::read(sbom).unwrap()).unwrap();
    let components = sbom["components"].as_array().unwrap();
    assert_eq!(components.len(), 5_000);
    assert!(components
        .iter()
        .all(|c| c["hashes"][0]["alg"] == "SHA-256"));
}

fn real_upload_of_a_50_mb_manifest(world: &World) {
    let file = world.sb.path("big.json");
    let size = inputs::manifest_file(&file, 150_000).unwrap();
    assert!(size > 48_000_000, "{size}");
    let mut cmd = world.cmd();
    cmd.arg("upload")
        .arg(&file)
        .args(["--upload-only", "--no-spool", "--retries", "0"]);
    let (sample, out, err) = measured(cmd, world);
    assert_eq!(sample.exit_code, Some(0), "{out}{err}");
    // The server got the file byte for byte, with a valid signature.
    let manifests = world.server.manifests();
    assert_eq!(manifests.len(), 1);
    assert_eq!(
        manifests[0].bytes(),
        std::fs::read(&file).unwrap().as_slice()
    );
    assert!(world.server.requests().iter().all(|r| r.signature_ok));
    assert!(
        sample.max_rss_kib <= BOUND_KIB,
        "upload of {size} bytes peaked at {:.1} MiB",
        sample.max_rss_mib()
    );
}
