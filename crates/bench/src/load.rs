//! The load generator: C concurrent HTTP/1.1 keep-alive clients over loopback, each looping
//! on one scenario for a warm-up and then a measured window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use rand::Rng;
use serde_json::json;

/// What one scenario asks the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `GET /` of a bare axum router: the ceiling of HTTP over loopback on this machine.
    Bare,
    List,
    Show,
    Create,
    Login,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Bare => "bare axum GET /",
            Scenario::List => "list terminals",
            Scenario::Show => "show terminal",
            Scenario::Create => "create terminal",
            Scenario::Login => "login",
        }
    }
}

/// Where and how to send requests.
#[derive(Debug)]
pub struct Target {
    pub base: String,
    pub token: String,
    pub username: String,
    pub password: String,
    /// Pages 1..=list_pages of 100 terminals each.
    pub list_pages: u32,
    pub terminal_ids: (i64, i64),
    pub site_codes: Vec<String>,
    /// Numbers the terminals this run creates (unique asset and serial numbers).
    pub created: AtomicU64,
}

impl Target {
    pub fn bare(base: String) -> Target {
        Target {
            base,
            token: String::new(),
            username: String::new(),
            password: String::new(),
            list_pages: 1,
            terminal_ids: (1, 1),
            site_codes: Vec::new(),
            created: AtomicU64::new(0),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LoadConfig {
    pub concurrency: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// The figures of one scenario.
#[derive(Debug, Clone)]
pub struct Stats {
    pub scenario: Scenario,
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The first failure seen (status and start of the body, or the transport error).
    pub first_error: Option<String>,
}

impl Stats {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .http1_only()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(1)
        .pool_idle_timeout(Duration::from_secs(90))
        .timeout(Duration::from_secs(60))
        .build()?)
}

fn request(c: &reqwest::Client, s: Scenario, t: &Target) -> reqwest::RequestBuilder {
    let mut rng = rand::rng();
    match s {
        Scenario::Bare => c.get(format!("{}/", t.base)),
        Scenario::List => {
            let page = rng.random_range(1..=t.list_pages.max(1));
            c.get(format!(
                "{}/api/v1/terminals?per_page=100&page={page}",
                t.base
            ))
            .bearer_auth(&t.token)
        }
        Scenario::Show => {
            let id = rng.random_range(t.terminal_ids.0..=t.terminal_ids.1);
            c.get(format!("{}/api/v1/terminals/{id}", t.base))
                .bearer_auth(&t.token)
        }
        Scenario::Create => {
            let n = t.created.fetch_add(1, Ordering::Relaxed) + 1;
            let site = &t.site_codes[rng.random_range(0..t.site_codes.len())];
            c.post(format!("{}/api/v1/terminals", t.base))
                .bearer_auth(&t.token)
                .json(&json!({
                    "asset_number": format!("B{n:08}"),
                    "serial": format!("BSN{n:010}"),
                    "model": "FMV-D588",
                    "site_code": site,
                    "room": "窓口1",
                    "lessor": "北海道リース株式会社",
                    "lease_start": "2020-10-01",
                    "lease_end": "2025-09-30",
                    "status": "in_service",
                }))
        }
        Scenario::Login => c
            .post(format!("{}/api/v1/login", t.base))
            .json(&json!({"username": t.username, "password": t.password})),
    }
}

/// Runs `scenario` with `cfg.concurrency` clients: warm-up first (not recorded), then the
/// measured window. A request counts when it started inside the window.
pub async fn drive(scenario: Scenario, target: Arc<Target>, cfg: LoadConfig) -> Result<Stats> {
    let t0 = Instant::now();
    let measure_start = t0 + cfg.warmup;
    let end = measure_start + cfg.measure;
    let mut workers = Vec::with_capacity(cfg.concurrency);
    for _ in 0..cfg.concurrency {
        let c = client()?;
        let target = target.clone();
        workers.push(tokio::spawn(async move {
            let mut lat_us: Vec<u32> = Vec::with_capacity(1 << 14);
            let mut errors = 0u64;
            let mut first_error = None;
            loop {
                let start = Instant::now();
                if start >= end {
                    break;
                }
                let outcome = match request(&c, scenario, &target).send().await {
                    Ok(r) => {
                        let status = r.status();
                        match r.bytes().await {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(body) => Err(format!(
                                "HTTP {status}: {}",
                                String::from_utf8_lossy(&body[..body.len().min(300)])
                            )),
                            Err(e) => Err(format!("body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("send: {e}")),
                };
                let took = start.elapsed();
                if start >= measure_start {
                    lat_us.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                    if let Err(e) = outcome {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (lat_us, errors, first_error, Instant::now())
        }));
    }
    let mut all: Vec<u32> = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    let mut last = measure_start;
    for w in workers {
        let (lat, e, fe, done) = w.await?;
        all.extend(lat);
        errors += e;
        if first_error.is_none() {
            first_error = fe;
        }
        last = last.max(done);
    }
    all.sort_unstable();
    let pct = |q: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * all.len() as f64).ceil() as usize).clamp(1, all.len());
        f64::from(all[rank - 1]) / 1000.0
    };
    Ok(Stats {
        scenario,
        requests: all.len() as u64,
        errors,
        elapsed: last.saturating_duration_since(measure_start),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: pct(1.0),
        first_error,
    })
}

/// VmRSS and VmHWM of this process in kB (from `/proc/self/status`).
pub fn rss_kb() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Samples VmRSS every 50 ms while running; `stop` returns the largest value seen (kB).
#[derive(Debug)]
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    pub fn start() -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(rss_kb().0));
        let (s, p) = (stop.clone(), peak.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(rss_kb().0, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        RssSampler { stop, peak, task }
    }

    pub async fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        self.peak.load(Ordering::Relaxed).max(rss_kb().0)
    }
}
