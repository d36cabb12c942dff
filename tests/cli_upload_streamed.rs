//! Uploads large enough to be streamed from the file (encoded body over 4 MiB): they arrive
//! byte for byte, signed, and a retried attempt streams the file again from the start.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/e2e.rs"]
mod e2e;

use cli::{code, stderr};
use e2e::{Step, World};
use llapi_bench::inputs;

/// A manifest of about 6.5 MB (a 9 MB encoded body).
fn large_manifest(w: &World) -> (std::path::PathBuf, Vec<u8>) {
    let file = w.sb.path("large.json");
    inputs::manifest_file(&file, 20_000).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() > 6_000_000);
    (file, bytes)
}

#[test]
fn a_streamed_upload_survives_a_503_and_a_reset() {
    let w = World::new();
    w.server.set_script(vec![Step::status(503), Step::reset()]);
    let (file, bytes) = large_manifest(&w);
    let out = w
        .cmd()
        .arg("upload")
        .arg(&file)
        .arg("--upload-only")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let requests = w.server.requests();
    assert_eq!(requests.len(), 3, "503, reset, then accepted");
    assert!(requests.iter().all(|r| r.signature_ok));
    let stored = w.server.manifests();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes(), bytes.as_slice());
    assert!(w.spool_entries().is_empty());
}

#[test]
fn a_streamed_upload_that_keeps_failing_is_spooled_whole() {
    let w = World::new();
    w.server.set_script(vec![Step::reset().always()]);
    let (file, bytes) = large_manifest(&w);
    let out = w
        .cmd()
        .args(["--retries", "1"])
        .arg("upload")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(w.server.requests().len(), 2);
    let entries = w.spool_entries();
    assert_eq!(entries.len(), 1, "{}", stderr(&out));
    // The kept entry holds the manifest byte for byte.
    let kept = std::fs::read_dir(&entries[0])
        .unwrap()
        .filter_map(|e| std::fs::read(e.unwrap().path()).ok())
        .any(|content| content == bytes);
    assert!(kept, "the spool entry holds the manifest");
}
