//! `/api/v1/vigiles/manifests...`: upload, list, info, delete, reports, rescan, custom scores,
//! bulk move/copy.

use serde_json::{json, Value};

use super::{not_found, ok, Answer, Ctx};
use crate::http::Response;
use crate::store::{Report, StoredManifest};
use crate::verify::{Pairs, Text};

pub(super) fn route(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", []) => list(ctx),
        ("POST", []) => upload(ctx),
        ("POST", ["bulk-options", "move"]) => bulk_move(ctx),
        ("GET", [token]) => info(ctx, token),
        ("DELETE", [token]) => delete(ctx, token),
        ("GET", [token, "reports"]) => report_list(ctx, token),
        ("POST", [token, "reports"]) => rescan(ctx, token),
        ("GET", [token, "reports", "latest"]) => latest(ctx, token),
        ("POST", [token, "custom_scores"]) => custom_score(ctx, token),
        _ => return None,
    })
}

/// The manifest of a request that is an upload whose answer includes a scan, if it is one
/// (the server scans it ahead, while it checks the signature).
pub(crate) fn manifest_to_scan(method: &str, path: &str, pairs: &Pairs) -> Option<Text> {
    let upload = method == "POST"
        && super::segments(path) == ["api", "v1", "vigiles", "manifests"]
        && !super::flag(pairs, "upload_only");
    let manifest = pairs.iter().find(|(n, _)| n == "manifest");
    manifest
        .map(|(_, m)| m.clone())
        .filter(|m| upload && !m.is_empty())
}

fn find(ctx: &Ctx, token: &str) -> Result<StoredManifest, Response> {
    ctx.store
        .manifest(token)
        .cloned()
        .ok_or_else(|| not_found(&format!("Manifest {token} not found")))
}

/// The name a manifest document gives itself: `manifest_name`, `image`, a CycloneDX
/// `metadata.component.name` or `name`; else "manifest".
pub(crate) fn name_in(manifest: &str) -> String {
    // Only these top-level members are kept; the rest (the package list of a large manifest)
    // is skipped without building it.
    #[derive(serde::Deserialize, Default)]
    struct Head {
        manifest_name: Option<Value>,
        image: Option<Value>,
        metadata: Option<Value>,
        name: Option<Value>,
    }
    let doc: Head = if manifest.trim_start().starts_with('{') {
        serde_json::from_str(manifest).unwrap_or_default()
    } else {
        Head::default()
    };
    let nested = doc.metadata.as_ref().map(|m| &m["component"]["name"]);
    let candidates = [
        doc.manifest_name.as_ref(),
        doc.image.as_ref(),
        nested,
        doc.name.as_ref(),
    ];
    let name = candidates
        .into_iter()
        .find_map(|v| v.and_then(Value::as_str).map(str::to_string));
    name.unwrap_or_else(|| "manifest".to_string())
}

fn summary(m: &StoredManifest) -> Value {
    json!({
        "manifest_name": m.name(),
        "manifest_token": m.token,
        m.group_field.clone(): m.group_token,
        "folder_token": m.folder_token,
        "upload_date": m.upload_date(),
    })
}

fn persist(ctx: &Ctx, m: &StoredManifest) -> Result<(), Response> {
    match ctx.persist {
        Some(p) => p
            .save_manifest(m)
            .map_err(|e| Response::error(500, &format!("cannot persist manifest: {e}"))),
        None => Ok(()),
    }
}

/// The folder named `subfolder_name` under the upload's folder (or group root), created on demand.
fn subfolder(ctx: &mut Ctx, group: &str, parent: &str) -> Option<String> {
    let name = ctx.non_empty("subfolder_name")?.to_string();
    if group.is_empty() {
        return None;
    }
    let parent = (!parent.is_empty()).then(|| parent.to_string());
    if let Some(f) = ctx
        .store
        .folders
        .iter()
        .find(|f| f.name == name && f.parent == parent)
    {
        return Some(f.token.clone());
    }
    let token = ctx.store.new_token("FLD");
    ctx.store.folders.push(crate::store::Folder {
        token: token.clone(),
        name,
        description: String::new(),
        group_token: group.to_string(),
        parent,
        archived: false,
    });
    Some(token)
}

fn upload(ctx: &mut Ctx) -> Answer {
    let manifest = ctx
        .value("manifest")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| Response::error(400, "manifest data is required"))?;
    let (group_field, group) = match (ctx.param("group_token"), ctx.param("product_token")) {
        (None, Some(product)) => ("product_token", product.to_string()),
        (group, _) => ("group_token", group.unwrap_or_default().to_string()),
    };
    let mut folder = ctx.param("folder_token").unwrap_or_default().to_string();
    if let Some(sub) = subfolder(ctx, &group, &folder) {
        folder = sub;
    }
    let stored = StoredManifest {
        token: ctx.store.new_token("MAN"),
        name: Default::default(),
        group_token: group,
        group_field: group_field.to_string(),
        folder_token: folder,
        params: ctx
            .pairs
            .iter()
            .filter(|(n, _)| n != "manifest")
            .cloned()
            .collect(),
        manifest,
        uploaded: ctx.now,
    };
    persist(ctx, &stored)?;
    ctx.store.manifests.push(stored.clone());
    let mut result = json!({
        "manifest_token": stored.token,
        group_field: stored.group_token,
        "folder_token": stored.folder_token,
        "date": stored.upload_date(),
    });
    if ctx.flag("upload_only") {
        return ok(result);
    }
    let ahead = ctx.scanned.take();
    let report = match ahead.filter(|(m, _)| Text::ptr_eq(m, &stored.manifest)) {
        Some((_, scan)) => ctx.store.keep_report(&stored.token, scan, ctx.now),
        None => ctx
            .store
            .add_report(&stored.token, ctx.vulnerable, ctx.now)
            .expect("manifest was just stored"),
    };
    extend(
        &mut result,
        scan_result(ctx, &stored, &report, ctx.flag("filter_results")),
    );
    if let Some(format) = ctx.non_empty("export_format") {
        let (_, content) = super::reports::render(
            format,
            &report.scan,
            ctx.param("cyclonedx_format").unwrap_or("json"),
            ctx.param("cyclonedx_version").unwrap_or("1.7"),
        )?;
        result["exported_report"] = json!(crate::scan::gzip_base64(&content));
    }
    ok(result)
}

fn extend(target: &mut Value, extra: Value) {
    if let (Some(t), Value::Object(e)) = (target.as_object_mut(), extra) {
        t.extend(e);
    }
}

/// The scan-result fields shared by upload, rescan and latest report.
fn scan_result(ctx: &Ctx, m: &StoredManifest, report: &Report, filtered: bool) -> Value {
    let fields = ctx.list("with_field");
    json!({
        "manifest_token": m.token,
        m.group_field.clone(): m.group_token,
        "folder_token": m.folder_token,
        "report_token": report.token,
        "report_path": format!("/cves/reports/{}", report.token),
        "date": crate::store::timestamp(report.created),
        "counts": report.scan.counts(),
        "cves": report.scan.cves(filtered, &fields),
    })
}

fn list(ctx: &mut Ctx) -> Answer {
    let folder = ctx.non_empty("folder_token");
    let group = ctx
        .non_empty("group_token")
        .or(ctx.non_empty("product_token"));
    let items: Vec<Value> = ctx
        .store
        .manifests
        .iter()
        .filter(|m| match (folder, group) {
            (Some(f), _) => m.folder_token == f,
            (None, Some(g)) => m.group_token == g,
            (None, None) => true,
        })
        .map(summary)
        .collect();
    ok(Value::Array(items))
}

fn info(ctx: &mut Ctx, token: &str) -> Answer {
    let m = find(ctx, token)?;
    let (content_type, bytes) = match ctx.non_empty("sbom_format") {
        Some(format) => crate::convert::convert(
            &m,
            format,
            ctx.non_empty("file_format"),
            ctx.non_empty("sbom_version"),
        )
        .map_err(|message| Response::error(400, &message))?,
        None => ("application/octet-stream", m.bytes().to_vec()),
    };
    if ctx.flag("send_file") {
        return Ok(Response::raw(200, content_type, bytes));
    }
    let text = String::from_utf8_lossy(&bytes);
    let data: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!(text));
    let mut result = summary(&m);
    result["manifest_data"] = data;
    ok(result)
}

fn delete(ctx: &mut Ctx, token: &str) -> Answer {
    find(ctx, token)?;
    if !ctx.flag("confirmed") {
        return ok(
            json!({"success": false, "message": "Deletion not confirmed: pass confirmed=True"}),
        );
    }
    ctx.store.manifests.retain(|m| m.token != token);
    ctx.store.reports.retain(|r| r.manifest_token != token);
    if let Some(p) = ctx.persist {
        p.remove_manifest(token);
    }
    ok(json!({"success": true, "message": format!("Manifest {token} deleted")}))
}

fn report_list(ctx: &mut Ctx, token: &str) -> Answer {
    let m = find(ctx, token)?;
    let reports: Vec<Value> = ctx
        .store
        .reports
        .iter()
        .filter(|r| r.manifest_token == token)
        .map(|r| {
            json!({"created_date": crate::store::timestamp(r.created), "report_token": r.token,
                   "manifest_token": r.manifest_token, "manifest_version": 1})
        })
        .collect();
    ok(json!({"manifest_token": m.token, "manifest_name": m.name(), "reports": reports}))
}

fn rescan(ctx: &mut Ctx, token: &str) -> Answer {
    let m = find(ctx, token)?;
    let report = ctx
        .store
        .add_report(token, ctx.vulnerable, ctx.now)
        .expect("manifest exists");
    if ctx.flag("rescan_only") {
        return ok(
            json!({"manifest_token": m.token, "report_token": report.token,
                         "report_path": format!("/cves/reports/{}", report.token)}),
        );
    }
    ok(scan_result(ctx, &m, &report, ctx.flag("filtered")))
}

fn latest(ctx: &mut Ctx, token: &str) -> Answer {
    let m = find(ctx, token)?;
    let report = match ctx.store.latest_report(token) {
        Some(r) => r.clone(),
        None => ctx
            .store
            .add_report(token, ctx.vulnerable, ctx.now)
            .expect("manifest exists"),
    };
    let mut result = scan_result(ctx, &m, &report, ctx.flag("filtered"));
    let path_field = if m.group_field == "product_token" {
        "product_path"
    } else {
        "group_path"
    };
    result[path_field] = json!(format!("/vigiles/groups/{}", m.group_token));
    ok(result)
}

fn custom_score(ctx: &mut Ctx, token: &str) -> Answer {
    find(ctx, token)?;
    let (Some(package), Some(cve), Some(score)) = (
        ctx.non_empty("package_name"),
        ctx.non_empty("cve_id"),
        ctx.non_empty("custom_score"),
    ) else {
        return Err(Response::error(
            400,
            "Missing required data from: { product_name, cve_id, custom_score, manifest_token }",
        ));
    };
    if !score
        .parse::<f64>()
        .is_ok_and(|s| (0.0..=10.0).contains(&s))
    {
        return Err(Response::error(
            400,
            "custom_score must be a number from 0 to 10",
        ));
    }
    let note = json!({"kind": "custom_score", "manifest_token": token, "package_name": package,
                      "package_version": ctx.param("package_version"), "cve_id": cve, "custom_score": score});
    ctx.store.annotations.push(note);
    ok(json!({"success": true, "message": "Custom score set"}))
}

fn bulk_move(ctx: &mut Ctx) -> Answer {
    let tokens: Vec<String> = ctx
        .list("sbom_tokens")
        .iter()
        .map(|s| s.to_string())
        .collect();
    if tokens.is_empty() {
        return Err(Response::error(400, "sbom_tokens is required"));
    }
    let target_folder = ctx.non_empty("target_folder_token").map(str::to_string);
    let target_group = ctx.non_empty("target_group_token").map(str::to_string);
    if target_folder.is_none() && target_group.is_none() {
        return Err(Response::error(
            400,
            "Please specify either a target group or target folder token",
        ));
    }
    let folder_group = target_folder
        .as_ref()
        .and_then(|f| ctx.store.folders.iter().find(|x| &x.token == f))
        .map(|f| f.group_token.clone());
    let copy = ctx.flag("copy");
    let history = ctx.flag("include_history");
    let mut result_tokens = Vec::new();
    for token in &tokens {
        let mut m = find(ctx, token)?;
        if let Some(g) = target_group.clone().or(folder_group.clone()) {
            m.group_token = g;
        }
        m.folder_token = target_folder.clone().unwrap_or_default();
        if copy {
            let old = m.token.clone();
            m.token = ctx.store.new_token("MAN");
            let copies: Vec<Report> = ctx
                .store
                .reports
                .iter()
                .filter(|r| history && r.manifest_token == old)
                .cloned()
                .collect();
            for mut r in copies {
                r.token = ctx.store.new_token("RPT");
                r.manifest_token = m.token.clone();
                ctx.store.reports.push(r);
            }
            ctx.store.manifests.push(m.clone());
        } else if let Some(slot) = ctx.store.manifests.iter_mut().find(|x| &x.token == token) {
            *slot = m.clone();
        }
        persist(ctx, &m)?;
        result_tokens.push(m.token);
    }
    let verb = if copy { "copied" } else { "moved" };
    ok(
        json!({"success": true, "message": format!("{} manifest(s) {verb}", tokens.len()),
              "manifest_tokens": result_tokens}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(n, v)| (n.to_string(), Text::from(*v)))
            .collect()
    }

    #[test]
    fn only_uploads_answered_with_a_scan_are_scanned_ahead() {
        let upload = pairs(&[("manifest", "{}"), ("upload_only", "False")]);
        let path = "/api/v1/vigiles/manifests";
        let manifest = manifest_to_scan("POST", path, &upload).expect("scanned ahead");
        assert!(Text::ptr_eq(&manifest, &upload[0].1));
        assert!(manifest_to_scan("POST", "/api/v1/vigiles/manifests/", &upload).is_some());
        assert!(manifest_to_scan("GET", path, &upload).is_none());
        assert!(manifest_to_scan("POST", "/api/v1/vigiles/manifests/M/reports", &upload).is_none());
        let only = pairs(&[("manifest", "{}"), ("upload_only", "true")]);
        assert!(manifest_to_scan("POST", path, &only).is_none());
        assert!(manifest_to_scan("POST", path, &pairs(&[("manifest", "")])).is_none());
        assert!(manifest_to_scan("POST", path, &pairs(&[("email", "a@b")])).is_none());
    }
}
