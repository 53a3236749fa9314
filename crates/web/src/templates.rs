//! Server-rendered Japanese pages (minijinja, strict undefined, compiled into the binary).

use axum::response::Html;
use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::error::AppError;

/// `(name, source)` of every file of `templates/`, listed by build.rs from the folder.
const SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

static TEMPLATES: LazyLock<Templates> = LazyLock::new(Templates::new);

/// Renders a page template with `ctx`. A page with field errors is rendered twice: the
/// second time knowing which fields show their message beside them (`placed`), so that the
/// summary at the top links to those and gives the full message of the others, and every
/// message is shown once.
pub fn render(name: &str, ctx: Value) -> Result<Html<String>, AppError> {
    let html = TEMPLATES.render(name, ctx.clone())?;
    let Ok(errors) = ctx.get_attr("errors") else {
        return Ok(html);
    };
    let Ok(errors) = errors.try_iter() else {
        return Ok(html);
    };
    let fields: Vec<String> = errors
        .filter_map(|e| e.get_attr("field").ok())
        .filter_map(|f| f.as_str().map(String::from))
        .collect();
    if fields.is_empty() {
        return Ok(html);
    }
    let placed: Vec<String> = fields
        .into_iter()
        .filter(|f| html.0.contains(&format!("id=\"error-{}\"", escaped(f))))
        .collect();
    TEMPLATES.render(name, minijinja::context! { placed => placed, ..ctx })
}

/// `text` as minijinja writes it in HTML.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            c => out.push(c),
        }
    }
    out
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
        env.add_filter("who", who);
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

/// A recorded login name as people know it: the person's name from the page's `people`
/// map, the system's own Japanese name, else the login name as recorded.
fn who(state: &minijinja::State, name: Option<String>) -> String {
    let Some(name) = name else {
        return String::new();
    };
    if let Some(person) = state
        .lookup("people")
        .and_then(|people| people.get_attr(&name).ok())
        .filter(|v| !v.is_undefined() && !v.is_none())
    {
        return person.to_string();
    }
    jukiops_domain::people::system_actor_label(&name)
        .map(str::to_string)
        .unwrap_or(name)
}

fn internal(e: minijinja::Error) -> AppError {
    tracing::error!(error = ?e, "template failure");
    AppError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "画面の表示中にエラーが発生しました。",
    )
}
