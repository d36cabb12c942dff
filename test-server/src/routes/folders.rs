//! `/api/v1/vigiles/folders...`: list, create, archive, unarchive.

use serde_json::{json, Value};

use super::{ok, Answer, Ctx};
use crate::http::Response;
use crate::store::Folder;

pub(super) fn route(ctx: &mut Ctx, rest: &[&str]) -> Option<Answer> {
    Some(match (ctx.method, rest) {
        ("GET", []) => list(ctx),
        ("POST", []) => create(ctx),
        ("PATCH", [action @ ("archive" | "unarchive")]) => archive(ctx, *action == "archive"),
        _ => return None,
    })
}

fn view(f: &Folder) -> Value {
    json!({"name": f.name, "description": f.description, "token": f.token, "group_token": f.group_token,
           "parent_folder_token": f.parent, "archived": f.archived})
}

fn list(ctx: &mut Ctx) -> Answer {
    let folder = ctx.non_empty("folder_token");
    let group = ctx
        .non_empty("group_token")
        .or(ctx.non_empty("product_token"));
    let archived = ctx.flag("archived_only");
    let items: Vec<Value> = ctx
        .store
        .folders
        .iter()
        .filter(|f| f.archived == archived)
        .filter(|f| match (folder, group) {
            (Some(parent), _) => f.parent.as_deref() == Some(parent),
            (None, Some(g)) => f.group_token == g,
            (None, None) => true,
        })
        .map(view)
        .collect();
    ok(Value::Array(items))
}

fn create(ctx: &mut Ctx) -> Answer {
    let name = ctx.required("folder_name")?.to_string();
    let parent = ctx.non_empty("folder_token").map(str::to_string);
    let group = match (&parent, ctx.non_empty("group_token")) {
        (Some(p), _) => ctx
            .store
            .folders
            .iter()
            .find(|f| &f.token == p)
            .map(|f| f.group_token.clone())
            .unwrap_or_default(),
        (None, Some(g)) => g.to_string(),
        (None, None) => {
            return Err(Response::error(
                400,
                "Please specify either a group or folder token",
            ))
        }
    };
    let folder = Folder {
        token: ctx.store.new_token("FLD"),
        name,
        description: ctx.param("description").unwrap_or_default().to_string(),
        group_token: group,
        parent,
        archived: false,
    };
    ctx.store.folders.push(folder.clone());
    ok(view(&folder))
}

fn archive(ctx: &mut Ctx, archived: bool) -> Answer {
    let tokens = ctx.tokens()?;
    if let Some(missing) = tokens
        .iter()
        .find(|t| !ctx.store.folders.iter().any(|f| &f.token == *t))
    {
        return Err(super::not_found(&format!("Folder {missing} not found")));
    }
    for f in ctx
        .store
        .folders
        .iter_mut()
        .filter(|f| tokens.contains(&f.token))
    {
        f.archived = archived;
    }
    super::archived("folder", tokens.len(), archived)
}
