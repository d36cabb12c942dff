//! The report the service exports with an upload: `exported_report` is base64 of a gzip of the
//! file; it is written to the export path with the extension of its format.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::fsutil;

/// The file extension of an export format (pdf/pdfsummary → pdf, cyclonedx-* → its file format).
pub fn extension(format: &str, cyclonedx_format: Option<&str>) -> String {
    match format {
        "pdf" | "pdfsummary" => "pdf".into(),
        f if f.starts_with("cyclonedx") => cyclonedx_format.unwrap_or("json").into(),
        f => f.into(),
    }
}

/// Takes `exported_report` out of a scan result and writes it (mode 0600) to `path` with its
/// extension replaced. Returns the written path, or `None` when the answer carried no report.
pub fn save(result: &mut Json, path: &Path, extension: &str) -> Result<Option<PathBuf>> {
    let Some(encoded) = result
        .as_object_mut()
        .and_then(|o| o.remove("exported_report"))
    else {
        return Ok(None);
    };
    let encoded = encoded
        .as_str()
        .ok_or_else(|| Error::Transport("exported_report in the answer is not a string".into()))?;
    let gz = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| Error::Transport(format!("exported_report is not base64: {e}")))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Transport(format!("exported_report is not gzip data: {e}")))?;
    let target = path.with_extension(extension);
    fsutil::atomic_write_private(&target, |w| w.write_all(&bytes))?;
    Ok(Some(target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn decodes_and_writes_with_the_format_extension() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"a,b\n1,2\n").unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        let mut result = serde_json::json!({"exported_report": encoded, "manifest_token": "M"});
        let dir = tempfile::tempdir().unwrap();
        let written = save(
            &mut result,
            &dir.path().join("report.txt"),
            &extension("csv", None),
        )
        .unwrap()
        .unwrap();
        assert_eq!(written, dir.path().join("report.csv"));
        assert_eq!(std::fs::read(&written).unwrap(), b"a,b\n1,2\n");
        assert!(result.get("exported_report").is_none());
        assert_eq!(extension("cyclonedx-vex", Some("xml")), "xml");
        assert_eq!(extension("pdfsummary", None), "pdf");
    }
}
