//! Server-rendered Japanese pages (minijinja, strict undefined, compiled into the binary).

use axum::response::Html;
use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::error::AppError;

const SOURCES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("login.html", include_str!("../templates/login.html")),
    (
        "login_second_factor.html",
        include_str!("../templates/login_second_factor.html"),
    ),
    ("setup.html", include_str!("../templates/setup.html")),
    (
        "second_factor.html",
        include_str!("../templates/second_factor.html"),
    ),
    (
        "enrolment_form.html",
        include_str!("../templates/enrolment_form.html"),
    ),
    (
        "recovery_codes.html",
        include_str!("../templates/recovery_codes.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("sites.html", include_str!("../templates/sites.html")),
    ("site.html", include_str!("../templates/site.html")),
    (
        "terminals.html",
        include_str!("../templates/terminals.html"),
    ),
    ("terminal.html", include_str!("../templates/terminal.html")),
    (
        "terminal_new.html",
        include_str!("../templates/terminal_new.html"),
    ),
    (
        "terminal_import.html",
        include_str!("../templates/terminal_import.html"),
    ),
    (
        "touch_panels.html",
        include_str!("../templates/touch_panels.html"),
    ),
    ("users.html", include_str!("../templates/users.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("account.html", include_str!("../templates/account.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("calendar.html", include_str!("../templates/calendar.html")),
    ("visits.html", include_str!("../templates/visits.html")),
    ("visit.html", include_str!("../templates/visit.html")),
    (
        "off_hours.html",
        include_str!("../templates/off_hours.html"),
    ),
    ("permits.html", include_str!("../templates/permits.html")),
    ("plans.html", include_str!("../templates/plans.html")),
    ("requests.html", include_str!("../templates/requests.html")),
    ("request.html", include_str!("../templates/request.html")),
    (
        "checklist.html",
        include_str!("../templates/checklist.html"),
    ),
    ("notices.html", include_str!("../templates/notices.html")),
    ("notice.html", include_str!("../templates/notice.html")),
    ("jobs.html", include_str!("../templates/jobs.html")),
    ("job_new.html", include_str!("../templates/job_new.html")),
    ("job.html", include_str!("../templates/job.html")),
    (
        "job_inspection.html",
        include_str!("../templates/job_inspection.html"),
    ),
    (
        "inspection_template.html",
        include_str!("../templates/inspection_template.html"),
    ),
    ("plan.html", include_str!("../templates/plan.html")),
    (
        "plan_view.html",
        include_str!("../templates/plan_view.html"),
    ),
    (
        "site_fields.html",
        include_str!("../templates/site_fields.html"),
    ),
    (
        "terminal_fields.html",
        include_str!("../templates/terminal_fields.html"),
    ),
];

static TEMPLATES: LazyLock<Templates> = LazyLock::new(Templates::new);

/// Renders a page template with `ctx`.
pub fn render(name: &str, ctx: Value) -> Result<Html<String>, AppError> {
    TEMPLATES.render(name, ctx)
}

#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        for (name, src) in SOURCES {
            env.add_template(name, src)
                .expect("templates compile (checked by the render tests)");
        }
        env.add_filter("jst", |s: String| {
            jukiops_domain::time::from_db(&s)
                .map(jukiops_domain::time::display_jst)
                .unwrap_or(s)
        });
        Self { env }
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<Html<String>, AppError> {
        let t = self.env.get_template(name).map_err(internal)?;
        t.render(ctx).map(Html).map_err(internal)
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

fn internal(e: minijinja::Error) -> AppError {
    tracing::error!(error = ?e, "template failure");
    AppError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "画面の表示中にエラーが発生しました。",
    )
}
