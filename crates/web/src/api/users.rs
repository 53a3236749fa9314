//! User administration over the API; thin handlers over [`jukiops_app::users`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::approvals::StandInInput;
use jukiops_domain::people::Action;
use jukiops_domain::people::{NewUserInput, UserUpdateInput};
use jukiops_store::{Page, StandIn, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};
use axum::response::Response;
use jukiops_domain::listing::ListParams;

#[utoipa::path(get, path = "/api/v1/users", extensions(("x-jukiops-action" = json!(Action::ViewUsers))), tag = "users", params(ListParamsDoc,
        ("role" = Option<String>, Query, description = "ロールで絞り込み(city_staff, contractor_lead, contractor_worker, security_officer, auditor, admin)")),
    responses((status = 200, description = "利用者の一覧(検索: ログインID・氏名・職・メールアドレス。並べ替え: username, display_name, role, disabled, created_at)", content((Page<User> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.user_list(&user.actor(), &p).await?,
        crate::forms::user_row,
    )
}

#[utoipa::path(post, path = "/api/v1/users", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), tag = "users", request_body = NewUserInput,
    responses((status = 201, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let created = state.app.create_user(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), tag = "users", params(("id" = i64, Path)), request_body = UserUpdateInput,
    responses((status = 200, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UserUpdateInput>,
) -> JsonResult<User> {
    Ok(Json(
        state.app.update_user(&user.actor(), id, &input).await?,
    ))
}

/// Whom the account may stand in for in the City's 決裁.
#[utoipa::path(get, path = "/api/v1/users/{id}/stand-ins", extensions(("x-jukiops-action" = json!(Action::ViewUsers))), tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<StandIn>), (status = 403, body = crate::error::Problem)))]
pub async fn stand_ins(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Vec<StandIn>> {
    Ok(Json(state.app.stand_ins(&user.actor(), id).await?))
}

/// Records that the account stands in for another City staff member while they are absent.
#[utoipa::path(post, path = "/api/v1/users/{id}/stand-ins", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), tag = "users", params(("id" = i64, Path)), request_body = StandInInput,
    responses((status = 201, body = Vec<StandIn>), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn add_stand_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<StandInInput>,
) -> ApiResult<(StatusCode, Json<Vec<StandIn>>)> {
    let list = state.app.add_stand_in(&user.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(list)))
}

/// Unlocks an account locked by failed sign-ins (its failures are forgotten), audited.
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn unlock(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.unlock_user(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resets an account's second factor (audited): it signs in with its password until it
/// enrols again.
#[utoipa::path(delete, path = "/api/v1/users/{id}/second-factor", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), tag = "users", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn reset_second_factor(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.reset_second_factor(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(unlock))
        .routes(routes!(stand_ins, add_stand_in))
        .routes(routes!(reset_second_factor))
}
