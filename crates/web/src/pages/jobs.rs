//! Jobs as pages (R2, R3): the list with its filters, and the form to create one from a
//! J-LIS notice (ア イ ウ) or by the City's order or an incident, on all terminals or
//! chosen ones.

use super::extract::Query;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::contract::{CategoryCode, WorkOrigin};
use jukiops_domain::jobs::{JobInput, JobStatus, NoticeStatus, origin_of};
use jukiops_domain::people::Action;
use jukiops_store::{NoticeFilter, PageRequest};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form_pairs::FormPairs;
use super::{PageError, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::jobs::{JobQuery, create_job};
use crate::templates::render;

/// `[{value, label}]` of the contract's categories, ア..ク.
fn category_options(state: &AppState) -> Value {
    CategoryCode::ALL
        .iter()
        .map(|c| {
            let name = state
                .contract
                .category(*c)
                .map(|w| w.name.as_str())
                .unwrap_or("");
            json!({"value": c.kana(), "label": format!("{c} {name}")})
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<JobQuery>,
) -> PageResult {
    user.require(Action::ViewJobs)?;
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
    let page = state.store.jobs(&filter, q.request()).await?;
    let base = format!(
        "/jobs?category={}&status={}&",
        filter.category.map(|c| c.kana()).unwrap_or_default(),
        filter.status.map(|s| s.as_str()).unwrap_or_default()
    );
    let statuses: Vec<Value> = JobStatus::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": s.label_ja()}))
        .collect();
    let ctx = json!({
        "items": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": base, "category": filter.category.map(|c| c.kana()), "status": filter.status.map(|s| s.as_str()),
        "categories": category_options(&state), "statuses": statuses,
        "can_create": user.may(Action::ManageJobs),
    });
    Ok(render("jobs.html", user.ctx("作業", ctx))?.into_response())
}

/// `?notice_id=` of the new-job form: the notice to create the job from.
#[derive(Debug, Default, Deserialize)]
pub struct NewJobQuery {
    pub notice_id: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<NewJobQuery>,
) -> PageResult {
    user.require(Action::ManageJobs)?;
    let notice_id = q.notice_id.and_then(|n| n.trim().parse::<i64>().ok());
    let category = match notice_id {
        Some(id) => Some(state.store.notice(id).await?.category),
        None => None,
    };
    let form = json!({"category": category.unwrap_or_default(), "notice_id": notice_id.unwrap_or(0),
        "title": "", "description": "", "all_terminals": true, "terminal_ids": []});
    form_page(&state, &user, StatusCode::OK, json!({"form": form})).await
}

async fn form_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
    let mut notices = Vec::new();
    for s in [NoticeStatus::Received, NoticeStatus::JobsCreated] {
        let f = NoticeFilter {
            status: Some(s),
            kind: None,
        };
        notices.extend(state.store.notices(&f, all).await?.items);
    }
    let in_use = state.store.terminals_in_use().await?;
    let ids: Vec<i64> = in_use.iter().map(|(_, t)| *t).collect();
    let assets = state.store.asset_numbers(&ids).await?;
    let sites = state.store.all_sites().await?;
    let terminals: Vec<Value> = in_use
        .iter()
        .map(|(s, t)| {
            let site = sites.iter().find(|x| x.id == *s).map(|x| x.name.as_str());
            json!({"id": t, "asset_number": assets.get(t), "site_name": site.unwrap_or("")})
        })
        .collect();
    let mut ctx = json!({
        "categories": category_options(state), "notices": notices, "terminals": terminals,
    });
    merge(&mut ctx, extra);
    Ok((status, render("job_new.html", user.ctx("作業の登録", ctx))?).into_response())
}

pub async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    user.require(Action::ManageJobs)?;
    let f = FormPairs::parse(&body);
    let category = f.get("category");
    // The origin follows from the category (§4); the notice only matters for ア イ ウ.
    let origin = match CategoryCode::from_kana(&category).map(origin_of) {
        Some(WorkOrigin::JlisNotice) => "notice",
        Some(WorkOrigin::Incident) => "incident",
        _ => "city_order",
    };
    let notice_id = Some(f.id("notice_id")).filter(|n| origin == "notice" && *n > 0);
    let input = JobInput {
        category,
        origin: origin.into(),
        notice_id,
        title: f.get("title"),
        description: Some(f.get("description")),
        all_terminals: f.get("all_terminals") == "1",
        terminal_ids: f.ids("terminal_ids"),
    };
    match create_job(&state, &user.0, &input).await {
        Ok(j) => Ok(see_other(&format!("/jobs/{}", j.job.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let form = json!({"category": input.category, "notice_id": input.notice_id.unwrap_or(0),
                "title": input.title, "description": input.description, "all_terminals": input.all_terminals,
                "terminal_ids": input.terminal_ids});
            let extra = json!({"form": form, "error": message, "errors": errors});
            form_page(&state, &user, status, extra).await
        }
    }
}
