//! The all-site plan (R4.4) over the API: preview a plan, keep it with its visits, read it
//! back, export it as an Excel workbook, and the City's agreement; thin handlers over
//! [`jukiops_app::plans`].

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_app::plan_progress::PlanProgress;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_domain::planner::Plan;
use jukiops_domain::schedule::PlanRequest;
use jukiops_store::{Page, PlanSummary, SavedPlan};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};

/// The kept plan `id` as an `.xlsx` download.
pub async fn xlsx_response(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Response, AppError> {
    let export = state.app.plan_export(&user.actor(), id).await?;
    let bytes = export
        .workbook()
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Plans a job on all sites without saving: visits, totals, the lower bound and, when the
/// 3-business-day deadline cannot be met, why and what would meet it (in Japanese).
#[utoipa::path(post, path = "/api/v1/plans/preview", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::PlanVisits))), request_body = PlanRequest,
    responses((status = 200, body = Plan), (status = 422, body = crate::error::Problem)))]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(r): ApiJson<PlanRequest>,
) -> JsonResult<Plan> {
    Ok(Json(state.app.preview_plan(&user.actor(), &r).await?))
}

/// Plans a job on all sites and keeps the plan; its visits join the schedule.
#[utoipa::path(post, path = "/api/v1/plans", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::PlanVisits))), request_body = PlanRequest,
    responses((status = 201, body = SavedPlan), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(r): ApiJson<PlanRequest>,
) -> ApiResult<(StatusCode, Json<SavedPlan>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_plan(&user.actor(), &r).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(ListParamsDoc,
        ("request_id" = Option<i64>, Query, description = "作業依頼書のID"),
        ("agreed" = Option<String>, Query, description = "本市の同意: yes(同意済み)または no(未同意)"),
        ("start_from" = Option<String>, Query, description = "開始日がこの日以降(YYYY-MM-DD)"),
        ("start_to" = Option<String>, Query, description = "開始日がこの日以前(YYYY-MM-DD)")),
    responses((status = 200, description = "保存した全拠点計画の一覧(検索: 計画名・作業依頼書の番号。並べ替え: title, start_date, agreed, created_by, created_at)", content((Page<PlanSummary> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.plan_list(&user.actor(), &p).await?,
        lists::plain_row,
    )
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)), responses((status = 200, body = SavedPlan), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<SavedPlan> {
    Ok(Json(state.app.plan(&user.actor(), id).await?))
}

/// The plan's visits as they stand: planned, done, done under an accepted request or
/// cancelled, each with the entry permits it still lacks.
#[utoipa::path(get, path = "/api/v1/plans/{id}/progress", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)),
    responses((status = 200, body = PlanProgress), (status = 404, body = crate::error::Problem)))]
pub async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<PlanProgress> {
    Ok(Json(state.app.plan_progress(&user.actor(), id).await?))
}

/// The plan as an Excel workbook: summary, visits, worker-days.
#[utoipa::path(get, path = "/api/v1/plans/{id}/xlsx", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, body = crate::error::Problem)))]
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    xlsx_response(&state, &user, id).await
}

/// The City's agreement to the plan's schedule (本市担当者); its visits are agreed with it.
#[utoipa::path(post, path = "/api/v1/plans/{id}/agreement", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::AgreeSchedule))), params(("id" = i64, Path)),
    responses((status = 200, body = SavedPlan), (status = 409, body = crate::error::Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<SavedPlan> {
    Ok(Json(state.app.agree_plan(&user.actor(), id).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preview))
        .routes(routes!(show))
        .routes(routes!(xlsx))
        .routes(routes!(progress))
        .routes(routes!(agreement))
}
