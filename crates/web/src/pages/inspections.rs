//! カ on the pages (R3.3): the City's checklist template form, and the job page's
//! per-terminal checklist form and the follow-up button of each finding (the job page
//! itself is [`super::jobs`]'s).

use super::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::jobs::{
    ChecklistAnswerInput, ChecklistInput, ChecklistItemInput, ChecklistTemplateInput, ItemKind,
    MAX_ITEMS,
};
use jukiops_domain::people::Action;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::PageRoutes;
use super::feedback::Done;
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::jobs::{form_as, show_page};
use super::{PageResult, PageUser, merge};
use crate::AppState;
use crate::templates::render;

/// Blank rows offered for new items on the template form.
const BLANK_ROWS: usize = 3;

/// The rows the template form may post: every item a template may have, and the blank
/// rows offered after them.
const TEMPLATE_ROWS: usize = MAX_ITEMS + BLANK_ROWS;

/// One terminal's checklist as the job page posts it: per item of the template, in order,
/// its id, the answer (empty when not given) and the note.
#[derive(Debug, Deserialize, Serialize)]
pub struct ChecklistForm {
    #[serde(default, deserialize_with = "optional_id")]
    terminal_id: Option<i64>,
    #[serde(default)]
    inspected_on: String,
    #[serde(default, deserialize_with = "optional_id")]
    inspector_id: Option<i64>,
    #[serde(default)]
    item_id: Repeated<String, MAX_ITEMS>,
    #[serde(default)]
    value: Repeated<String, MAX_ITEMS>,
    #[serde(default)]
    note: Repeated<String, MAX_ITEMS>,
}

/// A hundred answers with their notes, percent-encoded.
impl PageForm for ChecklistForm {
    const ACTION: Action = Action::RecordWork;
    const MAX_BYTES: usize = 256 * 1024;
}

impl ChecklistForm {
    fn input(&self) -> ChecklistInput {
        let answers = self
            .item_id
            .iter()
            .zip(self.value.iter())
            .enumerate()
            .filter(|(_, (_, v))| !v.trim().is_empty())
            .map(|(i, (id, v))| ChecklistAnswerInput {
                item_id: id.clone(),
                value: v.clone(),
                note: self.note.get(i).filter(|n| !n.trim().is_empty()).cloned(),
            })
            .collect();
        ChecklistInput {
            terminal_id: self.terminal_id.unwrap_or_default(),
            inspected_on: self.inspected_on.clone(),
            inspector_id: self.inspector_id.unwrap_or_default(),
            answers,
        }
    }

    /// What was typed, for the form shown again: the answer and note of each item by id.
    fn typed(&self) -> Value {
        let answers: Map<String, Value> = self
            .item_id
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let value = self.value.get(i).cloned().unwrap_or_default();
                let note = self.note.get(i).cloned().unwrap_or_default();
                (id.clone(), json!({"value": value, "note": note}))
            })
            .collect();
        json!({"terminal_id": self.terminal_id, "inspected_on": self.inspected_on,
            "inspector_id": self.inspector_id, "answers": answers})
    }
}

/// Records one terminal's checklist from the job page's form.
pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ChecklistForm>,
) -> PageResult {
    let result = state
        .app
        .record_inspection(&user.actor(), id, &f.input())
        .await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |_| format!("/jobs/{id}#inspections"),
        &f.typed(),
        |status, extra| show_page(&state, &user, id, status, form_as(extra, "checklist_form")),
    )
    .await
}

/// The follow-up button of a finding: the failed item.
#[derive(Debug, Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    item_id: String,
}

impl PageForm for FollowUpForm {
    const ACTION: Action = Action::ManageJobs;
}

/// Raises the follow-up エ job of a finding and shows it.
pub async fn follow_up(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, terminal_id)): Path<(i64, i64)>,
    Form(f): Form<FollowUpForm>,
) -> PageResult {
    let result = state
        .app
        .raise_follow_up(&user.actor(), id, terminal_id, &f.item_id)
        .await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |job| format!("/jobs/{}", job.job.id),
        &Value::Null,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The checklist template with, for the City, the form to edit it.
pub async fn template(State(state): State<AppState>, user: PageUser) -> PageResult {
    let t = state.app.inspection_template(&user.actor()).await?;
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
    merge(&mut ctx, extra);
    let html = render(
        "inspection_template.html",
        user.ctx("年次点検の点検項目", ctx),
    )?;
    Ok((status, html).into_response())
}

/// The template form: per row, in order, the item's id, label and kind.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    id: Repeated<String, TEMPLATE_ROWS>,
    #[serde(default)]
    label: Repeated<String, TEMPLATE_ROWS>,
    #[serde(default)]
    kind: Repeated<String, TEMPLATE_ROWS>,
}

/// A hundred items and the blank rows, percent-encoded.
impl PageForm for TemplateForm {
    const ACTION: Action = Action::EditInspectionTemplate;
    const MAX_BYTES: usize = 128 * 1024;
}

impl TemplateForm {
    /// The rows typed: those with neither id nor label are skipped.
    fn input(&self) -> ChecklistTemplateInput {
        let items = self
            .id
            .iter()
            .enumerate()
            .map(|(i, id)| ChecklistItemInput {
                id: id.clone(),
                label: self.label.get(i).cloned().unwrap_or_default(),
                kind: self.kind.get(i).cloned().unwrap_or_default(),
            })
            .filter(|it| !it.id.trim().is_empty() || !it.label.trim().is_empty())
            .collect();
        ChecklistTemplateInput { items }
    }
}

/// Saves the template from the form.
pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<TemplateForm>,
) -> PageResult {
    let input = f.input();
    let result = state
        .app
        .save_inspection_template(&user.actor(), &input)
        .await;
    let (user, items) = (&user, input.items);
    post_redirect_get(
        Done::Saved,
        result.map_err(Into::into),
        |_| "/inspection/template".to_string(),
        &Value::Null,
        |status, extra| async move { template_page(user, items, status, extra) },
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .post("/jobs/{id}/inspections", Action::RecordWork, record)
        .post(
            "/jobs/{id}/inspections/{terminal_id}/follow-up",
            Action::ManageJobs,
            follow_up,
        )
        .get("/inspection/template", Action::ViewJobs, template)
        .post("/inspection/template", Action::EditInspectionTemplate, save)
}
