//! The request pages (R8): the list and the City's form to issue a 作業依頼書, and one
//! request with its questions, procedure versions, work records and result report, each
//! with the forms of whoever acts next.

use super::extract::{Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::jobs::{
    ACCEPTED_EXTENSIONS, AnswerInput, DecisionInput, OwnerKind, ProcedureInput, ProcedureStepInput,
    QuestionInput, WorkRecordInput, WorkRequestInput,
};
use jukiops_domain::people::Action;
use serde_json::{Value, json};

use super::form_pairs::FormPairs;
use super::{ListQuery, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::requests::{
    RecordsInput, answer, cancel, close_question, decide_procedure, decide_report, issue, raise,
    record, request_detail, save_procedure, submit_procedure, submit_report,
};
use crate::error::AppError;
use crate::templates::render;

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    user.require(Action::ViewJobs)?;
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: ListQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let page = state.store.work_requests(q.page_request()).await?;
    let mut ctx = json!({
        "requests": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "can_issue": user.may(Action::IssueRequests),
        "jobs": state.store.jobs_awaiting_request().await?.into_iter().map(|(id, c, t)| json!({"id": id, "category": c, "title": t})).collect::<Vec<_>>(),
        "sites": state.store.all_sites().await?,
        "form": {"request_number": "", "issued_on": "", "period_from": "", "period_to": "", "contents": "", "job_ids": [], "site_ids": [], "combination_approved": false},
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("requests.html", user.ctx("作業依頼書", ctx))?,
    )
        .into_response())
}

pub async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = WorkRequestInput {
        request_number: f.get("request_number"),
        issued_on: f.get("issued_on"),
        period_from: f.get("period_from"),
        period_to: f.get("period_to"),
        site_ids: f.ids("site_ids"),
        contents: f.get("contents"),
        job_ids: f.ids("job_ids"),
        combination_approved: f.get("combination_approved") == "1",
    };
    match issue(&state, &user.0, &input).await {
        Ok(id) => Ok(see_other(&format!("/requests/{id}"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            list_page(
                &state,
                &user,
                ListQuery::default(),
                status,
                json!({"form": input, "error": message, "errors": errors}),
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
    show_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

pub(super) async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let d = request_detail(state, &user.0, id).await?;
    let steps_text = d.procedures.first().map(|p| {
        p.steps
            .iter()
            .map(|s| format!("{} | {}", s.action, s.expected_result))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let procedure_ids: Vec<i64> = d.procedures.iter().map(|p| p.id).collect();
    let procedure_attachments = state
        .store
        .attachments_of_many(OwnerKind::Procedure, &procedure_ids)
        .await?;
    let evidence = state.store.attachments_of(OwnerKind::Request, id).await?;
    let mut ctx = json!({
        "procedure_attachments": procedure_attachments, "evidence": evidence,
        "accept": ACCEPTED_EXTENSIONS,
        "d": d,
        "people": state.store.contractor_people().await?,
        "steps_text": steps_text.unwrap_or_default(),
        "can": can_view(user, &d),
    });
    merge(&mut ctx, extra);
    let title = format!("作業依頼書 {}", d.request.summary.request_number);
    Ok((status, render("request.html", user.ctx(&title, ctx))?).into_response())
}

/// What the signed-in user may do on the request now, each from the domain's state
/// machines (the page shows a form only where the action would be accepted).
fn can_view(user: &PageUser, d: &crate::api::requests::RequestDetail) -> Value {
    use jukiops_domain::jobs::{
        ProcedureVerb, ProcedureVersion, QuestionVerb, ReportVerb, WorkRequestVerb,
        may_record_work, procedure_transition, question_transition, report_transition,
        work_request_transition,
    };
    let role = user.0.0.role;
    let status = d.request.summary.status;
    let latest = d.procedures.first().map(|p| ProcedureVersion {
        number: u32::try_from(p.version).unwrap_or(0),
        status: p.status,
    });
    json!({
        "raise": user.may(Action::RaiseQuestions),
        "write": user.may(Action::WriteProcedures),
        "record": user.may(Action::RecordWork),
        "cancel": work_request_transition(status, WorkRequestVerb::Cancel, role).is_ok(),
        "record_now": user.may(Action::RecordWork) && may_record_work(latest, status).is_ok(),
        "report": work_request_transition(status, WorkRequestVerb::Report, role).is_ok(),
        "answer": d.questions.iter().filter(|q| question_transition(q.status, QuestionVerb::Answer, role).is_ok()).map(|q| q.id).collect::<Vec<_>>(),
        "close": d.questions.iter().filter(|q| question_transition(q.status, QuestionVerb::Close, role).is_ok()).map(|q| q.id).collect::<Vec<_>>(),
        "submit": d.procedures.iter().filter(|p| procedure_transition(p.status, ProcedureVerb::Submit, role).is_ok()).map(|p| p.id).collect::<Vec<_>>(),
        "decide": d.procedures.iter().filter(|p| procedure_transition(p.status, ProcedureVerb::Approve, role).is_ok()).map(|p| p.id).collect::<Vec<_>>(),
        "accept": d.reports.iter().filter(|r| report_transition(r.status, ReportVerb::Accept, role).is_ok()).map(|r| r.id).collect::<Vec<_>>(),
    })
}

/// Turns `action | expected result` lines into procedure steps.
fn steps_of(text: &str) -> Vec<ProcedureStepInput> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (a, e) = l.split_once('|').unwrap_or((l, ""));
            ProcedureStepInput {
                action: a.trim().to_string(),
                expected_result: e.trim().to_string(),
            }
        })
        .collect()
}

/// Every form on a request's page posts here with `op` naming what it does.
pub async fn act(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let u = &user.0;
    let decision = || DecisionInput {
        verdict: f.get("verdict"),
        comment: Some(f.get("comment")),
    };
    let result: Result<(), AppError> = match f.get("op").as_str() {
        "question" => raise(
            &state,
            u,
            id,
            &QuestionInput {
                work_request_id: Some(id),
                subject: f.get("subject"),
                body: f.get("body"),
            },
        )
        .await
        .map(drop),
        "answer" => answer(
            &state,
            u,
            f.id("question_id"),
            &AnswerInput {
                answer: f.get("answer"),
                change: Some(f.get("change")),
            },
        )
        .await
        .map(drop),
        "close_question" => close_question(&state, u, f.id("question_id"))
            .await
            .map(drop),
        "procedure" => save_procedure(
            &state,
            u,
            id,
            &ProcedureInput {
                steps: steps_of(&f.get("steps")),
                note: Some(f.get("note")),
            },
        )
        .await
        .map(drop),
        "submit_procedure" => submit_procedure(&state, u, f.id("procedure_id"))
            .await
            .map(drop),
        "decide_procedure" => decide_procedure(&state, u, f.id("procedure_id"), &decision())
            .await
            .map(drop),
        "record" => {
            let step_orders = f.ids("step_order");
            let records = f
                .ids("terminal_id")
                .into_iter()
                .flat_map(|t| step_orders.iter().map(move |s| (t, *s)).collect::<Vec<_>>())
                .map(|(terminal_id, step_order)| WorkRecordInput {
                    terminal_id,
                    step_order: u32::try_from(step_order).unwrap_or(0),
                    outcome: f.get("outcome"),
                    performer_id: f.id("performer_id"),
                    started_at: f.get("started_at"),
                    ended_at: f.get("ended_at"),
                    note: Some(f.get("note")),
                })
                .collect();
            record(&state, u, id, &RecordsInput { records })
                .await
                .map(drop)
        }
        "report" => submit_report(&state, u, id).await.map(drop),
        "decide_report" => decide_report(&state, u, f.id("report_id"), &decision())
            .await
            .map(drop),
        "cancel" => cancel(&state, u, id).await,
        _ => Err(AppError::not_found("操作")),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/requests/{id}"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            show_page(
                &state,
                &user,
                id,
                status,
                json!({"error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// `?site_id=`: the site whose checklist is printed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ChecklistQuery {
    pub site_id: Option<String>,
}

/// The A4 checklist of one site for work done offline and entered afterwards (R8.3): the
/// latest approved procedure's steps for each of the site's target terminals, with boxes
/// for the outcome, the performer, the times and notes.
pub async fn checklist(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ChecklistQuery>,
) -> PageResult {
    let d = request_detail(&state, &user.0, id).await?;
    let site_id: Option<i64> = q.site_id.as_deref().and_then(|s| s.trim().parse().ok());
    let Some((site_id, site_name)) = d
        .request
        .sites
        .iter()
        .find(|s| Some(s.0) == site_id)
        .cloned()
    else {
        return Err(super::PageError(AppError::not_found("作業場所")));
    };
    let procedure = d
        .procedures
        .iter()
        .find(|p| p.status == jukiops_domain::jobs::ProcedureVersionStatus::Approved);
    let terminals: Vec<_> = d
        .terminals
        .iter()
        .filter(|t| t.site_id == site_id)
        .collect();
    let ctx = json!({
        "r": d.request.summary, "site": site_name, "procedure": procedure, "terminals": terminals,
        "jobs": d.request.jobs,
    });
    let title = format!(
        "作業チェックリスト {} {}",
        d.request.summary.request_number, site_name
    );
    Ok(render("checklist.html", user.ctx(&title, ctx))?.into_response())
}
