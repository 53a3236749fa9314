//! Pages for sites, terminals and touch panels (R4.2, R9.3).

use super::extract::{Form, Path, Query};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::inventory::{AssetKind, AssetStatus, TerminalInput, TouchPanelInput};
use jukiops_domain::people::Action;
use jukiops_store::{PageRequest, TerminalFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ListQuery, PageError, PageResult, PageUser, form_errors, merge, page_value, see_other,
};
use crate::AppState;
use crate::error::AppError;
use crate::forms::{SiteForm, audit_view, labelled, status_options, with_labels};
use crate::templates::render;

fn html(status: StatusCode, h: axum::response::Html<String>) -> axum::response::Response {
    (status, h).into_response()
}

pub async fn sites(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    user.require(Action::ViewInventory)?;
    sites_page(
        &state,
        &user,
        q.page_request(),
        StatusCode::OK,
        json!({"form": SiteForm::default()}),
    )
    .await
}

async fn sites_page(
    state: &AppState,
    user: &PageUser,
    req: PageRequest,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let page = state.store.sites(req).await?;
    let mut ctx = json!({"page": page_value(&page), "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    Ok(html(status, render("sites.html", user.ctx("拠点", ctx))?))
}

pub async fn create_site(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<SiteForm>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.to_input().and_then(|i| i.check()) {
        Ok(d) => state
            .store
            .create_site(&actor, d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(s) => Ok(see_other(&format!("/sites/{}", s.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            sites_page(
                &state,
                &user,
                PageRequest::default(),
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn site(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    user.require(Action::ViewInventory)?;
    site_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

async fn site_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let s = state.store.site(id).await?;
    let audit: Vec<Value> = state
        .store
        .audit_for("site", &id.to_string())
        .await?
        .iter()
        .map(audit_view)
        .collect();
    let form = json!({"code": s.code, "name": s.name, "postal_code": s.postal_code.clone().unwrap_or_default(),
        "address": s.address.clone().unwrap_or_default(), "lat": s.lat.map(|v| v.to_string()).unwrap_or_default(),
        "lon": s.lon.map(|v| v.to_string()).unwrap_or_default()});
    let mut ctx = json!({"site": s, "audit": audit, "form": form, "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    Ok(html(status, render("site.html", user.ctx(&s.name, ctx))?))
}

pub async fn update_site(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<SiteForm>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.to_input().and_then(|i| i.check()) {
        Ok(d) => state
            .store
            .update_site(&actor, id, d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/sites/{id}"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            site_page(
                &state,
                &user,
                id,
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// Filters of the terminal list as they arrive in the query string (all text; bad values
/// are ignored rather than refused, as a person may edit the URL).
#[derive(Debug, Default, Deserialize)]
pub struct TerminalQuery {
    pub site_id: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    #[serde(flatten)]
    pub list: ListQuery,
}

impl TerminalQuery {
    pub fn filter(&self) -> TerminalFilter {
        TerminalFilter {
            site_id: self.site_id.as_deref().and_then(|s| s.parse().ok()),
            status: self.status.as_deref().and_then(AssetStatus::parse),
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
        }
    }
}

pub async fn terminals(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<TerminalQuery>,
) -> PageResult {
    user.require(Action::ViewInventory)?;
    let filter = q.filter();
    let req = q.list.page_request();
    let page = state.store.terminals(&filter, req).await?;
    let sites = state.store.all_sites().await?;
    let base = serde_urlencoded::to_string([
        (
            "site_id",
            filter.site_id.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "status",
            filter
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("q", filter.q.clone().unwrap_or_default()),
        ("per_page", req.per_page.to_string()),
    ])
    .unwrap_or_default();
    let ctx = json!({
        "page": page_value(&page), "sites": sites, "statuses": status_options(),
        "filter": {"site_id": filter.site_id, "status": filter.status.map(|s| s.as_str()), "q": filter.q.unwrap_or_default()},
        "page_base": format!("/terminals?{base}&"), "can_edit": user.may(Action::EditInventory),
    });
    Ok(html(
        StatusCode::OK,
        render("terminals.html", user.ctx("統合端末", ctx))?,
    ))
}

pub async fn new_terminal(State(state): State<AppState>, user: PageUser) -> PageResult {
    user.require(Action::EditInventory)?;
    new_terminal_page(
        &state,
        &user,
        StatusCode::OK,
        json!({"form": TerminalInput::default()}),
    )
    .await
}

async fn new_terminal_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let mut ctx = json!({"sites": state.store.all_sites().await?, "statuses": status_options()});
    merge(&mut ctx, extra);
    Ok(html(
        status,
        render("terminal_new.html", user.ctx("統合端末の登録", ctx))?,
    ))
}

pub async fn create_terminal(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<TerminalInput>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.check() {
        Ok(d) => state
            .store
            .create_terminal(&actor, d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(t) => Ok(see_other(&format!("/terminals/{}", t.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            new_terminal_page(
                &state,
                &user,
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn terminal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    user.require(Action::ViewInventory)?;
    terminal_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

async fn terminal_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let t = state.store.terminal(id).await?;
    let events = state.store.asset_events(AssetKind::Terminal, id).await?;
    let audit: Vec<Value> = state
        .store
        .audit_for("terminal", &id.to_string())
        .await?
        .iter()
        .map(audit_view)
        .collect();
    let panels = state
        .store
        .touch_panels(PageRequest::new(Some(1), Some(200)))
        .await?;
    let spare: Vec<_> = panels
        .items
        .into_iter()
        .filter(|p| p.terminal_id.is_none() && p.status != AssetStatus::Retired)
        .collect();
    let form = json!({"asset_number": t.asset_number, "serial": t.serial, "model": t.model, "site_code": t.site_code,
        "room": t.room, "lessor": t.lessor, "lease_start": t.lease_start, "lease_end": t.lease_end, "status": t.status.as_str()});
    let title = format!("統合端末 {}", t.asset_number);
    let mut ctx = json!({
        "t": with_labels(serde_json::to_value(&t).unwrap_or_default()), "events": labelled(&events), "audit": audit,
        "spare_panels": labelled(&spare), "sites": state.store.all_sites().await?, "statuses": status_options(),
        "form": form, "can_edit": user.may(Action::EditInventory),
        "last_rotation": state.store.last_rotation(id).await?,
    });
    merge(&mut ctx, extra);
    Ok(html(
        status,
        render("terminal.html", user.ctx(&title, ctx))?,
    ))
}

pub async fn update_terminal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<TerminalInput>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.check() {
        Ok(d) => state
            .store
            .update_terminal(&actor, id, d)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/terminals/{id}"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            terminal_page(
                &state,
                &user,
                id,
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AttachForm {
    pub touch_panel_id: String,
}

pub async fn attach_touch_panel(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<AttachForm>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.touch_panel_id.trim().parse::<i64>() {
        Ok(panel) => state
            .store
            .attach_touch_panel(&actor, id, panel)
            .await
            .map_err(AppError::from),
        Err(_) => Err(AppError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "touch_panel_id",
            "接続するタッチパネルを選んでください。",
        )),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/terminals/{id}"))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            terminal_page(
                &state,
                &user,
                id,
                status,
                json!({"error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// The CSV export: UTF-8 with BOM so that Excel opens it correctly.
pub async fn export_csv(State(state): State<AppState>, user: PageUser) -> PageResult {
    user.require(Action::ViewInventory)?;
    crate::api::terminals::csv_response(&state)
        .await
        .map_err(PageError)
}

pub async fn import_form(user: PageUser) -> PageResult {
    user.require(Action::EditInventory)?;
    Ok(html(
        StatusCode::OK,
        render(
            "terminal_import.html",
            user.ctx("統合端末のCSV取込", json!({"row_errors": []})),
        )?,
    ))
}

pub async fn import(
    State(state): State<AppState>,
    user: PageUser,
    mut multipart: Multipart,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let show_errors = |status: StatusCode, errors: Vec<String>| -> PageResult {
        let ctx = json!({"row_errors": errors, "error": "取り込めませんでした。誤りを直して再度取り込んでください(何も登録されていません)。"});
        Ok(html(
            status,
            render("terminal_import.html", user.ctx("統合端末のCSV取込", ctx))?,
        ))
    };
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return show_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["CSVファイルを選んでください。".into()],
        );
    };
    match crate::api::terminals::import_bytes(&state, &actor, &bytes).await {
        Ok(r) => {
            let ctx = json!({"row_errors": [], "flash": format!("取り込みました: 新規 {}件、更新 {}件、変更なし {}件", r.created, r.updated, r.unchanged)});
            Ok(html(
                StatusCode::OK,
                render("terminal_import.html", user.ctx("統合端末のCSV取込", ctx))?,
            ))
        }
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            show_errors(
                e.status,
                e.errors.iter().map(|x| x.message.clone()).collect(),
            )
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn touch_panels(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    user.require(Action::ViewInventory)?;
    touch_panels_page(
        &state,
        &user,
        q.page_request(),
        StatusCode::OK,
        json!({"form": TouchPanelInput::default()}),
    )
    .await
}

async fn touch_panels_page(
    state: &AppState,
    user: &PageUser,
    req: PageRequest,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let page = state.store.touch_panels(req).await?;
    let mut ctx = json!({"page": page_value(&page), "statuses": status_options(), "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    Ok(html(
        status,
        render("touch_panels.html", user.ctx("タッチパネル", ctx))?,
    ))
}

pub async fn create_touch_panel(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<TouchPanelInput>,
) -> PageResult {
    let actor = user.require(Action::EditInventory)?;
    let result = match form.check() {
        Ok(d) => state
            .store
            .create_touch_panel(&actor, d, None)
            .await
            .map_err(AppError::from),
        Err(e) => Err(AppError::from(e)),
    };
    match result {
        Ok(_) => Ok(see_other("/touch-panels")),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            touch_panels_page(
                &state,
                &user,
                PageRequest::default(),
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}
