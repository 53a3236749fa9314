//! The touch-panel page (R4.2): the list with the form to register a spare one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::inventory::TouchPanelInput;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::TOUCH_PANEL_LIST;
use serde_json::{Value, json};

use super::PageRoutes;
use super::extract::Query;
use super::feedback::Done;
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageUser, merge, page_value};
use crate::AppState;
use crate::forms::status_options;
use crate::lists;
use crate::templates::render;

impl PageForm for TouchPanelInput {
    const ACTION: Action = Action::EditInventory;
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let extra = json!({"form": TouchPanelInput::default()});
    list_page(&state, &user, q, StatusCode::OK, extra).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    params: ListParams,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let (params, refused) = lists::sound(params, &TOUCH_PANEL_LIST);
    let listed = state.app.touch_panel_list(&user.actor(), &params).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::labelled_row) {
        return Ok(export?);
    }
    let mut list = lists::view("/touch-panels", &listed.request, &listed.page, &Vec::new());
    refused.show(&mut list);
    let page = listed.page;
    let mut ctx = json!({"page": page_value(&page), "list": list, "statuses": status_options(), "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    let html = render("touch_panels.html", user.ctx("タッチパネル", ctx))?;
    Ok((refused.status(status), html).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<TouchPanelInput>,
) -> PageResult {
    let result = state
        .app
        .create_touch_panel(&user.actor(), &form, None)
        .await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| "/touch-panels".to_string(),
        &form,
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/touch-panels", Action::ViewInventory, list)
        .post("/touch-panels", Action::EditInventory, create)
}
