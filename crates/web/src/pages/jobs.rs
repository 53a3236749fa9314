//! Jobs as pages (R2, R3, R8.4): the list with its filters, the form to create one from a
//! J-LIS notice (ア イ ウ), by the City's order or on an incident, on all terminals or
//! chosen ones; and one job's page: its notice, terminals, the moves the viewer may make
//! (one route and form per verb, each naming the action the verb needs), its history, for
//! オ the administrator-password changes with their form, for カ the checklists (whose forms
//! are [`super::inspections`]'s), and the City's waiver of deliverables.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use jukiops_app::jobs::JobChoices;
use jukiops_domain::audit::Entity;
use jukiops_domain::contract::{CategoryCode, WorkOrigin};
use jukiops_domain::jobs::{
    DeliverableWaiverInput, JobInput, JobMoveFacts, JobStatus, JobVerb, MAX_JOB_TERMINALS,
    PasswordRotationInput, judge_job_move, origin_of,
};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_domain::time::{jst, today_jst};
use jukiops_store::JOB_LIST;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::{PageResult, PageUser, merge};
use crate::AppState;
use crate::lists;
use crate::templates::render;

/// `(kana, "ア 名称")` of the contract's categories, ア..ク.
fn category_pairs(state: &AppState) -> Vec<(String, String)> {
    CategoryCode::ALL
        .iter()
        .map(|c| {
            let name = state
                .app
                .contract()
                .category(*c)
                .map(|w| w.name.as_str())
                .unwrap_or("");
            (c.kana().to_string(), format!("{c} {name}"))
        })
        .collect()
}

/// `[{value, label}]` of the contract's categories, ア..ク.
fn category_options(state: &AppState) -> Value {
    category_pairs(state)
        .into_iter()
        .map(|(value, label)| json!({"value": value, "label": label}))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let (q, refused) = lists::sound(q, &JOB_LIST);
    let listed = state.app.job_list(&user.actor(), &q).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::plain_row) {
        return Ok(export?);
    }
    let options: lists::Options = vec![("category", category_pairs(&state))];
    let mut list = lists::view("/jobs", &listed.request, &listed.page, &options);
    refused.show(&mut list);
    let ctx = json!({
        "items": listed.page.items, "list": list,
        "can_create": user.may(Action::ManageJobs),
    });
    Ok((
        refused.status(StatusCode::OK),
        render("jobs.html", user.ctx("作業", ctx))?,
    )
        .into_response())
}

/// The form of a new job. The origin follows from the category (§4); the notice only
/// matters for ア イ ウ (0 or empty is none).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct JobForm {
    #[serde(default)]
    category: String,
    #[serde(default, deserialize_with = "optional_id")]
    notice_id: Option<i64>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// `1` when checked.
    #[serde(default)]
    all_terminals: Option<String>,
    #[serde(default)]
    terminal_ids: Repeated<i64, MAX_JOB_TERMINALS>,
}

/// A description of 4,000 characters and 1,000 terminal ids, percent-encoded.
impl PageForm for JobForm {
    const ACTION: Action = Action::ManageJobs;
    const MAX_BYTES: usize = 96 * 1024;
}

impl JobForm {
    fn input(&self) -> JobInput {
        let origin = match CategoryCode::from_kana(&self.category).map(origin_of) {
            Some(WorkOrigin::JlisNotice) => "notice",
            Some(WorkOrigin::Incident) => "incident",
            _ => "city_order",
        };
        JobInput {
            category: self.category.clone(),
            origin: origin.into(),
            notice_id: self.notice_id.filter(|n| origin == "notice" && *n > 0),
            title: self.title.clone(),
            description: Some(self.description.clone()),
            all_terminals: self.all_terminals.as_deref() == Some("1"),
            terminal_ids: self.terminal_ids.0.clone(),
        }
    }
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
    let who = user.actor();
    let choices = state.app.job_choices(&who).await?;
    let notice_id = q.notice_id.and_then(|n| n.trim().parse::<i64>().ok());
    let category = match notice_id {
        Some(id) => Some(state.app.notice(&who, id).await?.notice.category),
        None => None,
    };
    let form = json!({"category": category.unwrap_or_default(), "notice_id": notice_id.unwrap_or(0),
        "title": "", "description": "", "all_terminals": "1", "terminal_ids": []});
    form_page(
        &state,
        &user,
        choices,
        StatusCode::OK,
        json!({"form": form}),
    )
}

fn form_page(
    state: &AppState,
    user: &PageUser,
    choices: JobChoices,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let mut ctx = json!({
        "categories": category_options(state), "notices": choices.notices, "terminals": choices.terminals,
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render(
            "job_new.html",
            user.ctx_under("/jobs", &[], "作業の登録", ctx),
        )?,
    )
        .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<JobForm>,
) -> PageResult {
    let result = state.app.create_job(&user.actor(), &f.input()).await;
    let (state, user) = (&state, &user);
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |j| format!("/jobs/{}", j.job.id),
        &f,
        |status, extra| async move {
            let choices = state.app.job_choices(&user.actor()).await?;
            form_page(state, user, choices, status, extra)
        },
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

/// The verbs the viewer may apply to a job in `status`, as `[{value, label}]`; each posts
/// to `/jobs/{id}/{value}`.
fn verbs(user: &PageUser, facts: &JobMoveFacts) -> Vec<Value> {
    let role = user.0.0.role;
    JobVerb::ALL
        .iter()
        .filter(|v| user.may(v.action()) && judge_job_move(facts, **v, role).is_ok())
        .map(|v| json!({"value": v.as_str(), "label": v.label_ja()}))
        .collect()
}

/// Work may be recorded on a job the City requested that is not finished.
fn open_for_work(status: JobStatus) -> bool {
    matches!(status, JobStatus::Requested | JobStatus::InProgress)
}

/// One job's page, with `extra` (a failed form's message, fields and values) merged in.
pub(super) async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let d = state.app.job(&who, id).await?;
    let history = super::history(state, user, Entity::Job, id).await?;
    let open = open_for_work(d.job.status);
    // What the domain judges the job's own moves on (inside a live request, none).
    let facts = JobMoveFacts {
        status: d.job.status,
        request: d
            .requests
            .iter()
            .find(|r| r.status.is_live())
            .map(|r| r.request_number.clone()),
    };
    let today = today_jst(Utc::now()).to_string();
    let rotation = if d.job.category == CategoryCode::PasswordRotation {
        let r = state.app.job_rotations(&who, id).await?;
        let now = Utc::now().with_timezone(&jst()).format("%Y-%m-%dT%H:%M");
        json!({
            "rotations": r.rotations, "not_rotated": r.not_rotated,
            "can_record": open && user.may(Action::RecordWork),
            "people": state.app.job_performers(&who).await?,
            "form": {"terminal_id": 0, "performer_id": user.0.0.id, "rotated_at": now.to_string(), "corrects": 0},
        })
    } else {
        Value::Null
    };
    let inspection = if d.job.category == CategoryCode::AnnualInspection {
        let i = state.app.job_inspections(&who, id).await?;
        json!({
            "inspections": i.inspections, "findings": i.findings, "not_inspected": i.not_inspected,
            "template": state.app.inspection_template(&who).await?,
            "can_record": open && user.may(Action::RecordWork),
            "can_follow_up": user.may(Action::ManageJobs),
            "people": state.app.job_performers(&who).await?,
            "me": user.0.0.id, "today": today,
        })
    } else {
        Value::Null
    };
    let waiver = json!({
        "stored": state.app.waiver(&who, id).await?,
        "can_waive": user.may(Action::DecideReports), "today": today,
    });
    let mut ctx = json!({
        "j": d.job, "terminals": d.terminals, "history": history,
        "verbs": verbs(user, &facts),
        "requests": d.requests, "rotation": rotation, "rotation_form": null,
        "inspection": inspection, "checklist_form": null, "waiver": waiver, "waiver_form": null,
    });
    merge(&mut ctx, extra);
    let title = format!("作業 {} {}", d.job.category, d.job.title);
    Ok((
        status,
        render("job.html", user.ctx_under("/jobs", &[], &title, ctx))?,
    )
        .into_response())
}

/// A failed form's `extra` with its values under `key` (the job page has several forms).
pub(super) fn form_as(mut extra: Value, key: &str) -> Value {
    if let Some(o) = extra.as_object_mut()
        && let Some(form) = o.remove("form")
    {
        o.insert(key.to_string(), form);
    }
    extra
}

/// A verb's button on a job's page: each verb has its own route and form type, which
/// names the action the verb needs ([`JobVerb::action`]), so that a role the access table
/// refuses gets 403 before the body is read.
pub trait JobMove: PageForm {
    const VERB: JobVerb;
}

macro_rules! job_moves {
    ($($form:ident => $verb:ident),+ $(,)?) => {
        $(
            #[doc = concat!("The button of [`JobVerb::", stringify!($verb), "`].")]
            #[derive(Debug, Deserialize)]
            pub struct $form {}

            impl PageForm for $form {
                const ACTION: Action = JobVerb::$verb.action();
            }

            impl JobMove for $form {
                const VERB: JobVerb = JobVerb::$verb;
            }
        )+
    };
}

// The one verb a job takes by itself: the others follow its 作業依頼書 (R8).
job_moves!(CancelJob => Cancel);

/// `POST /jobs/{id}/{verb}`: moves the job; back to its page, or the page again with the
/// Japanese reason.
pub async fn move_job<F: JobMove>(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<F>,
) -> PageResult {
    let what = async {
        let j = state.app.job(&user.actor(), id).await?;
        Ok(format!(
            "作業「{}」を{}します。",
            j.job.title,
            F::VERB.label_ja()
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state.app.move_job(&user.actor(), id, F::VERB).await;
    post_redirect_get(
        if F::VERB == JobVerb::Cancel {
            Done::Cancelled
        } else {
            Done::StatusChanged
        },
        result.map_err(Into::into),
        |_| format!("/jobs/{id}"),
        &Value::Null,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The form of an オ password change: who changed which terminal's password and when,
/// never the password.
#[derive(Debug, Deserialize, Serialize)]
pub struct RotationForm {
    #[serde(default, deserialize_with = "optional_id")]
    terminal_id: Option<i64>,
    #[serde(default, deserialize_with = "optional_id")]
    performer_id: Option<i64>,
    #[serde(default)]
    rotated_at: String,
    /// The change this one corrects (the correction form names no terminal: it is the
    /// corrected change's).
    #[serde(default, deserialize_with = "optional_id")]
    corrects: Option<i64>,
}

impl PageForm for RotationForm {
    const ACTION: Action = Action::RecordWork;
}

pub async fn rotate(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RotationForm>,
) -> PageResult {
    let mut terminal_id = f.terminal_id.unwrap_or_default();
    if let (None, Some(corrected)) = (f.terminal_id, f.corrects) {
        let so_far = state.app.job_rotations(&user.actor(), id).await?;
        let found = so_far.rotations.iter().find(|r| r.id == corrected);
        terminal_id = found.map(|r| r.terminal_id).unwrap_or_default();
    }
    let input = PasswordRotationInput {
        job_id: id,
        terminal_id,
        performer_id: f.performer_id.unwrap_or_default(),
        rotated_at: f.rotated_at.clone(),
        corrects: f.corrects,
    };
    let result = state.app.record_rotation(&user.actor(), &input).await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |_| format!("/jobs/{id}#rotations"),
        &f,
        |status, extra| show_page(&state, &user, id, status, form_as(extra, "rotation_form")),
    )
    .await
}

/// The City's waiver of a job's deliverables; the deliverables one per line.
#[derive(Debug, Deserialize, Serialize)]
pub struct WaiverForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    deliverables: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    reason: String,
}

impl PageForm for WaiverForm {
    const ACTION: Action = Action::DecideReports;
}

impl WaiverForm {
    fn input(&self, job_id: i64) -> DeliverableWaiverInput {
        DeliverableWaiverInput {
            job_id,
            scope: self.scope.clone(),
            deliverables: self
                .deliverables
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            decided_on: self.decided_on.clone(),
            reason: Some(self.reason.clone()).filter(|r| !r.trim().is_empty()),
        }
    }
}

pub async fn waive(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<WaiverForm>,
) -> PageResult {
    let result = state
        .app
        .record_waiver(&user.actor(), id, &f.input(id))
        .await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |_| format!("/jobs/{id}#waiver"),
        &f,
        |status, extra| show_page(&state, &user, id, status, form_as(extra, "waiver_form")),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/jobs", Action::ViewJobs, list)
        .post("/jobs", Action::ManageJobs, create)
        .get("/jobs/new", Action::ManageJobs, new_form)
        .get("/jobs/{id}", Action::ViewJobs, show)
        .post(
            "/jobs/{id}/cancel",
            JobVerb::Cancel.action(),
            move_job::<CancelJob>,
        )
        .post("/jobs/{id}/rotations", Action::RecordWork, rotate)
        .post("/jobs/{id}/waiver", Action::DecideReports, waive)
}
