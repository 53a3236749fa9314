//! A ward office's own pages (区役所担当者): their site's visits with the workers' names
//! and badge numbers for the reception desk, the terminals out of service, the sign-off of
//! each visit's work, and the fault reports (every site's for the City and the contractor,
//! their own site's for the ward office, who also report faults here).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use jukiops_app::site_staff::FaultQuery;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::VisitStatus;
use jukiops_domain::site_staff::{
    FaultReportInput, FaultReportStatus, MAX_DESCRIPTION, SignOffInput,
};
use jukiops_domain::time::today_jst;
use serde_json::{Value, json};

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge};
use crate::AppState;
use crate::templates::render;

impl PageForm for SignOffInput {
    const ACTION: Action = Action::SignOffVisits;
}

impl PageForm for FaultReportInput {
    const ACTION: Action = Action::ReportFaults;
}

/// The empty form of a fault report's button (dealt with).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ResolveButton {}

impl PageForm for ResolveButton {
    const ACTION: Action = Action::ResolveFaultReports;
}

/// A field of a form described for the shared templates (every key the macro reads).
fn field(name: &str, label: &str, kind: &str, required: bool) -> Value {
    json!({"name": name, "label": label, "kind": kind, "required": required,
        "max": null, "min_value": null, "max_value": null, "options": []})
}

/// The fault report's fields: a terminal of the site, when, what happened.
fn fault_fields(terminals: &[jukiops_store::VisitTerminal]) -> Value {
    let mut terminal = field("terminal_id", "故障した統合端末", "select", true);
    terminal["options"] = terminals
        .iter()
        .map(|t| {
            let label = match &t.room {
                Some(room) => format!("{}({room})", t.asset_number),
                None => t.asset_number.clone(),
            };
            json!({"value": t.id, "label": label})
        })
        .collect();
    let mut description = field("description", "発生した事象", "textarea", true);
    description["max"] = json!(MAX_DESCRIPTION);
    json!([
        terminal,
        field("occurred_at", "発生日時", "datetime-local", true),
        description
    ])
}

pub async fn show(State(state): State<AppState>, user: PageUser) -> PageResult {
    my_site_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn my_site_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let site = state.app.my_site(&who).await?;
    let today = today_jst(Utc::now()).to_string();
    let visits: Vec<Value> = site
        .visits
        .iter()
        .map(|v| {
            let mut row = json!(v);
            row["can_sign_off"] = json!(
                v.sign_off.is_none() && v.status != VisitStatus::Cancelled && v.date <= today
            );
            row["upcoming"] = json!(v.date >= today && v.status == VisitStatus::Planned);
            row
        })
        .collect();
    let q = FaultQuery {
        status: Some(FaultReportStatus::Open.as_str().into()),
        ..Default::default()
    };
    let faults = state.app.fault_reports(&who, &q).await?;
    let mut ctx = json!({
        "site": {"id": site.site_id, "code": site.site_code, "name": site.site_name},
        "visits": visits,
        "outages": site.outages,
        "faults": faults.items,
        "fault_fields": fault_fields(&site.terminals),
        "form": FaultReportInput::default(),
        "today": today,
    });
    merge(&mut ctx, extra);
    let html = render("my_site.html", user.ctx("自拠点の予定", ctx))?;
    Ok((status, html).into_response())
}

pub async fn sign_off(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<SignOffInput>,
) -> PageResult {
    let what = async {
        let site = state.app.my_site(&user.actor()).await?;
        let v = site.visits.iter().find(|v| v.id == id);
        Ok(match v {
            Some(v) => format!(
                "{} {}〜{}の訪問({})の作業が完了したことを、区役所の担当者として確認します。",
                v.date, v.start, v.end, v.purpose
            ),
            None => "この訪問の作業が完了したことを確認します。".to_string(),
        })
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let form = c.form;
    let result = state.app.sign_off_visit(&user.actor(), id, &form).await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |v| format!("/my-site#v{}", v.id),
        &FaultReportInput::default(),
        |status, extra| my_site_page(&state, &user, status, extra),
    )
    .await
}

/// A column of the list (the template reads every key).
fn column(key: &str, label: &str, nowrap: bool) -> Value {
    json!({"key": key, "label": label, "link": null, "num": false, "nowrap": nowrap})
}

/// The incident a fault report became, or the way to register it as one for those who
/// may report incidents (an open report only).
fn incident_link(
    user: &PageUser,
    f: &jukiops_store::FaultReport,
) -> (Option<String>, Option<String>) {
    match f.incident_id {
        Some(id) if user.may(Action::ViewIncidents) => {
            (Some(format!("障害 {id}")), Some(format!("/incidents/{id}")))
        }
        Some(id) => (Some(format!("障害 {id}")), None),
        None if f.status == FaultReportStatus::Open && user.may(Action::ReportIncidents) => (
            Some("障害として登録".to_string()),
            Some(format!("/incidents?fault_report_id={}", f.id)),
        ),
        None => (None, None),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<FaultQuery>,
) -> PageResult {
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: FaultQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let page = state.app.fault_reports(&who, &q).await?;
    let create = if user.may(Action::ReportFaults) {
        let site = state.app.my_site(&who).await?;
        Some(json!({"heading": "故障を報告する", "submit": "報告する",
            "fields": fault_fields(&site.terminals)}))
    } else {
        None
    };
    let mut status_filter = field("status", "状態", "select", false);
    status_filter["options"] = FaultReportStatus::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": s.label_ja()}))
        .collect();
    let base = serde_urlencoded::to_string([("status", q.status.clone().unwrap_or_default())])
        .unwrap_or_default();
    let mut ctx = json!({
        "heading": "故障報告",
        "intro": "区役所の窓口から報告された統合端末の故障です。",
        "path": "/fault-reports",
        "filters": [status_filter],
        "query": {"status": q.status},
        "columns": [
            column("reported_at", "報告日時", true),
            column("site_name", "拠点", true),
            column("asset_number", "統合端末", true),
            column("occurred_at", "発生日時", true),
            column("description", "発生した事象", false),
            column("status_label", "状態", true),
            column("reported_by", "報告者", true),
            json!({"key": "incident_label", "label": "障害", "link": "incident_href", "num": false, "nowrap": true}),
        ],
        "rows": page.items.iter().map(|f| {
            let mut row = json!(f);
            let open = f.status == FaultReportStatus::Open && user.may(Action::ResolveFaultReports);
            row["action_href"] = json!(open.then(|| format!("/fault-reports/{}/resolve", f.id)));
            let (label, href) = incident_link(user, f);
            row["incident_label"] = json!(label);
            row["incident_href"] = json!(href);
            row
        }).collect::<Vec<_>>(),
        "row_action": {"heading": "対応", "label": "対応済みにする"},
        "empty": "故障報告はありません。",
        "base": format!("/fault-reports?{base}&"),
        "create": create,
        "form": FaultReportInput::default(),
    });
    ctx["page"] = json!({"total": page.total, "page": page.page, "pages": page.pages()});
    merge(&mut ctx, extra);
    let html = render("records.html", user.ctx("故障報告", ctx))?;
    Ok((status, html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<FaultReportInput>,
) -> PageResult {
    let result = state.app.report_fault(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| "/fault-reports".to_string(),
        &form,
        |status, extra| list_page(&state, &user, FaultQuery::default(), status, extra),
    )
    .await
}

pub async fn resolve(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<ResolveButton>,
) -> PageResult {
    let what = async { Ok("この故障報告を対応済みにします。".to_string()) };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state.app.resolve_fault_report(&user.actor(), id).await;
    post_redirect_get(
        Done::Resolved,
        result.map_err(Into::into),
        |_| "/fault-reports".to_string(),
        &FaultReportInput::default(),
        |status, extra| list_page(&state, &user, FaultQuery::default(), status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/my-site", Action::ViewOwnSite, show)
        .post(
            "/my-site/visits/{id}/sign-off",
            Action::SignOffVisits,
            sign_off,
        )
        .get("/fault-reports", Action::ViewFaultReports, list)
        .post("/fault-reports", Action::ReportFaults, create)
        .post(
            "/fault-reports/{id}/resolve",
            Action::ResolveFaultReports,
            resolve,
        )
}
