//! The audit trail (R8.5) over the API; thin handlers over [`jukiops_app::audit`].

use crate::error::ApiResult;
use crate::lists::{self, ListParamsDoc};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jukiops_domain::audit::{AuditEntry, Entity};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::Page;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{JsonResult, Paging};
use crate::AppState;
use crate::access::{Needs, Source};
use crate::auth::CurrentUser;
use crate::extract::{Path, Query};

/// The whole audit trail, newest first, with the list tools: filtered by person (`actor`),
/// kind of record (`entity`), action (`action`) and dates in Japan time (`from`, `to`).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", extensions(("x-jukiops-action" = json!(Action::ViewAudit))),
    params(ListParamsDoc,
        ("actor" = Option<String>, Query, description = "実行者のログインID"),
        ("entity" = Option<String>, Query, description = "対象の種類(site, terminal, work_request など)"),
        ("action" = Option<String>, Query, description = "操作のコード(create, update, issue など)"),
        ("from" = Option<String>, Query, description = "この日(日本時間、YYYY-MM-DD)以降の記録"),
        ("to" = Option<String>, Query, description = "この日(日本時間、YYYY-MM-DD)までの記録")),
    responses((status = 200, description = "監査記録(検索: 対象の番号・変更内容。並べ替え: seq, at, actor, entity, action)", content((Page<AuditEntry> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let listed = state.app.audit_list(&user.actor(), &p).await?;
    let rows = if listed.request.format.is_some() {
        crate::forms::audit_rows(&state, &listed.page.items).await?
    } else {
        Default::default()
    };
    lists::api_answer(listed, |e| rows.get(&e.seq).cloned().unwrap_or_default())
}

/// The history of one entity, oldest first (readable by whoever may read the entity).
#[utoipa::path(get, path = "/api/v1/audit/{entity}/{id}", tag = "audit", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Path, "entity", Entity::view_action).otherwise(Action::ViewAudit)))), params(("entity" = String, Path), ("id" = String, Path), Paging),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::error::Problem)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((entity, id)): Path<(String, String)>,
    Query(p): Query<Paging>,
) -> JsonResult<Page<AuditEntry>> {
    let all = state.app.history(&user.actor(), &entity, &id).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyResult {
    pub ok: bool,
    pub entries: Option<u64>,
    /// The first bad entry, when the chain is broken.
    pub first_bad_seq: Option<i64>,
    pub message: String,
}

/// Walks the whole hash chain and names the first bad entry.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", extensions(("x-jukiops-action" = json!(Action::ViewAudit))), responses((status = 200, body = VerifyResult), (status = 403, body = crate::error::Problem)))]
pub async fn verify(State(state): State<AppState>, user: CurrentUser) -> JsonResult<VerifyResult> {
    Ok(Json(match state.app.verify_audit(&user.actor()).await? {
        Ok(r) => VerifyResult {
            ok: true,
            entries: Some(r.entries),
            first_bad_seq: None,
            message: format!("改ざんは検出されませんでした({}件)。", r.entries),
        },
        Err(b) => VerifyResult {
            ok: false,
            entries: None,
            first_bad_seq: Some(b.seq),
            message: b.to_string(),
        },
    }))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(history))
        .routes(routes!(verify))
}
