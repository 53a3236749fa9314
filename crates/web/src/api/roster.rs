//! The worker roster (従事者名簿) and subcontracting (再委託申請書) over the API; thin
//! handlers over [`jukiops_app::roster`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::people::Action;
use jukiops_domain::roster::subcontracting::{SubcontractDecisionInput, SubcontractInput};
use jukiops_domain::roster::{RosterChangeInput, RosterPersonInput};
use jukiops_store::{RosterNotices, RosterPerson, Subcontract};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Path;

/// The year's roster: each person with their details and standing as of today and their
/// notices.
#[utoipa::path(get, path = "/api/v1/roster", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ViewRoster))),
    responses((status = 200, body = Vec<RosterPerson>), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<RosterPerson>> {
    Ok(Json(state.app.roster(&user.actor()).await?))
}

/// Puts a person on the roster by the notice that adds them (業務責任者). A notice given
/// on or after its effective day (Japan time) is recorded flagged late; a subcontractor's
/// person needs an approved subcontracting application.
#[utoipa::path(post, path = "/api/v1/roster", tag = "roster", extensions(("x-jukiops-action" = json!(Action::KeepRoster))),
    request_body = RosterPersonInput,
    responses((status = 201, body = RosterPerson), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<RosterPersonInput>,
) -> ApiResult<(StatusCode, Json<RosterPerson>)> {
    let p = state.app.add_roster_person(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Notifies a change to a roster person (業務責任者): add back, modify, remove.
#[utoipa::path(post, path = "/api/v1/roster/{id}/notices", tag = "roster", extensions(("x-jukiops-action" = json!(Action::KeepRoster))),
    params(("id" = i64, Path)), request_body = RosterChangeInput,
    responses((status = 201, body = RosterPerson), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn notify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RosterChangeInput>,
) -> ApiResult<(StatusCode, Json<RosterPerson>)> {
    let p = state
        .app
        .notify_roster_change(&user.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Every notice of the year, newest first, the late ones flagged and counted per month of
/// their effective date.
#[utoipa::path(get, path = "/api/v1/roster/notices", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ViewRoster))),
    responses((status = 200, body = RosterNotices), (status = 403, body = crate::error::Problem)))]
pub async fn notices(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<RosterNotices> {
    Ok(Json(state.app.roster_notices(&user.actor()).await?))
}

/// Records the City's acknowledgement of a roster notice (本市担当者), once.
#[utoipa::path(post, path = "/api/v1/roster/notices/{id}/acknowledgement", tag = "roster", extensions(("x-jukiops-action" = json!(Action::AcknowledgeRoster))),
    params(("id" = i64, Path)),
    responses((status = 200, body = RosterNotices), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<RosterNotices> {
    state
        .app
        .acknowledge_roster_notice(&user.actor(), id)
        .await?;
    Ok(Json(state.app.roster_notices(&user.actor()).await?))
}

/// The year's subcontracting applications, newest first.
#[utoipa::path(get, path = "/api/v1/subcontracting", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ViewRoster))),
    responses((status = 200, body = Vec<Subcontract>), (status = 403, body = crate::error::Problem)))]
pub async fn subcontracts(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<Subcontract>> {
    Ok(Json(state.app.subcontracts(&user.actor()).await?))
}

/// Applies for subcontracting (業務責任者): waits for the City's decision.
#[utoipa::path(post, path = "/api/v1/subcontracting", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ApplySubcontracting))),
    request_body = SubcontractInput,
    responses((status = 201, body = Subcontract), (status = 422, body = crate::error::Problem)))]
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<SubcontractInput>,
) -> ApiResult<(StatusCode, Json<Subcontract>)> {
    let s = state.app.apply_subcontract(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// The City approves or refuses a subcontracting application (a refusal with a comment).
#[utoipa::path(post, path = "/api/v1/subcontracting/{id}/decision", tag = "roster", extensions(("x-jukiops-action" = json!(Action::DecideSubcontracting))),
    params(("id" = i64, Path)), request_body = SubcontractDecisionInput,
    responses((status = 200, body = Vec<Subcontract>), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SubcontractDecisionInput>,
) -> JsonResult<Vec<Subcontract>> {
    state
        .app
        .decide_subcontract(&user.actor(), id, &input)
        .await?;
    Ok(Json(state.app.subcontracts(&user.actor()).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(notify))
        .routes(routes!(notices))
        .routes(routes!(acknowledge))
        .routes(routes!(subcontracts, apply))
        .routes(routes!(decide))
}
