//! The month view of the contract's calendar (R5.2): business days, and closed days with
//! their reason, and the visits planned on each day (flagged when a permit or off-hours
//! cover is missing).

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Datelike, Duration, NaiveDate};
use jukiops_domain::calendar::equinox_is_provisional;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::PermitStatus;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageRoutes;
use super::permits::permits_between;
use super::visits::visits_between;
use super::{PageResult, PageUser, merge};
use crate::AppState;
use crate::templates::render;

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; default: the first month of the contract period.
    pub month: Option<String>,
}

fn first_of(month: Option<&str>, default: NaiveDate) -> NaiveDate {
    month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{}-01", m.trim()), "%Y-%m-%d").ok())
        .filter(|d| (1955..=2099).contains(&d.year()))
        .unwrap_or_else(|| default.with_day(1).unwrap_or(default))
}

fn shift_month(first: NaiveDate, delta: i32) -> NaiveDate {
    let m = first.year() * 12 + first.month0() as i32 + delta;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(first)
}

pub async fn month(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthQuery>,
) -> PageResult {
    month_page(
        &state,
        &user,
        q.month.as_deref(),
        StatusCode::OK,
        Value::Null,
    )
    .await
}

async fn month_page(
    state: &AppState,
    user: &PageUser,
    month: Option<&str>,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let cal = state.app.business_calendar().await?;
    let first = first_of(month, state.app.contract().period.start);
    let next = shift_month(first, 1);
    // Weeks start on Sunday, as Japanese office calendars do.
    let lead = first.weekday().num_days_from_sunday() as i64;
    let last = next - Duration::days(1);
    let visits = visits_between(state, user, &first.to_string(), &last.to_string()).await?;
    let permits = permits_between(state, user, &first.to_string(), &last.to_string()).await?;
    let mut weeks: Vec<Vec<Value>> = Vec::new();
    let mut day = first - Duration::days(lead);
    while day < next || weeks.last().is_some_and(|w| w.len() < 7) {
        if weeks.last().is_none_or(|w| w.len() == 7) {
            weeks.push(Vec::new());
        }
        let cell = if day.month() == first.month() {
            let reason = cal.closed_reason(day);
            let date = day.to_string();
            let planned: Vec<Value> = visits
                .iter()
                .filter(|v| v.date == date)
                .map(|v| json!({"id": v.id, "site": v.site_name, "start": v.start, "end": v.end,
                    "warn": !v.assessment.warnings.is_empty(), "done": v.status == jukiops_domain::schedule::VisitStatus::Done}))
                .collect();
            let permitted: Vec<Value> = permits
                .iter()
                .filter(|p| p.valid_from <= date && date <= p.valid_to)
                .map(|p| json!({"site": p.site_name, "kind": p.kind_label, "granted": p.status == PermitStatus::Granted}))
                .collect();
            json!({"day": day.day(), "closed": reason.is_some(), "reason": reason,
                "in_period": state.app.contract().period.contains(day), "visits": planned, "permits": permitted})
        } else {
            Value::Null
        };
        if let Some(w) = weeks.last_mut() {
            w.push(cell);
        }
        day += Duration::days(1);
    }
    let business_days = first
        .iter_days()
        .take_while(|d| *d < next)
        .filter(|d| cal.is_business_day(*d))
        .count();
    let mut ctx = json!({
        "overrides": state.app.calendar_overrides(&user.actor()).await?,
        "can_edit": user.may(Action::EditCalendar),
        "month": first.format("%Y-%m").to_string(),
        "month_label": format!("{}年{}月", first.year(), first.month()),
        "prev": shift_month(first, -1).format("%Y-%m").to_string(),
        "next": next.format("%Y-%m").to_string(),
        "weeks": weeks,
        "business_days": business_days,
        "hours": format!("{}〜{}", cal.working_hours().start.format("%H:%M"), cal.working_hours().end.format("%H:%M")),
        "provisional": equinox_is_provisional(first.year()),
        "form": {"date": "", "reason": ""},
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("calendar.html", user.ctx("カレンダー", ctx))?,
    )
        .into_response())
}

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct OverrideForm {
    #[serde(default)]
    pub date: String,
    /// `open` or `closed`
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub reason: String,
}

impl PageForm for OverrideForm {
    const ACTION: Action = Action::EditCalendar;
}

pub async fn set(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<OverrideForm>,
) -> PageResult {
    let month = f.date.get(..7).map(String::from);
    let result = state
        .app
        .set_calendar_override(&user.actor(), &f.date, f.kind == "open", &f.reason)
        .await;
    post_redirect_get(
        Done::Saved,
        result.map_err(Into::into),
        |o| format!("/calendar?month={}", o.date.get(..7).unwrap_or_default()),
        &f,
        |status, extra| month_page(&state, &user, month.as_deref(), status, extra),
    )
    .await
}

/// The delete button's empty form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RemoveOverrideForm {}

impl PageForm for RemoveOverrideForm {
    const ACTION: Action = Action::EditCalendar;
}

/// Deletes a day's setting, after the confirmation page.
pub async fn remove(
    State(state): State<AppState>,
    user: PageUser,
    Path(date): Path<String>,
    c: Confirm<RemoveOverrideForm>,
) -> PageResult {
    let what = async {
        Ok(format!(
            "{date}の営業日・休業日の設定を削除し、暦どおりに戻します。"
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state
        .app
        .delete_calendar_override(&user.actor(), &date)
        .await;
    post_redirect_get(
        Done::Deleted,
        result.map_err(Into::into),
        |_| format!("/calendar?month={}", date.get(..7).unwrap_or_default()),
        &Value::Null,
        |status, extra| month_page(&state, &user, date.get(..7), status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/calendar", Action::ViewContract, month)
        .post("/calendar/overrides", Action::EditCalendar, set)
        .post(
            "/calendar/overrides/{date}/delete",
            Action::EditCalendar,
            remove,
        )
}
