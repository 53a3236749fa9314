//! The Japanese web UI: server-rendered pages over the same store operations as the API.

mod accounts;
mod attachments;
mod audit;
mod availability;
mod calendar;
mod dashboard;
mod deliverables;
mod extract;
mod fault_logs;
pub mod feedback;
pub mod form;
mod inbox;
mod incident_figures;
mod incidents;
mod inspections;
mod jobs;
mod notices;
mod off_hours;
mod on_site;
mod permits;
mod plans;
mod record_groups;
mod requests;
mod responsible_persons;
mod roster;
mod site_staff;
mod sites;
mod terminals;
mod touch_panels;
mod urgent_requests;
mod users;
mod visits;
mod work_log;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use jukiops_domain::FieldError;
use jukiops_domain::people::Action;
use serde_json::{Value, json};

use crate::AppState;
use crate::access::{Needs, Route};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::templates::render;

/// Every page: one line per feature, each declaring its routes in its own file.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .merge(dashboard::routes())
        .merge(accounts::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(calendar::routes())
        .merge(visits::routes())
        .merge(requests::routes())
        .merge(on_site::routes())
        .merge(plans::routes())
        .merge(off_hours::routes())
        .merge(permits::routes())
        .merge(notices::routes())
        .merge(attachments::routes())
        .merge(jobs::routes())
        .merge(inspections::routes())
        .merge(sites::routes())
        .merge(terminals::routes())
        .merge(touch_panels::routes())
        .merge(work_log::routes())
        .merge(inbox::routes())
        .merge(site_staff::routes())
        .merge(incidents::routes())
        .merge(deliverables::routes())
        .merge(availability::routes())
        .merge(incident_figures::routes())
        .merge(urgent_requests::routes())
        .merge(fault_logs::routes())
        .merge(responsible_persons::routes())
        .merge(roster::routes())
}

pub fn router() -> Router<AppState> {
    routes().router
}

/// Page routes, each declared with what it needs from the access table: the router, and
/// the list of routes the access test probes ([`crate::page_routes`]).
#[derive(Default)]
pub struct PageRoutes {
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl PageRoutes {
    pub fn new() -> Self {
        Self::default()
    }

    /// `GET path`, answered by `handler`, needing `needs`.
    pub fn get<H, T>(self, path: &'static str, needs: impl Into<Needs>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::GET, path, needs.into(), get(handler))
    }

    /// `POST path`, answered by `handler`, needing `needs`.
    pub fn post<H, T>(self, path: &'static str, needs: impl Into<Needs>, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Method::POST, path, needs.into(), post(handler))
    }

    fn route(
        mut self,
        method: Method,
        path: &'static str,
        needs: Needs,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(path, handler);
        self.routes.push(Route {
            method,
            path: path.into(),
            needs,
        });
        self
    }

    /// These routes and another feature's.
    pub fn merge(mut self, other: PageRoutes) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// The routes with what each needs.
    pub fn into_routes(self) -> Vec<Route> {
        self.routes
    }
}

/// The main menu: each page with the action a user needs to see its entry.
const NAV: &[(&str, &str, Action)] = &[
    ("/", "ダッシュボード", Action::ViewContract),
    ("/my-site", "自拠点の予定", Action::ViewOwnSite),
    ("/calendar", "カレンダー", Action::ViewContract),
    ("/notices", "通知", Action::ViewJobs),
    ("/jobs", "作業", Action::ViewJobs),
    ("/schedule", "訪問予定", Action::ViewSchedule),
    ("/plans", "全拠点計画", Action::ViewSchedule),
    ("/off-hours", "時間外作業", Action::ViewSchedule),
    ("/permits", "入館許可", Action::ViewSchedule),
    ("/requests", "作業依頼書", Action::ViewJobs),
    ("/work-log", "機器以外の作業", Action::ViewJobs),
    ("/fault-reports", "故障報告", Action::ViewFaultReports),
    ("/incidents", "障害", Action::ViewIncidents),
    ("/deliverables", "提出書類", Action::ViewDeliverables),
    ("/roster", "従事者名簿", Action::ViewRoster),
    ("/subcontracting", "再委託", Action::ViewRoster),
    ("/sites", "拠点", Action::ViewInventory),
    ("/terminals", "統合端末", Action::ViewInventory),
    ("/touch-panels", "タッチパネル", Action::ViewInventory),
    (
        "/responsible-persons",
        "責任者",
        Action::ViewResponsiblePersons,
    ),
    ("/org-chart", "作業体制図", Action::ViewResponsiblePersons),
    ("/users", "利用者管理", Action::ViewUsers),
    ("/audit", "監査記録", Action::ViewAudit),
];

/// The signed-in user of a page request, with what waits in their inbox (the menu shows
/// its count, the dashboard its items) and the message of what they just did, if any;
/// anonymous visitors are sent to the login page.
#[derive(Debug, Clone)]
pub struct PageUser(
    pub CurrentUser,
    pub jukiops_app::inbox::Inbox,
    pub Option<feedback::Done>,
    /// Each login name with its person's name, for showing who did what.
    pub std::sync::Arc<std::collections::HashMap<String, String>>,
);

/// Where a page request goes when its sign-in is missing or not finished: the login form
/// (remembering the page), the second step, or the first sign-in's setup.
fn page_sign_in(
    parts: &Parts,
    signed: Option<&crate::auth::Signed>,
    setup_allowed: bool,
) -> Option<Response> {
    match signed {
        None => {
            let next = parts
                .extensions
                .get::<OriginalUri>()
                .map(|u| u.0.to_string())
                .unwrap_or_else(|| "/".into());
            let next: String = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            Some(Redirect::to(&format!("/login?{next}")).into_response())
        }
        Some(s) if s.pending => Some(Redirect::to("/login/second-factor").into_response()),
        Some(s) if s.setup.pending() && !setup_allowed => {
            Some(Redirect::to("/account/setup").into_response())
        }
        Some(_) => None,
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let signed = crate::auth::signed(parts, state)
            .await
            .map_err(|e| PageError(e).into_response())?;
        if let Some(to) = page_sign_in(parts, signed.as_ref(), false) {
            return Err(to);
        }
        let s = signed.ok_or_else(|| PageError(AppError::unauthorized()).into_response())?;
        let user = CurrentUser(s.user);
        let waiting = state
            .app
            .inbox(&user.actor())
            .await
            .map_err(|e| PageError(e.into()).into_response())?;
        let people = state
            .app
            .person_names()
            .await
            .map_err(|e| PageError(e.into()).into_response())?;
        Ok(PageUser(
            user,
            waiting,
            feedback::shown(&parts.headers),
            std::sync::Arc::new(people),
        ))
    }
}

/// The signed-in user of a page that stays open before the first sign-in's setup is done
/// (the setup page, the password change, the enrolment).
#[derive(Debug, Clone)]
pub struct AccountPageUser {
    pub user: PageUser,
    pub setup: jukiops_app::accounts::Setup,
    /// The session cookie's secret.
    pub session: Option<String>,
}

impl FromRequestParts<AppState> for AccountPageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let signed = crate::auth::signed(parts, state)
            .await
            .map_err(|e| PageError(e).into_response())?;
        if let Some(to) = page_sign_in(parts, signed.as_ref(), true) {
            return Err(to);
        }
        let s = signed.ok_or_else(|| PageError(AppError::unauthorized()).into_response())?;
        Ok(AccountPageUser {
            user: PageUser(
                CurrentUser(s.user),
                jukiops_app::inbox::Inbox::default(),
                feedback::shown(&parts.headers),
                Default::default(),
            ),
            setup: s.setup,
            session: s.session,
        })
    }
}

impl PageUser {
    pub fn require(&self, action: Action) -> Result<jukiops_store::Authorized, PageError> {
        self.0.require(action).map_err(PageError)
    }
    pub fn may(&self, action: Action) -> bool {
        self.0.may(action)
    }
    /// Who is acting, for the operations (which check the access table themselves).
    pub fn actor(&self) -> jukiops_store::Actor {
        self.0.actor()
    }

    /// The menu: the inbox with its count for a role things wait for, then every page the
    /// user may see.
    fn nav(&self) -> Vec<Value> {
        let role = self.0.0.role;
        let inbox = (!jukiops_domain::inbox::kinds_for(role).is_empty())
            .then(|| json!({"href": "/inbox", "label": "受信箱", "count": self.1.total}));
        inbox
            .into_iter()
            .chain(
                NAV.iter()
                    .filter(|(_, _, action)| self.may(*action))
                    .map(|(href, label, _)| json!({"href": href, "label": label, "count": 0})),
            )
            .collect()
    }

    /// The context of a page inside a section of the menu (`section`, its href in [`NAV`]),
    /// with the records above it (`above`: href and name): the breadcrumbs lead back up.
    pub fn ctx_under(
        &self,
        section: &str,
        above: &[(String, String)],
        title: &str,
        extra: Value,
    ) -> minijinja::Value {
        let section = NAV
            .iter()
            .find(|(href, _, _)| *href == section)
            .map(|(href, label, _)| json!({"href": href, "label": label}));
        let crumbs: Vec<Value> = std::iter::once(json!({"href": "/", "label": "ホーム"}))
            .chain(section)
            .chain(
                above
                    .iter()
                    .map(|(href, label)| json!({"href": href, "label": label})),
            )
            .collect();
        let mut extra = extra;
        merge(&mut extra, json!({"crumbs": crumbs}));
        self.ctx(title, extra)
    }

    /// The common page context: title, the signed-in user and what the menu may show.
    pub fn ctx(&self, title: &str, extra: Value) -> minijinja::Value {
        let u = &self.0.0;
        let mut v = json!({
            "title": title,
            "flash": self.2.map(feedback::Done::message),
            "error": null,
            "errors": [],
            "crumbs": [],
            "people": *self.3,
            "me": {
                "username": u.username, "display_name": u.display_name, "role_label": u.role.label_ja(),
                "nav": self.nav(),
            }
        });
        merge(&mut v, extra);
        minijinja::Value::from(minijinja::value::Serde(&v))
    }
}

/// Adds the keys of `extra` (an object; anything else is ignored) to `base`, replacing
/// keys of the same name: how a page's defaults take the values of a failed form.
pub fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
}

/// A page failure shown as a Japanese error page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}
impl From<jukiops_store::StoreError> for PageError {
    fn from(e: jukiops_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = match self.0.status {
            StatusCode::FORBIDDEN => "権限がありません",
            StatusCode::NOT_FOUND => "見つかりません",
            StatusCode::TOO_MANY_REQUESTS => "しばらくお待ちください",
            s if s.is_client_error() => "入力内容を確認してください",
            _ => "エラーが発生しました",
        };
        let ctx = minijinja::Value::from(minijinja::value::Serde(
            json!({"title": title, "message": self.0.message, "status": self.0.status.as_u16(), "me": null, "flash": null, "error": null}),
        ));
        let retry = self.0.retry_header();
        let mut response = match render("error.html", ctx) {
            Ok(html) => (self.0.status, html).into_response(),
            Err(_) => (self.0.status, self.0.message).into_response(),
        };
        if let Some((name, value)) = retry {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

pub type PageResult = Result<Response, PageError>;

/// Redirect after a successful POST, with a message shown once on the next page.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Splits a failed save into field errors to show beside the form, or a page error.
pub fn form_errors(e: AppError) -> Result<(StatusCode, String, Vec<FieldError>), PageError> {
    match e.status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {
            Ok((e.status, e.message, e.errors))
        }
        _ => Err(PageError(e)),
    }
}

/// A failed form's field errors for its page: each with the label the summary at the top
/// links to the message beside the field with (`#error-<field>`); an error of no field, or
/// of a field with no Japanese label, keeps its message in the summary.
pub fn error_views(errors: &[FieldError]) -> Vec<Value> {
    errors
        .iter()
        .map(|e| {
            let label = match e.field.split_once('[') {
                Some((base, rest)) => {
                    let row = rest
                        .split(']')
                        .next()
                        .and_then(|i| i.parse::<usize>().ok())
                        .map_or(0, |i| i + 1);
                    format!("{}{row}行目", jukiops_domain::audit::any_field_label(base))
                }
                None => jukiops_domain::audit::any_field_label(&e.field).to_string(),
            };
            let label = (!e.field.is_empty() && !label.is_ascii()).then_some(label);
            json!({"field": e.field, "message": e.message, "label": label})
        })
        .collect()
}

/// A failed form's re-render context without the form's own values: used where the page's
/// main form keeps its defaults and another form of the page failed (only the message and
/// the failing fields are shown).
pub fn without_form(mut extra: Value) -> Value {
    if let Some(o) = extra.as_object_mut() {
        o.remove("form");
    }
    extra
}

/// The history of one record for its page, in Japanese (R8.5).
pub async fn history(
    state: &AppState,
    user: &PageUser,
    entity: jukiops_domain::audit::Entity,
    id: impl ToString,
) -> Result<Vec<Value>, PageError> {
    let entries = state.app.history_of(&user.actor(), entity, id).await?;
    shown(state, user, &entries).await
}

/// Audit entries already read under the user's rights, in plain Japanese for the
/// `history` macro and the audit page; a record the user may not open is named, unlinked.
pub async fn shown(
    state: &AppState,
    user: &PageUser,
    entries: &[jukiops_domain::audit::AuditEntry],
) -> Result<Vec<Value>, PageError> {
    let shown = state.app.shown(entries).await?;
    Ok(shown
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
            unlink_closed(&mut v, user);
            v
        })
        .collect())
}

/// The sections whose pages need more than their menu entry says (records shown outside
/// the menu's lists).
const RECORD_SECTIONS: &[(&str, Action)] = &[("/visits", Action::ViewSchedule)];

impl PageUser {
    /// Whether the user may open the page at `href`, judged by the action its section of
    /// the menu needs (a page outside the menu's sections is left to its own check).
    pub fn may_open(&self, href: &str) -> bool {
        let section = href
            .split(['?', '#'])
            .next()
            .unwrap_or(href)
            .split('/')
            .nth(1)
            .map(|s| format!("/{s}"));
        let Some(section) = section.filter(|s| s != "/") else {
            return true;
        };
        NAV.iter()
            .map(|(h, _, a)| (*h, *a))
            .chain(RECORD_SECTIONS.iter().copied())
            .find(|(h, _)| *h == section)
            .is_none_or(|(_, action)| self.may(action))
    }
}

/// Empties every `href` under `v` that `user` may not open, keeping the text.
fn unlink_closed(v: &mut Value, user: &PageUser) {
    match v {
        Value::Object(map) => {
            if map
                .get("href")
                .and_then(Value::as_str)
                .is_some_and(|h| !user.may_open(h))
            {
                map.insert("href".into(), Value::Null);
            }
            map.values_mut().for_each(|x| unlink_closed(x, user));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| unlink_closed(x, user)),
        _ => {}
    }
}

pub fn page_value<T: serde::Serialize>(p: &jukiops_store::Page<T>) -> Value {
    json!({"items": crate::forms::labelled(&p.items), "total": p.total, "page": p.page, "per_page": p.per_page, "pages": p.pages()})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each page route is declared once, and only signing in (both steps) and out is public.
    #[test]
    fn every_page_route_is_declared_once_with_what_it_needs() {
        let routes = routes().into_routes();
        assert!(routes.len() > 80, "{} page routes", routes.len());
        let mut seen = std::collections::HashSet::new();
        for r in &routes {
            assert!(
                seen.insert((r.method.clone(), r.path.clone())),
                "{} {} twice",
                r.method,
                r.path
            );
        }
        let public: Vec<String> = routes
            .iter()
            .filter(|r| r.needs == Needs::Public)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            public,
            [
                "GET /login",
                "POST /login",
                "GET /login/second-factor",
                "POST /login/second-factor",
                "POST /logout"
            ]
        );
    }
}
