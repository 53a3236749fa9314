//! `ApiJson<T>`: a JSON body whose every failure (not JSON, malformed, wrong type, missing
//! field, unknown field) becomes a problem response naming the field in Japanese.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use jukiops_domain::inventory::field_label;
use serde::de::DeserializeOwned;

use crate::error::AppError;

#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::field(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "body",
                "Content-Type: application/json で送信してください。",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            AppError::field(
                e.status(),
                "body",
                "リクエスト本文を読み取れませんでした(大きすぎる可能性があります)。",
            )
        })?;
        parse(&bytes).map(ApiJson)
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => AppError::field(
                StatusCode::BAD_REQUEST,
                "body",
                format!(
                    "JSONの形式が正しくありません({}行{}列付近)。",
                    inner.line(),
                    inner.column()
                ),
            ),
            Category::Data => {
                let detail = inner.to_string();
                let (field, message) = if let Some(missing) = detail
                    .strip_prefix("missing field `")
                    .and_then(|s| s.split('`').next())
                {
                    let f = if path == "." {
                        missing.to_string()
                    } else {
                        format!("{path}.{missing}")
                    };
                    (
                        f,
                        format!("「{}」を指定してください。", field_label(missing)),
                    )
                } else if let Some(unknown) = detail
                    .strip_prefix("unknown field `")
                    .and_then(|s| s.split('`').next())
                {
                    (
                        unknown.to_string(),
                        format!("「{unknown}」という項目はありません。"),
                    )
                } else {
                    let last = path.rsplit('.').next().unwrap_or(&path).to_string();
                    (
                        path.clone(),
                        format!(
                            "「{}」の値の型または形式が正しくありません。",
                            field_label(&last)
                        ),
                    )
                };
                AppError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, message)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jukiops_domain::inventory::TerminalInput;

    #[test]
    fn wrong_type_names_the_field() {
        let e = parse::<TerminalInput>(
            br#"{"asset_number": 5, "serial": "x", "model": "m", "site_code": "s"}"#,
        )
        .expect_err("bad");
        assert_eq!(e.errors[0].field, "asset_number");
        assert!(e.errors[0].message.contains("資産番号"));
    }

    #[test]
    fn missing_and_malformed() {
        let e = parse::<TerminalInput>(br#"{"serial": "x", "model": "m", "site_code": "s"}"#)
            .expect_err("bad");
        assert_eq!(e.errors[0].field, "asset_number");
        let e = parse::<TerminalInput>(b"{\"serial\": ").expect_err("bad");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }
}
