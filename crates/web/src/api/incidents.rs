//! Incidents (障害) over the API; thin handlers over [`jukiops_app::incidents`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jukiops_app::incidents::{IncidentDetail, IncidentView};
use jukiops_domain::incidents::{EventInput, IncidentInput, SlaSettingsInput, SlaTarget};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};

/// Incidents, open ones first, each with its clocks in business time.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewIncidents))), params(ListParamsDoc,
        ("status" = Option<String>, Query, description = "状態で絞り込み(reported, responding, paused, resolved, accepted)"),
        ("urgency" = Option<String>, Query, description = "緊急度で絞り込み(high, normal, low)")),
    responses((status = 200, description = "障害の一覧(検索: 統合端末・タッチパネル・拠点名・症状。並べ替え: status, id, category, reported_at, site_name, asset_number, urgency)", content((Page<IncidentView> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.incident_list(&user.actor(), &p).await?,
        lists::labelled_row,
    )
}

/// Registers an incident (本市担当者・業務責任者), possibly from a ward office's fault report.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ReportIncidents))), request_body = IncidentInput,
    responses((status = 201, body = IncidentDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<IncidentInput>,
) -> ApiResult<(StatusCode, Json<IncidentDetail>)> {
    let detail = state.app.report_incident(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// An incident with its timeline, its clocks and the events the reader may record next.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewIncidents))), params(("id" = i64, Path)),
    responses((status = 200, body = IncidentDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<IncidentDetail> {
    Ok(Json(state.app.incident(&user.actor(), id).await?))
}

/// Adds an event to the timeline; the timeline's rules say who records what, and when.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/events", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::RecordIncidents))), params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 201, body = IncidentDetail), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult<(StatusCode, Json<IncidentDetail>)> {
    let detail = state
        .app
        .record_incident_event(&user.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// The City's service-level targets, each in force from its instant on.
#[utoipa::path(get, path = "/api/v1/incident-targets", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewIncidents))),
    responses((status = 200, body = Vec<SlaTarget>)))]
pub async fn targets(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<SlaTarget>> {
    Ok(Json(state.app.sla_targets(&user.actor()).await?))
}

/// Sets the targets from an instant on (本市担当者); incidents reported from then on are
/// measured against them.
#[utoipa::path(post, path = "/api/v1/incident-targets", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::SetServiceLevels))), request_body = SlaSettingsInput,
    responses((status = 201, body = Vec<SlaTarget>), (status = 422, body = crate::error::Problem)))]
pub async fn set_targets(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<SlaSettingsInput>,
) -> ApiResult<(StatusCode, Json<Vec<SlaTarget>>)> {
    let targets = state.app.set_sla_targets(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(targets)))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(record))
        .routes(routes!(targets, set_targets))
}
