//! The one error type at the web edge: a status and a Japanese message for the user, the
//! cause chain for the log only. API errors are `application/problem+json`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::{FieldError, FieldErrors};
use jukiops_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// Seconds after which a refused request may be tried again (`Retry-After` of 429, 503).
    pub retry_after: Option<u64>,
}

/// RFC 9457 problem details, with the failing fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// One entry per failing field, each with a Japanese message naming it.
    pub errors: Vec<FieldError>,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "ログインしてください。")
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            jukiops_domain::people::Forbidden.to_string(),
        )
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("{what}が見つかりません。"))
    }
    pub fn invalid(errors: FieldErrors) -> Self {
        let message = errors
            .0
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            errors: errors.0,
            retry_after: None,
        }
    }
    pub fn field(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status,
            message: message.clone(),
            errors: vec![FieldError::new(field, message)],
            retry_after: None,
        }
    }

    /// The same error, telling the client when to try again.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// `Retry-After` for the answer, when the error says when to try again.
    pub fn retry_header(&self) -> Option<(header::HeaderName, header::HeaderValue)> {
        self.retry_after
            .map(|s| (header::RETRY_AFTER, header::HeaderValue::from(s)))
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_: "about:blank".into(),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.message.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Forbidden => Self::forbidden(),
            StoreError::Refused(message) => Self::new(StatusCode::FORBIDDEN, message),
            StoreError::NotFound(what) => Self::not_found(what.label_ja()),
            StoreError::Invalid(errors) => Self::invalid(errors),
            StoreError::Conflict { field, message } => {
                Self::field(StatusCode::CONFLICT, &field, message)
            }
            StoreError::Duplicate { field, message } => {
                Self::field(StatusCode::CONFLICT, field, message)
            }
            StoreError::Config(m) => Self::new(StatusCode::BAD_REQUEST, m),
            e @ StoreError::Throttled { seconds } => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, e.to_string()).retry_after(seconds)
            }
            e @ StoreError::Busy => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()).retry_after(1)
            }
            e if e.is_unique_violation() => Self::new(
                StatusCode::CONFLICT,
                "同じ内容が同時に登録されました。もう一度お試しください。",
            ),
            other => {
                tracing::error!(error = ?other, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "内部エラーが発生しました。時間をおいて再度お試しください。",
                )
            }
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        Self::invalid(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some((name, value)) = self.retry_header() {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, AppError>;
