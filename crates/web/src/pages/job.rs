//! One job's page: its notice, target terminals, the transitions the viewer may apply,
//! its history, for オ the administrator-password changes with the form to record one,
//! and (see [`super::inspection`]) the カ checklists and the City's waiver.

use super::extract::Path;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{JobStatus, JobVerb, PasswordRotationInput, job_transition};
use jukiops_domain::people::Action;
use jukiops_domain::time::jst;
use serde_json::{Value, json};

use super::form_pairs::FormPairs;
use super::{PageError, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::jobs::move_job;
use crate::api::rotations::record_rotation;
use crate::templates::render;

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

/// The verbs the viewer may apply to a job in `status`, as `[{value, label}]`.
fn verbs(user: &PageUser, status: JobStatus) -> Vec<Value> {
    let role = user.0.0.role;
    JobVerb::ALL
        .iter()
        .filter(|v| user.may(v.action()) && job_transition(status, **v, role).is_ok())
        .map(|v| json!({"value": v.as_str(), "label": v.label_ja()}))
        .collect()
}

pub(super) async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    user.require(Action::ViewJobs)?;
    let d = state.store.job(id).await?;
    let history: Vec<Value> = state
        .store
        .audit_for("job", &id.to_string())
        .await?
        .iter()
        .map(crate::forms::audit_view)
        .collect();
    let rotation = if d.job.category == CategoryCode::PasswordRotation {
        let r = state.store.job_rotations(id).await?;
        let open = matches!(d.job.status, JobStatus::Requested | JobStatus::InProgress);
        let now = Utc::now().with_timezone(&jst()).format("%Y-%m-%dT%H:%M");
        json!({
            "rotations": r.rotations, "not_rotated": r.not_rotated,
            "can_record": open && user.may(Action::RecordWork) && !r.not_rotated.is_empty(),
            "people": state.store.contractor_people().await?,
            "form": {"terminal_id": 0, "performer_id": user.0.0.id, "rotated_at": now.to_string()},
        })
    } else {
        Value::Null
    };
    let parts = super::inspection::job_context(state, user, &d).await?;
    let mut ctx = json!({
        "j": d.job, "terminals": d.terminals, "history": history,
        "verbs": verbs(user, d.job.status), "rotation": rotation, "rotation_form": null,
    });
    merge(&mut ctx, parts);
    merge(&mut ctx, extra);
    let title = format!("作業 {} {}", d.job.category, d.job.title);
    Ok((status, render("job.html", user.ctx(&title, ctx))?).into_response())
}

pub async fn transition(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let Some(verb) = JobVerb::parse(&f.get("verb")) else {
        user.require(Action::ManageJobs)?;
        return Err(PageError(crate::error::AppError::not_found("操作")));
    };
    match move_job(&state, &user.0, id, verb).await {
        Ok(_) => Ok(see_other(&format!("/jobs/{id}"))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            show_page(&state, &user, id, status, json!({"error": message})).await
        }
    }
}

pub async fn rotate(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = PasswordRotationInput {
        job_id: id,
        terminal_id: f.id("terminal_id"),
        performer_id: f.id("performer_id"),
        rotated_at: f.get("rotated_at"),
    };
    match record_rotation(&state, &user.0, &input).await {
        Ok(_) => Ok(see_other(&format!("/jobs/{id}#rotations"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let extra = json!({"error": message, "errors": errors, "rotation_form": input});
            show_page(&state, &user, id, status, extra).await
        }
    }
}
