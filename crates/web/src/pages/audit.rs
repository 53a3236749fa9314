//! The audit trail page and its verification (R8.5).

use super::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::AUDIT_LIST;
use serde_json::{Value, json};

use super::PageRoutes;
use super::{PageResult, PageUser, page_value, shown};
use crate::AppState;
use crate::forms::{action_label, audit_rows};
use crate::lists;
use crate::templates::render;

/// The audit trail with its filters (person, kind of record, action, dates in Japan time);
/// `?verify=1` also walks the hash chain.
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let (q, refused) = lists::sound(q, &AUDIT_LIST);
    let listed = state.app.audit_list(&user.actor(), &q).await?;
    if listed.request.format.is_some() {
        let rows = audit_rows(&state, &listed.page.items).await?;
        if let Some(export) =
            lists::export_if_asked(&listed, |e| rows.get(&e.seq).cloned().unwrap_or_default())
        {
            return Ok(export?);
        }
    }
    let (actors, actions) = state.app.audit_choices(&user.actor()).await?;
    let names = state.app.person_names().await?;
    let options: lists::Options = vec![
        (
            "actor",
            actors
                .into_iter()
                .map(|a| {
                    let label = names
                        .get(&a)
                        .map(|n| format!("{n}({a})"))
                        .or_else(|| {
                            jukiops_domain::people::system_actor_label(&a).map(str::to_string)
                        })
                        .unwrap_or_else(|| a.clone());
                    (a, label)
                })
                .collect(),
        ),
        (
            "action",
            actions
                .into_iter()
                .map(|a| {
                    let label = action_label(&a);
                    (a, label)
                })
                .collect(),
        ),
    ];
    let mut list = lists::view("/audit", &listed.request, &listed.page, &options);
    refused.show(&mut list);
    let page = listed.page;
    let entries = shown(&state, &user, &page.items).await?;
    let verify = if q.filters.contains_key("verify") {
        match state.app.verify_audit(&user.actor()).await? {
            Ok(r) => {
                json!({"ok": true, "message": format!("改ざんは検出されませんでした({}件を検査)。", r.entries)})
            }
            Err(b) => json!({"ok": false, "message": format!("改ざんを検出しました: {b}")}),
        }
    } else {
        Value::Null
    };
    let ctx =
        json!({"page": page_value(&page), "list": list, "entries": entries, "verify": verify});
    Ok((
        refused.status(StatusCode::OK),
        render("audit.html", user.ctx("監査記録", ctx))?,
    )
        .into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/audit", Action::ViewAudit, list)
}
