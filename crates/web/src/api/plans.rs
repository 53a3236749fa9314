//! The all-site plan (R4.4) over the API: preview a plan, keep it with its visits, read
//! it back, and export it as an Excel workbook. The operations are shared with the pages.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_documents::plan_xlsx::{PlanDocument, plan_workbook};
use jukiops_domain::FieldErrors;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::Action;
use jukiops_domain::planner::{self, Plan, PlanInput, PlanSite, PlanWorker, TravelModel};
use jukiops_domain::validation::required_text;
use jukiops_store::{Page, PlanSummary, SavedPlan};
use serde::{Deserialize, Serialize};

use super::calendar::business_calendar;
use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::Path;

/// One worker put on the plan, with the dates they can work (all business days if none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanWorkerInput {
    /// The user id of a contractor's worker or lead.
    pub id: i64,
    /// `YYYY-MM-DD` dates; omitted: every business day.
    #[serde(default)]
    pub available: Option<Vec<String>>,
}

/// What the contractor's lead asks the planner.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanRequest {
    /// A name for the plan (e.g. the job it serves).
    pub title: String,
    /// The work content written on each visit.
    pub purpose: String,
    /// `YYYY-MM-DD`: the first day work may happen.
    pub start: String,
    /// Minutes of work per terminal for this job (1-480).
    pub work_minutes_per_terminal: u32,
    pub workers: Vec<PlanWorkerInput>,
    /// Sites to cover; omitted: every site with terminals in use.
    #[serde(default)]
    pub site_ids: Option<Vec<i64>>,
    /// The 作業依頼書 the plan serves: its target terminals are planned, and its visits
    /// carry the request.
    #[serde(default)]
    pub request_id: Option<i64>,
    /// Travel minutes as CSV `from,to,minutes` (site codes); omitted: from coordinates
    /// (road 1.3 x straight line, 25 km/h, 20 km/h December to March).
    #[serde(default)]
    pub travel_csv: Option<String>,
}

/// The checked request: the planner's input and the visits' work content.
struct Checked {
    title: String,
    purpose: String,
    input: PlanInput,
    request_id: Option<i64>,
}

async fn check(state: &AppState, r: &PlanRequest) -> Result<Checked, AppError> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", "計画名", &r.title, 100);
    let purpose = required_text(&mut e, "purpose", "作業内容", &r.purpose, 200);
    let start = parse_date(&r.start);
    if start.is_none() {
        e.push("start", "開始日をYYYY-MM-DDの形式で入力してください。");
    }
    if !(1..=480).contains(&r.work_minutes_per_terminal) {
        e.push(
            "work_minutes_per_terminal",
            "1台あたりの作業時間は1〜480分で入力してください。",
        );
    }
    let people = state.store.contractor_people().await?;
    let mut workers = Vec::new();
    for w in &r.workers {
        let Some(p) = people.iter().find(|p| p.id == w.id) else {
            e.push(
                "workers",
                format!(
                    "利用者ID {} は有効な作業従事者・業務責任者ではありません。",
                    w.id
                ),
            );
            continue;
        };
        let available = match &w.available {
            None => None,
            Some(days) => {
                let parsed: Vec<_> = days.iter().filter_map(|d| parse_date(d)).collect();
                if parsed.len() != days.len() {
                    e.push(
                        "workers",
                        format!(
                            "{}さんの作業可能日をYYYY-MM-DDの形式で入力してください。",
                            p.display_name
                        ),
                    );
                }
                Some(parsed)
            }
        };
        workers.push(PlanWorker {
            id: p.id,
            name: p.display_name.clone(),
            available,
        });
    }
    if r.workers.is_empty() {
        e.push("workers", "作業従事者を1名以上選んでください。");
    }
    let mut travel = match r
        .travel_csv
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => TravelModel::sapporo_default(),
        Some(text) => match planner::csv::parse_travel_csv(text) {
            Ok(entries) => TravelModel::Matrix { entries },
            Err(errors) => {
                for err in errors {
                    e.push("travel_csv", err.to_string());
                }
                TravelModel::sapporo_default()
            }
        },
    };
    let sites = plan_sites(state, r.site_ids.as_deref(), r.request_id, &mut e).await?;
    if let TravelModel::Matrix { entries } = &mut travel {
        // A matrix saved by Excel lost the leading zeros of codes like 011011.
        jukiops_domain::inventory::csv::restore_site_codes(
            entries.iter_mut().flat_map(|t| [&mut t.from, &mut t.to]),
            &state.store.site_codes().await?,
        );
    }
    let Some(start) = start.filter(|_| e.is_empty()) else {
        return Err(e.into());
    };
    Ok(Checked {
        title,
        purpose,
        request_id: r.request_id,
        input: PlanInput {
            start,
            deadline_business_days: state.contract.all_site_deadline_business_days,
            sites,
            workers,
            work_minutes_per_terminal: r.work_minutes_per_terminal,
            travel,
            depot: None,
        },
    })
}

/// The sites to cover, each with its terminals in use.
async fn plan_sites(
    state: &AppState,
    only: Option<&[i64]>,
    request_id: Option<i64>,
    e: &mut FieldErrors,
) -> Result<Vec<PlanSite>, AppError> {
    let sites = state.store.all_sites().await?;
    let terminals: Vec<(i64, i64)> = match request_id {
        None => state.store.terminals_in_use().await?,
        Some(rid) => {
            state.store.work_request(rid).await.map_err(|_| {
                AppError::from(FieldErrors::from(jukiops_domain::FieldError::new(
                    "request_id",
                    format!("作業依頼書ID {rid} は登録されていません。"),
                )))
            })?;
            state
                .store
                .request_terminals(rid)
                .await?
                .into_iter()
                .map(|t| (t.site_id, t.id))
                .collect()
        }
    };
    if let Some(ids) = only {
        for id in ids.iter().filter(|id| !sites.iter().any(|s| s.id == **id)) {
            e.push("site_ids", format!("拠点ID {id} は登録されていません。"));
        }
    }
    let chosen: Vec<PlanSite> = sites
        .into_iter()
        .filter(|s| only.is_none_or(|ids| ids.contains(&s.id)))
        .map(|s| PlanSite {
            terminal_ids: terminals
                .iter()
                .filter(|(site, _)| *site == s.id)
                .map(|(_, t)| *t)
                .collect(),
            id: s.id,
            code: s.code,
            name: s.name,
            lat: s.lat,
            lon: s.lon,
        })
        .filter(|s| !s.terminal_ids.is_empty())
        .collect();
    if chosen.is_empty() {
        e.push("site_ids", "統合端末のある拠点を1つ以上選んでください。");
    }
    Ok(chosen)
}

/// Runs the planner off the async runtime; an input it cannot plan is a 422 naming why.
async fn run(state: &AppState, input: PlanInput) -> Result<Plan, AppError> {
    let cal = business_calendar(state).await?;
    let result = tokio::task::spawn_blocking(move || planner::plan(&input, &cal))
        .await
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    result.map_err(|err| {
        let mut e = FieldErrors::default();
        for f in err.findings {
            e.push("plan", f.message);
        }
        e.into()
    })
}

/// Plans without keeping anything: what the lead looks at before saving.
pub async fn preview_plan(
    state: &AppState,
    user: &CurrentUser,
    r: &PlanRequest,
) -> Result<Plan, AppError> {
    user.require(Action::PlanVisits)?;
    let c = check(state, r).await?;
    run(state, c.input).await
}

/// Plans and keeps the plan with its visits.
pub async fn create_plan(
    state: &AppState,
    user: &CurrentUser,
    r: &PlanRequest,
) -> Result<SavedPlan, AppError> {
    let actor = user.require(Action::PlanVisits)?;
    let c = check(state, r).await?;
    let plan = run(state, c.input.clone()).await?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    let id = state
        .store
        .save_plan(
            &actor,
            &rules,
            &jukiops_store::PlanAbout {
                title: &c.title,
                purpose: &c.purpose,
                request_id: c.request_id,
            },
            &c.input,
            &plan,
        )
        .await?;
    Ok(state.store.saved_plan(id).await?)
}

/// The plan as an .xlsx download.
pub async fn plan_xlsx_response(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Response, AppError> {
    user.require(Action::ViewSchedule)?;
    let saved = state.store.saved_plan(id).await?;
    let worker_names: HashMap<i64, String> = saved
        .input
        .workers
        .iter()
        .map(|w| (w.id, w.name.clone()))
        .collect();
    let site_names: HashMap<i64, String> = saved
        .input
        .sites
        .iter()
        .map(|s| (s.id, s.name.clone()))
        .collect();
    let ids: Vec<i64> = saved
        .plan
        .visits
        .iter()
        .flat_map(|v| v.terminal_ids.iter().copied())
        .collect();
    let asset_numbers = state.store.asset_numbers(&ids).await?;
    let bytes = plan_workbook(&PlanDocument {
        title: &saved.title,
        plan: &saved.plan,
        worker_names: &worker_names,
        site_names: &site_names,
        asset_numbers: &asset_numbers,
    })
    .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let filename = format!("attachment; filename=\"plan-{id}.xlsx\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, filename),
        ],
        bytes,
    )
        .into_response())
}

/// Plans a job on all sites without saving: visits, totals, the lower bound and, when the
/// 3-business-day deadline cannot be met, why and what would meet it (in Japanese).
#[utoipa::path(post, path = "/api/v1/plans/preview", tag = "schedule", request_body = PlanRequest,
    responses((status = 200, body = Plan), (status = 422, body = crate::error::Problem)))]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(r): ApiJson<PlanRequest>,
) -> JsonResult<Plan> {
    Ok(Json(preview_plan(&state, &user, &r).await?))
}

/// Plans a job on all sites and keeps the plan; its visits join the schedule.
#[utoipa::path(post, path = "/api/v1/plans", tag = "schedule", request_body = PlanRequest,
    responses((status = 201, body = SavedPlan), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(r): ApiJson<PlanRequest>,
) -> ApiResult<(StatusCode, Json<SavedPlan>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_plan(&state, &user, &r).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "schedule", params(Paging), responses((status = 200, body = Page<PlanSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::extract::Query(p): crate::extract::Query<Paging>,
) -> JsonResult<Page<PlanSummary>> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(state.store.saved_plans(p.request()).await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "schedule", params(("id" = i64, Path)), responses((status = 200, body = SavedPlan), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<SavedPlan> {
    user.require(Action::ViewSchedule)?;
    Ok(Json(state.store.saved_plan(id).await?))
}

/// The plan as an Excel workbook: summary, visits, worker-days.
#[utoipa::path(get, path = "/api/v1/plans/{id}/xlsx", tag = "schedule", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, body = crate::error::Problem)))]
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    plan_xlsx_response(&state, &user, id).await
}

/// The City agrees to a plan (and so to each of its visits).
pub async fn agree_plan(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<SavedPlan, AppError> {
    let actor = user.require(Action::AgreeSchedule)?;
    state.store.agree_plan(&actor, id).await?;
    Ok(state.store.saved_plan(id).await?)
}

/// The City's agreement to the plan's schedule (本市担当者); its visits are agreed with it.
#[utoipa::path(post, path = "/api/v1/plans/{id}/agreement", tag = "schedule", params(("id" = i64, Path)),
    responses((status = 200, body = SavedPlan), (status = 409, body = crate::error::Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<SavedPlan> {
    Ok(Json(agree_plan(&state, &user, id).await?))
}
