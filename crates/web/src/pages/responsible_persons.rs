//! The responsible persons' page (責任者の指定, §6(1), §6(3)) and the organisation chart's
//! (作業体制図, §6(2)): the chart of a chosen day drawn on the server, printable on one A4
//! page and downloadable as SVG, with its versions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_app::responsible_persons::ChartQuery;
use jukiops_domain::people::Action;
use jukiops_domain::responsible_persons::{
    DesignationInput, DesignationKind, EndInput, MAX_NOTE, MAX_TEXT,
};
use serde_json::{Value, json};

use super::extract::{Path, Query};
use super::feedback::Done;
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge};
use crate::AppState;
use crate::api::attachments::file_response;
use crate::templates::render;

impl PageForm for DesignationInput {
    const ACTION: Action = Action::DesignateResponsiblePersons;
}

impl PageForm for EndInput {
    const ACTION: Action = Action::DesignateResponsiblePersons;
}

/// A field of the form described for the shared `input` macro (every key it reads).
fn field(name: &str, label: &str, kind: &str, required: bool, max: Option<usize>) -> Value {
    json!({"name": name, "label": label, "kind": kind, "required": required,
        "max": max, "min_value": null, "max_value": null, "options": []})
}

fn designation_fields() -> Value {
    let mut kind = field("kind", "指定の種類", "select", true, None);
    kind["options"] = DesignationKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label_ja()}))
        .collect();
    json!([
        kind,
        field("name", "氏名", "text", true, Some(MAX_TEXT)),
        field("company", "所属（会社名）", "text", true, Some(MAX_TEXT)),
        field(
            "contact",
            "連絡先（電話・メール）",
            "text",
            true,
            Some(MAX_TEXT)
        ),
        field(
            "user_id",
            "利用者ID（アカウントがある場合）",
            "number",
            false,
            None
        ),
        field("effective_from", "適用開始日", "date", true, None),
        field(
            "effective_until",
            "適用終了日（決まっている場合）",
            "date",
            false,
            None
        ),
        field("note", "備考", "textarea", false, Some(MAX_NOTE)),
    ])
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
    let who = user.actor();
    let mut ctx = json!({
        "designations": state.app.designations(&who).await?,
        "lead_changes": state.app.lead_changes(&who).await?,
        "can_designate": user.may(Action::DesignateResponsiblePersons),
        "fields": designation_fields(),
        "form": DesignationInput::default(),
    });
    merge(&mut ctx, extra);
    let html = render("responsible_persons.html", user.ctx("責任者の指定", ctx))?;
    Ok((status, html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<DesignationInput>,
) -> PageResult {
    let result = state.app.designate(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |d| format!("/responsible-persons#d{}", d.id),
        &form,
        |status, extra| list_page(&state, &user, status, extra),
    )
    .await
}

pub async fn end(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<EndInput>,
) -> PageResult {
    let result = state.app.end_designation(&user.actor(), id, &form).await;
    post_redirect_get(
        Done::Updated,
        result.map_err(Into::into),
        |d| format!("/responsible-persons#d{}", d.id),
        &DesignationInput::default(),
        |status, extra| list_page(&state, &user, status, extra),
    )
    .await
}

pub async fn chart(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ChartQuery>,
) -> PageResult {
    let who = user.actor();
    let view: jukiops_app::responsible_persons::OrgChartView =
        state.app.org_chart(&who, &q).await?.into();
    let ctx = json!({
        "chart": view,
        "svg_href": format!("/org-chart.svg?date={}", view.date),
        "versions": state.app.chart_versions(&who).await?,
    });
    let html = render("org_chart.html", user.ctx("作業体制図", ctx))?;
    Ok(html.into_response())
}

pub async fn svg(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ChartQuery>,
) -> PageResult {
    let who = user.actor();
    let chart = state.app.org_chart(&who, &q).await?;
    let name = format!("作業体制図_{}.svg", chart.date);
    let svg = jukiops_domain::responsible_persons::org_chart::render_svg(&chart);
    Ok(file_response(
        svg.into_bytes(),
        "image/svg+xml; charset=utf-8",
        &name,
    ))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/responsible-persons", Action::ViewResponsiblePersons, list)
        .post(
            "/responsible-persons",
            Action::DesignateResponsiblePersons,
            create,
        )
        .post(
            "/responsible-persons/{id}/end",
            Action::DesignateResponsiblePersons,
            end,
        )
        .get("/org-chart", Action::ViewResponsiblePersons, chart)
        .get("/org-chart.svg", Action::ViewResponsiblePersons, svg)
}
