//! A ward office's own site (区役所担当者) and the fault reports over the API; thin handlers
//! over [`jukiops_app::site_staff`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::site_staff::FaultQuery;
use jukiops_domain::people::Action;
use jukiops_domain::site_staff::{FaultReportInput, SignOffInput};
use jukiops_store::{FaultReport, MySite, Page, SiteVisit};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

/// The signed-in ward office's own site: the visits planned there with the workers' names
/// and badge numbers, the terminals out of service and when.
#[utoipa::path(get, path = "/api/v1/my-site", tag = "site_staff", extensions(("x-jukiops-action" = json!(Action::ViewOwnSite))),
    responses((status = 200, body = MySite), (status = 403, body = crate::error::Problem)))]
pub async fn my_site(State(state): State<AppState>, user: CurrentUser) -> JsonResult<MySite> {
    Ok(Json(state.app.my_site(&user.actor()).await?))
}

/// Confirms that the work of a visit to one's own site was done: once, from the visit's
/// day on. A visit of another site is not found.
#[utoipa::path(post, path = "/api/v1/my-site/visits/{id}/sign-off", tag = "site_staff", extensions(("x-jukiops-action" = json!(Action::SignOffVisits))),
    params(("id" = i64, Path)), request_body = SignOffInput,
    responses((status = 201, body = SiteVisit), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn sign_off(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SignOffInput>,
) -> ApiResult<(StatusCode, Json<SiteVisit>)> {
    let visit = state.app.sign_off_visit(&user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(visit)))
}

/// Fault reports, newest first; a ward office's staff see their own site's only.
#[utoipa::path(get, path = "/api/v1/fault-reports", tag = "site_staff", extensions(("x-jukiops-action" = json!(Action::ViewFaultReports))), params(FaultQuery),
    responses((status = 200, body = Page<FaultReport>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FaultQuery>,
) -> JsonResult<Page<FaultReport>> {
    Ok(Json(state.app.fault_reports(&user.actor(), &q).await?))
}

/// Reports a fault of a terminal of one's own site (区役所担当者).
#[utoipa::path(post, path = "/api/v1/fault-reports", tag = "site_staff", extensions(("x-jukiops-action" = json!(Action::ReportFaults))), request_body = FaultReportInput,
    responses((status = 201, body = FaultReport), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<FaultReportInput>,
) -> ApiResult<(StatusCode, Json<FaultReport>)> {
    let report = state.app.report_fault(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(report)))
}

/// Marks a fault report as dealt with (業務責任者・本市担当者).
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/resolve", tag = "site_staff", extensions(("x-jukiops-action" = json!(Action::ResolveFaultReports))),
    params(("id" = i64, Path)),
    responses((status = 200, body = FaultReport), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<FaultReport> {
    Ok(Json(
        state.app.resolve_fault_report(&user.actor(), id).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_site))
        .routes(routes!(sign_off))
        .routes(routes!(list, create))
        .routes(routes!(resolve))
}
