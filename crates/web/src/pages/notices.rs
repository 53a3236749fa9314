//! J-LIS notices as pages (R2.4): the list with its filters and the City's form to record
//! one, and a notice's page with its jobs and the City's close and withdraw buttons.

use super::extract::{Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::jobs::{
    ACCEPTED_EXTENSIONS, NoticeInput, NoticeKind, NoticeStatus, NoticeVerb, OwnerKind,
    notice_transition,
};
use jukiops_domain::people::Action;
use serde_json::{Value, json};

use super::schedule::FormPairs;
use super::{PageError, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::notices::{NoticeQuery, move_notice, record_notice};
use crate::templates::render;

/// `[{value, label}]` of the notice kinds, with their category.
fn kind_options() -> Value {
    NoticeKind::ALL
        .iter()
        .map(
            |k| json!({"value": k.as_str(), "label": format!("{} {}", k.category(), k.label_ja())}),
        )
        .collect()
}

fn status_options() -> Value {
    NoticeStatus::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": s.label_ja()}))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: NoticeQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    user.require(Action::ViewJobs)?;
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
    let page = state.store.notices(&filter, q.request()).await?;
    let base = format!(
        "/notices?status={}&kind={}&",
        filter.status.map(|s| s.as_str()).unwrap_or_default(),
        filter.kind.map(|k| k.as_str()).unwrap_or_default()
    );
    let mut ctx = json!({
        "items": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": base, "status": filter.status.map(|s| s.as_str()), "kind": filter.kind.map(|k| k.as_str()),
        "kinds": kind_options(), "statuses": status_options(),
        "can_record": user.may(Action::RecordNotices),
        "form": {"received_on": "", "jlis_reference": "", "title": "", "body": "", "kind": "", "requested_deadline": ""},
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("notices.html", user.ctx("J-LISからの通知", ctx))?,
    )
        .into_response())
}

pub async fn record(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = NoticeInput {
        received_on: f.get("received_on"),
        jlis_reference: f.get("jlis_reference"),
        title: f.get("title"),
        body: f.get("body"),
        kind: f.get("kind"),
        requested_deadline: Some(f.get("requested_deadline")),
    };
    match record_notice(&state, &user.0, &input).await {
        Ok(n) => Ok(see_other(&format!("/notices/{}", n.notice.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let extra = json!({"form": input, "error": message, "errors": errors});
            list_page(&state, &user, NoticeQuery::default(), status, extra).await
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
    user.require(Action::ViewJobs)?;
    let d = state.store.notice_detail(id).await?;
    let role = user.0.0.role;
    let may = |verb| notice_transition(d.notice.status, verb, role).is_ok();
    let history: Vec<Value> = state
        .store
        .audit_for("notice", &id.to_string())
        .await?
        .iter()
        .map(crate::forms::audit_view)
        .collect();
    let mut ctx = json!({
        "n": d.notice, "jobs": d.jobs, "history": history,
        "can_add_job": user.may(Action::ManageJobs) && may(NoticeVerb::CreateJobs),
        "can_close": user.may(Action::RecordNotices) && may(NoticeVerb::Close),
        "can_withdraw": user.may(Action::RecordNotices) && may(NoticeVerb::Withdraw),
        "attachments": state.store.attachments_of(OwnerKind::Notice, id).await?,
        "can_attach": user.may(Action::RecordNotices), "accept": ACCEPTED_EXTENSIONS,
    });
    merge(&mut ctx, extra);
    let title = format!("通知 {}", d.notice.jlis_reference);
    Ok((status, render("notice.html", user.ctx(&title, ctx))?).into_response())
}

pub async fn transition(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    user.require(Action::RecordNotices)?;
    let f = FormPairs::parse(&body);
    let verb = match f.get("verb").as_str() {
        "close" => NoticeVerb::Close,
        "withdraw" => NoticeVerb::Withdraw,
        _ => return Err(PageError(crate::error::AppError::not_found("操作"))),
    };
    match move_notice(&state, &user.0, id, verb).await {
        Ok(_) => Ok(see_other(&format!("/notices/{id}"))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            show_page(&state, &user, id, status, json!({"error": message})).await
        }
    }
}
