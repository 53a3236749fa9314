//! Incidents (障害, R4.1, R4.2): the list with each one's clocks (open ones first), the
//! form to register one (also from a ward office's fault report), the incident's page as a
//! timeline with the forms of the events that may come next (resolving and accepting ask
//! first), and the City's service-level targets.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::incidents::{
    EventInput, EventKind, IncidentInput, LOG_EXTENSIONS, OTHER_PARTIES, PauseReason,
    SlaSettingsInput, Urgency, UrgentApproval,
};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge, page_value};
use crate::AppState;
use crate::lists;
use crate::templates::render;

impl PageForm for IncidentInput {
    const ACTION: Action = Action::ReportIncidents;
}

impl PageForm for EventInput {
    const ACTION: Action = Action::RecordIncidents;
}

impl PageForm for SlaSettingsInput {
    const ACTION: Action = Action::SetServiceLevels;
}

/// `?fault_report_id=` of the list: the fault report the form takes up.
#[derive(Debug, Default, Deserialize)]
pub struct FromReport {
    pub fault_report_id: Option<i64>,
}

fn options<T: jukiops_domain::vocab::Labelled>() -> Vec<Value> {
    T::all()
        .iter()
        .map(|v| json!({"value": v.code(), "label": v.label()}))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
    Query(from): Query<FromReport>,
) -> PageResult {
    let mut form = IncidentInput {
        fault_report_id: from.fault_report_id,
        ..Default::default()
    };
    if let Some(id) = from.fault_report_id
        && let Ok(page) = state
            .app
            .fault_reports(&user.actor(), &Default::default())
            .await
        && let Some(r) = page.items.iter().find(|r| r.id == id)
    {
        form.terminal_id = Some(r.terminal_id);
        form.symptom = r.description.clone();
        form.category = "キ".into();
    }
    list_page(&state, &user, q, StatusCode::OK, json!({"form": form})).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    params: ListParams,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let listed = state.app.incident_list(&who, &params).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::labelled_row) {
        return Ok(export?);
    }
    let list = lists::view("/incidents", &listed.request, &listed.page, &Vec::new());
    let terminals = if user.may(Action::ReportIncidents) {
        state.app.terminal_choices(&who).await?
    } else {
        Vec::new()
    };
    let mut ctx = json!({
        "page": page_value(&listed.page), "list": list,
        "can_report": user.may(Action::ReportIncidents),
        "terminals": terminals, "urgencies": options::<Urgency>(),
        "form": IncidentInput::default(),
    });
    merge(&mut ctx, extra);
    let html = render("incidents.html", user.ctx("障害", ctx))?;
    Ok((status, html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<IncidentInput>,
) -> PageResult {
    let result = state.app.report_incident(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |d| format!("/incidents/{}", d.view.incident.id),
        &form,
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
    let d = state.app.incident(&user.actor(), id).await?;
    let next: Vec<Value> = d
        .next
        .iter()
        .map(|k| {
            json!({"value": k.as_str(), "label": k.label_ja(), "note": k.note_label(),
                "inquiry": matches!(k, EventKind::JlisAsked | EventKind::JlisAnswered),
                "pause": *k == EventKind::Paused, "swap": *k == EventKind::DeviceReplaced,
                "party": *k == EventKind::PartyInvolved})
        })
        .collect();
    let title = format!("障害 {}", d.view.incident.id);
    let logs = if user.may(Action::ViewFaultLogs) {
        json!(state.app.fault_logs(&user.actor(), id).await?)
    } else {
        Value::Null
    };
    let rules = state.app.fault_log_rules();
    let mut ctx = json!({
        "i": d.view.incident, "clock": d.view.clock, "events": d.events, "next": next,
        "pause_reasons": options::<PauseReason>(), "form": EventInput::default(),
        "parties": OTHER_PARTIES.map(|p| json!({"value": p.as_str(), "label": p.label_ja()})),
        "tasks": d.tasks, "may_finish_tasks": d.may_finish_tasks,
        "logs": logs, "can_collect": user.may(Action::CollectFaultLogs),
        "log_rules": rules, "log_accept": LOG_EXTENSIONS,
        // The urgent 作業依頼書 (issue 14 item 6): the request, or the City's form for it.
        "urgent": d.urgent_request, "can_issue_urgent": user.may(Action::IssueRequests),
        "urgent_approvals": options::<UrgentApproval>(),
    });
    merge(&mut ctx, extra);
    let html = render(
        "incident.html",
        user.ctx_under("/incidents", &[], &title, ctx),
    )?;
    Ok((status, html).into_response())
}

pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<EventInput>,
) -> PageResult {
    let kind = EventKind::parse(&c.form.kind);
    if let Some(kind @ (EventKind::Resolved | EventKind::Accepted | EventKind::DeviceReplaced)) =
        kind
    {
        let what = async move {
            Ok(match kind {
                EventKind::Resolved => {
                    format!("障害 {id} の復旧を記録します。この後は本市の復旧の確認を待ちます。")
                }
                EventKind::DeviceReplaced => format!(
                    "障害 {id} の機器を交換として記録します。交換前の機器は台帳で撤去済になり、交換後の機器が設置され、再設定作業が作られます。"
                ),
                _ => format!("障害 {id} の復旧を確認し、この障害の対応を完了にします。"),
            })
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let form = c.form;
    let result = state
        .app
        .record_incident_event(&user.actor(), id, &form)
        .await;
    let done = match kind {
        Some(EventKind::Resolved) => Done::Resolved,
        Some(EventKind::Accepted) => Done::Accepted,
        _ => Done::Recorded,
    };
    post_redirect_get(
        done,
        result.map_err(Into::into),
        |_| format!("/incidents/{id}"),
        &form,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

pub async fn targets(State(state): State<AppState>, user: PageUser) -> PageResult {
    targets_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn targets_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let targets = state.app.sla_targets(&user.actor()).await?;
    let mut ctx = json!({"targets": targets, "can_set": user.may(Action::SetServiceLevels),
        "form": SlaSettingsInput::default()});
    merge(&mut ctx, extra);
    let html = render(
        "incident_targets.html",
        user.ctx_under("/incidents", &[], "障害対応の目標", ctx),
    )?;
    Ok((status, html).into_response())
}

pub async fn set_targets(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<SlaSettingsInput>,
) -> PageResult {
    let result = state.app.set_sla_targets(&user.actor(), &form).await;
    post_redirect_get(
        Done::Saved,
        result.map_err(Into::into),
        |_| "/incident-targets".to_string(),
        &form,
        |status, extra| targets_page(&state, &user, status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/incidents", Action::ViewIncidents, list)
        .post("/incidents", Action::ReportIncidents, create)
        .get("/incidents/{id}", Action::ViewIncidents, show)
        .post("/incidents/{id}/events", Action::RecordIncidents, record)
        .get("/incident-targets", Action::ViewIncidents, targets)
        .post("/incident-targets", Action::SetServiceLevels, set_targets)
}
