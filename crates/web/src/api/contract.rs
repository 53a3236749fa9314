//! The contract (R1) and the audit trail (R8.5) over the API.

use axum::Json;
use axum::extract::State;

use crate::extract::{Path, Query};
use jukiops_domain::audit::AuditEntry;
use jukiops_domain::people::Action;
use jukiops_store::Page;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;

/// The contract in force: period, categories with expected counts, hours, closed days, sites, parties.
#[utoipa::path(get, path = "/api/v1/contract", tag = "contract", responses((status = 200, body = Object), (status = 401, body = crate::error::Problem)))]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> JsonResult<Value> {
    user.require(Action::ViewContract)?;
    let mut v = serde_json::to_value(&*state.contract).unwrap_or_default();
    v["expected_count_rows"] =
        serde_json::to_value(state.contract.expected_count_rows()).unwrap_or_default();
    Ok(Json(v))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// 対象の種類(site, terminal, touch_panel, user, api_token ...)
    pub entity: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The whole audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::error::Problem)))]
pub async fn audit_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> JsonResult<Page<AuditEntry>> {
    user.require(Action::ViewAudit)?;
    let req = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request();
    Ok(Json(
        state.store.audit_page(q.entity.as_deref(), req).await?,
    ))
}

/// The history of one entity, oldest first (readable by whoever may read the entity).
#[utoipa::path(get, path = "/api/v1/audit/{entity}/{id}", tag = "audit", params(("entity" = String, Path), ("id" = String, Path), Paging),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::error::Problem)))]
pub async fn audit_of(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((entity, id)): Path<(String, String)>,
    Query(p): Query<Paging>,
) -> JsonResult<Page<AuditEntry>> {
    let needed = match entity.as_str() {
        "site" | "terminal" | "touch_panel" | "terminal_import" => Action::ViewInventory,
        "notice" | "job" | "password_rotation" => Action::ViewJobs,
        _ => Action::ViewAudit,
    };
    user.require(needed)?;
    let all = state.store.audit_for(&entity, &id).await?;
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
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = VerifyResult), (status = 403, body = crate::error::Problem)))]
pub async fn audit_verify(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<VerifyResult> {
    user.require(Action::ViewAudit)?;
    Ok(Json(match state.store.verify_audit().await? {
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
