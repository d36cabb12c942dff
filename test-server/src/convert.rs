//! Stand-in SBOM conversion for manifest info/download with `sbom_format`: a minimal CycloneDX
//! (JSON or XML) or SPDX 2.x JSON document listing the manifest's packages.

use serde_json::{json, Value};

use crate::scan::packages;
use crate::store::StoredManifest;

/// Converts a stored manifest; `Err` is a message for a 400 answer.
pub fn convert(
    m: &StoredManifest,
    sbom_format: &str,
    file_format: Option<&str>,
    version: Option<&str>,
) -> Result<(&'static str, Vec<u8>), String> {
    let pkgs = packages(&m.manifest);
    let file_format = file_format.unwrap_or("json");
    match (sbom_format, file_format) {
        ("cyclonedx", "json") => {
            let components: Vec<Value> = pkgs
                .iter()
                .map(|p| json!({"type": "library", "name": p.name, "version": p.version}))
                .collect();
            let doc = json!({
                "bomFormat": "CycloneDX", "specVersion": version.unwrap_or("1.6"), "version": 1,
                "metadata": {"component": {"type": "application", "name": m.name()}},
                "components": components,
            });
            Ok(("application/json", pretty(&doc)))
        }
        ("cyclonedx", "xml") => {
            let components: String = pkgs
                .iter()
                .map(|p| {
                    format!(
                        "<component type=\"library\"><name>{}</name><version>{}</version></component>",
                        xml_escape(&p.name),
                        xml_escape(&p.version)
                    )
                })
                .collect();
            let ns = version.unwrap_or("1.6");
            let doc = format!(
                "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/{ns}\" version=\"1\"><components>{components}</components></bom>\n"
            );
            Ok(("application/xml", doc.into_bytes()))
        }
        ("spdx" | "spdx-lite", "json") => {
            let packages: Vec<Value> = pkgs
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({"SPDXID": format!("SPDXRef-Package-{i}"), "name": p.name,
                           "versionInfo": p.version, "downloadLocation": "NOASSERTION"})
                })
                .collect();
            let doc = json!({
                "spdxVersion": format!("SPDX-{}", version.unwrap_or("2.3")),
                "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": m.name(),
                "documentNamespace": format!("https://vigiles.example.test/spdx/{}", m.token),
                "creationInfo": {"created": m.upload_date(), "creators": ["Tool: llapi-test-server"]},
                "packages": packages,
            });
            Ok(("application/json", pretty(&doc)))
        }
        _ => Err(format!(
            "unsupported sbom_format/file_format {sbom_format}/{file_format} (the test server converts to cyclonedx json/xml and spdx json)"
        )),
    }
}

fn pretty(doc: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(doc).expect("JSON values serialize")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
