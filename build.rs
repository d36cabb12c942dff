//! Records the target this library is built for (triple and `cfg` values, from Cargo's
//! `TARGET` and `CARGO_CFG_*` variables) so `sbom` can evaluate `[target.'cfg(..)'.dependencies]`
//! of saved `cargo metadata` output for the host without running `rustc --print cfg`.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let triple = std::env::var("TARGET").expect("cargo sets TARGET");
    let mut cfgs: Vec<String> = Vec::new();
    for (key, value) in std::env::vars() {
        let Some(name) = key.strip_prefix("CARGO_CFG_") else {
            continue;
        };
        let name = name.to_ascii_lowercase();
        if name == "feature" {
            continue;
        }
        // `target_*` and `panic` are key="value" cfgs even when the value is empty
        // (`target_abi=""`); other empty ones are plain names (`unix`).
        let keyed = name.starts_with("target_") || name == "panic";
        if value.is_empty() && keyed {
            cfgs.push(format!("{name}=\"\""));
        } else if value.is_empty() {
            cfgs.push(name);
        } else {
            cfgs.extend(value.split(',').map(|v| format!("{name}=\"{v}\"")));
        }
    }
    // `rustc --print cfg` (which cargo's own platform filter uses) lists debug_assertions
    // whatever the profile of this build.
    cfgs.retain(|c| c != "debug_assertions");
    cfgs.push("debug_assertions".to_owned());
    cfgs.sort();
    let mut text = String::new();
    for cfg in &cfgs {
        writeln!(text, "{cfg}").unwrap();
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("host_cfg.txt"), text).expect("write host_cfg.txt");
    println!("cargo:rustc-env=LLAPI_HOST_TRIPLE={triple}");
}
