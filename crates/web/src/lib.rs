//! HTTP: the Japanese web UI and the JSON API (`/api/v1`), thin handlers over one set of
//! store operations, behind one access table ([`jukiops_domain::people::ACCESS`]).

pub mod access;
mod api;
mod auth;
pub mod client_address;
mod error;
mod extract;
mod forms;
mod layers;
mod lists;
mod pages;
mod templates;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use jukiops_app::App;
pub use jukiops_app::accounts::AccountPolicy;
use metrics_exporter_prometheus::PrometheusHandle;

pub use api::openapi_json;

/// Every page route with its method, path and what it needs (for the access test).
pub fn page_routes() -> Vec<access::Route> {
    pages::routes().into_routes()
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set the `Secure` flag on cookies (when served over TLS, directly or via a proxy).
    pub secure_cookies: bool,
    /// How sign-in is guarded (session lifetime, throttling).
    pub accounts: AccountPolicy,
    /// Largest accepted request body (CSV uploads included).
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Clients allowed to read `/metrics` without a token (default: loopback only).
    pub metrics_addresses: Vec<ipnet::IpNet>,
    /// A scrape token: `Authorization: Bearer <token>` reads `/metrics` from anywhere.
    pub metrics_token: Option<String>,
}

/// The default of `metrics_addresses`: this machine only.
pub fn loopback_networks() -> Vec<ipnet::IpNet> {
    ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect()
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            accounts: AccountPolicy::default(),
            max_body_bytes: 5 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            trusted_proxies: Vec::new(),
            metrics_addresses: loopback_networks(),
            metrics_token: None,
        }
    }
}

/// What every handler can reach: the operations, and the web layer's own settings.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    metrics: Option<PrometheusHandle>,
}

impl AppState {
    pub fn new(app: App, config: WebConfig, metrics: Option<PrometheusHandle>) -> Self {
        let app = app.with_account_policy(config.accounts.clone());
        Self {
            app,
            config: Arc::new(config),
            metrics,
        }
    }
}

/// The whole application: pages, API, static assets, health and metrics.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let app = Router::new()
        .merge(pages::router())
        .merge(api::router(&state))
        .merge(layers::operational_routes())
        .with_state(state);
    layers::apply(app, &config)
}

/// Installs the Prometheus recorder (once per process) for `/metrics`.
pub fn install_metrics() -> Option<PrometheusHandle> {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .ok()
}

/// Serves `router` on `listener` until Ctrl-C / SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
