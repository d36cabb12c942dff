//! Benchmark support for cargo-llapi: running a child process and measuring its wall time and
//! peak RSS, and generating large inputs (Vigiles manifests, `cargo metadata` graphs).
//!
//! The `llapi-bench` binary runs the release binaries against these inputs; the memory-bound
//! integration test uses the same measurement.

pub mod inputs;
pub mod measure;
