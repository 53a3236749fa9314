//! The JSON API under `/api/v1`, documented by an OpenAPI 3 document generated from these
//! handlers (`/api/openapi.json`). Every list is paged.

mod accounts;
pub mod attachments;
mod audit;
mod availability;
pub mod calendar;
mod contract;
mod deliverables;
pub mod fault_logs;
mod inbox;
mod incident_figures;
mod incidents;
pub mod inspections;
pub mod jobs;
mod json;
pub mod notices;
mod off_hours;
mod permits;
pub mod plans;
pub mod requests;
mod responsible_persons;
mod roster;
pub mod rotations;
mod site_staff;
mod sites;
pub mod terminals;
mod touch_panels;
mod urgent_requests;
mod users;
pub mod visits;
pub mod waivers;
mod work_log;

use std::sync::LazyLock;

use axum::Json;
use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::access::{EXTENSION, Needs, Route, api_gate};

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

/// The whole API: one line per feature, each declaring its routes in its own file.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(users::routes())
        .merge(contract::routes())
        .merge(calendar::routes())
        .merge(off_hours::routes())
        .merge(permits::routes())
        .merge(requests::routes())
        .merge(plans::routes())
        .merge(visits::routes())
        .merge(notices::routes())
        .merge(attachments::routes())
        .merge(jobs::routes())
        .merge(rotations::routes())
        .merge(inspections::routes())
        .merge(waivers::routes())
        .merge(audit::routes())
        .merge(sites::routes())
        .merge(terminals::routes())
        .merge(touch_panels::routes())
        .merge(work_log::routes())
        .merge(inbox::routes())
        .merge(site_staff::routes())
        .merge(incidents::routes())
        .merge(incident_figures::routes())
        .merge(urgent_requests::routes())
        .merge(fault_logs::routes())
        .merge(deliverables::routes())
        .merge(availability::routes())
        .merge(responsible_persons::routes())
        .merge(roster::routes())
}

static OPENAPI: LazyLock<String> = LazyLock::new(|| {
    let (_, doc) = api_router().split_for_parts();
    doc.to_pretty_json().unwrap_or_default()
});

/// The OpenAPI 3 document of the API, as served at `/api/openapi.json`.
pub fn openapi_json() -> &'static str {
    &OPENAPI
}

/// Every operation of the document with what it needs (`x-jukiops-action`); an operation
/// without a readable declaration is left out, and the gate refuses it.
pub fn api_routes() -> &'static [Route] {
    static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
        let doc: Value = serde_json::from_str(openapi_json()).unwrap_or_default();
        let mut routes = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes());
                let needs = serde_json::from_value::<Needs>(op[EXTENSION].clone());
                match (method, needs) {
                    (Ok(method), Ok(needs)) => routes.push(Route {
                        method,
                        path: path.clone(),
                        needs,
                    }),
                    (_, Err(e)) => tracing::error!(path, error = %e, "no readable {EXTENSION}"),
                    (Err(e), _) => tracing::error!(path, error = %e, "unknown method"),
                }
            }
        }
        routes
    });
    &ROUTES
}

/// What the API route `method path` (as declared, with `{name}` parameters) needs.
pub fn needs(method: &Method, path: &str) -> Option<&'static Needs> {
    api_routes()
        .iter()
        .find(|r| r.method == *method && r.path == path)
        .map(|r| &r.needs)
}

/// The API's routes behind the gate, and the document.
pub fn router(state: &AppState) -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router
        .route_layer(middleware::from_fn_with_state(state.clone(), api_gate))
        .route(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation of the document names what it needs, in a form the gate and the
    /// access test read: `public`, a known action code, or a choice among known codes.
    #[test]
    fn every_operation_declares_what_it_needs() {
        let doc: Value = serde_json::from_str(openapi_json()).expect("document");
        let mut operations = 0;
        let mut wrong = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                operations += 1;
                match op.get(EXTENSION) {
                    None => wrong.push(format!("{method} {path}: no {EXTENSION}")),
                    Some(v) => {
                        if let Err(e) = serde_json::from_value::<Needs>(v.clone()) {
                            wrong.push(format!("{method} {path}: {e}"));
                        }
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(operations > 50, "{operations} operations");
        assert_eq!(api_routes().len(), operations);
        let m = |s: &str| Method::from_bytes(s.as_bytes()).expect("method");
        assert_eq!(
            needs(&m("GET"), "/api/v1/jobs"),
            Some(&Needs::Action(jukiops_domain::people::Action::ViewJobs))
        );
        assert_eq!(needs(&m("POST"), "/api/v1/login"), Some(&Needs::Public));
        assert_eq!(needs(&m("GET"), "/api/v1/nothing"), None);
    }

    /// A choice's values are those its handler reads: the job verbs in the body, the owners
    /// of a file in the query, the kinds of record in the path.
    #[test]
    fn choices_name_their_parameter_and_every_value() {
        let m = |s: &str| Method::from_bytes(s.as_bytes()).expect("method");
        let verb = needs(&m("POST"), "/api/v1/jobs/{id}/transition")
            .and_then(Needs::choice)
            .expect("choice");
        assert_eq!(
            (verb.source, verb.name.as_str()),
            (crate::access::Source::Body, "verb")
        );
        assert_eq!(verb.actions.len(), jukiops_domain::jobs::JobVerb::ALL.len());
        let history = needs(&m("GET"), "/api/v1/audit/{entity}/{id}")
            .and_then(Needs::choice)
            .expect("choice");
        assert_eq!(history.name, "entity");
        assert_eq!(
            history.otherwise,
            Some(jukiops_domain::people::Action::ViewAudit)
        );
    }
}
