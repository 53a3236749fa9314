//! The worker's screen on site (issue 13 item 6): the request's terminals to choose from,
//! and one terminal at a time with its approved steps as large check boxes, times
//! pre-filled from now, the photos of its records and the next terminal. Recording posts
//! to the same operation as the request page's form ([`jukiops_app::App::record_selection`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::attachments::PHOTO_EXTENSIONS;
use jukiops_domain::people::Action;
use jukiops_domain::requests::{MAX_STEPS, RecordSelectionInput};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::extract::Path;
use super::feedback::Done;
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::{PageResult, PageUser, merge};
use crate::AppState;
use crate::templates::render;

/// The steps ticked for one terminal, with one outcome, performer and time.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OnSiteRecordForm {
    step_order: Repeated<u32, MAX_STEPS>,
    outcome: String,
    #[serde(deserialize_with = "optional_id")]
    performer_id: Option<i64>,
    started_at: String,
    ended_at: String,
    note: Option<String>,
}

/// Every step ticked and a long note fit.
impl PageForm for OnSiteRecordForm {
    const ACTION: Action = Action::RecordWork;
    const MAX_BYTES: usize = 64 * 1024;
}

impl OnSiteRecordForm {
    /// The request page's selection with this one terminal ticked.
    fn input(&self, terminal_id: i64) -> RecordSelectionInput {
        RecordSelectionInput {
            terminal_ids: vec![terminal_id],
            step_orders: self.step_order.0.clone(),
            outcome: self.outcome.clone(),
            performer_id: self.performer_id,
            started_at: self.started_at.clone(),
            ended_at: self.ended_at.clone(),
            note: self.note.clone(),
        }
    }
}

/// `GET /requests/{id}/on-site`: the request's terminals by site, with their progress.
pub async fn choose(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let c = state.app.on_site_choice(&user.actor(), id).await?;
    let number = c.request.request_number.clone();
    let above = [(format!("/requests/{id}"), format!("作業依頼書 {number}"))];
    let ctx = json!({"c": c});
    Ok(render(
        "on_site.html",
        user.ctx_under("/requests", &above, "現場での作業記録", ctx),
    )?
    .into_response())
}

/// `GET /requests/{id}/on-site/{terminal_id}`: one terminal.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(ids): Path<(i64, i64)>,
) -> PageResult {
    terminal_page(&state, &user, ids, StatusCode::OK, Value::Null).await
}

/// The page of one terminal on site, with `extra` (a refusal and what was typed).
pub(super) async fn terminal_page(
    state: &AppState,
    user: &PageUser,
    (id, terminal_id): (i64, i64),
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let t = state
        .app
        .on_site_terminal(&user.actor(), id, terminal_id)
        .await?;
    let me = user.0.0.id;
    let mut form = json!({
        "step_order": [], "outcome": "done", "note": "",
        "performer_id": t.performers.iter().any(|p| p.id == me).then_some(me),
        "started_at": t.started_at, "ended_at": t.ended_at,
    });
    let mut extra = extra;
    if let Some(typed) = extra.as_object_mut().and_then(|o| o.remove("form")) {
        merge(&mut form, typed);
    }
    let number = t.request.request_number.clone();
    let title = format!("{}({})", t.terminal.asset_number, t.terminal.site_name);
    let above = [
        (format!("/requests/{id}"), format!("作業依頼書 {number}")),
        (
            format!("/requests/{id}/on-site"),
            "現場での作業記録".to_string(),
        ),
    ];
    let mut ctx = json!({
        "t": t, "form": form, "photo_accept": PHOTO_EXTENSIONS,
        "can_attach": user.may(Action::RecordWork),
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render(
            "on_site_terminal.html",
            user.ctx_under("/requests", &above, &title, ctx),
        )?,
    )
        .into_response())
}

/// `POST /requests/{id}/on-site/{terminal_id}`: records the ticked steps of the terminal;
/// back to its page, which links the next terminal.
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, terminal_id)): Path<(i64, i64)>,
    Form(f): Form<OnSiteRecordForm>,
) -> PageResult {
    let result = state
        .app
        .record_selection(&user.actor(), id, &f.input(terminal_id))
        .await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |_| format!("/requests/{id}/on-site/{terminal_id}"),
        &f,
        |status, extra| terminal_page(&state, &user, (id, terminal_id), status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/requests/{id}/on-site", Action::ViewJobs, choose)
        .get(
            "/requests/{id}/on-site/{terminal_id}",
            Action::ViewJobs,
            show,
        )
        .post(
            "/requests/{id}/on-site/{terminal_id}",
            Action::RecordWork,
            record,
        )
}
