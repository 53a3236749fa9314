//! The calendar's table of extra closed or open days over the API (R5.2).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::people::Action;
use jukiops_store::{CalendarOverride, Page};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

/// One date's status as the API sets it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OverrideInput {
    /// `true`: a business day despite the rules (e.g. an election Sunday); `false`: closed.
    pub is_open: bool,
    pub reason: String,
}

#[utoipa::path(get, path = "/api/v1/calendar/overrides", tag = "calendar", extensions(("x-jukiops-action" = json!(Action::ViewContract))), params(Paging), responses((status = 200, body = Page<CalendarOverride>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<CalendarOverride>> {
    let all = state.app.calendar_overrides(&user.actor()).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

/// Closes a date, or opens one the rules close; replaces an earlier setting of that date.
#[utoipa::path(put, path = "/api/v1/calendar/overrides/{date}", tag = "calendar", extensions(("x-jukiops-action" = json!(Action::EditCalendar))), params(("date" = String, Path)), request_body = OverrideInput,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(date): Path<String>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> ApiResult<StatusCode> {
    state
        .app
        .set_calendar_override(&user.actor(), &date, input.is_open, &input.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/calendar/overrides/{date}", tag = "calendar", extensions(("x-jukiops-action" = json!(Action::EditCalendar))), params(("date" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(date): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .app
        .delete_calendar_override(&user.actor(), &date)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(put, delete))
}
