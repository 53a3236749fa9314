//! Page forms, typed: a form's body is parsed once, into its own type, and that type says
//! which action it serves ([`PageForm::ACTION`]: a role the access table refuses gets 403
//! before the body is read), how large the body may be ([`PageForm::MAX_BYTES`]) and how
//! many times each repeated field (checkboxes, rows of a checklist) may come
//! ([`Repeated`]). A body past either bound is refused at once, naming the field and the
//! limit in Japanese, before any work is done. The post-redirect-get answer of every form
//! is [`post_redirect_get`].

use std::future::Future;
use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::audit::any_field_label;
use jukiops_domain::people::Action;
use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::feedback::Done;
use super::{PageError, PageResult, PageUser, form_errors, see_other};
use crate::AppState;
use crate::error::AppError;

/// A form a page posts. Its type names the action it serves and bounds the body; most
/// forms are a few fields of text.
pub trait PageForm: DeserializeOwned + Send {
    /// What the access table must grant before the body is read.
    const ACTION: Action;
    /// The largest body accepted, in bytes.
    const MAX_BYTES: usize = 32 * 1024;
    /// Posted before the first sign-in's setup is done (the password change, the
    /// enrolment of the second factor); every other form waits for it.
    const DURING_SETUP: bool = false;
}

/// A page's form, parsed once into `T` (repeated keys become lists).
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: PageForm> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = if T::DURING_SETUP {
            super::AccountPageUser::from_request_parts(&mut parts, state)
                .await?
                .user
        } else {
            PageUser::from_request_parts(&mut parts, state).await?
        };
        user.require(T::ACTION)
            .map_err(IntoResponse::into_response)?;
        let req = Request::from_parts(parts, body);
        Self::read(req).await.map_err(IntoResponse::into_response)
    }
}

impl<T: PageForm> Form<T> {
    async fn read(req: Request) -> Result<Self, PageError> {
        let bytes = read_body::<T>(req).await?;
        parse(&bytes).map(Form)
    }
}

/// The body of a page's form `T`, refused past `T`'s bound or when it is not a form.
pub async fn read_body<T: PageForm>(req: Request) -> Result<Bytes, PageError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(PageError(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "この画面のフォームから送信してください。",
        )));
    }
    let too_large = || {
        PageError(AppError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
            format!("送信内容が大きすぎます({}KBまで)。", T::MAX_BYTES / 1024),
        ))
    };
    let limited = axum::body::to_bytes(req.into_body(), T::MAX_BYTES);
    limited.await.map_err(|_| too_large())
}

/// Parses a form body into `T`, naming the field that could not be read.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PageError> {
    let de = serde_html_form::Deserializer::from_bytes(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .next_back()
            .unwrap_or_default();
        let inner = e.into_inner().to_string();
        tracing::debug!(field, error = %inner, "unreadable form");
        let message = match inner.strip_prefix(TOO_MANY) {
            Some(limit) => format!("「{}」は{limit}件までです。", any_field_label(&field)),
            None if field.is_empty() => {
                "フォームの内容を読み取れませんでした。画面を開き直して入力してください。".into()
            }
            None => format!(
                "「{}」の値を読み取れませんでした。入力し直してください。",
                any_field_label(&field)
            ),
        };
        PageError(AppError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            &field,
            message,
        ))
    })
}

const TOO_MANY: &str = "too many values: at most ";

/// A field that may come up to `N` times (checkboxes, a checklist's rows): more is refused
/// while parsing, before anything is built from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Repeated<T, const N: usize>(pub Vec<T>);

impl<T, const N: usize> Default for Repeated<T, N> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T, const N: usize> std::ops::Deref for Repeated<T, N> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Repeated<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bounded<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Bounded<T, N> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "at most {N} values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    if out.len() == N {
                        return Err(serde::de::Error::custom(format!("{TOO_MANY}{N}")));
                    }
                    out.push(v);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Bounded::<T, N>(PhantomData))
            .map(Repeated)
    }
}

/// A number typed in a form: empty is none, anything else must be a whole number.
pub fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("not a whole number")),
    }
}

/// The answer to a posted form: on success, a redirect to the page `to` names (post,
/// redirect, get: a reload never posts twice) that shows `done` once; on a refusal the user can mend (422, 409),
/// the page again from `render`, with the message, the failing fields and what was typed.
pub async fn post_redirect_get<T, F, Fut>(
    done: Done,
    result: Result<T, AppError>,
    to: impl FnOnce(&T) -> String,
    typed: &impl Serialize,
    render: F,
) -> PageResult
where
    F: FnOnce(StatusCode, Value) -> Fut,
    Fut: Future<Output = PageResult>,
{
    match result {
        Ok(v) => Ok(done.on(see_other(&to(&v)))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            render(
                status,
                json!({"form": typed, "error": message, "errors": super::error_views(&errors)}),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Boxes {
        #[serde(default)]
        ids: Repeated<i64, 3>,
        #[serde(default, deserialize_with = "optional_id")]
        site_id: Option<i64>,
    }

    #[test]
    fn repeated_fields_are_bounded_by_the_type() {
        let ok: Boxes = parse(b"ids=1&ids=2&site_id=").expect("two ids");
        assert_eq!(ok.ids.0, [1, 2]);
        assert_eq!(ok.site_id, None);
        let e = parse::<Boxes>(b"ids=1&ids=2&ids=3&ids=4").expect_err("four ids");
        assert_eq!(e.0.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.0.errors[0].field, "ids");
        assert!(e.0.message.contains("3件まで"), "{}", e.0.message);
    }

    #[test]
    fn an_unreadable_field_is_named() {
        let e = parse::<Boxes>(b"site_id=abc").expect_err("not a number");
        assert_eq!(e.0.errors[0].field, "site_id");
        assert!(e.0.message.contains("拠点"), "{}", e.0.message);
    }
}
