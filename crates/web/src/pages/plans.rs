//! The all-site plan pages (R4.4): the form that asks the planner, its preview, and a kept
//! plan as a timeline per worker and day, with its findings, the Excel export and the
//! City's agreement.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveTime, Timelike};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_domain::planner::{Plan, date_ja};
use jukiops_domain::schedule::{MAX_PLAN_SITES, MAX_PLAN_WORKERS, PlanRequest, PlanWorkerInput};
use jukiops_store::PLAN_LIST;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::Done;
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::{PageError, PageResult, PageUser, form_errors, merge};
use crate::AppState;
use crate::lists;
use crate::templates::render;

/// The form asking the planner, for a preview (`/plans/preview`) or a kept plan
/// (`/plans`). A travel table pasted as text may be long.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PlanForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    start: String,
    /// Minutes of work per terminal.
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    worker_ids: Repeated<i64, MAX_PLAN_WORKERS>,
    #[serde(default)]
    site_ids: Repeated<i64, MAX_PLAN_SITES>,
    /// Set by the form: the site checkboxes say which sites (none ticked is none).
    #[serde(default)]
    sites_chosen: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    request_id: Option<i64>,
    #[serde(default)]
    travel_csv: String,
}

impl PageForm for PlanForm {
    const ACTION: Action = Action::PlanVisits;
    const MAX_BYTES: usize = 4 * 1024 * 1024;
}

impl PlanForm {
    fn request(&self) -> PlanRequest {
        PlanRequest {
            title: self.title.clone(),
            purpose: self.purpose.clone(),
            start: self.start.clone(),
            work_minutes_per_terminal: self.minutes.trim().parse().unwrap_or(0),
            workers: self
                .worker_ids
                .iter()
                .map(|id| PlanWorkerInput {
                    id: *id,
                    available: None,
                })
                .collect(),
            site_ids: Some(self.site_ids.0.clone())
                .filter(|_| self.sites_chosen.as_deref() == Some("1")),
            request_id: self.request_id.filter(|id| *id > 0),
            travel_csv: Some(self.travel_csv.clone()),
        }
    }
}

/// The City's button agreeing to a plan.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AgreePlanForm {}

impl PageForm for AgreePlanForm {
    const ACTION: Action = Action::AgreeSchedule;
}

/// Slots of 15 minutes in the working window.
const SLOT: u32 = 15;

fn minutes_from(open: NaiveTime, t: NaiveTime) -> u32 {
    let m = |t: NaiveTime| t.hour() * 60 + t.minute();
    m(t).saturating_sub(m(open))
}

/// The plan's rows for the timeline: one per worker-day, cells of 15-minute slots.
fn timeline(
    plan: &Plan,
    names: &dyn Fn(i64) -> String,
    sites: &dyn Fn(i64) -> String,
    open: NaiveTime,
) -> Vec<Value> {
    plan.days
        .iter()
        .map(|day| {
            let mut cells = Vec::new();
            let mut pos = 0;
            for v in plan.visits.iter().filter(|v| v.worker_id == day.worker_id && v.date == day.date) {
                let from = (minutes_from(open, v.start) / SLOT).max(pos);
                let to = minutes_from(open, v.end).div_ceil(SLOT).max(from + 1);
                if from > pos {
                    cells.push(json!({"span": from - pos, "label": "", "visit": false, "title": ""}));
                }
                cells.push(json!({"span": to - from, "visit": true,
                    "time": format!("{}〜{}", v.start.format("%H:%M"), v.end.format("%H:%M")),
                    "label": format!("{} {}台", sites(v.site_id), v.terminal_ids.len()),
                    "title": format!("{}〜{} {}", v.start.format("%H:%M"), v.end.format("%H:%M"), sites(v.site_id))}));
                pos = to;
            }
            json!({"date": date_ja(day.date), "worker": names(day.worker_id), "cells": cells,
                "travel": day.travel_minutes, "work": day.work_minutes})
        })
        .collect()
}

fn slot_header(open: NaiveTime, close: NaiveTime) -> Vec<Value> {
    let total = minutes_from(open, close).div_ceil(SLOT);
    (0..total)
        .step_by(4)
        .map(|i| {
            let t = open + chrono::Duration::minutes(i64::from(i * SLOT));
            json!({"span": (total - i).min(4), "label": t.format("%H:%M").to_string()})
        })
        .collect()
}

/// The plan's context for the template: verdict, totals, findings and the timeline.
fn plan_view(
    state: &AppState,
    plan: &Plan,
    workers: &[(i64, String)],
    sites: &[(i64, String)],
) -> Value {
    let name = |id: i64| {
        workers
            .iter()
            .find(|w| w.0 == id)
            .map(|w| w.1.clone())
            .unwrap_or_default()
    };
    let site = |id: i64| {
        sites
            .iter()
            .find(|s| s.0 == id)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    };
    let hours = state.app.contract().working_hours;
    json!({
        "within_deadline": plan.within_deadline,
        "first_day": date_ja(plan.first_day), "deadline": date_ja(plan.deadline),
        "last_date": plan.totals.last_date.map(date_ja),
        "totals": plan.totals, "lower_bound": plan.lower_bound,
        "gap": format!("{:.1}", plan.gap_percent),
        "findings": plan.findings,
        "header": slot_header(hours.start, hours.end),
        "rows": timeline(plan, &name, &site, hours.start),
        "visit_count": plan.visits.len(),
    })
}

/// The kept plans through the list tools; `?request_id=` also names the request a new plan
/// serves.
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    list_page(&state, &user, q, None, StatusCode::OK, Value::Null).await
}

/// The kept plans, the form, and the plan `preview` when there is one.
async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: ListParams,
    preview: Option<&Plan>,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let (q, refused) = lists::sound(q, &PLAN_LIST);
    let actor = user.actor();
    let listed = state.app.plan_list(&actor, &q).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::plain_row) {
        return Ok(export?);
    }
    let mut list = lists::view("/plans", &listed.request, &listed.page, &Vec::new());
    refused.show(&mut list);
    let status = refused.status(status);
    let choices = state.app.plan_choices(&actor).await?;
    let preview = preview.map(|plan| {
        let workers: Vec<(i64, String)> = choices
            .workers
            .iter()
            .map(|p| (p.id, p.display_name.clone()))
            .collect();
        let sites: Vec<(i64, String)> = choices
            .sites
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect();
        plan_view(state, plan, &workers, &sites)
    });
    let mut ctx = json!({
        "plans": listed.page.items, "list": list,
        "can_plan": user.may(Action::PlanVisits),
        "workers": choices.workers,
        "sites": choices.sites,
        "requests": choices.requests,
        "deadline_days": state.app.contract().all_site_deadline_business_days,
        "form": {"title": "", "purpose": "", "start": "", "minutes": 30, "worker_ids": [], "travel_csv": "", "site_ids": null,
            "request_id": q.filters.get("request_id").and_then(|v| v.trim().parse::<i64>().ok())},
        "preview": preview,
    });
    merge(&mut ctx, extra);
    Ok((status, render("plans.html", user.ctx("全拠点計画", ctx))?).into_response())
}

/// Plans without keeping anything and shows the plan above the form, as typed.
pub async fn preview(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<PlanForm>,
) -> PageResult {
    let q = ListParams::default();
    match state.app.preview_plan(&user.actor(), &f.request()).await {
        Ok(plan) => {
            let extra = json!({"form": f});
            list_page(&state, &user, q, Some(&plan), StatusCode::OK, extra).await
        }
        Err(e) => {
            let (status, message, errors) = form_errors(e.into())?;
            let extra = json!({"form": f, "error": message, "errors": super::error_views(&errors)});
            list_page(&state, &user, q, None, status, extra).await
        }
    }
}

/// Plans and keeps the plan; its visits join the schedule.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<PlanForm>,
) -> PageResult {
    let result = state.app.create_plan(&user.actor(), &f.request()).await;
    post_redirect_get(
        Done::Saved,
        result.map_err(Into::into),
        |saved| format!("/plans/{}", saved.id),
        &f,
        |status, extra| list_page(&state, &user, ListParams::default(), None, status, extra),
    )
    .await
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let saved = state.app.plan(&user.actor(), id).await?;
    let progress = state.app.plan_progress(&user.actor(), id).await?;
    let workers: Vec<(i64, String)> = saved
        .input
        .workers
        .iter()
        .map(|w| (w.id, w.name.clone()))
        .collect();
    let sites: Vec<(i64, String)> = saved
        .input
        .sites
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let mut ctx = json!({
        "can_agree": user.may(Action::AgreeSchedule) && saved.agreed_by.is_none(),
        "p": {"id": saved.id, "request_id": saved.request_id, "agreed_by": saved.agreed_by, "agreed_at": saved.agreed_at, "title": saved.title, "created_by": saved.created_by, "created_at": saved.created_at,
              "minutes": saved.input.work_minutes_per_terminal, "sites": saved.input.sites.len(),
              "terminals": saved.input.sites.iter().map(|s| s.terminal_ids.len()).sum::<usize>(),
              "workers": workers.iter().map(|w| w.1.clone()).collect::<Vec<_>>().join("、")},
        "view": plan_view(state, &saved.plan, &workers, &sites),
        "progress": progress,
        "can_permit": user.may(Action::RequestPermits),
    });
    merge(&mut ctx, extra);
    let title = format!("全拠点計画 {}", saved.title);
    Ok((
        status,
        render("plan.html", user.ctx_under("/plans", &[], &title, ctx))?,
    )
        .into_response())
}

pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(crate::api::plans::xlsx_response(&state, &user.0, id).await?)
}

pub async fn agree(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<AgreePlanForm>,
) -> PageResult {
    let result = state.app.agree_plan(&user.actor(), id).await;
    post_redirect_get(
        Done::Agreed,
        result.map_err(Into::into),
        |_| format!("/plans/{id}"),
        &f,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/plans", Action::ViewSchedule, list)
        .post("/plans", Action::PlanVisits, create)
        .post("/plans/preview", Action::PlanVisits, preview)
        .get("/plans/{id}", Action::ViewSchedule, show)
        .get("/plans/{id}/plan.xlsx", Action::ViewSchedule, xlsx)
        .post("/plans/{id}/agreement", Action::AgreeSchedule, agree)
}
