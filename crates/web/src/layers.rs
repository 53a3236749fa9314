//! Cross-cutting layers (security headers, CSRF, request ids, logs, metrics, limits) and the
//! operational routes (`/healthz`, `/metrics`, `/static/*`).

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
use crate::{AppState, WebConfig};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A strict CSP: only our own scripts and styles, no inline script, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Wraps `router` in every cross-cutting layer, innermost first. The security headers wrap
/// everything that can answer (a handler, a caught panic, the body limit's 413, the
/// timeout's 408), so that no answer goes out without them.
pub fn apply(router: Router, config: &WebConfig) -> Router {
    router
        .layer(middleware::from_fn(csrf))
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        // axum's own 2 MB default would otherwise cut uploads below the limit above.
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        // Outside the limit and the timeout, so that their bare answers are explained.
        .layer(middleware::from_fn_with_state(
            config.max_body_bytes,
            explain_bare_answers,
        ))
        .layer(middleware::from_fn_with_state(
            config.secure_cookies,
            crate::pages::feedback::carry_done,
        ))
        .layer(middleware::from_fn_with_state(
            config.secure_cookies,
            security_headers,
        ))
        .layer(middleware::from_fn(record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
}

/// Cross-origin protection without tokens (as Go 1.25's CrossOriginProtection): a
/// state-changing request must come from this origin according to `Sec-Fetch-Site` or
/// `Origin`; requests carrying neither (non-browser clients) pass, since browsers always
/// send one of them on cross-site POSTs.
async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let verdict = if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        matches!(site, "same-origin" | "none")
    } else if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        origin.split_once("://").map(|(_, rest)| rest) == Some(host)
    } else {
        true
    };
    if verdict {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
        AppError::new(
            StatusCode::FORBIDDEN,
            "他のサイトからの送信は受け付けられません(CSRF防止)。",
        )
        .into_response()
    }
}

/// The bare 413 of the body limit and 408 of the timeout become problems in Japanese.
async fn explain_bare_answers(
    axum::extract::State(limit): axum::extract::State<usize>,
    req: Request,
    next: Next,
) -> Response {
    let res = next.run(req).await;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return res;
    }
    match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
            format!(
                "送信されたデータが大きすぎます（上限 {} MiB）。",
                limit / (1024 * 1024)
            ),
        )
        .into_response(),
        StatusCode::REQUEST_TIMEOUT => AppError::new(
            StatusCode::REQUEST_TIMEOUT,
            "処理が時間内に終わりませんでした。もう一度お試しください。",
        )
        .into_response(),
        _ => res,
    }
}

/// A handler that panicked answers a Japanese 500 problem; the panic goes to the log with
/// the request's id (the request span is current here), never to the user.
fn panic_answer(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    tracing::error!(panic = %what, "handler panicked");
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "内部エラーが発生しました。時間をおいて再度お試しください。",
    )
    .into_response()
}

/// `over_tls`: served over HTTPS (the `secure_cookies` setting), so browsers are told to
/// keep to HTTPS for this host (HSTS).
async fn security_headers(State(over_tls): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if over_tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let res = next.run(req).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", res.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}

pub fn operational_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/{file}", get(static_file))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus text, for the listed addresses (loopback by default) or a scraper that
/// presents the scrape token; anyone else gets 403.
async fn metrics_text(
    State(state): State<AppState>,
    crate::auth::ClientAddress(address): crate::auth::ClientAddress,
    headers: axum::http::HeaderMap,
) -> Response {
    let listed = address.parse::<std::net::IpAddr>().is_ok_and(|ip| {
        state
            .config
            .metrics_addresses
            .iter()
            .any(|n| n.contains(&ip))
    });
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let token_ok = match (&state.config.metrics_token, presented) {
        (Some(expected), Some(given)) => same_secret(expected, given),
        _ => false,
    };
    if !listed && !token_ok {
        tracing::warn!(address, "metrics refused");
        return AppError::new(
            StatusCode::FORBIDDEN,
            "メトリクスは許可されたアドレスから、またはスクレイプ用トークンを付けて取得してください。",
        )
        .into_response();
    }
    match &state.metrics {
        Some(h) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            h.render(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "metrics disabled").into_response(),
    }
}

/// Whether two secrets are equal, compared as digests (the time taken does not tell how
/// much of a guess was right).
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// Assets compiled into the binary: nothing is fetched from outside at run time.
const STATIC: &[(&str, &str, &[u8])] = &[
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/htmx.min.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            Body::from(*body),
        )
            .into_response(),
        None => AppError::not_found("ファイル").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panic_answers_a_japanese_problem_with_the_security_headers() {
        let router = Router::new().route(
            "/boom",
            get(|| async {
                panic!("a bug");
                #[allow(unreachable_code)]
                ""
            }),
        );
        let app = apply(router, &WebConfig::default());
        let req = Request::get("/boom").body(Body::empty()).expect("request");
        let res = app.oneshot(req).await.expect("answer");
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(res.headers().contains_key(REQUEST_ID));
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .expect("body");
        let text = String::from_utf8(body.to_vec()).expect("utf-8");
        assert!(text.contains("内部エラーが発生しました"), "{text}");
        assert!(!text.contains("a bug"), "{text}");
    }
}
