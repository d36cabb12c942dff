//! `/api/v1/vigiles/reports...`: download in a format, compare two reports.

use std::collections::BTreeSet;

use serde_json::json;

use super::{not_found, ok, Answer, Ctx};
use crate::http::Response;
use crate::scan::Scan;

/// Accepted `format` values of a report download / export.
pub const FORMATS: [&str; 6] = [
    "csv",
    "pdf",
    "pdfsummary",
    "xlsx",
    "cyclonedx-vex",
    "cyclonedx-sbom-vex",
];

pub(super) fn route(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", ["compare"]) => compare(ctx),
        ("GET", [token]) => download(ctx, token),
        _ => return None,
    })
}

/// Renders a report: (content type, bytes). The non-CSV formats are recognisable stand-ins
/// (`%PDF` header, `PK` zip header, CycloneDX JSON/XML), not real documents.
pub fn render(
    format: &str,
    scan: &Scan,
    sbom_format: &str,
    sbom_version: &str,
) -> Result<(&'static str, Vec<u8>), Response> {
    let csv = scan.csv();
    Ok(match format {
        "csv" => ("text/csv", csv.into_bytes()),
        "pdf" | "pdfsummary" => (
            "application/pdf",
            format!("%PDF-1.4\n% synthetic {format}\n{csv}%%EOF\n").into_bytes(),
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            [b"PK\x03\x04".as_slice(), csv.as_bytes()].concat(),
        ),
        "cyclonedx-vex" | "cyclonedx-sbom-vex" if sbom_format == "xml" => {
            let vulns: String = scan
                .findings
                .iter()
                .map(|f| format!("<vulnerability><id>{}</id></vulnerability>", f.cve_id))
                .collect();
            ("application/xml", format!("<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/{sbom_version}\"><vulnerabilities>{vulns}</vulnerabilities></bom>\n").into_bytes())
        }
        "cyclonedx-vex" | "cyclonedx-sbom-vex" => {
            let vulns: Vec<_> = scan
                .findings
                .iter()
                .map(|f| json!({"id": f.cve_id, "affects": [{"ref": f.package}]}))
                .collect();
            let doc = json!({"bomFormat": "CycloneDX", "specVersion": sbom_version, "version": 1, "vulnerabilities": vulns});
            (
                "application/json",
                serde_json::to_vec_pretty(&doc).expect("JSON values serialize"),
            )
        }
        _ => {
            return Err(Response::error(
                400,
                &format!(
                    "Invalid or missing 'format' arg. Acceptable values: {}",
                    FORMATS.join(", ")
                ),
            ))
        }
    })
}

fn download(ctx: &mut Ctx, token: &str) -> Answer {
    let report = ctx
        .store
        .report(token)
        .cloned()
        .ok_or_else(|| not_found(&format!("Report {token} not found")))?;
    let mut scan = report.scan;
    if ctx.flag("filtered") {
        scan.findings.retain(|f| f.status != "Fixed");
    }
    let (content_type, body) = render(
        ctx.param("format").unwrap_or(""),
        &scan,
        ctx.param("sbom_format").unwrap_or("json"),
        ctx.param("sbom_version").unwrap_or("1.7"),
    )?;
    Ok(Response::raw(200, content_type, body))
}

fn compare(ctx: &mut Ctx) -> Answer {
    let one = ctx.required("token_one")?;
    let two = ctx.required("token_two")?;
    let ids = |token: &str| -> Result<BTreeSet<String>, Response> {
        ctx.store
            .report(token)
            .map(|r| r.scan.ids().into_iter().collect())
            .ok_or_else(|| not_found(&format!("Report {token} not found")))
    };
    let (a, b) = (ids(one)?, ids(two)?);
    ok(json!({
        "resolved": a.difference(&b).collect::<Vec<_>>(),
        "new": b.difference(&a).collect::<Vec<_>>(),
    }))
}
