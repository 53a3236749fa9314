//! The audit trail page and its verification (R8.5).

use super::extract::Query;
use axum::extract::State;
use axum::response::IntoResponse;
use jukiops_domain::people::Action;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageRoutes;
use super::{ListQuery, PageResult, PageUser, page_value, shown};
use crate::AppState;
use crate::templates::render;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    pub verify: Option<String>,
    #[serde(flatten)]
    pub list: ListQuery,
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let page = state
        .app
        .audit_trail(&user.actor(), None, q.list.page_request())
        .await?;
    let entries = shown(&state, &user, &page.items).await?;
    let verify = if q.verify.is_some() {
        match state.app.verify_audit(&user.actor()).await? {
            Ok(r) => {
                json!({"ok": true, "message": format!("改ざんは検出されませんでした({}件を検査)。", r.entries)})
            }
            Err(b) => json!({"ok": false, "message": format!("改ざんを検出しました: {b}")}),
        }
    } else {
        Value::Null
    };
    let ctx = json!({"page": page_value(&page), "entries": entries, "verify": verify});
    Ok(render("audit.html", user.ctx("監査記録", ctx))?.into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/audit", Action::ViewAudit, list)
}
