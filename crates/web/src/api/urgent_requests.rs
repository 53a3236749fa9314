//! The urgent 作業依頼書 of an incident over the API; a thin handler over
//! [`jukiops_app::urgent_requests`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::incidents::IncidentDetail;
use jukiops_domain::incidents::UrgentRequestInput;
use jukiops_domain::people::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Path;

/// Issues the incident's urgent 作業依頼書 in one step (本市担当者): a キ/ク job on its
/// terminal, the request dated from today, and its 作業手順書 approved as a standard
/// recovery procedure (`standard_procedure`) or by phone (`phone`), without the City's
/// 決裁 route. One per incident, not on an incident the City accepted.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/urgent-request", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::IssueRequests))), params(("id" = i64, Path)), request_body = UrgentRequestInput,
    responses((status = 201, body = IncidentDetail), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UrgentRequestInput>,
) -> ApiResult<(StatusCode, Json<IncidentDetail>)> {
    let detail = state
        .app
        .issue_urgent_request(&user.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue))
}
