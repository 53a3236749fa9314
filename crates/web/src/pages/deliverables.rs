//! The register of deliverables on the pages (§6(1), §5(9)): the list by due date with the
//! overdue ones marked and the City's form to ask for one; a deliverable's page with its
//! submissions (downloads), the contractor's upload and the City's decision and waiver.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::attachments::ACCEPTED_EXTENSIONS;
use jukiops_domain::deliverables::{
    DecisionInput, DeliverableStatus, InstructionInput, Verdict, WaiverInput,
};
use jukiops_domain::people::Action;
use jukiops_domain::vocab::Labelled;
use serde_json::{Value, json};

use super::extract::Path;
use super::feedback::Done;
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageError, PageResult, PageRoutes, PageUser, merge, see_other};
use crate::AppState;
use crate::api::attachments::file_response;
use crate::error::AppError;
use crate::templates::render;

impl PageForm for InstructionInput {
    const ACTION: Action = Action::DecideDeliverables;
}

impl PageForm for DecisionInput {
    const ACTION: Action = Action::DecideDeliverables;
}

impl PageForm for WaiverInput {
    const ACTION: Action = Action::DecideDeliverables;
}

pub async fn list(State(state): State<AppState>, user: PageUser) -> PageResult {
    list_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let items = state.app.deliverables(&user.actor()).await?;
    // The kinds the City asks for (the scheduled ones are in the register already).
    let kinds: Vec<Value> = state
        .app
        .contract()
        .deliverables
        .iter()
        .filter(|s| !s.due.is_scheduled())
        .map(|s| json!({"value": s.code, "label": s.name}))
        .collect();
    let mut ctx = json!({"items": items, "kinds": kinds, "form": InstructionInput::default(),
        "can_instruct": user.may(Action::DecideDeliverables)});
    merge(&mut ctx, extra);
    let html = render("deliverables.html", user.ctx("提出書類", ctx))?;
    Ok((status, html).into_response())
}

pub async fn instruct(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<InstructionInput>,
) -> PageResult {
    let result = state.app.instruct_deliverable(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |d| format!("/deliverables/{}", d.view.deliverable.id),
        &form,
        |status, extra| list_page(&state, &user, status, extra),
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
    let d = state.app.deliverable(&user.actor(), id).await?;
    let s = d.view.deliverable.status;
    let verdicts: Vec<Value> = Verdict::all()
        .iter()
        .map(|v| json!({"value": v.code(), "label": v.label()}))
        .collect();
    let title = d.view.deliverable.title.clone();
    let mut ctx = json!({"d": d, "verdicts": verdicts, "accept": ACCEPTED_EXTENSIONS,
        "may_submit": user.may(Action::SubmitDeliverables) && s.is_owed(),
        "may_decide": user.may(Action::DecideDeliverables) && s == DeliverableStatus::Submitted,
        "may_waive": user.may(Action::DecideDeliverables)
            && !matches!(s, DeliverableStatus::Accepted | DeliverableStatus::Waived),
        "form": Value::Null});
    merge(&mut ctx, extra);
    let html = render(
        "deliverable.html",
        user.ctx_under("/deliverables", &[], &title, ctx),
    )?;
    Ok((status, html).into_response())
}

/// `POST /deliverables/{id}/submissions` (multipart `file`): the role is checked before the
/// body is read; back to the page, or the page again with the reason (nothing stored).
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    req: Request,
) -> PageResult {
    state.app.begin_deliverable_submission(&user.actor())?;
    let result = match super::attachments::read_file(&state, req).await {
        Ok((name, bytes)) => state
            .app
            .submit_deliverable(&user.actor(), id, &name, &bytes)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Done::Submitted.on(see_other(&format!("/deliverables/{id}")))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::CONFLICT
                    | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            let extra = json!({"file_error": format!("提出できませんでした。{}", e.message)});
            show_page(&state, &user, id, e.status, extra).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionInput>,
) -> PageResult {
    let result = state.app.decide_deliverable(&user.actor(), id, &form).await;
    let done = if form.verdict == Verdict::Return.as_str() {
        Done::Returned
    } else {
        Done::Accepted
    };
    post_redirect_get(
        done,
        result.map_err(Into::into),
        |_| format!("/deliverables/{id}"),
        &form,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

pub async fn waive(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<WaiverInput>,
) -> PageResult {
    let result = state.app.waive_deliverable(&user.actor(), id, &form).await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |_| format!("/deliverables/{id}"),
        &form,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// `GET /deliverable-submissions/{id}`: the file exactly as submitted.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let (meta, content) = state.app.deliverable_file(&user.actor(), id).await?;
    Ok(file_response(content, &meta.content_type, &meta.file_name))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/deliverables", Action::ViewDeliverables, list)
        .post("/deliverables", Action::DecideDeliverables, instruct)
        .get("/deliverables/{id}", Action::ViewDeliverables, show)
        .post(
            "/deliverables/{id}/submissions",
            Action::SubmitDeliverables,
            submit,
        )
        .post(
            "/deliverables/{id}/decision",
            Action::DecideDeliverables,
            decide,
        )
        .post(
            "/deliverables/{id}/waiver",
            Action::DecideDeliverables,
            waive,
        )
        .get(
            "/deliverable-submissions/{id}",
            Action::ViewDeliverables,
            download,
        )
}
