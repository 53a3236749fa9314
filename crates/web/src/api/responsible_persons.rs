//! The responsible persons and the organisation chart over the API (§6(1)-(3)); thin
//! handlers over [`jukiops_app::responsible_persons`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::responsible_persons::{ChartQuery, OrgChartView};
use jukiops_domain::people::Action;
use jukiops_domain::responsible_persons::{DesignationInput, EndInput};
use jukiops_store::{ChartVersion, DesignationRow, LeadChange};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

/// Every designation of the contract year (業務責任者, データ保護責任者, セキュリティ責任者,
/// 情報資産取扱者), by kind and date.
#[utoipa::path(get, path = "/api/v1/responsible-persons", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::ViewResponsiblePersons))),
    responses((status = 200, body = Vec<DesignationRow>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<DesignationRow>> {
    Ok(Json(state.app.designations(&user.actor()).await?))
}

/// Designates a responsible person (業務責任者 of the contractor). A new person of a kind
/// whose person is in force with no end succeeds them (a change); any other overlap is
/// refused naming `effective_from`.
#[utoipa::path(post, path = "/api/v1/responsible-persons", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::DesignateResponsiblePersons))), request_body = DesignationInput,
    responses((status = 201, body = DesignationRow), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<DesignationInput>,
) -> ApiResult<(StatusCode, Json<DesignationRow>)> {
    let d = state.app.designate(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Ends a designation on `effective_until` (its last day in force).
#[utoipa::path(post, path = "/api/v1/responsible-persons/{id}/end", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::DesignateResponsiblePersons))),
    params(("id" = i64, Path)), request_body = EndInput,
    responses((status = 200, body = DesignationRow), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<EndInput>,
) -> JsonResult<DesignationRow> {
    Ok(Json(
        state.app.end_designation(&user.actor(), id, &input).await?,
    ))
}

/// The changes of the 業務責任者, each a 業務責任者変更通知書 to the City.
#[utoipa::path(get, path = "/api/v1/responsible-persons/lead-changes", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::ViewResponsiblePersons))),
    responses((status = 200, body = Vec<LeadChange>)))]
pub async fn lead_changes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<LeadChange>> {
    Ok(Json(state.app.lead_changes(&user.actor()).await?))
}

/// The organisation chart (作業体制図) of a day as data; the SVG is at `/org-chart.svg`.
#[utoipa::path(get, path = "/api/v1/org-chart", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::ViewResponsiblePersons))), params(ChartQuery),
    responses((status = 200, body = OrgChartView), (status = 422, body = crate::error::Problem)))]
pub async fn chart(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ChartQuery>,
) -> JsonResult<OrgChartView> {
    Ok(Json(state.app.org_chart(&user.actor(), &q).await?.into()))
}

/// The chart's versions, oldest first: one after each change of the persons (date and
/// SHA-256 of the SVG).
#[utoipa::path(get, path = "/api/v1/org-chart/versions", tag = "responsible_persons", extensions(("x-jukiops-action" = json!(Action::ViewResponsiblePersons))),
    responses((status = 200, body = Vec<ChartVersion>)))]
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<ChartVersion>> {
    Ok(Json(state.app.chart_versions(&user.actor()).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(end))
        .routes(routes!(lead_changes))
        .routes(routes!(chart))
        .routes(routes!(versions))
}
