//! カ and waivers on the pages (R3.3, R8.4): the City's checklist template form, the job
//! page's per-terminal checklist form, findings with their follow-up button, and the
//! City's waiver of deliverables.

use super::extract::Path;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{
    ChecklistAnswerInput, ChecklistInput, ChecklistItemInput, ChecklistTemplateInput,
    DeliverableWaiverInput, ItemKind, JobStatus,
};
use jukiops_domain::people::Action;
use jukiops_domain::time::today_jst;
use jukiops_store::JobDetail;
use serde_json::{Value, json};

use super::form_pairs::FormPairs;
use super::job::show_page;
use super::{PageResult, PageUser, form_errors, see_other};
use crate::AppState;
use crate::api::inspections::{raise_follow_up, record_inspection, save_template};
use crate::api::waivers::record_waiver;
use crate::templates::render;

/// Blank rows offered for new items on the template form.
const BLANK_ROWS: usize = 3;

/// The job page's inspection and waiver parts, as template context.
pub async fn job_context(
    state: &AppState,
    user: &PageUser,
    d: &JobDetail,
) -> Result<Value, crate::error::AppError> {
    let waiver = json!({
        "stored": state.store.waiver(d.job.id).await?,
        "can_waive": user.may(Action::DecideReports),
        "today": today_jst(Utc::now()).to_string(),
    });
    if d.job.category != CategoryCode::AnnualInspection {
        return Ok(json!({"waiver": waiver, "inspection": null}));
    }
    let i = state.store.job_inspections(d.job.id).await?;
    let open = matches!(d.job.status, JobStatus::Requested | JobStatus::InProgress);
    let inspection = json!({
        "inspections": i.inspections, "findings": i.findings, "not_inspected": i.not_inspected,
        "template": state.store.inspection_template().await?,
        "can_record": open && user.may(Action::RecordWork),
        "can_follow_up": user.may(Action::ManageJobs),
        "people": state.store.contractor_people().await?,
        "me": user.0.0.id, "today": today_jst(Utc::now()).to_string(),
    });
    Ok(json!({"waiver": waiver, "inspection": inspection}))
}

/// Records one terminal's checklist from the job page's form.
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let template = state.store.inspection_template().await?;
    let answers = template
        .items
        .iter()
        .filter(|it| !f.get(&format!("v_{}", it.id)).trim().is_empty())
        .map(|it| ChecklistAnswerInput {
            item_id: it.id.clone(),
            value: f.get(&format!("v_{}", it.id)),
            note: Some(f.get(&format!("n_{}", it.id))).filter(|n| !n.trim().is_empty()),
        })
        .collect();
    let input = ChecklistInput {
        terminal_id: f.id("terminal_id"),
        inspected_on: f.get("inspected_on"),
        inspector_id: f.id("inspector_id"),
        answers,
    };
    match record_inspection(&state, &user.0, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/jobs/{id}#inspections"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let extra = json!({"error": message, "errors": errors});
            show_page(&state, &user, id, status, extra).await
        }
    }
}

/// Raises the follow-up エ job of a finding and shows it.
pub async fn follow_up(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, terminal_id)): Path<(i64, i64)>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    match raise_follow_up(&state, &user.0, id, terminal_id, &f.get("item_id")).await {
        Ok(job) => Ok(see_other(&format!("/jobs/{}", job.job.id))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            show_page(&state, &user, id, status, json!({"error": message})).await
        }
    }
}

/// Records the City's waiver from the job page; deliverables one per line.
pub async fn waive(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = DeliverableWaiverInput {
        job_id: id,
        scope: f.get("scope"),
        deliverables: f
            .get("deliverables")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        decided_on: f.get("decided_on"),
        reason: Some(f.get("reason")).filter(|r| !r.trim().is_empty()),
    };
    match record_waiver(&state, &user.0, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/jobs/{id}#waiver"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let extra = json!({"error": message, "errors": errors});
            show_page(&state, &user, id, status, extra).await
        }
    }
}

/// The checklist template with, for the City, the form to edit it.
pub async fn template(State(state): State<AppState>, user: PageUser) -> PageResult {
    user.require(Action::ViewJobs)?;
    let t = state.store.inspection_template().await?;
    let rows: Vec<ChecklistItemInput> = t
        .items
        .iter()
        .map(|i| ChecklistItemInput {
            id: i.id.clone(),
            label: i.label.clone(),
            kind: i.kind.as_str().to_string(),
        })
        .collect();
    template_page(&user, rows, StatusCode::OK, json!({}))
}

fn template_page(
    user: &PageUser,
    mut rows: Vec<ChecklistItemInput>,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    rows.extend((0..BLANK_ROWS).map(|_| ChecklistItemInput {
        kind: ItemKind::PassFail.as_str().into(),
        ..Default::default()
    }));
    let kinds: Vec<Value> = ItemKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label_ja()}))
        .collect();
    let mut ctx = json!({"rows": rows, "kinds": kinds,
        "can_edit": user.may(Action::EditInspectionTemplate)});
    super::merge(&mut ctx, extra);
    let html = render(
        "inspection_template.html",
        user.ctx("年次点検の点検項目", ctx),
    )?;
    Ok((status, html).into_response())
}

/// Saves the template from the form: rows with neither id nor label are skipped.
pub async fn save(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let ids: Vec<String> =
        f.0.iter()
            .filter(|(k, _)| k == "id")
            .map(|(_, v)| v.clone())
            .collect();
    let labels: Vec<String> =
        f.0.iter()
            .filter(|(k, _)| k == "label")
            .map(|(_, v)| v.clone())
            .collect();
    let kinds: Vec<String> =
        f.0.iter()
            .filter(|(k, _)| k == "kind")
            .map(|(_, v)| v.clone())
            .collect();
    let items: Vec<ChecklistItemInput> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| ChecklistItemInput {
            id: id.clone(),
            label: labels.get(i).cloned().unwrap_or_default(),
            kind: kinds.get(i).cloned().unwrap_or_default(),
        })
        .filter(|it| !it.id.trim().is_empty() || !it.label.trim().is_empty())
        .collect();
    let input = ChecklistTemplateInput { items };
    match save_template(&state, &user.0, &input).await {
        Ok(_) => Ok(see_other("/inspection/template")),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            template_page(
                &user,
                input.items,
                status,
                json!({"error": message, "errors": errors}),
            )
        }
    }
}
