//! The all-site plan pages (R4.4): the form that asks the planner, a preview, and a kept
//! plan as a timeline per worker and day, with its findings and the Excel export.

use super::extract::{Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveTime, Timelike};
use jukiops_domain::people::Action;
use jukiops_domain::planner::{Plan, date_ja};
use serde_json::{Value, json};

use super::schedule::FormPairs;
use super::{ListQuery, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::plans::{
    PlanRequest, PlanWorkerInput, create_plan, plan_xlsx_response, preview_plan,
};
use crate::templates::render;

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
    let hours = state.contract.working_hours;
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

/// `?page=&request_id=`: the list's page, and the request a new plan serves.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PlansQuery {
    pub page: Option<String>,
    pub request_id: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PlansQuery>,
) -> PageResult {
    user.require(Action::ViewSchedule)?;
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: PlansQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let paging = ListQuery {
        page: q.page.clone(),
        per_page: None,
    };
    let page = state.store.saved_plans(paging.page_request()).await?;
    let mut ctx = json!({
        "plans": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "can_plan": user.may(Action::PlanVisits),
        "workers": state.store.contractor_people().await?,
        "sites": state.store.all_sites().await?,
        "requests": state.store.work_requests(jukiops_store::PageRequest::new(Some(1), Some(200))).await?.items
            .into_iter().filter(|r| matches!(r.status.as_str(), "issued" | "procedure_approved" | "in_progress")).collect::<Vec<_>>(),
        "deadline_days": state.contract.all_site_deadline_business_days,
        "form": {"title": "", "purpose": "", "start": "", "minutes": 30, "worker_ids": [], "travel_csv": "", "site_ids": null,
            "request_id": q.request_id.as_deref().and_then(|v| v.trim().parse::<i64>().ok())},
        "preview": null,
    });
    merge(&mut ctx, extra);
    Ok((status, render("plans.html", user.ctx("全拠点計画", ctx))?).into_response())
}

fn request_of(f: &FormPairs) -> PlanRequest {
    PlanRequest {
        title: f.get("title"),
        purpose: f.get("purpose"),
        start: f.get("start"),
        work_minutes_per_terminal: f.get("minutes").trim().parse().unwrap_or(0),
        workers: f
            .ids("worker_ids")
            .into_iter()
            .map(|id| PlanWorkerInput {
                id,
                available: None,
            })
            .collect(),
        site_ids: Some(f.ids("site_ids")).filter(|_| f.get("sites_chosen") == "1"),
        request_id: Some(f.id("request_id")).filter(|id| *id > 0),
        travel_csv: Some(f.get("travel_csv")),
    }
}

pub async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let r = request_of(&f);
    let form = json!({"title": r.title, "purpose": r.purpose, "start": r.start, "minutes": r.work_minutes_per_terminal,
        "worker_ids": f.ids("worker_ids"), "travel_csv": f.get("travel_csv"), "site_ids": f.ids("site_ids"),
        "request_id": r.request_id});
    if f.get("action") == "preview" {
        return match preview_plan(&state, &user.0, &r).await {
            Ok(plan) => {
                let workers: Vec<(i64, String)> = state
                    .store
                    .contractor_people()
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p.display_name))
                    .collect();
                let sites: Vec<(i64, String)> = state
                    .store
                    .all_sites()
                    .await?
                    .into_iter()
                    .map(|s| (s.id, s.name))
                    .collect();
                let preview = plan_view(&state, &plan, &workers, &sites);
                list_page(
                    &state,
                    &user,
                    PlansQuery::default(),
                    StatusCode::OK,
                    json!({"form": form, "preview": preview}),
                )
                .await
            }
            Err(e) => {
                let (status, message, errors) = form_errors(e)?;
                list_page(
                    &state,
                    &user,
                    PlansQuery::default(),
                    status,
                    json!({"form": form, "error": message, "errors": errors}),
                )
                .await
            }
        };
    }
    match create_plan(&state, &user.0, &r).await {
        Ok(saved) => Ok(see_other(&format!("/plans/{}", saved.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            list_page(
                &state,
                &user,
                PlansQuery::default(),
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    user.require(Action::ViewSchedule)?;
    let saved = state.store.saved_plan(id).await?;
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
    let ctx = json!({
        "can_agree": user.may(Action::AgreeSchedule) && saved.agreed_by.is_none(),
        "p": {"id": saved.id, "request_id": saved.request_id, "agreed_by": saved.agreed_by, "agreed_at": saved.agreed_at, "title": saved.title, "created_by": saved.created_by, "created_at": saved.created_at,
              "minutes": saved.input.work_minutes_per_terminal, "sites": saved.input.sites.len(),
              "terminals": saved.input.sites.iter().map(|s| s.terminal_ids.len()).sum::<usize>(),
              "workers": workers.iter().map(|w| w.1.clone()).collect::<Vec<_>>().join("、")},
        "view": plan_view(&state, &saved.plan, &workers, &sites),
    });
    Ok(render(
        "plan.html",
        user.ctx(&format!("全拠点計画 {}", saved.title), ctx),
    )?
    .into_response())
}

pub async fn xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, super::PageError> {
    Ok(plan_xlsx_response(&state, &user.0, id).await?)
}

pub async fn agree(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    match crate::api::plans::agree_plan(&state, &user.0, id).await {
        Ok(_) => Ok(see_other(&format!("/plans/{id}"))),
        Err(e) => Err(super::PageError(e)),
    }
}
