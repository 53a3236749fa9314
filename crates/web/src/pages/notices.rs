//! J-LIS notices as pages (R2.4): the list with its filters and the City's form to record
//! one, and a notice's page with its jobs and the City's close and withdraw buttons.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::attachments::{ACCEPTED_EXTENSIONS, OwnerKind};
use jukiops_domain::audit::Entity;
use jukiops_domain::jobs::{NoticeInput, NoticeKind, NoticeVerb, notice_transition};
use jukiops_domain::people::Action;
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageUser, merge};
use crate::AppState;
use crate::lists;
use crate::templates::render;
use jukiops_app::attachments::OwnerQuery;
use jukiops_domain::listing::ListParams;
use jukiops_store::NOTICE_LIST;

/// A notice's text may be long (10,000 characters of Japanese, percent-encoded).
impl PageForm for NoticeInput {
    const ACTION: Action = Action::RecordNotices;
    const MAX_BYTES: usize = 128 * 1024;
}

/// The close and withdraw buttons.
#[derive(Debug, serde::Deserialize)]
pub struct NoticeVerbForm {
    verb: NoticeVerb,
}

impl PageForm for NoticeVerbForm {
    const ACTION: Action = Action::RecordNotices;
}

/// `[{value, label}]` of the notice kinds, with their category.
fn kind_options() -> Value {
    NoticeKind::ALL
        .iter()
        .map(
            |k| json!({"value": k.as_str(), "label": format!("{} {}", k.category(), k.label_ja())}),
        )
        .collect()
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
    let (q, refused) = lists::sound(q, &NOTICE_LIST);
    let listed = state.app.notice_list(&user.actor(), &q).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::plain_row) {
        return Ok(export?);
    }
    let kinds: Vec<(String, String)> = NoticeKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                format!("{} {}", k.category(), k.label_ja()),
            )
        })
        .collect();
    let mut list = lists::view(
        "/notices",
        &listed.request,
        &listed.page,
        &vec![("kind", kinds)],
    );
    refused.show(&mut list);
    let mut ctx = json!({
        "items": listed.page.items, "list": list,
        "kinds": kind_options(),
        "can_record": user.may(Action::RecordNotices),
        "form": {"received_on": "", "jlis_reference": "", "title": "", "body": "", "kind": "", "requested_deadline": ""},
    });
    merge(&mut ctx, extra);
    Ok((
        refused.status(status),
        render("notices.html", user.ctx("J-LISからの通知", ctx))?,
    )
        .into_response())
}

pub async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Form(input): Form<NoticeInput>,
) -> PageResult {
    let result = state.app.record_notice(&user.actor(), &input).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |n| format!("/notices/{}", n.notice.id),
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
    let who = user.actor();
    let d = state.app.notice(&who, id).await?;
    let role = user.0.0.role;
    let may = |verb| notice_transition(d.notice.status, verb, role).is_ok();
    let owner = OwnerQuery::new(OwnerKind::Notice, id);
    let history = super::history(state, user, Entity::Notice, id).await?;
    let mut ctx = json!({
        "n": d.notice, "jobs": d.jobs, "history": history,
        "can_add_job": user.may(Action::ManageJobs) && may(NoticeVerb::CreateJobs),
        "can_close": user.may(Action::RecordNotices) && may(NoticeVerb::Close),
        "can_withdraw": user.may(Action::RecordNotices) && may(NoticeVerb::Withdraw),
        "attachments": state.app.attachments(&who, &owner).await?,
        "can_attach": user.may(Action::RecordNotices), "accept": ACCEPTED_EXTENSIONS,
    });
    merge(&mut ctx, extra);
    let title = format!("通知 {}", d.notice.jlis_reference);
    Ok((
        status,
        render("notice.html", user.ctx_under("/notices", &[], &title, ctx))?,
    )
        .into_response())
}

pub async fn transition(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<NoticeVerbForm>,
) -> PageResult {
    let verb = c.form.verb;
    // Closing a notice, or recording J-LIS withdrew it, ends it: asked first.
    if matches!(verb, NoticeVerb::Close | NoticeVerb::Withdraw) {
        let what = async {
            let d = state.app.notice(&user.actor(), id).await?;
            Ok(format!(
                "通知 {}「{}」{}。",
                d.notice.jlis_reference,
                d.notice.title,
                if verb == NoticeVerb::Close {
                    "を完了にします"
                } else {
                    "についてJ-LISが撤回したことを記録し、この通知を終えます"
                }
            ))
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let result = state.app.move_notice(&user.actor(), id, verb).await;
    post_redirect_get(
        if verb == NoticeVerb::Close {
            Done::Closed
        } else {
            Done::StatusChanged
        },
        result.map_err(Into::into),
        |_| format!("/notices/{id}"),
        &Value::Null,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/notices", Action::ViewJobs, list)
        .post("/notices", Action::RecordNotices, record)
        .get("/notices/{id}", Action::ViewJobs, show)
        .post(
            "/notices/{id}/transition",
            Action::RecordNotices,
            transition,
        )
}
