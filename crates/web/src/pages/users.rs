//! User administration (the administrator): the list of accounts with the form to add one
//! and, on each row, to change its role, disable it or reset its password.

use super::PageRoutes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::approvals::StandInInput;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::{Action, NewUserInput, UserUpdateInput};
use jukiops_store::USER_LIST;
use serde_json::{Value, json};

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageUser, merge, page_value};
use crate::AppState;
use crate::forms::role_options;
use crate::lists;
use crate::templates::render;

impl PageForm for NewUserInput {
    const ACTION: Action = Action::ManageUsers;
}

impl PageForm for UserUpdateInput {
    const ACTION: Action = Action::ManageUsers;
}

impl PageForm for StandInInput {
    const ACTION: Action = Action::ManageUsers;
}

/// The empty form of a button on a user's row (unlock, reset the second factor).
#[derive(Debug, Default, serde::Deserialize)]
pub struct UserButton {}

impl PageForm for UserButton {
    const ACTION: Action = Action::ManageUsers;
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let extra = json!({"form": NewUserInput::default()});
    list_page(&state, &user, q, StatusCode::OK, extra).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    params: ListParams,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let (params, refused) = lists::sound(params, &USER_LIST);
    let listed = state.app.user_list(&user.actor(), &params).await?;
    if let Some(export) = lists::export_if_asked(&listed, crate::forms::user_row) {
        return Ok(export?);
    }
    let mut list = lists::view("/users", &listed.request, &listed.page, &Vec::new());
    refused.show(&mut list);
    let page = listed.page;
    let sites: Vec<Value> = state
        .app
        .user_site_choices(&user.actor())
        .await?
        .into_iter()
        .map(|(id, name)| json!({"value": id, "label": name}))
        .collect();
    let mut ctx = json!({"page": page_value(&page), "list": list, "roles": role_options(), "sites": sites, "can_manage": user.may(Action::ManageUsers)});
    merge(&mut ctx, extra);
    Ok((
        refused.status(status),
        render("users.html", user.ctx("利用者管理", ctx))?,
    )
        .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(input): Form<NewUserInput>,
) -> PageResult {
    let result = state.app.create_user(&user.actor(), &input).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| "/users".to_string(),
        &input,
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<UserUpdateInput>,
) -> PageResult {
    // Disabling an account that was enabled ends its sessions: asked first.
    if c.posted("disabled") == Some("true") && c.posted("was_disabled") != Some("true") {
        let what = async {
            let name = c.posted("display_name_shown").unwrap_or("この利用者");
            Ok(format!(
                "{name}のアカウントを無効にします。ログイン中のセッションとAPIトークンは使えなくなります。"
            ))
        };
        if let Some(page) = c.ask(&user, what).await {
            return page;
        }
    }
    let deactivated =
        c.posted("disabled") == Some("true") && c.posted("was_disabled") != Some("true");
    let input = c.form;
    let result = state.app.update_user(&user.actor(), id, &input).await;
    post_redirect_get(
        if deactivated {
            Done::Deactivated
        } else {
            Done::Updated
        },
        result.map_err(Into::into),
        |_| "/users".to_string(),
        &NewUserInput::default(),
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

/// Records that the account stands in for another City staff member while absent.
pub async fn add_stand_in(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(input): Form<StandInInput>,
) -> PageResult {
    let result = state.app.add_stand_in(&user.actor(), id, &input).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| "/users".to_string(),
        &NewUserInput::default(),
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

/// Unlocks an account locked by failed sign-ins.
pub async fn unlock(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(_): Form<UserButton>,
) -> PageResult {
    let result = state.app.unlock_user(&user.actor(), id).await;
    post_redirect_get(
        Done::Unlocked,
        result.map_err(Into::into),
        |_| "/users".to_string(),
        &NewUserInput::default(),
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

/// Resets an account's second factor: it signs in with its password until it enrols again.
pub async fn reset_factor(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<UserButton>,
) -> PageResult {
    let what = async {
        let name = c.posted("display_name_shown").unwrap_or("この利用者");
        Ok(format!(
            "{name}の二要素認証をリセットします。登録し直すまではパスワードだけでログインします。"
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    state.app.reset_second_factor(&user.actor(), id).await?;
    Ok(Done::Reset.on(super::see_other("/users")))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/users", Action::ViewUsers, list)
        .post("/users", Action::ManageUsers, create)
        .post("/users/{id}", Action::ManageUsers, update)
        .post("/users/{id}/unlock", Action::ManageUsers, unlock)
        .post("/users/{id}/stand-ins", Action::ManageUsers, add_stand_in)
        .post(
            "/users/{id}/second-factor/reset",
            Action::ManageUsers,
            reset_factor,
        )
}
