//! Who is available when over the API (issue 15 item 6): the absences of the roster's
//! people and the hours each person worked in a month. Thin handlers over
//! [`jukiops_app::availability`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::availability::{AbsenceView, PersonHours};
use jukiops_domain::availability::AbsenceInput;
use jukiops_domain::people::Action;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

/// `?month=YYYY-MM`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// 対象の月 (YYYY-MM)
    pub month: String,
}

/// The absences of the year's roster (leave, training, other work), by first day.
#[utoipa::path(get, path = "/api/v1/absences", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ViewRoster))),
    responses((status = 200, body = Vec<AbsenceView>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<AbsenceView>> {
    Ok(Json(state.app.absences(&user.actor()).await?))
}

/// Records an absence of a roster person within the contract period (the contractor's
/// lead); the planner then leaves them out on those days.
#[utoipa::path(post, path = "/api/v1/absences", tag = "roster", extensions(("x-jukiops-action" = json!(Action::KeepRoster))), request_body = AbsenceInput,
    responses((status = 201, body = Vec<AbsenceView>), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<AbsenceInput>,
) -> ApiResult<(StatusCode, Json<Vec<AbsenceView>>)> {
    let all = state.app.add_absence(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(all)))
}

/// Takes back an absence (the contractor's lead).
#[utoipa::path(delete, path = "/api/v1/absences/{id}", tag = "roster", extensions(("x-jukiops-action" = json!(Action::KeepRoster))), params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.remove_absence(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The minutes each person worked in a month (Japan time): work recorded on the equipment
/// and other work logged, for the monthly report.
#[utoipa::path(get, path = "/api/v1/roster/hours", tag = "roster", extensions(("x-jukiops-action" = json!(Action::ViewRoster))), params(MonthQuery),
    responses((status = 200, body = Vec<PersonHours>), (status = 422, body = crate::error::Problem)))]
pub async fn hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<MonthQuery>,
) -> JsonResult<Vec<PersonHours>> {
    Ok(Json(
        state.app.hours_by_person(&user.actor(), &q.month).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(remove))
        .routes(routes!(hours))
}
