//! Off-hours work (R5.3) and building-entry permits (R5.5) over the API. The operations
//! here are shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::FieldErrors;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{OffHoursInput, OffHoursVerb, PermitInput, PermitVerb};
use jukiops_domain::validation::optional_text;
use jukiops_store::{OffHours, Page, Permit, ScheduleFilter};
use serde::Deserialize;

use super::JsonResult;
use super::calendar::business_calendar;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// `?from=&to=&site_id=&page=&per_page=` of the schedule's lists.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct ScheduleQuery {
    /// 開始日 YYYY-MM-DD(この日を含む)
    pub from: Option<String>,
    /// 終了日 YYYY-MM-DD(この日を含む)
    pub to: Option<String>,
    /// 拠点ID
    pub site_id: Option<i64>,
    /// 作業依頼書ID(訪問の一覧のみ)
    pub request_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ScheduleQuery {
    /// The checked filter: malformed dates are named.
    pub fn filter(&self) -> Result<ScheduleFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut date = |field: &str, label: &str, v: &Option<String>| {
            let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            match parse_date(v) {
                Some(d) => Some(d.to_string()),
                None => {
                    e.push(
                        field,
                        format!("{label}をYYYY-MM-DDの形式で指定してください。"),
                    );
                    None
                }
            }
        };
        let from = date("from", "開始日", &self.from);
        let to = date("to", "終了日", &self.to);
        e.into_result(ScheduleFilter {
            from,
            to,
            site_id: self.site_id,
        })
    }
    pub fn request(&self) -> jukiops_store::PageRequest {
        jukiops_store::PageRequest::new(self.page, self.per_page)
    }
}

/// A decision on an off-hours record.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OffHoursDecision {
    /// `approve` / `reject` (本市担当者), `withdraw` (記録した側)
    pub verb: OffHoursVerb,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A decision on a permit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PermitDecision {
    /// `grant` / `refuse` (本市担当者), `withdraw` (業務責任者)
    pub verb: PermitVerb,
    /// 許可番号やコメント
    #[serde(default)]
    pub comment: Option<String>,
}

fn comment(c: Option<&str>) -> Result<Option<String>, AppError> {
    let mut e = FieldErrors::default();
    let c = optional_text(&mut e, "comment", "コメント", c, 500);
    Ok(e.into_result(c)?)
}

/// Records an off-hours instruction or application.
pub async fn file_off_hours(
    state: &AppState,
    user: &CurrentUser,
    input: &OffHoursInput,
) -> Result<OffHours, AppError> {
    let actor = user.require(Action::FileOffHours)?;
    let draft = input.check()?;
    let cal = business_calendar(state).await?;
    let id = state.store.file_off_hours(&actor, &cal, &draft).await?;
    Ok(state.store.off_hours(id).await?)
}

/// Approves, rejects or withdraws an off-hours record.
pub async fn decide_off_hours(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    d: &OffHoursDecision,
) -> Result<OffHours, AppError> {
    let action = match d.verb {
        OffHoursVerb::Withdraw => Action::FileOffHours,
        _ => Action::DecideOffHours,
    };
    let actor = user.require(action)?;
    let c = comment(d.comment.as_deref())?;
    state
        .store
        .decide_off_hours(&actor, id, d.verb, c.as_deref())
        .await?;
    Ok(state.store.off_hours(id).await?)
}

/// Applies for a building-entry permit.
pub async fn request_permit(
    state: &AppState,
    user: &CurrentUser,
    input: &PermitInput,
) -> Result<Permit, AppError> {
    let actor = user.require(Action::RequestPermits)?;
    let draft = input.check()?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    let id = state.store.request_permit(&actor, &rules, &draft).await?;
    Ok(state.store.permit(id).await?)
}

/// Grants, refuses or withdraws a permit.
pub async fn decide_permit(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    d: &PermitDecision,
) -> Result<Permit, AppError> {
    let action = match d.verb {
        PermitVerb::Withdraw => Action::RequestPermits,
        _ => Action::DecidePermits,
    };
    let actor = user.require(action)?;
    let c = comment(d.comment.as_deref())?;
    state
        .store
        .decide_permit(&actor, id, d.verb, c.as_deref())
        .await?;
    Ok(state.store.permit(id).await?)
}

#[utoipa::path(get, path = "/api/v1/off-hours", tag = "schedule", params(ScheduleQuery), responses((status = 200, body = Page<OffHours>), (status = 422, body = crate::error::Problem)))]
pub async fn list_off_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<OffHours>> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(
        state
            .store
            .off_hours_list(&q.filter()?, q.request())
            .await?,
    ))
}

/// The City's instruction (cause `city`, by 本市担当者) or the contractor's application
/// (cause `contractor`, by 業務責任者) for work outside 08:45-17:15 or on a closed day.
#[utoipa::path(post, path = "/api/v1/off-hours", tag = "schedule", request_body = OffHoursInput,
    responses((status = 201, body = OffHours), (status = 422, body = crate::error::Problem)))]
pub async fn create_off_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<OffHoursInput>,
) -> ApiResult<(StatusCode, Json<OffHours>)> {
    Ok((
        StatusCode::CREATED,
        Json(file_off_hours(&state, &user, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/off-hours/{id}", tag = "schedule", params(("id" = i64, Path)), responses((status = 200, body = OffHours), (status = 404, body = crate::error::Problem)))]
pub async fn show_off_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<OffHours> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(state.store.off_hours(id).await?))
}

#[utoipa::path(post, path = "/api/v1/off-hours/{id}/decision", tag = "schedule", params(("id" = i64, Path)), request_body = OffHoursDecision,
    responses((status = 200, body = OffHours), (status = 409, body = crate::error::Problem)))]
pub async fn decide_off_hours_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<OffHoursDecision>,
) -> JsonResult<OffHours> {
    Ok(Json(decide_off_hours(&state, &user, id, &d).await?))
}

#[utoipa::path(get, path = "/api/v1/permits", tag = "schedule", params(ScheduleQuery), responses((status = 200, body = Page<Permit>), (status = 422, body = crate::error::Problem)))]
pub async fn list_permits(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<Permit>> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(state.store.permits(&q.filter()?, q.request()).await?))
}

#[utoipa::path(post, path = "/api/v1/permits", tag = "schedule", request_body = PermitInput,
    responses((status = 201, body = Permit), (status = 422, body = crate::error::Problem)))]
pub async fn create_permit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PermitInput>,
) -> ApiResult<(StatusCode, Json<Permit>)> {
    Ok((
        StatusCode::CREATED,
        Json(request_permit(&state, &user, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/permits/{id}", tag = "schedule", params(("id" = i64, Path)), responses((status = 200, body = Permit), (status = 404, body = crate::error::Problem)))]
pub async fn show_permit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Permit> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(state.store.permit(id).await?))
}

#[utoipa::path(post, path = "/api/v1/permits/{id}/decision", tag = "schedule", params(("id" = i64, Path)), request_body = PermitDecision,
    responses((status = 200, body = Permit), (status = 409, body = crate::error::Problem)))]
pub async fn decide_permit_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<PermitDecision>,
) -> JsonResult<Permit> {
    Ok(Json(decide_permit(&state, &user, id, &d).await?))
}
