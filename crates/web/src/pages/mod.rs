//! The Japanese web UI: server-rendered pages over the same store operations as the API.

mod accounts;
mod attachments;
mod audit;
mod calendar;
mod dashboard;
mod extract;
pub mod form;
mod inspections;
mod jobs;
mod notices;
mod off_hours;
mod permits;
mod plans;
mod requests;
mod sites;
mod terminals;
mod touch_panels;
mod users;
mod visits;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jukiops_domain::FieldError;
use jukiops_domain::people::Action;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::templates::render;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(accounts::login_form).post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/account", get(accounts::show))
        .route("/account/password", post(accounts::change_password))
        .route("/account/tokens", post(accounts::create_token))
        .route("/account/tokens/{id}/revoke", post(accounts::revoke_token))
        .route(
            "/login/second-factor",
            get(accounts::code_form).post(accounts::code),
        )
        .route("/account/setup", get(accounts::setup))
        .route(
            "/account/second-factor",
            get(accounts::enrolment).post(accounts::enrol),
        )
        .route("/account/sign-out-everywhere", post(accounts::sign_out_all))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/users/{id}/second-factor/reset", post(users::reset_factor))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", post(users::update))
        .route("/audit", get(audit::list))
        .route("/calendar", get(calendar::month))
        .route("/calendar/overrides", post(calendar::set))
        .route("/calendar/overrides/{date}/delete", post(calendar::remove))
        .route("/schedule", get(visits::list).post(visits::create))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/{id}", get(requests::show))
        .route("/requests/{id}/cancel", post(requests::cancel))
        .route("/requests/{id}/questions", post(requests::raise_question))
        .route("/questions/{id}/answer", post(requests::answer_question))
        .route("/questions/{id}/close", post(requests::close_question))
        .route("/requests/{id}/procedure", post(requests::save_procedure))
        .route("/procedures/{id}/submit", post(requests::submit_procedure))
        .route(
            "/procedures/{id}/decision",
            post(requests::decide_procedure),
        )
        .route("/requests/{id}/records", post(requests::record_work))
        .route("/requests/{id}/report", post(requests::submit_report))
        .route("/reports/{id}/decision", post(requests::decide_report))
        .route("/requests/{id}/checklist", get(requests::checklist))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/preview", post(plans::preview))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/plan.xlsx", get(plans::xlsx))
        .route("/plans/{id}/agreement", post(plans::agree))
        .route("/visits/{id}", get(visits::show))
        .route("/visits/{id}/complete", post(visits::complete))
        .route("/visits/{id}/cancel", post(visits::cancel))
        .route("/visits/{id}/agreement", post(visits::agree))
        .route("/off-hours", get(off_hours::list).post(off_hours::file))
        .route("/off-hours/{id}/decision", post(off_hours::decision))
        .route("/off-hours/{id}/withdrawal", post(off_hours::withdrawal))
        .route("/permits", get(permits::list).post(permits::request))
        .route("/permits/{id}/decision", post(permits::decision))
        .route("/permits/{id}/withdrawal", post(permits::withdrawal))
        .route("/notices", get(notices::list).post(notices::record))
        .route("/notices/{id}", get(notices::show))
        .route("/notices/{id}/transition", post(notices::transition))
        .route("/attachments", post(attachments::upload))
        .route("/attachments/{id}", get(attachments::download))
        .route("/jobs", get(jobs::list).post(jobs::create))
        .route("/jobs/new", get(jobs::new_form))
        .route("/jobs/{id}", get(jobs::show))
        .route(
            "/jobs/{id}/request",
            post(jobs::move_job::<jobs::RequestJob>),
        )
        .route("/jobs/{id}/start", post(jobs::move_job::<jobs::StartJob>))
        .route(
            "/jobs/{id}/complete",
            post(jobs::move_job::<jobs::CompleteJob>),
        )
        .route("/jobs/{id}/cancel", post(jobs::move_job::<jobs::CancelJob>))
        .route("/jobs/{id}/rotations", post(jobs::rotate))
        .route("/jobs/{id}/inspections", post(inspections::record))
        .route(
            "/jobs/{id}/inspections/{terminal_id}/follow-up",
            post(inspections::follow_up),
        )
        .route("/jobs/{id}/waiver", post(jobs::waive))
        .route(
            "/inspection/template",
            get(inspections::template).post(inspections::save),
        )
        .route("/sites", get(sites::list).post(sites::create))
        .route("/sites/{id}", get(sites::show).post(sites::update))
        .route("/terminals", get(terminals::list).post(terminals::create))
        .route("/terminals/new", get(terminals::new_form))
        .route("/terminals/export.csv", get(terminals::export_csv))
        .route(
            "/terminals/import",
            get(terminals::import_form).post(terminals::import),
        )
        .route(
            "/terminals/{id}",
            get(terminals::show).post(terminals::update),
        )
        .route(
            "/terminals/{id}/touch-panel",
            post(terminals::attach_touch_panel),
        )
        .route(
            "/touch-panels",
            get(touch_panels::list).post(touch_panels::create),
        )
}

/// The signed-in user of a page request; anonymous visitors are sent to the login page.
#[derive(Debug, Clone)]
pub struct PageUser(pub CurrentUser);

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
        Ok(PageUser(CurrentUser(s.user)))
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
            user: PageUser(CurrentUser(s.user)),
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

    /// The common page context: title, the signed-in user and what the menu may show.
    pub fn ctx(&self, title: &str, extra: Value) -> minijinja::Value {
        let u = &self.0.0;
        let mut v = json!({
            "title": title,
            "flash": null,
            "error": null,
            "errors": [],
            "me": {
                "username": u.username, "display_name": u.display_name, "role_label": u.role.label_ja(),
                "can": {
                    "inventory": self.may(Action::ViewInventory),
                    "users": self.may(Action::ViewUsers),
                    "audit": self.may(Action::ViewAudit),
                    "schedule": self.may(Action::ViewSchedule),
                    "jobs": self.may(Action::ViewJobs),
                }
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
            json!({"title": title, "message": self.0.message, "me": null, "flash": null, "error": null}),
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

/// Query parameters for paged lists; bad numbers fall back to the first page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl ListQuery {
    pub fn page_request(&self) -> jukiops_store::PageRequest {
        let n = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<u32>().ok());
        jukiops_store::PageRequest::new(n(&self.page), n(&self.per_page))
    }
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
    Ok(entries.iter().map(crate::forms::audit_view).collect())
}

pub fn page_value<T: serde::Serialize>(p: &jukiops_store::Page<T>) -> Value {
    json!({"items": crate::forms::labelled(&p.items), "total": p.total, "page": p.page, "per_page": p.per_page, "pages": p.pages()})
}
