//! J-LIS notices over the API (R2.4): recorded by the City, listed, shown with their
//! jobs, withdrawn or closed. The operations here are shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::FieldErrors;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{NoticeInput, NoticeKind, NoticeStatus, NoticeVerb};
use jukiops_domain::people::Action;
use jukiops_store::{Notice, NoticeDetail, NoticeFilter, Page};
use serde::Deserialize;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// `?status=&kind=&page=&per_page=` of the notice list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct NoticeQuery {
    /// 状態(received / jobs_created / closed / withdrawn)
    pub status: Option<String>,
    /// 種類(software_update / os_security_update / settings_change、またはア・イ・ウ)
    pub kind: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A value of a list's filter: empty is none.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl NoticeQuery {
    /// The checked filter: unknown codes are named.
    pub fn filter(&self) -> Result<NoticeFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let status = given(&self.status).and_then(|s| {
            let v = NoticeStatus::parse(s);
            if v.is_none() {
                e.push("status", "状態は received・jobs_created・closed・withdrawn のいずれかを指定してください。");
            }
            v
        });
        let kind = given(&self.kind).and_then(|s| {
            let v = NoticeKind::parse(s)
                .or_else(|| CategoryCode::from_kana(s).and_then(NoticeKind::from_category));
            if v.is_none() {
                e.push("kind", "種類は software_update（ア）・os_security_update（イ）・settings_change（ウ）のいずれかを指定してください。");
            }
            v
        });
        e.into_result(NoticeFilter { status, kind })
    }
    pub fn request(&self) -> jukiops_store::PageRequest {
        jukiops_store::PageRequest::new(self.page, self.per_page)
    }
}

/// What happens to a notice.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NoticeTransition {
    /// `close`(完了)または `withdraw`(撤回の記録)。作業登録は作業を登録すると記録されます。
    pub verb: NoticeVerb,
}

/// Records a notice received from J-LIS.
pub async fn record_notice(
    state: &AppState,
    user: &CurrentUser,
    input: &NoticeInput,
) -> Result<NoticeDetail, AppError> {
    let actor = user.require(Action::RecordNotices)?;
    let draft = input.check()?;
    let id = state.store.record_notice(&actor, &draft).await?;
    Ok(state.store.notice_detail(id).await?)
}

/// Closes or withdraws a notice.
pub async fn move_notice(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    verb: NoticeVerb,
) -> Result<NoticeDetail, AppError> {
    let actor = user.require(Action::RecordNotices)?;
    state.store.move_notice(&actor, id, verb).await?;
    Ok(state.store.notice_detail(id).await?)
}

#[utoipa::path(get, path = "/api/v1/notices", tag = "jobs", params(NoticeQuery), responses((status = 200, body = Page<Notice>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NoticeQuery>,
) -> JsonResult<Page<Notice>> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.notices(&q.filter()?, q.request()).await?))
}

/// Records a J-LIS notice (本市担当者). A J-LIS reference already recorded is refused (409).
#[utoipa::path(post, path = "/api/v1/notices", tag = "jobs", request_body = NoticeInput,
    responses((status = 201, body = NoticeDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NoticeInput>,
) -> ApiResult<(StatusCode, Json<NoticeDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(record_notice(&state, &user, &input).await?),
    ))
}

/// A notice with the jobs it led to.
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "jobs", params(("id" = i64, Path)), responses((status = 200, body = NoticeDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<NoticeDetail> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.notice_detail(id).await?))
}

/// Closes (every job finished) or withdraws a notice; refused (409) with the reason.
#[utoipa::path(post, path = "/api/v1/notices/{id}/transition", tag = "jobs", params(("id" = i64, Path)), request_body = NoticeTransition,
    responses((status = 200, body = NoticeDetail), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<NoticeTransition>,
) -> JsonResult<NoticeDetail> {
    Ok(Json(move_notice(&state, &user, id, t.verb).await?))
}
