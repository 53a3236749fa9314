//! J-LIS notices over the API (R2.4): recorded by the City, listed, shown with their
//! jobs, withdrawn or closed; thin handlers over [`jukiops_app::notices`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jukiops_domain::jobs::{NoticeInput, NoticeVerb};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::{Notice, NoticeDetail, Page};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};

/// What happens to a notice.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NoticeTransition {
    /// `close`(完了)または `withdraw`(撤回の記録)。作業登録は作業を登録すると記録されます。
    pub verb: NoticeVerb,
}

#[utoipa::path(get, path = "/api/v1/notices", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(ListParamsDoc,
        ("kind" = Option<String>, Query, description = "種類(software_update / os_security_update / settings_change)で絞り込み"),
        ("status" = Option<String>, Query, description = "状態(received / jobs_created / closed / withdrawn)で絞り込み"),
        ("received_from" = Option<String>, Query, description = "受付日がこの日以降(YYYY-MM-DD)"),
        ("received_to" = Option<String>, Query, description = "受付日がこの日以前(YYYY-MM-DD)")),
    responses((status = 200, description = "J-LISからの通知の一覧(検索: 文書番号・件名・本文。並べ替え: received_on, jlis_reference, kind, title, requested_deadline, status, job_count)", content((Page<Notice> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.notice_list(&user.actor(), &p).await?,
        lists::plain_row,
    )
}

/// Records a J-LIS notice (本市担当者). A J-LIS reference already recorded is refused (409).
#[utoipa::path(post, path = "/api/v1/notices", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::RecordNotices))), request_body = NoticeInput,
    responses((status = 201, body = NoticeDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NoticeInput>,
) -> ApiResult<(StatusCode, Json<NoticeDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.record_notice(&user.actor(), &input).await?),
    ))
}

/// A notice with the jobs it led to.
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)), responses((status = 200, body = NoticeDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<NoticeDetail> {
    Ok(Json(state.app.notice(&user.actor(), id).await?))
}

/// Closes (every job finished) or withdraws a notice; refused (409) with the reason.
#[utoipa::path(post, path = "/api/v1/notices/{id}/transition", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::RecordNotices))), params(("id" = i64, Path)), request_body = NoticeTransition,
    responses((status = 200, body = NoticeDetail), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<NoticeTransition>,
) -> JsonResult<NoticeDetail> {
    Ok(Json(
        state.app.move_notice(&user.actor(), id, t.verb).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(transition))
}
