//! The load generator: C concurrent HTTP/1.1 keep-alive clients over loopback, each looping
//! on one scenario for a warm-up and then a measured window.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use rand::Rng;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::{Value, json};
use tokio::runtime::Handle;

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
    pub const ALL: [Scenario; 5] = [
        Scenario::Bare,
        Scenario::List,
        Scenario::Show,
        Scenario::Create,
        Scenario::Login,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Scenario::Bare => "bare",
            Scenario::List => "list",
            Scenario::Show => "show",
            Scenario::Create => "create",
            Scenario::Login => "login",
        }
    }

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

/// Where and how to send requests; URLs are parsed once, up front, so that the load
/// generator spends its share of the (shared) CPU on HTTP rather than on URL parsing.
#[derive(Debug)]
pub struct Target {
    auth: Option<HeaderValue>,
    username: String,
    password: String,
    site_codes: Vec<String>,
    /// Bare: `/`; list: one per page; show: one per terminal id; create, login: one.
    urls: Vec<Url>,
    /// Numbers the terminals this run creates (unique asset and serial numbers).
    created: AtomicU64,
}

/// What the server under test holds, for building requests.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub token: String,
    pub username: String,
    pub password: String,
    /// Pages 1..=list_pages of 100 terminals each.
    pub list_pages: u32,
    pub terminal_ids: (i64, i64),
    pub site_codes: Vec<String>,
}

impl Target {
    pub fn new(scenario: Scenario, base: &str, f: Option<&Fixture>) -> Result<Target> {
        let url = |path: &str| -> Result<Url> { Ok(Url::parse(&format!("{base}{path}"))?) };
        let urls = match (scenario, f) {
            (Scenario::Bare, _) => vec![url("/")?],
            (Scenario::List, Some(f)) => (1..=f.list_pages.max(1))
                .map(|p| url(&format!("/api/v1/terminals?per_page=100&page={p}")))
                .collect::<Result<_>>()?,
            (Scenario::Show, Some(f)) => (f.terminal_ids.0..=f.terminal_ids.1)
                .map(|id| url(&format!("/api/v1/terminals/{id}")))
                .collect::<Result<_>>()?,
            (Scenario::Create, Some(_)) => vec![url("/api/v1/terminals")?],
            (Scenario::Login, Some(_)) => vec![url("/api/v1/login")?],
            (_, None) => anyhow::bail!("{} needs a seeded server", scenario.name()),
        };
        anyhow::ensure!(!urls.is_empty(), "no URL for {}", scenario.name());
        let auth = match f {
            Some(f) if scenario != Scenario::Login => {
                Some(HeaderValue::from_str(&format!("Bearer {}", f.token))?)
            }
            _ => None,
        };
        Ok(Target {
            auth,
            username: f.map(|f| f.username.clone()).unwrap_or_default(),
            password: f.map(|f| f.password.clone()).unwrap_or_default(),
            site_codes: f.map(|f| f.site_codes.clone()).unwrap_or_default(),
            urls,
            created: AtomicU64::new(0),
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LoadConfig {
    pub concurrency: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// Where the CPU went during the measured window, in percent of one core
/// (the machine has `cores x 100`).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuShare {
    /// Threads of this process other than the load generator's: the server runtime, its
    /// blocking pool (argon2) and sqlx's SQLite worker threads.
    pub server: f64,
    pub loadgen: f64,
    /// Processes named `postgres` (the PostgreSQL server and its backends).
    pub postgres: f64,
    /// Everything else on the machine: other programs (noise), kernel threads.
    pub others: f64,
    /// Time the hypervisor gave to other guests.
    pub steal: f64,
    pub idle: f64,
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
    /// Largest VmRSS of the process seen while the scenario ran (kB).
    pub rss_peak_kb: u64,
    pub cpu: CpuShare,
}

impl Stats {
    /// For the report a child process (one per engine) hands back to the parent.
    pub fn to_json(&self) -> Value {
        json!({
            "scenario": self.scenario.key(),
            "requests": self.requests,
            "errors": self.errors,
            "elapsed_s": self.elapsed.as_secs_f64(),
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "first_error": self.first_error,
            "rss_peak_kb": self.rss_peak_kb,
            "cpu": [self.cpu.server, self.cpu.loadgen, self.cpu.postgres, self.cpu.others, self.cpu.idle, self.cpu.steal],
        })
    }

    pub fn from_json(v: &Value) -> Option<Stats> {
        let f = |k: &str| v.get(k).and_then(Value::as_f64);
        let u = |k: &str| v.get(k).and_then(Value::as_u64);
        let key = v.get("scenario")?.as_str()?;
        let cpu: Vec<f64> = v
            .get("cpu")?
            .as_array()?
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        Some(Stats {
            scenario: *Scenario::ALL.iter().find(|s| s.key() == key)?,
            requests: u("requests")?,
            errors: u("errors")?,
            elapsed: Duration::from_secs_f64(f("elapsed_s")?),
            p50_ms: f("p50_ms").unwrap_or(f64::NAN),
            p99_ms: f("p99_ms").unwrap_or(f64::NAN),
            max_ms: f("max_ms").unwrap_or(f64::NAN),
            first_error: v
                .get("first_error")
                .and_then(Value::as_str)
                .map(String::from),
            rss_peak_kb: u("rss_peak_kb")?,
            cpu: CpuShare {
                server: *cpu.first()?,
                loadgen: *cpu.get(1)?,
                postgres: *cpu.get(2)?,
                others: *cpu.get(3)?,
                idle: *cpu.get(4)?,
                steal: *cpu.get(5)?,
            },
        })
    }

    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// CPU milliseconds the server threads spent per request.
    pub fn server_cpu_ms(&self) -> f64 {
        self.cpu.server * 10.0 / self.rps().max(1e-9)
    }
    /// CPU milliseconds PostgreSQL spent per request.
    pub fn postgres_cpu_ms(&self) -> f64 {
        self.cpu.postgres * 10.0 / self.rps().max(1e-9)
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
    let url = t.urls[rng.random_range(0..t.urls.len())].clone();
    let mut rb = match s {
        Scenario::Bare | Scenario::List | Scenario::Show => c.get(url),
        Scenario::Create => {
            let n = t.created.fetch_add(1, Ordering::Relaxed) + 1;
            let site = &t.site_codes[rng.random_range(0..t.site_codes.len())];
            c.post(url).json(&json!({
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
            .post(url)
            .json(&json!({"username": t.username, "password": t.password})),
    };
    if let Some(auth) = &t.auth {
        rb = rb.header(AUTHORIZATION, auth.clone());
    }
    rb
}

/// Runs `scenario` `rounds` times (each with its warm-up) and returns the round with the
/// median req/s, as measured, with the largest RSS peak of all rounds; every round is
/// printed. One window disturbed by the shared machine then does not decide the verdict.
pub async fn drive_rounds(
    scenario: Scenario,
    target: Arc<Target>,
    cfg: LoadConfig,
    loadgen: &Handle,
    rounds: usize,
) -> Result<Stats> {
    let mut all = Vec::with_capacity(rounds.max(1));
    for round in 1..=rounds.max(1) {
        let s = drive(scenario, target.clone(), cfg, loadgen).await?;
        println!(
            "    round {round}/{}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            rounds.max(1),
            s.rps(),
            s.p50_ms,
            s.p99_ms,
            s.errors
        );
        all.push(s);
    }
    let rss_peak_kb = all.iter().map(|s| s.rss_peak_kb).max().unwrap_or(0);
    all.sort_by(|a, b| a.rps().total_cmp(&b.rps()));
    let mut median = all.swap_remove(all.len() / 2);
    median.rss_peak_kb = rss_peak_kb;
    Ok(median)
}

/// Runs `scenario` with `cfg.concurrency` clients on the load generator's runtime
/// (`loadgen`): warm-up first (not recorded), then the measured window. A request counts
/// when it started inside the window.
pub async fn drive(
    scenario: Scenario,
    target: Arc<Target>,
    cfg: LoadConfig,
    loadgen: &Handle,
) -> Result<Stats> {
    let sampler = RssSampler::start();
    let t0 = Instant::now();
    let measure_start = t0 + cfg.warmup;
    let end = measure_start + cfg.measure;
    let mut workers = Vec::with_capacity(cfg.concurrency);
    for _ in 0..cfg.concurrency {
        let target = target.clone();
        workers.push(loadgen.spawn(async move {
            let c = client()?;
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
            anyhow::Ok((lat_us, errors, first_error, Instant::now()))
        }));
    }
    tokio::time::sleep_until(measure_start.into()).await;
    let cpu_start = CpuSnapshot::take();
    let mut all: Vec<u32> = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    let mut last = measure_start;
    for w in workers {
        let (lat, e, fe, done) = w.await??;
        all.extend(lat);
        errors += e;
        if first_error.is_none() {
            first_error = fe;
        }
        last = last.max(done);
    }
    let cpu = CpuSnapshot::take().since(&cpu_start);
    let rss_peak_kb = sampler.stop().await;
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
        rss_peak_kb,
        cpu,
    })
}

/// CPU clock ticks (USER_HZ) of the machine and of each thread of this process.
#[derive(Debug, Clone)]
struct CpuSnapshot {
    at: Instant,
    machine_busy: u64,
    machine_total: u64,
    machine_steal: u64,
    /// Thread id -> (ticks, belongs to the load generator).
    threads: HashMap<u64, (u64, bool)>,
    /// Process id -> ticks, of the processes named `postgres`.
    postgres: HashMap<u64, u64>,
}

/// Name and user + system CPU ticks from a `/proc/.../stat` file.
fn stat_ticks(path: &std::path::Path) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let comm = stat.get(open + 1..close)?.to_string();
    // After "pid (comm)": state is field 3; utime 14 and stime 15.
    let f: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    let ticks = [11, 12]
        .iter()
        .filter_map(|&i| f.get(i).and_then(|x| x.parse::<u64>().ok()))
        .sum();
    Some((comm, ticks))
}

/// The numeric entries of a `/proc` directory with their `stat` ticks.
fn proc_entries(dir: &str) -> Vec<(u64, String, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let id = e.file_name().to_str()?.parse::<u64>().ok()?;
            let (comm, ticks) = stat_ticks(&e.path().join("stat"))?;
            Some((id, comm, ticks))
        })
        .collect()
}

/// Thread name prefix of the load generator's runtime.
pub const LOADGEN_THREAD: &str = "loadgen";

impl CpuSnapshot {
    fn take() -> CpuSnapshot {
        let (mut machine_busy, mut machine_total, mut machine_steal) = (0, 0, 0);
        if let Ok(stat) = std::fs::read_to_string("/proc/stat")
            && let Some(line) = stat.lines().find(|l| l.starts_with("cpu "))
        {
            // user nice system idle iowait irq softirq steal (guest is inside user).
            let v: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .take(8)
                .filter_map(|x| x.parse().ok())
                .collect();
            machine_total = v.iter().sum();
            let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
            machine_busy = machine_total.saturating_sub(idle);
            machine_steal = v.get(7).copied().unwrap_or(0);
        }
        let threads = proc_entries("/proc/self/task")
            .into_iter()
            .map(|(tid, comm, ticks)| (tid, (ticks, comm.starts_with(LOADGEN_THREAD))))
            .collect();
        let postgres = proc_entries("/proc")
            .into_iter()
            .filter(|(_, comm, _)| comm == "postgres")
            .map(|(pid, _, ticks)| (pid, ticks))
            .collect();
        CpuSnapshot {
            at: Instant::now(),
            machine_busy,
            machine_total,
            machine_steal,
            threads,
            postgres,
        }
    }

    /// Shares since `before`, in percent of one core (USER_HZ = 100 ticks per second).
    /// Threads that started in between count in full; threads that ended are lost (rare:
    /// blocking-pool threads idle for 10 s).
    fn since(&self, before: &CpuSnapshot) -> CpuShare {
        let secs = self.at.duration_since(before.at).as_secs_f64().max(1e-9);
        let pct = |ticks: u64| ticks as f64 / secs; // 100 ticks/s = 100 %
        let busy = self.machine_busy.saturating_sub(before.machine_busy);
        let steal = self.machine_steal.saturating_sub(before.machine_steal);
        let total = self.machine_total.saturating_sub(before.machine_total);
        let (mut server, mut loadgen) = (0, 0);
        for (tid, &(ticks, is_loadgen)) in &self.threads {
            let earlier = before.threads.get(tid).map_or(0, |t| t.0);
            let d = ticks.saturating_sub(earlier);
            if is_loadgen {
                loadgen += d;
            } else {
                server += d;
            }
        }
        let postgres: u64 = self
            .postgres
            .iter()
            .map(|(pid, &ticks)| {
                ticks.saturating_sub(before.postgres.get(pid).copied().unwrap_or(0))
            })
            .sum();
        CpuShare {
            server: pct(server),
            loadgen: pct(loadgen),
            postgres: pct(postgres),
            others: pct(busy.saturating_sub(server + loadgen + postgres + steal)),
            steal: pct(steal),
            idle: pct(total.saturating_sub(busy)),
        }
    }
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
