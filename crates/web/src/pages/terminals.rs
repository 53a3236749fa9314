//! Terminal pages (R4.2): the filtered list, the form to register one, one terminal's page
//! (fields, touch panel, asset history, audit history, last password change), and the CSV
//! export and import.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use jukiops_domain::audit::Entity;
use jukiops_domain::inventory::TerminalInput;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::{ImportMode, TERMINAL_LIST};
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageRoutes;
use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, optional_id, post_redirect_get};
use super::{PageError, PageResult, PageUser, history, merge, page_value, without_form};
use crate::AppState;
use crate::error::AppError;
use crate::forms::{labelled, status_options, with_labels};
use crate::lists;
use crate::templates::render;

impl PageForm for TerminalInput {
    const ACTION: Action = Action::EditInventory;
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let (q, refused) = lists::sound(q, &TERMINAL_LIST);
    let listed = state.app.terminal_list(&user.actor(), &q).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::labelled_row) {
        return Ok(export?);
    }
    let sites: Vec<(String, String)> = state
        .app
        .all_sites(&user.actor())
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let mut list = lists::view(
        "/terminals",
        &listed.request,
        &listed.page,
        &vec![("site_id", sites)],
    );
    refused.show(&mut list);
    let ctx = json!({
        "page": page_value(&listed.page), "list": list, "can_edit": user.may(Action::EditInventory),
    });
    Ok((
        refused.status(StatusCode::OK),
        render("terminals.html", user.ctx("統合端末", ctx))?,
    )
        .into_response())
}

pub async fn new_form(State(state): State<AppState>, user: PageUser) -> PageResult {
    user.require(Action::EditInventory)?;
    let extra = json!({"form": TerminalInput::default()});
    new_page(&state, &user, StatusCode::OK, extra).await
}

async fn new_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let sites = state.app.all_sites(&user.actor()).await?;
    let mut ctx = json!({"sites": sites, "statuses": status_options()});
    merge(&mut ctx, extra);
    let html = render(
        "terminal_new.html",
        user.ctx_under("/terminals", &[], "統合端末の登録", ctx),
    )?;
    Ok((status, html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<TerminalInput>,
) -> PageResult {
    let result = state.app.create_terminal(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |t| format!("/terminals/{}", t.id),
        &form,
        |status, extra| new_page(&state, &user, status, extra),
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

async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let t = state.app.terminal(&who, id).await?;
    let events = state.app.terminal_history(&who, id).await?;
    let audit = history(state, user, Entity::Terminal, id).await?;
    let spare = state.app.spare_touch_panels(&who).await?;
    let form = json!({"asset_number": t.asset_number, "serial": t.serial, "model": t.model, "site_code": t.site_code,
        "room": t.room, "lessor": t.lessor, "lease_start": t.lease_start, "lease_end": t.lease_end, "status": t.status.as_str()});
    let title = format!("統合端末 {}", t.asset_number);
    let mut ctx = json!({
        "t": with_labels(serde_json::to_value(&t).unwrap_or_default()), "events": labelled(&events), "audit": audit,
        "spare_panels": labelled(&spare), "sites": state.app.all_sites(&who).await?, "statuses": status_options(),
        "form": form, "can_edit": user.may(Action::EditInventory),
        "last_rotation": state.app.last_rotation(&who, id).await?,
    });
    merge(&mut ctx, extra);
    let html = render(
        "terminal.html",
        user.ctx_under("/terminals", &[], &title, ctx),
    )?;
    Ok((status, html).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<TerminalInput>,
) -> PageResult {
    let result = state.app.update_terminal(&user.actor(), id, &form).await;
    post_redirect_get(
        Done::Updated,
        result.map_err(Into::into),
        |_| format!("/terminals/{id}"),
        &form,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The panel chosen to attach to a terminal.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct AttachForm {
    #[serde(default, deserialize_with = "optional_id")]
    pub touch_panel_id: Option<i64>,
}

impl PageForm for AttachForm {
    const ACTION: Action = Action::EditInventory;
}

pub async fn attach_touch_panel(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<AttachForm>,
) -> PageResult {
    let what = async {
        Ok(match c.form.touch_panel_id {
            Some(_) => "選んだタッチパネルをこの統合端末に接続します。接続中のタッチパネルがあれば取り外されます(交換)。".to_string(),
            None => "タッチパネルを接続します。".to_string(),
        })
    };
    if c.form.touch_panel_id.is_some()
        && let Some(page) = c.ask(&user, what).await
    {
        return page;
    }
    let form = c.form;
    let result = match form.touch_panel_id {
        Some(panel) => state
            .app
            .attach_touch_panel(&user.actor(), id, panel)
            .await
            .map_err(AppError::from),
        None => Err(AppError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "touch_panel_id",
            "接続するタッチパネルを選んでください。",
        )),
    };
    post_redirect_get(
        Done::Connected,
        result,
        |_| format!("/terminals/{id}"),
        &Value::Null,
        |status, extra| show_page(&state, &user, id, status, without_form(extra)),
    )
    .await
}

/// The CSV export: UTF-8 with BOM so that Excel opens it correctly.
pub async fn export_csv(State(state): State<AppState>, user: PageUser) -> PageResult {
    crate::api::terminals::csv_response(&state, &user.0)
        .await
        .map_err(PageError)
}

pub async fn import_form(user: PageUser) -> PageResult {
    user.require(Action::EditInventory)?;
    let ctx = user.ctx("統合端末のCSV取込", json!({"row_errors": []}));
    Ok(render("terminal_import.html", ctx)?.into_response())
}

/// The CSV import in two steps: the file is checked and shown row by row as what it would
/// do (nothing written); 取り込む on that preview posts the same file back with
/// `confirmed=1`, and only then is it imported.
pub async fn import(State(state): State<AppState>, user: PageUser, req: Request) -> PageResult {
    // The role first: a refused role learns nothing from how its body is read.
    user.require(Action::EditInventory)?;
    let mut multipart = Multipart::from_request(req, &state).await.map_err(|e| {
        PageError(AppError::field(
            e.status(),
            "file",
            "CSVファイルを選んで送信してください。",
        ))
    })?;
    let (mut bytes, mut confirmed) = (None, false);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("file") => bytes = field.bytes().await.ok().map(|b| b.to_vec()),
            // The file as the preview carried it back (base64 of its bytes).
            Some("csv") => {
                let text = field.text().await.unwrap_or_default();
                bytes = base64::engine::general_purpose::STANDARD
                    .decode(text.trim())
                    .ok();
            }
            Some("confirmed") => confirmed = field.text().await.is_ok_and(|t| t == "1"),
            _ => {}
        }
    }
    let page = |status: StatusCode, ctx: Value| -> PageResult {
        let html = render(
            "terminal_import.html",
            user.ctx_under("/terminals", &[], "統合端末のCSV取込", ctx),
        )?;
        Ok((status, html).into_response())
    };
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"row_errors": ["CSVファイルを選んでください。"], "error": "取り込めませんでした。"}),
        );
    };
    let mode = if confirmed {
        ImportMode::Apply
    } else {
        ImportMode::Preview
    };
    let carried = base64::engine::general_purpose::STANDARD.encode(&bytes);
    match crate::api::terminals::import_csv(&state, &user.0, bytes, mode).await {
        Ok((r, _)) if mode == ImportMode::Preview => page(
            StatusCode::OK,
            json!({"row_errors": [], "preview": r, "csv": carried}),
        ),
        Ok((r, _)) => page(
            StatusCode::OK,
            json!({"row_errors": [], "flash": format!("取り込みました: 新規 {}件、更新 {}件、変更なし {}件", r.created, r.updated, r.unchanged)}),
        ),
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let errors: Vec<String> = e.errors.iter().map(|x| x.message.clone()).collect();
            page(
                e.status,
                json!({"row_errors": errors, "error": "取り込めませんでした。誤りを直して再度取り込んでください(何も登録されていません)。"}),
            )
        }
        Err(e) => Err(PageError(e)),
    }
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/terminals", Action::ViewInventory, list)
        .post("/terminals", Action::EditInventory, create)
        .get("/terminals/new", Action::EditInventory, new_form)
        .get("/terminals/export.csv", Action::ViewInventory, export_csv)
        .get("/terminals/import", Action::EditInventory, import_form)
        .post("/terminals/import", Action::EditInventory, import)
        .get("/terminals/{id}", Action::ViewInventory, show)
        .post("/terminals/{id}", Action::EditInventory, update)
        .post(
            "/terminals/{id}/touch-panel",
            Action::EditInventory,
            attach_touch_panel,
        )
}
