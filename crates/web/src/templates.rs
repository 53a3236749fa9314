//! Server-rendered Japanese pages (minijinja, strict undefined, compiled into the binary).

use axum::response::Html;
use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::error::AppError;

/// `(name, source)` of every file of `templates/`, listed by build.rs from the folder.
const SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

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
        // A stored instant in Japan time as the pages write it; nothing stays nothing and
        // any other text is shown as it is.
        env.add_filter("jst", |v: minijinja::Value| {
            if v.is_none() || v.is_undefined() {
                return String::new();
            }
            let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
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
