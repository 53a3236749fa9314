//! `Path`, `Query` and `Form` for pages: a bad ID in the URL, a bad search condition or an
//! unreadable form shows the Japanese error page, not axum's English plain text.

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;

use super::PageError;
use crate::error::AppError;

#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct Path<T>(pub T);

#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct Query<T>(pub T);

#[derive(Debug, FromRequest)]
#[from_request(via(axum::extract::Form), rejection(PageError))]
pub struct Form<T>(pub T);

impl From<PathRejection> for PageError {
    fn from(e: PathRejection) -> Self {
        tracing::debug!(error = %e, "bad path parameter");
        PageError(AppError::field(
            StatusCode::BAD_REQUEST,
            "id",
            "ページのアドレスが正しくありません(番号は数字で指定します)。",
        ))
    }
}

impl From<QueryRejection> for PageError {
    fn from(e: QueryRejection) -> Self {
        // The API names the parameter by its code; a page says it in words.
        let mut err = AppError::from(e);
        err.message = "ページのアドレスの検索条件が正しくありません。".into();
        PageError(err)
    }
}

impl From<FormRejection> for PageError {
    fn from(e: FormRejection) -> Self {
        tracing::debug!(error = %e, "unreadable form");
        let status = e.status();
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "送信内容が大きすぎます。",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "この画面のフォームから送信してください。",
            _ => "フォームの内容を読み取れませんでした。画面を開き直して入力してください。",
        };
        let status = if status.is_client_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        PageError(AppError::new(status, message))
    }
}
