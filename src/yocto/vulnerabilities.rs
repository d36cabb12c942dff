//! Vulnerability statements from a recipe's patches (`CVE:` tags) and `CVE_STATUS` decisions,
//! in the form meta-timesys writes (spec §5.3, §6.1).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::metadata::Recipe;

/// The Vigiles analysis state and justification for a `CVE_STATUS` detail.
pub fn analysis_state(detail: &str) -> (&'static str, &'static str) {
    let state = match detail {
        "patched" | "backported-patch" | "fix-file-included" => "resolved_with_pedigree",
        "cpe-stable-backport" | "fixed-version" | "version-not-in-range" => "resolved",
        "vulnerable-investigating" => "in_triage",
        "ignored"
        | "cpe-incorrect"
        | "disputed"
        | "not-applicable-config"
        | "not-applicable-platform"
        | "upstream-wontfix" => "not_affected",
        _ => "exploitable",
    };
    let justification = match detail {
        "not-applicable-config" | "not-applicable-platform" => "code_not_present",
        _ => "",
    };
    (state, justification)
}

/// CVE id → patch file names fixing it.
pub fn patched_cves(recipe: &Recipe) -> BTreeMap<String, Vec<String>> {
    let mut fixed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for patch in &recipe.patches {
        for cve in &patch.cves {
            fixed
                .entry(cve.clone())
                .or_default()
                .push(patch.name.clone());
        }
    }
    fixed
}

/// The statements of one recipe: one per patched CVE, one per `CVE_STATUS` decision (a decision
/// overrides the patch statement for the same CVE).
pub fn statements(recipe: &Recipe) -> Vec<Value> {
    let version = if recipe.cve_version.is_empty() {
        &recipe.pv
    } else {
        &recipe.cve_version
    };
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for (cve, patches) in patched_cves(recipe) {
        let detail = format!("fix-file-included: Fixed by Patches: {patches:?}");
        let mut statement = statement(
            &cve,
            "resolved_with_pedigree",
            "",
            &detail,
            "Patch",
            &recipe.pn,
            version,
        );
        statement["properties"] = json!({"name": "patches", "value": patches.join(" ")});
        by_id.insert(cve, statement);
    }
    for decision in &recipe.cve_status {
        let (state, justification) = analysis_state(&decision.detail);
        let detail = if decision.description.is_empty() {
            decision.detail.clone()
        } else {
            format!("{}: {}", decision.detail, decision.description)
        };
        by_id.insert(
            decision.id.clone(),
            statement(
                &decision.id,
                state,
                justification,
                &detail,
                "CVE_STATUS",
                &recipe.pn,
                version,
            ),
        );
    }
    by_id.into_values().collect()
}

fn statement(
    id: &str,
    state: &str,
    justification: &str,
    detail: &str,
    source: &str,
    product: &str,
    version: &str,
) -> Value {
    let status = if state == "not_affected" {
        "unaffected"
    } else {
        "affected"
    };
    json!({
        "id": id,
        "analysis": {"state": state, "justification": justification, "detail": detail},
        "source": {"name": source},
        "affects": [{"product": product, "versions": [{"status": status, "version": version}]}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yocto::metadata::{CveStatus, Patch};

    #[test]
    fn patches_and_decisions_give_statements() {
        let recipe = Recipe {
            pn: "hello".into(),
            pv: "2.12".into(),
            patches: vec![Patch {
                name: "fix.patch".into(),
                cves: vec!["CVE-2024-0001".into(), "CVE-2024-0002".into()],
            }],
            cve_status: vec![
                CveStatus {
                    id: "CVE-2024-0002".into(),
                    detail: "fixed-version".into(),
                    description: "".into(),
                },
                CveStatus {
                    id: "CVE-2023-9".into(),
                    detail: "not-applicable-config".into(),
                    description: "no ssl".into(),
                },
            ],
            ..Recipe::default()
        };
        let all = statements(&recipe);
        let ids: Vec<&str> = all.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["CVE-2023-9", "CVE-2024-0001", "CVE-2024-0002"]);
        assert_eq!(all[0]["analysis"]["state"], "not_affected");
        assert_eq!(all[0]["analysis"]["justification"], "code_not_present");
        assert_eq!(all[0]["affects"][0]["versions"][0]["status"], "unaffected");
        assert_eq!(all[1]["analysis"]["state"], "resolved_with_pedigree");
        assert_eq!(all[1]["properties"]["value"], "fix.patch");
        assert_eq!(all[2]["analysis"]["state"], "resolved");
        assert_eq!(all[2]["affects"][0]["versions"][0]["version"], "2.12");
    }

    #[test]
    fn unknown_detail_is_exploitable() {
        assert_eq!(analysis_state("something-new"), ("exploitable", ""));
        assert_eq!(analysis_state("unpatched").0, "exploitable");
        assert_eq!(analysis_state("vulnerable-investigating").0, "in_triage");
    }
}
