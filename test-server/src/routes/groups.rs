//! `/api/v1/vigiles/groups...` (members, settings, archive, activity log) and the legacy
//! `/api/v1/vigiles/products...`, both on the same group records.

use serde_json::{json, Map, Value};

use super::{not_found, ok, Answer, Ctx};
use crate::http::Response;
use crate::store::Group;

use llapi::api::groups::VULN_IDENTIFIERS as IDENTIFIERS;

pub(super) fn route(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", []) => list(ctx, false),
        ("GET", ["archived"]) => list(ctx, true),
        ("POST", []) => {
            create(ctx, "group_name", "description").map(|g| Response::json(200, &short(&g)))
        }
        ("PATCH", [action @ ("archive" | "unarchive")]) => archive(ctx, *action == "archive"),
        ("GET", [token]) => info(ctx, token),
        ("DELETE", [token]) => delete(ctx, token),
        ("GET", [token, "members"]) => members(ctx, token),
        ("POST", [token, "members"]) => add_member(ctx, token),
        ("PUT", [token, "members", email]) => update_member(ctx, token, email),
        ("DELETE", [token, "members", email]) => remove_member(ctx, token, email),
        ("GET", [token, "settings"]) => settings(ctx, token),
        ("PATCH", [token, "settings"]) => update_settings(ctx, token),
        ("GET", [token, "activity_log"]) => activity_log(ctx, token),
        _ => return None,
    })
}

/// Legacy products: list, create (`name`, `desc`), info.
pub(super) fn products(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", []) => ok(ctx
            .store
            .groups
            .iter()
            .filter(|g| !g.archived)
            .map(short)
            .collect()),
        ("POST", []) => create(ctx, "name", "desc").map(|g| Response::json(200, &short(&g))),
        ("GET", [token]) => find(ctx, token).map(|g| {
            let mut v = short(&g);
            v["is_default"] = json!(false);
            v["created"] = json!(crate::store::timestamp(g.created));
            Response::json(200, &v)
        }),
        _ => return None,
    })
}

fn short(g: &Group) -> Value {
    json!({"name": g.name, "description": g.description, "token": g.token})
}

fn full(g: &Group) -> Value {
    json!({"name": g.name, "description": g.description, "token": g.token, "group_type": "enterprise",
           "organization_token": "ORG-test", "parent_token": g.parent, "archived": g.archived,
           "created": crate::store::timestamp(g.created)})
}

fn find(ctx: &Ctx, token: &str) -> Result<Group, Response> {
    ctx.store
        .groups
        .iter()
        .find(|g| g.token == token)
        .cloned()
        .ok_or_else(|| not_found(&format!("Group {token} not found")))
}

fn create(ctx: &mut Ctx, name_field: &str, desc_field: &str) -> Result<Group, Response> {
    let name = ctx.required(name_field)?.to_string();
    let mut settings = Map::new();
    settings.insert("vuln_identifiers".into(), json!(["CPE", "CVE Product"]));
    for key in [
        "vuln_strict_match",
        "report_dep_vulns",
        "auto_close_jira_issues",
    ] {
        settings.insert(key.into(), json!("off"));
    }
    let group = Group {
        token: ctx.store.new_token("GRP"),
        name,
        description: ctx.param(desc_field).unwrap_or_default().to_string(),
        parent: ctx.non_empty("group_token").map(str::to_string),
        archived: false,
        members: vec![
            json!({"email": ctx.email(), "role": "admin", "allow_access_to_subgroups": true}),
        ],
        settings,
        created: ctx.now,
    };
    ctx.store.groups.push(group.clone());
    Ok(group)
}

fn list(ctx: &mut Ctx, archived: bool) -> Answer {
    let mut items: Vec<Value> = ctx
        .store
        .groups
        .iter()
        .filter(|g| g.archived == archived)
        .map(full)
        .collect();
    if !archived && ctx.flag("include_private_workspaces") {
        items.push(
            json!({"name": "Private Workspace", "description": "", "token": "PRIVATE",
                          "group_type": "private", "organization_token": null}),
        );
    }
    ok(Value::Array(items))
}

fn archive(ctx: &mut Ctx, archived: bool) -> Answer {
    let tokens = ctx.tokens()?;
    for token in &tokens {
        find(ctx, token)?;
    }
    for g in ctx
        .store
        .groups
        .iter_mut()
        .filter(|g| tokens.contains(&g.token))
    {
        g.archived = archived;
    }
    super::archived("group", tokens.len(), archived)
}

fn info(ctx: &mut Ctx, token: &str) -> Answer {
    let g = find(ctx, token)?;
    let mut v = full(&g);
    if ctx.flag("subgroups") {
        let subs: Vec<Value> = ctx
            .store
            .groups
            .iter()
            .filter(|s| s.parent.as_deref() == Some(token))
            .map(short)
            .collect();
        v["subgroups"] = Value::Array(subs);
    }
    ok(v)
}

fn delete(ctx: &mut Ctx, token: &str) -> Answer {
    find(ctx, token)?;
    ctx.store.groups.retain(|g| g.token != token);
    ok(json!({"message": format!("Group {token} deleted"), "status_code": 200}))
}

fn members(ctx: &mut Ctx, token: &str) -> Answer {
    let g = find(ctx, token)?;
    ok(
        json!({"group_name": g.name, "description": g.description, "token": g.token,
              "group_type": "enterprise", "group_members": g.members}),
    )
}

fn add_member(ctx: &mut Ctx, token: &str) -> Answer {
    let email = ctx.required("member_email")?.to_string();
    let role = ctx.required("role")?.to_string();
    let member = json!({"email": email, "role": role, "allow_access_to_subgroups": ctx.flag("allow_access_to_subgroups")});
    let group = ctx
        .store
        .group_mut(token)
        .ok_or_else(|| not_found(&format!("Group {token} not found")))?;
    if group.members.iter().any(|m| m["email"] == json!(email)) {
        return Err(Response::error(
            409,
            &format!("{email} is already a member"),
        ));
    }
    group.members.push(member);
    ok(json!({"message": format!("{email} added"), "status_code": 200}))
}

fn member_of<'a>(
    ctx: &'a mut Ctx,
    token: &str,
    email: &str,
) -> Result<(&'a mut Group, usize), Response> {
    let group = ctx
        .store
        .group_mut(token)
        .ok_or_else(|| not_found(&format!("Group {token} not found")))?;
    let index = group
        .members
        .iter()
        .position(|m| m["email"] == json!(email))
        .ok_or_else(|| not_found(&format!("{email} is not a member")))?;
    Ok((group, index))
}

fn update_member(ctx: &mut Ctx, token: &str, email: &str) -> Answer {
    let role = ctx.required("new_role")?.to_string();
    let (group, index) = member_of(ctx, token, email)?;
    group.members[index]["role"] = json!(role);
    ok(json!({"message": format!("{email} updated"), "status_code": 200}))
}

fn remove_member(ctx: &mut Ctx, token: &str, email: &str) -> Answer {
    let (group, index) = member_of(ctx, token, email)?;
    group.members.remove(index);
    ok(json!({"message": format!("{email} removed"), "status_code": 200}))
}

fn settings(ctx: &mut Ctx, token: &str) -> Answer {
    let g = find(ctx, token)?;
    let mut v = Value::Object(g.settings);
    v["name"] = json!(g.name);
    v["token"] = json!(g.token);
    ok(v)
}

fn update_settings(ctx: &mut Ctx, token: &str) -> Answer {
    let identifiers: Vec<String> = ctx
        .list("vuln_identifiers")
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(bad) = identifiers
        .iter()
        .find(|i| !IDENTIFIERS.contains(&i.as_str()))
    {
        return Err(Response::error(
            400,
            &format!("Invalid vuln identifier: {bad}"),
        ));
    }
    let mut switches = Vec::new();
    for key in [
        "vuln_strict_match",
        "report_dep_vulns",
        "auto_close_jira_issues",
    ] {
        if let Some(value) = ctx.param(key) {
            if value != "on" && value != "off" {
                return Err(Response::error(
                    400,
                    &format!("{key} must be 'on' or 'off'"),
                ));
            }
            switches.push((key, value.to_string()));
        }
    }
    let group = ctx
        .store
        .group_mut(token)
        .ok_or_else(|| not_found(&format!("Group {token} not found")))?;
    if !identifiers.is_empty() {
        group
            .settings
            .insert("vuln_identifiers".into(), json!(identifiers));
    }
    for (key, value) in switches {
        group.settings.insert(key.into(), json!(value));
    }
    ok(json!({"message": "Settings updated", "status_code": 200}))
}

fn activity_log(ctx: &mut Ctx, token: &str) -> Answer {
    let manifest_filter = ctx.non_empty("manifest_token");
    let entries: Vec<Value> = ctx
        .store
        .manifests
        .iter()
        .filter(|m| m.group_token == token && manifest_filter.is_none_or(|t| t == m.token))
        .map(|m| {
            json!({"log_type": "manifest", "log_method": "api", "message": format!("Uploaded {}", m.name()),
                   "manifest_token": m.token, "user_email": m.param("email"), "date": m.upload_date()})
        })
        .collect();
    ok(Value::Array(entries))
}
