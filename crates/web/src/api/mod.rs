//! The JSON API under `/api/v1`, documented by an OpenAPI 3 document generated from these
//! handlers (`/api/openapi.json`). Every list is paged.

mod accounts;
pub mod attachments;
mod audit;
pub mod calendar;
mod contract;
pub mod inspections;
pub mod jobs;
mod json;
pub mod notices;
mod off_hours;
mod permits;
pub mod plans;
pub mod requests;
pub mod rotations;
mod sites;
pub mod terminals;
mod touch_panels;
mod users;
pub mod visits;
pub mod waivers;

use std::sync::LazyLock;

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "jukiops API", description = "住基ネット統合端末 運用サポート業務の JSON API。エラーは application/problem+json で、errors に項目名と日本語のメッセージを返します。"),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(crate::error::Problem))
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::begin_enrolment))
        .routes(routes!(accounts::confirm_enrolment))
        .routes(routes!(accounts::sign_out_everywhere))
        .routes(routes!(accounts::sign_ins))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update))
        .routes(routes!(users::unlock))
        .routes(routes!(users::reset_second_factor))
        .routes(routes!(contract::show))
        .routes(routes!(calendar::list))
        .routes(routes!(calendar::put, calendar::delete))
        .routes(routes!(off_hours::list, off_hours::create))
        .routes(routes!(off_hours::show))
        .routes(routes!(off_hours::decision))
        .routes(routes!(permits::list, permits::create))
        .routes(routes!(permits::show))
        .routes(routes!(permits::decision))
        .routes(routes!(requests::list, requests::create))
        .routes(routes!(requests::show))
        .routes(routes!(requests::cancel))
        .routes(routes!(requests::raise_question))
        .routes(routes!(requests::answer_question))
        .routes(routes!(requests::close_question))
        .routes(routes!(requests::save_procedure))
        .routes(routes!(requests::submit_procedure))
        .routes(routes!(requests::decide_procedure))
        .routes(routes!(requests::record_work))
        .routes(routes!(requests::submit_report))
        .routes(routes!(requests::decide_report))
        .routes(routes!(plans::list, plans::create))
        .routes(routes!(plans::preview))
        .routes(routes!(plans::show))
        .routes(routes!(plans::xlsx))
        .routes(routes!(plans::agreement))
        .routes(routes!(visits::agreement))
        .routes(routes!(visits::list, visits::create))
        .routes(routes!(visits::show))
        .routes(routes!(visits::transition))
        .routes(routes!(notices::list, notices::create))
        .routes(routes!(notices::show))
        .routes(routes!(notices::transition))
        .routes(routes!(attachments::list, attachments::upload))
        .routes(routes!(attachments::download))
        .routes(routes!(jobs::list, jobs::create))
        .routes(routes!(jobs::counts))
        .routes(routes!(jobs::show))
        .routes(routes!(jobs::transition))
        .routes(routes!(rotations::list))
        .routes(routes!(rotations::create))
        .routes(routes!(inspections::template, inspections::put_template))
        .routes(routes!(inspections::list, inspections::create))
        .routes(routes!(inspections::follow_up))
        .routes(routes!(waivers::create))
        .routes(routes!(audit::list))
        .routes(routes!(audit::history))
        .routes(routes!(audit::verify))
        .routes(routes!(sites::list, sites::create))
        .routes(routes!(sites::show, sites::update))
        .routes(routes!(terminals::list, terminals::create))
        .routes(routes!(terminals::show, terminals::update))
        .routes(routes!(terminals::history))
        .routes(routes!(touch_panels::attach))
        .routes(routes!(terminals::export))
        .routes(routes!(terminals::import))
        .routes(routes!(touch_panels::list, touch_panels::create))
        .routes(routes!(touch_panels::show))
}

static OPENAPI: LazyLock<String> = LazyLock::new(|| {
    let (_, doc) = api_router().split_for_parts();
    doc.to_pretty_json().unwrap_or_default()
});

/// The OpenAPI 3 document of the API, as served at `/api/openapi.json`.
pub fn openapi_json() -> &'static str {
    &OPENAPI
}

pub fn router() -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router.route(
        "/api/openapi.json",
        get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                openapi_json(),
            )
        }),
    )
}

/// `?page=&per_page=` of every list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// 1 から始まるページ番号
    pub page: Option<u32>,
    /// 1 ページの件数(1〜200、既定 50)
    pub per_page: Option<u32>,
}

impl Paging {
    pub fn request(&self) -> jukiops_store::PageRequest {
        jukiops_store::PageRequest::new(self.page, self.per_page)
    }
}

pub type JsonResult<T> = crate::error::ApiResult<Json<T>>;
