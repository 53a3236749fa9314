//! The calendar's table of extra closed or open days over the API (R5.2).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::calendar::{BusinessCalendar, check_override};
use jukiops_domain::people::Action;
use jukiops_store::{CalendarOverride, Page};
use serde::Deserialize;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// The business calendar in force: the contract's rules plus the City's table.
pub async fn business_calendar(state: &AppState) -> Result<BusinessCalendar, AppError> {
    Ok(state.store.business_calendar(&state.contract).await?)
}

/// What a person enters for one date.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OverrideInput {
    /// `true`: make the date a business day; `false`: close it.
    pub is_open: bool,
    pub reason: String,
}

/// The one operation behind the page and the API: checks and saves one date's setting.
pub async fn set_override(
    state: &AppState,
    user: &CurrentUser,
    date: &str,
    input: &OverrideInput,
) -> Result<(), AppError> {
    let actor = user.require(Action::EditCalendar)?;
    let (day, reason) = check_override(date, &input.reason)?;
    let o = CalendarOverride {
        date: day.to_string(),
        is_open: input.is_open,
        reason,
    };
    Ok(state.store.set_calendar_override(&actor, &o).await?)
}

#[utoipa::path(get, path = "/api/v1/calendar/overrides", tag = "calendar", params(Paging), responses((status = 200, body = Page<CalendarOverride>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<CalendarOverride>> {
    user.require(Action::ViewContract)?;
    let all = state.store.calendar_overrides().await?;
    Ok(Json(Page::of_all(all, p.request())))
}

/// Closes a date, or opens one the rules close; replaces an earlier setting of that date.
#[utoipa::path(put, path = "/api/v1/calendar/overrides/{date}", tag = "calendar", params(("date" = String, Path)), request_body = OverrideInput,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(date): Path<String>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> ApiResult<StatusCode> {
    set_override(&state, &user, &date, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/calendar/overrides/{date}", tag = "calendar", params(("date" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(date): Path<String>,
) -> ApiResult<StatusCode> {
    let actor = user.require(Action::EditCalendar)?;
    state
        .store
        .delete_calendar_override(&actor, date.trim())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
