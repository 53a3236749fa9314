//! The request pages (R8): the list and the City's form to issue a 作業依頼書, and one
//! request with its questions, procedure versions, work records and result report, each
//! with the forms of whoever acts next, each form posted to its own route; and the A4
//! checklist of a site. Thin handlers over [`jukiops_app::requests`].

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_app::requests::{ChecklistQuery, IssueChoices, RequestDetail};
use jukiops_domain::attachments::ACCEPTED_EXTENSIONS;
use jukiops_domain::people::Action;
use jukiops_domain::requests::{
    AnswerInput, DecisionInput, MAX_REQUEST_JOBS, MAX_REQUEST_SITES, MAX_REQUEST_TERMINALS,
    MAX_STEPS, ProcedureInput, ProcedureStepInput, ProcedureVerb, QuestionInput, QuestionVerb,
    RecordSelectionInput, WorkRequestInput,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::{PageError, PageResult, PageUser, merge};
use crate::AppState;
use crate::lists;
use crate::templates::render;
use jukiops_domain::listing::ListParams;
use jukiops_store::WORK_REQUEST_LIST;

/// The City's form that issues a request.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IssueForm {
    request_number: String,
    issued_on: String,
    period_from: String,
    period_to: String,
    contents: String,
    site_ids: Repeated<i64, MAX_REQUEST_SITES>,
    job_ids: Repeated<i64, MAX_REQUEST_JOBS>,
    /// `1` when the City approves the combination.
    combination_approved: Option<String>,
}

/// 4,000 characters of contents (9 bytes each, percent-encoded), every site and job.
impl PageForm for IssueForm {
    const ACTION: Action = Action::IssueRequests;
    const MAX_BYTES: usize = 64 * 1024;
}

impl IssueForm {
    fn input(&self) -> WorkRequestInput {
        WorkRequestInput {
            request_number: self.request_number.clone(),
            issued_on: self.issued_on.clone(),
            period_from: self.period_from.clone(),
            period_to: self.period_to.clone(),
            site_ids: self.site_ids.0.clone(),
            contents: self.contents.clone(),
            job_ids: self.job_ids.0.clone(),
            combination_approved: self.combination_approved.as_deref() == Some("1"),
        }
    }
}

/// The button that cancels a request.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CancelForm {}

impl PageForm for CancelForm {
    const ACTION: Action = Action::IssueRequests;
}

/// A question raised on a request.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionForm {
    subject: String,
    body: String,
}

/// A question of 4,000 characters (9 bytes each, percent-encoded) fits.
impl PageForm for QuestionForm {
    const ACTION: Action = Action::RaiseQuestions;
    const MAX_BYTES: usize = 64 * 1024;
}

/// The City's answer to a question; `request_id` is the page it is shown on.
#[derive(Debug, Deserialize, Serialize)]
pub struct AnswerForm {
    request_id: i64,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    change: Option<String>,
}

/// An answer and a change of 4,000 characters each (9 bytes each, percent-encoded) fit.
impl PageForm for AnswerForm {
    const ACTION: Action = Action::AnswerQuestions;
    const MAX_BYTES: usize = 128 * 1024;
}

/// The button that records a question resolved.
#[derive(Debug, Deserialize, Serialize)]
pub struct CloseQuestionForm {
    request_id: i64,
}

impl PageForm for CloseQuestionForm {
    const ACTION: Action = Action::RaiseQuestions;
}

/// The City's button approving the change an answer states.
#[derive(Debug, Deserialize, Serialize)]
pub struct ApproveChangeForm {
    request_id: i64,
}

impl PageForm for ApproveChangeForm {
    const ACTION: Action = Action::DecideProcedures;
}

/// The procedure's steps as rows of inputs (作業内容, 確認内容; rows left blank are
/// skipped), its note, and the 行を追加 button that shows the rows again with one more.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProcedureForm {
    action: Repeated<String, PROCEDURE_ROWS>,
    expected_result: Repeated<String, PROCEDURE_ROWS>,
    note: Option<String>,
    /// Set by 行を追加: nothing is saved.
    add_row: Option<String>,
}

/// The rows a procedure form may post: every step and a few blank rows.
const PROCEDURE_ROWS: usize = MAX_STEPS + 20;

/// Blank rows offered below a procedure's steps.
const BLANK_ROWS: usize = 3;

/// 200 steps of up to 1,000 characters each way and the note (9 bytes a character,
/// percent-encoded) fit.
impl PageForm for ProcedureForm {
    const ACTION: Action = Action::WriteProcedures;
    const MAX_BYTES: usize = 4 * 1024 * 1024;
}

impl ProcedureForm {
    /// The rows typed, in order, without those left blank.
    fn rows(&self) -> Vec<ProcedureStepInput> {
        let n = self.action.len().max(self.expected_result.len());
        (0..n)
            .map(|i| ProcedureStepInput {
                action: self.action.get(i).cloned().unwrap_or_default(),
                expected_result: self.expected_result.get(i).cloned().unwrap_or_default(),
            })
            .filter(|r| !r.action.trim().is_empty() || !r.expected_result.trim().is_empty())
            .collect()
    }

    /// The steps; one row past [`MAX_STEPS`] is kept so that the check refuses the rest
    /// without building it.
    fn input(&self) -> ProcedureInput {
        ProcedureInput {
            steps: self.rows().into_iter().take(MAX_STEPS + 1).collect(),
            note: self.note.clone(),
        }
    }

    /// What was typed, for the form shown again: the rows, as many blank rows as were
    /// posted (at least one, one more after 行を追加) and the note.
    fn typed(&self) -> Value {
        let rows = self.rows();
        let posted = self.action.len().max(self.expected_result.len());
        let blank = posted.saturating_sub(rows.len()).max(1) + usize::from(self.add_row.is_some());
        json!({"procedure": {"rows": rows, "blank": blank, "note": self.note}, "failed": "procedure"})
    }
}

/// The button that submits a procedure version.
#[derive(Debug, Deserialize, Serialize)]
pub struct SubmitProcedureForm {
    request_id: i64,
}

impl PageForm for SubmitProcedureForm {
    const ACTION: Action = Action::WriteProcedures;
}

/// The City's decision on a procedure version or a report: approve, or return with a
/// comment.
#[derive(Debug, Deserialize, Serialize)]
pub struct DecisionForm {
    request_id: i64,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    comment: Option<String>,
}

impl DecisionForm {
    /// Whether the decision has what it needs to be asked about: a return needs its comment.
    fn complete(&self) -> bool {
        self.verdict == "approve"
            || self
                .comment
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty())
    }

    /// The comment typed, for the form of `target` shown again.
    fn typed(&self, target: String) -> Value {
        json!({"decision": {"target": target, "comment": self.comment}, "failed": "decision"})
    }

    fn input(&self) -> DecisionInput {
        DecisionInput {
            verdict: self.verdict.clone(),
            comment: self.comment.clone(),
        }
    }
}

/// The City's decision on a procedure version.
#[derive(Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct ProcedureDecisionForm(DecisionForm);

impl PageForm for ProcedureDecisionForm {
    const ACTION: Action = Action::DecideProcedures;
}

/// The City's decision on a result report.
#[derive(Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct ReportDecisionForm(DecisionForm);

impl PageForm for ReportDecisionForm {
    const ACTION: Action = Action::DecideReports;
}

/// The City's decision on a step of a request's combined jobs.
#[derive(Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct CombinationDecisionForm(DecisionForm);

impl PageForm for CombinationDecisionForm {
    const ACTION: Action = Action::IssueRequests;
}

/// Work recorded on the request's page: the ticked terminals (no more than a request can
/// cover) and steps (no more than a procedure has), with one outcome, performer and time.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RecordForm {
    terminal_id: Repeated<i64, MAX_REQUEST_TERMINALS>,
    step_order: Repeated<u32, MAX_STEPS>,
    outcome: String,
    #[serde(deserialize_with = "optional_id")]
    performer_id: Option<i64>,
    started_at: String,
    ended_at: String,
    note: Option<String>,
}

/// Every terminal of the largest request ticked, every step, and a long note, fit.
impl PageForm for RecordForm {
    const ACTION: Action = Action::RecordWork;
    const MAX_BYTES: usize = 64 * 1024;
}

impl RecordForm {
    fn input(&self) -> RecordSelectionInput {
        RecordSelectionInput {
            terminal_ids: self.terminal_id.0.clone(),
            step_orders: self.step_order.0.clone(),
            outcome: self.outcome.clone(),
            performer_id: self.performer_id,
            started_at: self.started_at.clone(),
            ended_at: self.ended_at.clone(),
            note: self.note.clone(),
        }
    }
}

/// The button that submits the result report.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ReportForm {}

impl PageForm for ReportForm {
    const ACTION: Action = Action::SubmitReports;
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: ListParams,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let actor = user.actor();
    let (q, refused) = lists::sound(q, &WORK_REQUEST_LIST);
    let listed = state.app.work_request_list(&actor, &q).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::plain_row) {
        return Ok(export?);
    }
    let mut list = lists::view("/requests", &listed.request, &listed.page, &Vec::new());
    refused.show(&mut list);
    let page = listed.page;
    let can_issue = user.may(Action::IssueRequests);
    let choices = if can_issue {
        state.app.issue_choices(&actor).await?
    } else {
        IssueChoices::default()
    };
    let mut ctx = json!({
        "requests": page.items, "list": list,
        "can_issue": can_issue, "jobs": choices.jobs, "sites": choices.sites,
        "form": IssueForm::default().input(),
    });
    merge(&mut ctx, extra);
    Ok((
        refused.status(status),
        render("requests.html", user.ctx("作業依頼書", ctx))?,
    )
        .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<IssueForm>,
) -> PageResult {
    let input = f.input();
    let result = state.app.issue_request(&user.actor(), &input).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |d| format!("/requests/{}", d.request.summary.id),
        &input,
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
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

pub(super) async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let p = state.app.request_page(&user.actor(), id).await?;
    let d = &p.detail;
    let latest = d.procedures.first();
    // Each form of the page starts from its defaults; a failed one shows what was typed.
    let me = user.0.0.id;
    let mut form = json!({
        "procedure": {
            "rows": latest.map(|p| p.steps.iter().map(|s| json!({"action": s.action, "expected_result": s.expected_result})).collect::<Vec<_>>()).unwrap_or_default(),
            "blank": BLANK_ROWS,
            "note": latest.and_then(|p| p.note.clone()),
        },
        "record": {
            "terminal_id": [], "step_order": [], "outcome": "done", "note": "",
            "performer_id": p.performers.iter().any(|x| x.id == me).then_some(me),
            "started_at": "", "ended_at": "",
        },
        "question": {"subject": "", "body": ""},
        "answer": null,
        "decision": null,
        "failed": null,
    });
    let history = state.app.request_history(&user.actor(), id).await?;
    let history = super::shown(state, user, &history).await?;
    let mut extra = extra;
    if let Some(typed) = extra.as_object_mut().and_then(|o| o.remove("form")) {
        merge(&mut form, typed);
    }
    let mut ctx = json!({
        "history": history,
        "procedure_attachments": p.procedure_attachments, "evidence": p.evidence,
        "accept": ACCEPTED_EXTENSIONS,
        "d": d,
        "record_groups": super::record_groups::grouped(&d.records, &d.terminals),
        "replaced_groups": super::record_groups::grouped(&d.replaced_records, &d.terminals),
        "people": p.performers,
        "form": form,
        "can": can_view(user, d),
    });
    merge(&mut ctx, extra);
    let title = format!("作業依頼書 {}", d.request.summary.request_number);
    Ok((
        status,
        render(
            "request.html",
            user.ctx_under("/requests", &[], &title, ctx),
        )?,
    )
        .into_response())
}

/// What the signed-in user may do on the request now, each from the domain's state
/// machines (the page shows a form only where the action would be accepted).
fn can_view(user: &PageUser, d: &RequestDetail) -> Value {
    use jukiops_domain::requests::{
        ProcedureVerb, ProcedureVersion, QuestionVerb, ReportVerb, WorkRequestStatus,
        WorkRequestVerb, judge_question_move, may_record_work, procedure_transition,
        report_transition, work_request_transition,
    };
    let role = user.0.0.role;
    let name = user.0.0.username.as_str();
    let questions = |verb: QuestionVerb| {
        d.questions
            .iter()
            .filter(|q| {
                user.may(verb.action())
                    && judge_question_move(&q.facts(), verb, role, name, None).is_ok()
            })
            .map(|q| q.id)
            .collect::<Vec<_>>()
    };
    let status = d.request.summary.status;
    let latest = d.procedures.first().map(|p| ProcedureVersion {
        number: u32::try_from(p.version).unwrap_or(0),
        status: p.status,
    });
    json!({
        // A closed or cancelled request takes no more questions.
        "raise": user.may(Action::RaiseQuestions)
            && !matches!(status, WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled),
        "write": user.may(Action::WriteProcedures),
        "record": user.may(Action::RecordWork),
        "cancel": work_request_transition(status, WorkRequestVerb::Cancel, role).is_ok(),
        "record_now": user.may(Action::RecordWork) && may_record_work(latest, status).is_ok(),
        "report": work_request_transition(status, WorkRequestVerb::Report, role).is_ok(),
        "answer": questions(QuestionVerb::Answer),
        "close": questions(QuestionVerb::Close),
        "approve_change": questions(QuestionVerb::ApproveChange),
        "decide_combination": user.may(Action::IssueRequests) && d.routes.iter().any(|rt| {
            rt.kind == jukiops_domain::approvals::ApprovalKind::Combination
                && rt.steps.iter().any(|s| s.decided.is_none())
                && rt.steps.iter().all(|s| s.decided.as_ref().is_none_or(|x| x.verdict == jukiops_domain::requests::Verdict::Approve))
        }),
        "submit": d.procedures.iter().filter(|p| procedure_transition(p.status, ProcedureVerb::Submit, role).is_ok()).map(|p| p.id).collect::<Vec<_>>(),
        "decide": d.procedures.iter().filter(|p| procedure_transition(p.status, ProcedureVerb::Approve, role).is_ok()).map(|p| p.id).collect::<Vec<_>>(),
        "accept": d.reports.iter().filter(|r| report_transition(r.status, ReportVerb::Accept, role).is_ok()).map(|r| r.id).collect::<Vec<_>>(),
    })
}

/// The answer of every form on a request's page: on success the page of the request the
/// operation names, on a refusal the page of request `back` (the one the form was on)
/// again, with the refusal.
async fn answer(
    done: Done,
    state: &AppState,
    user: &PageUser,
    back: i64,
    result: jukiops_app::Result<i64>,
    typed: &impl Serialize,
) -> PageResult {
    post_redirect_get(
        done,
        result.map_err(Into::into),
        |id| format!("/requests/{id}"),
        typed,
        |status, extra| show_page(state, user, back, status, extra),
    )
    .await
}

pub async fn cancel(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<CancelForm>,
) -> PageResult {
    let what = async {
        let d = state.app.work_request(&user.actor(), id).await?;
        Ok(format!(
            "作業依頼書 {} を取り消します。取り消した作業依頼書は元に戻せません。",
            d.request.summary.request_number
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let result = state.app.cancel_request(&user.actor(), id).await;
    answer(Done::Cancelled, &state, &user, id, result.map(|_| id), &f).await
}

pub async fn raise_question(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<QuestionForm>,
) -> PageResult {
    let input = QuestionInput {
        work_request_id: Some(id),
        subject: f.subject.clone(),
        body: f.body.clone(),
    };
    let result = state.app.raise_question(&user.actor(), id, &input).await;
    let typed = json!({"question": f, "failed": "question"});
    answer(
        Done::Registered,
        &state,
        &user,
        id,
        result.map(|_| id),
        &typed,
    )
    .await
}

pub async fn answer_question(
    State(state): State<AppState>,
    user: PageUser,
    Path(question): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let input = AnswerInput {
        answer: f.answer.clone(),
        change: f.change.clone(),
    };
    let result = state
        .app
        .answer_question(&user.actor(), question, &input)
        .await;
    let back = f.request_id;
    let typed = json!({"answer": {"question_id": question, "answer": f.answer, "change": f.change}, "failed": "answer"});
    answer(
        Done::Answered,
        &state,
        &user,
        back,
        result.map(|r| r.unwrap_or(back)),
        &typed,
    )
    .await
}

pub async fn close_question(
    State(state): State<AppState>,
    user: PageUser,
    Path(question): Path<i64>,
    Form(f): Form<CloseQuestionForm>,
) -> PageResult {
    let result = state.app.close_question(&user.actor(), question).await;
    let back = f.request_id;
    answer(
        Done::Resolved,
        &state,
        &user,
        back,
        result.map(|r| r.unwrap_or(back)),
        &f,
    )
    .await
}

pub async fn approve_question_change(
    State(state): State<AppState>,
    user: PageUser,
    Path(question): Path<i64>,
    c: Confirm<ApproveChangeForm>,
) -> PageResult {
    let what = async {
        let n = request_number(&state, &user, c.form.request_id).await?;
        Ok(format!(
            "作業依頼書 {n} の疑義への回答にある作業上の変更を承認します。"
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let result = state
        .app
        .approve_question_change(&user.actor(), question)
        .await;
    let back = f.request_id;
    answer(
        Done::Approved,
        &state,
        &user,
        back,
        result.map(|r| r.unwrap_or(back)),
        &f,
    )
    .await
}

pub async fn save_procedure(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ProcedureForm>,
) -> PageResult {
    if f.add_row.is_some() {
        let extra = json!({"form": f.typed()});
        return show_page(&state, &user, id, StatusCode::OK, extra).await;
    }
    let result = state
        .app
        .save_procedure(&user.actor(), id, &f.input())
        .await;
    answer(
        Done::Saved,
        &state,
        &user,
        id,
        result.map(|_| id),
        &f.typed(),
    )
    .await
}

pub async fn submit_procedure(
    State(state): State<AppState>,
    user: PageUser,
    Path(procedure): Path<i64>,
    Form(f): Form<SubmitProcedureForm>,
) -> PageResult {
    let result = state.app.submit_procedure(&user.actor(), procedure).await;
    answer(Done::Submitted, &state, &user, f.request_id, result, &f).await
}

pub async fn decide_procedure(
    State(state): State<AppState>,
    user: PageUser,
    Path(procedure): Path<i64>,
    c: Confirm<ProcedureDecisionForm>,
) -> PageResult {
    // A return without its comment is refused at once, beside the comment.
    if c.form.0.complete() {
        let what = async {
            let f = &c.form.0;
            let d = state.app.work_request(&user.actor(), f.request_id).await?;
            let version = d
                .procedures
                .iter()
                .find(|p| p.id == procedure)
                .map_or(0, |p| p.version);
            Ok(format!(
                "作業依頼書 {} の作業手順書 第{version}版を{}。",
                d.request.summary.request_number,
                verdict_phrase(f, "承認します")
            ))
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let f = c.form.0;
    let result = state
        .app
        .decide_procedure(&user.actor(), procedure, &f.input())
        .await;
    answer(
        Done::decision(&f.verdict),
        &state,
        &user,
        f.request_id,
        result,
        &f.typed(format!("procedure-{procedure}")),
    )
    .await
}

pub async fn record_work(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RecordForm>,
) -> PageResult {
    let result = state
        .app
        .record_selection(&user.actor(), id, &f.input())
        .await;
    let typed = json!({"record": f, "failed": "record"});
    answer(Done::Recorded, &state, &user, id, result, &typed).await
}

pub async fn submit_report(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> PageResult {
    let result = state.app.submit_report(&user.actor(), id).await;
    answer(Done::Reported, &state, &user, id, result.map(|_| id), &f).await
}

pub async fn decide_report(
    State(state): State<AppState>,
    user: PageUser,
    Path(report): Path<i64>,
    c: Confirm<ReportDecisionForm>,
) -> PageResult {
    // A return without its comment is refused at once, beside the comment.
    if c.form.0.complete() {
        let what = async {
            let f = &c.form.0;
            let n = request_number(&state, &user, f.request_id).await?;
            Ok(format!(
                "作業依頼書 {n} の結果報告を{}。",
                verdict_phrase(f, "受理し、作業依頼書を完了とします")
            ))
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let f = c.form.0;
    let result = state
        .app
        .decide_report(&user.actor(), report, &f.input())
        .await;
    answer(
        Done::report_decision(&f.verdict),
        &state,
        &user,
        f.request_id,
        result,
        &f.typed(format!("report-{report}")),
    )
    .await
}

pub async fn decide_combination(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<CombinationDecisionForm>,
) -> PageResult {
    // A return without its comment is refused at once, beside the comment.
    if c.form.0.complete() {
        let what = async {
            let n = request_number(&state, &user, id).await?;
            Ok(format!(
                "作業依頼書 {n} の作業の組合せ(同時実施)を{}。",
                verdict_phrase(&c.form.0, "承認します")
            ))
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let f = c.form.0;
    let result = state
        .app
        .decide_combination(&user.actor(), id, &f.input())
        .await;
    answer(
        Done::decision(&f.verdict),
        &state,
        &user,
        id,
        result.map(|_| id),
        &f.typed("combination".into()),
    )
    .await
}

/// The number of request `id`, for a confirmation page.
async fn request_number(state: &AppState, user: &PageUser, id: i64) -> Result<String, PageError> {
    let d = state.app.work_request(&user.actor(), id).await?;
    Ok(d.request.summary.request_number)
}

/// What a decision does, for its confirmation page: `approve` when approving, or a return
/// with the comment typed.
fn verdict_phrase(f: &DecisionForm, approve: &str) -> String {
    if f.verdict == "approve" {
        approve.to_string()
    } else {
        let comment = f.comment.as_deref().unwrap_or("").trim();
        if comment.is_empty() {
            "差し戻します".to_string()
        } else {
            format!("差し戻します(コメント: {comment})")
        }
    }
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
    let c = state.app.checklist(&user.actor(), id, &q).await?;
    let title = format!(
        "作業チェックリスト {} {}",
        c.request.request_number, c.site_name
    );
    let ctx = json!({
        "r": c.request, "site": c.site_name, "procedure": c.procedure, "terminals": c.terminals,
        "jobs": c.jobs,
    });
    let above = [(format!("/requests/{id}"), c.request.request_number.clone())];
    Ok(render(
        "checklist.html",
        user.ctx_under("/requests", &above, &title, ctx),
    )?
    .into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/requests", Action::ViewJobs, list)
        .post("/requests", Action::IssueRequests, create)
        .get("/requests/{id}", Action::ViewJobs, show)
        .post("/requests/{id}/cancel", Action::IssueRequests, cancel)
        .post(
            "/requests/{id}/questions",
            Action::RaiseQuestions,
            raise_question,
        )
        .post(
            "/questions/{id}/answer",
            QuestionVerb::Answer.action(),
            answer_question,
        )
        .post(
            "/questions/{id}/close",
            QuestionVerb::Close.action(),
            close_question,
        )
        .post(
            "/questions/{id}/change-approval",
            QuestionVerb::ApproveChange.action(),
            approve_question_change,
        )
        .post(
            "/requests/{id}/procedure",
            Action::WriteProcedures,
            save_procedure,
        )
        .post(
            "/procedures/{id}/submit",
            ProcedureVerb::Submit.action(),
            submit_procedure,
        )
        .post(
            "/procedures/{id}/decision",
            Action::DecideProcedures,
            decide_procedure,
        )
        .post("/requests/{id}/records", Action::RecordWork, record_work)
        .post(
            "/requests/{id}/report",
            Action::SubmitReports,
            submit_report,
        )
        .post(
            "/reports/{id}/decision",
            Action::DecideReports,
            decide_report,
        )
        .post(
            "/requests/{id}/combination-decision",
            Action::IssueRequests,
            decide_combination,
        )
        .get("/requests/{id}/checklist", Action::ViewJobs, checklist)
}
