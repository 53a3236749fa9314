//! The log of work that is not on the equipment (§6(4)) as a page: the month's entries with
//! their filters and the form to add one, on the shared record page (records.html).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_app::work_log::WorkLogQuery;
use jukiops_domain::people::Action;
use jukiops_domain::work_log::{MAX_MINUTES, MAX_SUMMARY, WorkLogInput, WorkLogKind};
use serde_json::{Value, json};

use super::extract::Query;
use super::feedback::Done;
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge};
use crate::AppState;
use crate::templates::render;

impl PageForm for WorkLogInput {
    const ACTION: Action = Action::RecordWork;
}

/// `[{value, label}]` of a select.
fn options(items: impl IntoIterator<Item = (String, String)>) -> Value {
    items
        .into_iter()
        .map(|(value, label)| json!({"value": value, "label": label}))
        .collect()
}

/// A column of the list: `style` is "num", "nowrap" or "" (the template reads every key).
fn column(key: &str, label: &str, style: &str) -> Value {
    json!({"key": key, "label": label, "link": null,
        "num": style == "num", "nowrap": style == "nowrap"})
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<WorkLogQuery>,
) -> PageResult {
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: WorkLogQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let page = state.app.work_log(&who, &q).await?;
    let people = state.app.job_performers(&who).await?;
    let kinds =
        options(WorkLogKind::ALL.map(|k| (k.as_str().to_string(), k.label_ja().to_string())));
    let people = options(
        people
            .into_iter()
            .map(|p| (p.id.to_string(), p.display_name)),
    );
    let base = serde_urlencoded::to_string([
        ("from", q.from.clone().unwrap_or_default()),
        ("to", q.to.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let field = |name: &str, label: &str, kind: &str, required: bool| {
        json!({"name": name, "label": label, "kind": kind, "required": required,
            "max": null, "min_value": null, "max_value": null, "options": []})
    };
    let mut minutes = field("minutes", "作業時間(分)", "number", true);
    minutes["min_value"] = json!(1);
    minutes["max_value"] = json!(MAX_MINUTES);
    let mut summary = field("summary", "内容", "textarea", true);
    summary["max"] = json!(MAX_SUMMARY);
    let mut kind = field("kind", "作業の種類", "select", true);
    kind["options"] = kinds.clone();
    let mut person = field("person_id", "作業した人(空欄は自分)", "select", false);
    person["options"] = people;
    let mut kind_filter = field("kind", "種類", "select", false);
    kind_filter["options"] = kinds;
    let create = user.may(Action::RecordWork).then(|| {
        json!({"heading": "記録する", "submit": "記録する", "fields": [
            field("worked_on", "作業日", "date", true), kind, minutes, summary, person,
            field("request_id", "関連する作業依頼書の番号(ID・任意)", "number", false),
        ]})
    });
    let mut ctx = json!({
        "heading": "機器以外の作業の記録",
        "intro": "問い合わせへの回答、調査、打合せ、資料作成など、統合端末に触れない作業を記録します(仕様書 6(4))。",
        "path": "/work-log",
        "filters": [field("from", "開始日", "date", false), field("to", "終了日", "date", false), kind_filter],
        "query": {"from": q.from, "to": q.to, "kind": q.kind},
        "columns": [
            column("worked_on", "作業日", "nowrap"),
            column("kind_label", "種類", "nowrap"),
            column("minutes", "時間(分)", "num"),
            column("summary", "内容", ""),
            column("person", "作業した人", "nowrap"),
            json!({"key": "request_number", "label": "作業依頼書", "link": "request_href",
                "num": false, "nowrap": true}),
        ],
        "rows": page.items.iter().map(|e| {
            let mut row = json!(e);
            row["request_href"] = json!(e.request_id.map(|id| format!("/requests/{id}")));
            row
        }).collect::<Vec<_>>(),
        "empty": "記録はありません。",
        "base": format!("/work-log?{base}&"),
        "create": create,
        "form": WorkLogInput::default(),
    });
    ctx["page"] = json!({"total": page.total, "page": page.page, "pages": page.pages()});
    merge(&mut ctx, extra);
    let html = render("records.html", user.ctx("機器以外の作業", ctx))?;
    Ok((status, html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<WorkLogInput>,
) -> PageResult {
    let result = state.app.record_work_log(&user.actor(), &form).await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |e| format!("/work-log?from={}#w{}", e.worked_on, e.id),
        &form,
        |status, extra| list_page(&state, &user, WorkLogQuery::default(), status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/work-log", Action::ViewJobs, list)
        .post("/work-log", Action::RecordWork, create)
}
