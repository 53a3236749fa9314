//! `Path` and `Query` whose failures are problem responses naming the parameter in
//! Japanese, like every other API error.

use axum::extract::FromRequestParts;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;

use crate::error::AppError;

#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<PathRejection> for AppError {
    fn from(e: PathRejection) -> Self {
        tracing::debug!(error = %e, "bad path parameter");
        AppError::field(
            StatusCode::BAD_REQUEST,
            "id",
            "URL の ID は数字で指定してください。",
        )
    }
}

impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> Self {
        // "Failed to deserialize query string: site_id: invalid digit found in string"
        let detail = e.body_text();
        let field = detail
            .split(": ")
            .nth(1)
            .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .unwrap_or("query")
            .to_string();
        AppError::field(
            StatusCode::BAD_REQUEST,
            &field,
            format!("検索条件「{field}」の値が正しくありません。"),
        )
    }
}
