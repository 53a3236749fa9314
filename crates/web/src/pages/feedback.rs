//! What a page tells its user about an action: a message once after it is done
//! ([`Done`], carried by a short-lived cookie through the redirect to the next page), and a
//! confirmation page before an action that ends or approves something ([`Confirm`]), which
//! works without JavaScript.

use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::form::{PageForm, parse, read_body};
use super::{PageError, PageResult, PageUser};
use crate::AppState;
use crate::auth::cookie_value;
use crate::templates::render;

/// The cookie that carries what was done to the next page: a code from [`Done`]'s table,
/// never text the user typed.
pub const DONE_COOKIE: &str = "jukiops_done";

/// What an action did, shown once at the top of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Registered,
    Saved,
    Updated,
    Deleted,
    Approved,
    Returned,
    Rejected,
    Granted,
    Refused,
    Accepted,
    Cancelled,
    Withdrawn,
    Submitted,
    Reported,
    Recorded,
    Answered,
    Resolved,
    Closed,
    Agreed,
    Requested,
    StatusChanged,
    Unlocked,
    Deactivated,
    Reset,
    Uploaded,
    Imported,
    Connected,
    Revoked,
}

/// Every code with its message: the one place a code becomes words.
const TABLE: &[(Done, &str, &str)] = &[
    (Done::Registered, "registered", "登録しました。"),
    (Done::Saved, "saved", "保存しました。"),
    (Done::Updated, "updated", "更新しました。"),
    (Done::Deleted, "deleted", "削除しました。"),
    (Done::Approved, "approved", "承認しました。"),
    (Done::Returned, "returned", "差し戻しました。"),
    (Done::Rejected, "rejected", "却下しました。"),
    (Done::Granted, "granted", "許可しました。"),
    (Done::Refused, "refused", "不許可にしました。"),
    (Done::Accepted, "accepted", "受理して完了としました。"),
    (Done::Cancelled, "cancelled", "中止しました。"),
    (Done::Withdrawn, "withdrawn", "取り下げました。"),
    (Done::Submitted, "submitted", "提出しました。"),
    (Done::Reported, "reported", "結果を報告しました。"),
    (Done::Recorded, "recorded", "記録しました。"),
    (Done::Answered, "answered", "回答しました。"),
    (Done::Resolved, "resolved", "解決済みにしました。"),
    (Done::Closed, "closed", "完了にしました。"),
    (Done::Agreed, "agreed", "同意しました。"),
    (Done::Requested, "requested", "申請しました。"),
    (Done::StatusChanged, "status", "状態を変更しました。"),
    (Done::Unlocked, "unlocked", "ロックを解除しました。"),
    (Done::Deactivated, "deactivated", "無効にしました。"),
    (Done::Reset, "reset", "リセットしました。"),
    (Done::Uploaded, "uploaded", "添付しました。"),
    (Done::Imported, "imported", "取り込みました。"),
    (Done::Connected, "connected", "接続しました。"),
    (Done::Revoked, "revoked", "失効させました。"),
];

impl Done {
    fn row(self) -> &'static (Done, &'static str, &'static str) {
        TABLE
            .iter()
            .find(|(d, _, _)| *d == self)
            .unwrap_or(&TABLE[1])
    }

    /// The code the cookie carries.
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// The message shown on the next page.
    pub fn message(self) -> &'static str {
        self.row().2
    }

    /// The entry of a code, if it is one of the table's.
    pub fn from_code(code: &str) -> Option<Done> {
        TABLE
            .iter()
            .find(|(_, c, _)| *c == code)
            .map(|(d, _, _)| *d)
    }

    /// A decision's outcome: approved, or returned.
    pub fn decision(verdict: &str) -> Done {
        if verdict == "approve" {
            Done::Approved
        } else {
            Done::Returned
        }
    }

    /// A decision on a result report: accepted (the request is complete), or returned.
    pub fn report_decision(verdict: &str) -> Done {
        if verdict == "approve" {
            Done::Accepted
        } else {
            Done::Returned
        }
    }

    /// `res` (a redirect) carrying this message to the next page.
    pub fn on(self, mut res: Response) -> Response {
        res.extensions_mut().insert(self);
        res
    }
}

/// The message of the request's cookie, if it carries one.
pub fn shown(headers: &axum::http::HeaderMap) -> Option<Done> {
    cookie_value(headers, DONE_COOKIE).and_then(Done::from_code)
}

/// Sets the cookie on a response that carries a [`Done`], and clears it once a page has
/// been shown with it (any HTML answer that is not itself a redirect).
pub async fn carry_done(State(secure): State<bool>, req: Request, next: Next) -> Response {
    let had = cookie_value(req.headers(), DONE_COOKIE).is_some();
    let mut res = next.run(req).await;
    let secure = if secure { "; Secure" } else { "" };
    let cookie = if let Some(done) = res.extensions().get::<Done>().copied() {
        Some(format!(
            "{DONE_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=120{secure}",
            done.code()
        ))
    } else {
        let is_page = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        (had && is_page && !res.status().is_redirection()).then(|| {
            format!("{DONE_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
        })
    };
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A page's form for an action that ends or approves something: parsed as [`super::form::Form`]
/// is, with the fields as posted, so that a confirmation page can post them again with
/// `confirmed=1`. A handler opts in with one line:
/// `if let Some(page) = c.ask(&user, async { Ok(what) }).await { return page; }` (`what`,
/// the sentence saying what will be done to which record, is only worked out when asked).
#[derive(Debug)]
pub struct Confirm<T> {
    pub form: T,
    confirmed: bool,
    fields: Vec<(String, String)>,
    action: String,
    back: String,
}

impl<T: PageForm> FromRequest<AppState> for Confirm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await?;
        user.require(T::ACTION)
            .map_err(IntoResponse::into_response)?;
        let action = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.path().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let back = parts
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(local_path)
            .filter(|p| *p != action)
            .unwrap_or_else(|| "/".into());
        let req = Request::from_parts(parts, body);
        let bytes = read_body::<T>(req)
            .await
            .map_err(IntoResponse::into_response)?;
        let form: T = parse(&bytes).map_err(IntoResponse::into_response)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let confirmed = pairs.iter().any(|(k, v)| k == "confirmed" && v == "1");
        let fields = pairs
            .into_iter()
            .filter(|(k, _)| k != "confirmed")
            .collect();
        Ok(Confirm {
            form,
            confirmed,
            fields,
            action,
            back,
        })
    }
}

/// The path (and query) of a referring address of this site, if it is one.
fn local_path(referer: &str) -> Option<String> {
    let rest = referer.split_once("://").map_or(referer, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_string())
}

impl<T> Confirm<T> {
    /// The value posted for `name`, if any.
    pub fn posted(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The confirmation page stating `what` will happen, unless the user has confirmed:
    /// it posts the same fields again with `confirmed=1` (実行する), or goes back (戻る).
    pub async fn ask(
        &self,
        user: &PageUser,
        what: impl std::future::Future<Output = Result<String, PageError>>,
    ) -> Option<PageResult> {
        if self.confirmed {
            return None;
        }
        let what = match what.await {
            Ok(w) => w,
            Err(e) => return Some(Err(e)),
        };
        let ctx = json!({
            "what": what, "action": self.action, "back": self.back,
            "fields": self.fields.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
        });
        Some(
            render("confirm.html", user.ctx("実行の確認", ctx))
                .map(IntoResponse::into_response)
                .map_err(Into::into),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_back_to_its_entry_once() {
        let mut codes = std::collections::HashSet::new();
        for (d, code, message) in TABLE {
            assert!(codes.insert(*code), "{code} twice");
            assert_eq!(Done::from_code(code), Some(*d));
            assert_eq!(d.message(), *message);
            assert!(code.bytes().all(|b| b.is_ascii_lowercase()), "{code}");
        }
        assert_eq!(Done::from_code("<script>"), None);
        assert_eq!(Done::decision("approve"), Done::Approved);
        assert_eq!(Done::decision("return"), Done::Returned);
    }

    #[test]
    fn only_a_local_referer_is_a_way_back() {
        assert_eq!(
            local_path("http://127.0.0.1:8080/requests/3?x=1").as_deref(),
            Some("/requests/3?x=1")
        );
        assert_eq!(local_path("http://host"), None);
        assert_eq!(local_path("http://host//evil.example/"), None);
    }
}
