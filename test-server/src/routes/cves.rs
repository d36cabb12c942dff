//! `/api/v1/vigiles/cves...`: search by product, CVE info, vulnerability status.

use serde_json::{json, Map, Value};

use super::{not_found, ok, Answer, Ctx};
use crate::http::Response;
use crate::scan::{base_number, is_vulnerable};

use llapi::api::cves::{SCOPES, STATUSES};

pub(super) fn route(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", []) => search(ctx),
        ("GET", [id]) => info(ctx, id),
        ("POST", [id, "vuln-status"]) => set_status(ctx, id),
        ("GET", [id, "vuln-status"]) => get_status(ctx, id),
        _ => return None,
    })
}

fn search(ctx: &mut Ctx) -> Answer {
    let product = ctx.required("product")?;
    let ids: Vec<String> = if is_vulnerable(product, ctx.vulnerable) {
        let base = base_number(product);
        (0..3).map(|i| format!("CVE-2099-{}", base + i)).collect()
    } else {
        Vec::new()
    };
    if ctx.flag("ids_only") {
        return ok(json!(ids));
    }
    let map: Map<String, Value> = ids
        .into_iter()
        .map(|id| {
            let d = json!(format!("Synthetic vulnerability {id} in {product}"));
            (id, d)
        })
        .collect();
    ok(Value::Object(map))
}

fn info(ctx: &mut Ctx, id: &str) -> Answer {
    if !id.starts_with("CVE-") {
        return Err(not_found(&format!("CVE {id} not found")));
    }
    let full = json!({
        "identifier": id,
        "description": format!("Synthetic vulnerability {id}"),
        "assigner": "cve@example.test",
        "published": "2099-01-01T00:00:00Z",
        "modified": "2099-01-02T00:00:00Z",
        "impact": {"baseMetricV3": {"cvssV3": {"baseScore": 9.8}}},
        "problem_types": ["CWE-787"],
        "references": [format!("https://example.test/{id}")],
        "affected_configurations": [],
        "nvd_status": "Analyzed",
        "cisa": null,
        "epss": {"score": 0.01},
    });
    let fields = ctx.list("fields");
    if fields.is_empty() {
        return ok(full);
    }
    let mut out = Map::new();
    out.insert("identifier".into(), json!(id));
    for f in fields {
        if let Some(v) = full.get(f) {
            out.insert(f.to_string(), v.clone());
        }
    }
    ok(Value::Object(out))
}

fn set_status(ctx: &mut Ctx, id: &str) -> Answer {
    let scope = ctx.required("scope")?.to_string();
    let package = ctx.required("package")?.to_string();
    let status = ctx.required("status")?.to_string();
    if !SCOPES.contains(&scope.as_str()) {
        return Err(Response::error(400, &format!("Invalid scope: {scope}")));
    }
    if !STATUSES.contains(&status.as_str()) {
        return Err(Response::error(400, &format!("Invalid status: {status}")));
    }
    let note = json!({
        "kind": "vuln_status", "cve_id": id, "scope": scope, "package": package, "status": status,
        "justification": ctx.param("justification"), "justification_detail": ctx.param("justification_detail"),
        "package_version": ctx.param("package_version"),
        "manifest_tokens": ctx.list("manifest_tokens"), "group_tokens": ctx.list("group_tokens"),
    });
    ctx.store.annotations.push(note);
    ok(json!({"success": true, "message": format!("Status of {id} set to {status}")}))
}

fn get_status(ctx: &mut Ctx, id: &str) -> Answer {
    let manifest = ctx.required("manifest_token")?;
    let package = ctx.required("package_name")?;
    let version = ctx.required("package_version")?;
    let stored = ctx.store.annotations.iter().rev().find(|n| {
        n["kind"] == "vuln_status"
            && n["cve_id"] == id
            && n["package"] == package
            && (n["scope"] == "all"
                || n["manifest_tokens"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|x| x == manifest)))
    });
    ok(json!({
        "cve_id": id, "package_name": package, "package_version": version, "manifest_token": manifest,
        "status": stored.map_or(json!("Unfixed"), |n| n["status"].clone()),
        "justification": stored.map_or(Value::Null, |n| n["justification"].clone()),
    }))
}
