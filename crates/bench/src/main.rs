//! `jukiops-bench`: for each engine, migrates a fresh database, seeds it in bulk (sites,
//! terminals, a valid hash-chained audit trail), starts the real server in-process on
//! 127.0.0.1:0 and drives it over loopback with concurrent keep-alive clients; measures a
//! bare axum handler as the ceiling and prints the figures against the targets.
//!
//! A command, not a test: `cargo run --release -p jukiops-bench -- --help`.

mod load;
mod seed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::routing::get;
use clap::Parser;
use jukiops_domain::contract::Contract;
use jukiops_domain::people::Role;
use jukiops_store::{Actor, NewUser, Store, password};
use jukiops_web::{AppState, WebConfig};
use rand::Rng;
use tokio::runtime::Handle;

use load::{Fixture, LOADGEN_THREAD, LoadConfig, Scenario, Stats, Target, drive, rss_kb};
use seed::Seeded;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EngineArg {
    Sqlite,
    Postgres,
}

impl EngineArg {
    fn name(self) -> &'static str {
        match self {
            EngineArg::Sqlite => "sqlite",
            EngineArg::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ScenarioArg {
    List,
    Show,
    Create,
    Login,
}

impl ScenarioArg {
    fn scenario(self) -> Scenario {
        match self {
            ScenarioArg::List => Scenario::List,
            ScenarioArg::Show => Scenario::Show,
            ScenarioArg::Create => Scenario::Create,
            ScenarioArg::Login => Scenario::Login,
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "jukiops-bench",
    about = "Seeds each engine, serves the real app in-process and drives it over loopback."
)]
struct Args {
    /// Engines to measure, in order.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "sqlite,postgres"
    )]
    engines: Vec<EngineArg>,
    /// Measured seconds per scenario (after the warm-up).
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Warm-up seconds per scenario (requests sent, not recorded).
    #[arg(long, default_value_t = 1)]
    warmup: u64,
    /// Concurrent clients (one keep-alive HTTP/1.1 connection each).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    #[arg(long, default_value_t = 1_000)]
    sites: usize,
    #[arg(long, default_value_t = 10_000)]
    terminals: usize,
    #[arg(long, default_value_t = 1_000_000)]
    audit_entries: usize,
    /// Worker threads of the load generator's own tokio runtime (the server's runtime has
    /// one per core, as `jukiops serve`).
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Connections in the server's pool (the `jukiops serve` command uses 16).
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// PostgreSQL server (without database name); a fresh database is created and dropped.
    #[arg(
        long,
        env = "JUKIOPS_BENCH_PG",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    pg: String,
    /// Scenarios to run against each engine, in order.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "list,show,create,login"
    )]
    scenarios: Vec<ScenarioArg>,
    /// Skip verifying the seeded audit chain with `Store::verify_audit`.
    #[arg(long)]
    skip_verify: bool,
}

const USERNAME: &str = "bench-lead";
const PASSWORD: &str = "bench-password-0123";

/// What one engine's run produced.
#[derive(Debug)]
struct EngineRun {
    engine: EngineArg,
    stats: Vec<Stats>,
    seeded: Seeded,
    rss_before_seed_kb: u64,
    rss_after_seed_kb: u64,
    rss_peak_load_kb: u64,
    rss_end_kb: u64,
    hwm_end_kb: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The server runs on a runtime like `jukiops serve`'s (one worker per core); the load
    // generator on a runtime of its own, so that the CPU of each can be told apart.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("server")
        .build()?;
    let loadgen_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .thread_name(LOADGEN_THREAD)
        .build()?;
    let loadgen = loadgen_rt.handle().clone();
    let result = server_rt.block_on(run(args, cpus, loadgen));
    loadgen_rt.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn run(args: Args, cpus: usize, loadgen: Handle) -> Result<()> {
    let cfg = LoadConfig {
        concurrency: args.concurrency.max(1),
        warmup: Duration::from_secs(args.warmup),
        measure: Duration::from_secs(args.seconds.max(1)),
    };
    print_header(&args, cpus);

    let ceiling = bare_axum(cfg, &loadgen).await?;
    print_stats("-", &ceiling);

    let mut runs = Vec::new();
    let mut failures = Vec::new();
    for &engine in &args.engines {
        println!();
        println!("== {} ==", engine.name());
        match run_engine(engine, &args, cfg, &loadgen).await {
            Ok(r) => runs.push(r),
            Err(e) => {
                println!("!! {} failed: {e:#}", engine.name());
                failures.push(format!("{}: {e:#}", engine.name()));
            }
        }
    }
    print_summary(&args, cpus, &ceiling, &runs);
    if !failures.is_empty() {
        bail!("some engines failed: {}", failures.join("; "));
    }
    Ok(())
}

fn print_header(args: &Args, cpus: usize) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    println!("jukiops-bench");
    println!(
        "machine: {cpus} CPU core(s) ({cpu}). NOTE: only {cpus} cores, SHARED by the server, the load generator and (for postgres) the PostgreSQL server; figures are lower bounds of a dedicated server."
    );
    println!(
        "process: the server runs in this process on a tokio runtime with {cpus} worker threads (as `jukiops serve`); the load generator on a second runtime with {} threads (named {LOADGEN_THREAD}*), so that CPU can be attributed per thread (USER_HZ=100 assumed).",
        args.client_threads
    );
    println!(
        "load: {} concurrent HTTP/1.1 keep-alive clients (reqwest) over loopback, {} s warm-up + {} s measured per scenario; pool: {} connections",
        args.concurrency, args.warmup, args.seconds, args.pool
    );
    println!(
        "data: {} sites, {} terminals, {} audit entries (valid hash chain)",
        args.sites, args.terminals, args.audit_entries
    );
    println!(
        "RSS: the server runs inside the bench process, so VmRSS/VmHWM (from /proc/self/status) include the load generator and whatever the seeding left on the heap."
    );
    println!();
}

/// The ceiling: a bare axum handler on 127.0.0.1:0, driven the same way.
async fn bare_axum(cfg: LoadConfig, loadgen: &Handle) -> Result<Stats> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = Router::new().route("/", get(|| async { "ok" }));
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let target = Target::new(Scenario::Bare, &format!("http://{addr}"), None)?;
    let stats = drive(Scenario::Bare, Arc::new(target), cfg, loadgen).await;
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    stats
}

/// Where an engine's database lives; removed by [`Scratch::remove`].
enum Scratch {
    Sqlite(PathBuf),
    Postgres { base: String, name: String },
}

impl Scratch {
    async fn create(engine: EngineArg, pg: &str) -> Result<(Scratch, String)> {
        let n: u64 = rand::rng().random();
        match engine {
            EngineArg::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("jukiops_bench_{}_{n:016x}", std::process::id()));
                std::fs::create_dir_all(&dir)?;
                let url = format!("sqlite://{}", dir.join("bench.db").display());
                Ok((Scratch::Sqlite(dir), url))
            }
            EngineArg::Postgres => {
                let base = pg.trim_end_matches('/').to_string();
                let name = format!("jukiops_bench_{n:016x}");
                let admin = Store::connect(&format!("{base}/postgres"), 1)
                    .await
                    .with_context(|| {
                        format!(
                            "PostgreSQL must be reachable at {} (set JUKIOPS_BENCH_PG)",
                            jukiops_store::redact_url(&base)
                        )
                    })?;
                let version: String = sqlx::query_scalar("SELECT version()")
                    .fetch_one(admin.pool())
                    .await?;
                let sync: String = sqlx::query_scalar("SHOW synchronous_commit")
                    .fetch_one(admin.pool())
                    .await?;
                let buffers: String = sqlx::query_scalar("SHOW shared_buffers")
                    .fetch_one(admin.pool())
                    .await?;
                println!(
                    "server: {version}; synchronous_commit={sync}, shared_buffers={buffers} (same machine, same cores)"
                );
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(admin.pool())
                    .await?;
                admin.close().await;
                let url = format!("{base}/{name}");
                Ok((Scratch::Postgres { base, name }, url))
            }
        }
    }

    async fn remove(self) {
        match self {
            Scratch::Sqlite(dir) => {
                if let Err(e) = std::fs::remove_dir_all(&dir) {
                    println!("warning: could not remove {}: {e}", dir.display());
                }
            }
            Scratch::Postgres { base, name } => {
                let dropped = async {
                    let admin = Store::connect(&format!("{base}/postgres"), 1).await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(admin.pool())
                    .await?;
                    admin.close().await;
                    anyhow::Ok(())
                }
                .await;
                match dropped {
                    Ok(()) => println!("dropped database {name}"),
                    Err(e) => println!("warning: could not drop database {name}: {e:#}"),
                }
            }
        }
    }

    /// Size on disk of the database (SQLite: the files; PostgreSQL: pg_database_size).
    async fn size_bytes(&self, store: &Store) -> Result<u64> {
        match self {
            Scratch::Sqlite(dir) => {
                let mut total = 0;
                for e in std::fs::read_dir(dir)? {
                    total += e?.metadata()?.len();
                }
                Ok(total)
            }
            Scratch::Postgres { .. } => {
                let n: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(store.pool())
                    .await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }
        }
    }
}

async fn run_engine(
    engine: EngineArg,
    args: &Args,
    cfg: LoadConfig,
    loadgen: &Handle,
) -> Result<EngineRun> {
    let (scratch, url) = Scratch::create(engine, &args.pg).await?;
    let result = engine_body(engine, &scratch, &url, args, cfg, loadgen).await;
    scratch.remove().await;
    result
}

async fn engine_body(
    engine: EngineArg,
    scratch: &Scratch,
    url: &str,
    args: &Args,
    cfg: LoadConfig,
    loadgen: &Handle,
) -> Result<EngineRun> {
    let store = Store::connect(url, args.pool).await?;
    let t = Instant::now();
    store.migrate().await?;
    println!("migrate: {:.2} s", t.elapsed().as_secs_f64());

    let rss_before_seed_kb = rss_kb().0;
    // Seeding runs on a connection of its own, closed before the server starts, so that its
    // larger SQLite page cache does not stay in the server's pool.
    let seeder = Store::connect(url, 1).await?;
    let seeded = seed::seed(&seeder, args.sites, args.terminals, args.audit_entries).await;
    seeder.close().await;
    let seeded = seeded?;
    let rss_after_seed_kb = rss_kb().0;
    let audit_rate = args.audit_entries as f64 / seeded.audit_time.as_secs_f64().max(1e-9);
    println!(
        "seed: {} sites {:.2} s, {} terminals {:.2} s, {} audit entries {:.2} s ({:.0} rows/s), {} {:.2} s; total {:.2} s",
        args.sites,
        seeded.sites_time.as_secs_f64(),
        args.terminals,
        seeded.terminals_time.as_secs_f64(),
        args.audit_entries,
        seeded.audit_time.as_secs_f64(),
        audit_rate,
        seeded.housekeeping.0,
        seeded.housekeeping.1.as_secs_f64(),
        seeded.total_time.as_secs_f64()
    );
    println!(
        "audit head: seq {} hash {}",
        seeded.audit_head.0, seeded.audit_head.1
    );
    if !args.skip_verify {
        let t = Instant::now();
        match store.verify_audit().await? {
            Ok(report) => println!(
                "audit chain verified by Store::verify_audit: {} entries in {:.2} s",
                report.entries,
                t.elapsed().as_secs_f64()
            ),
            Err(broken) => bail!("seeded audit chain does not verify: {broken}"),
        }
    }
    match scratch.size_bytes(&store).await {
        Ok(b) => println!("database size: {:.1} MB", b as f64 / 1e6),
        Err(e) => println!("database size: ? ({e:#})"),
    }

    // The account the clients act as.
    let password_hash = password::hash(PASSWORD.to_string()).await;
    let user = store
        .create_user(
            &Actor::System("bench".into()),
            NewUser {
                username: USERNAME.into(),
                display_name: "ベンチ業務責任者".into(),
                role: Role::ContractorLead,
                password_hash,
            },
        )
        .await?;
    let token = store
        .create_api_token(
            &Actor::User {
                id: user.id,
                username: user.username.clone(),
                role: user.role,
            },
            "bench",
            None,
        )
        .await?;

    // The real server, as the tests start it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(
        store.clone(),
        Contract::builtin_default(),
        WebConfig::default(),
        None,
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let app = jukiops_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    println!("server: http://{addr}");

    let base = format!("http://{addr}");
    let fixture = Fixture {
        token: token.secret,
        username: USERNAME.into(),
        password: PASSWORD.into(),
        list_pages: u32::try_from(args.terminals.div_ceil(100).clamp(1, 100)).unwrap_or(100),
        terminal_ids: seeded.terminal_ids,
        site_codes: seeded.site_codes.clone(),
    };
    let mut stats = Vec::new();
    let mut outcome = Ok(());
    for s in args.scenarios.iter().map(|s| s.scenario()) {
        let run = async {
            let target = Arc::new(Target::new(s, &base, Some(&fixture))?);
            drive(s, target, cfg, loadgen).await
        };
        match run.await {
            Ok(st) => {
                print_stats(engine.name(), &st);
                stats.push(st);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    let rss_peak_load_kb = stats.iter().map(|s| s.rss_peak_kb).max().unwrap_or(0);
    let (rss_end_kb, hwm_end_kb) = rss_kb();
    println!(
        "RSS (bench process = server + load generator): before seeding {:.1} MB, after seeding {:.1} MB, peak during load {:.1} MB, at end {:.1} MB; VmHWM {:.1} MB",
        mb(rss_before_seed_kb),
        mb(rss_after_seed_kb),
        mb(rss_peak_load_kb),
        mb(rss_end_kb),
        mb(hwm_end_kb)
    );

    let _ = stop.send(());
    if tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .is_err()
    {
        println!("warning: server did not stop within 10 s");
    }
    store.close().await;
    outcome?;
    Ok(EngineRun {
        engine,
        stats,
        seeded,
        rss_before_seed_kb,
        rss_after_seed_kb,
        rss_peak_load_kb,
        rss_end_kb,
        hwm_end_kb,
    })
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn print_stats(engine: &str, s: &Stats) {
    println!(
        "{:<16} {:<9} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  {} requests, {} errors, peak RSS {:.1} MB",
        s.scenario.name(),
        engine,
        s.rps(),
        s.p50_ms,
        s.p99_ms,
        s.max_ms,
        s.requests,
        s.errors,
        mb(s.rss_peak_kb)
    );
    println!(
        "    CPU (% of one core): server threads {:.0}%, load generator {:.0}%, other processes (PostgreSQL, ...) {:.0}%, idle {:.0}%  => server {:.3} ms CPU/request, others {:.3} ms CPU/request",
        s.cpu.server,
        s.cpu.loadgen,
        s.cpu.others,
        s.cpu.idle,
        s.server_cpu_ms(),
        s.others_cpu_ms()
    );
    if let Some(e) = &s.first_error {
        println!("    first error: {e}");
    }
}

/// The goal of a scenario: minimum req/s, p99 bound, and whether errors are allowed.
fn goal(s: Scenario) -> Option<(f64, f64, bool)> {
    match s {
        Scenario::List => Some((2_000.0, 20.0, false)),
        Scenario::Show => Some((5_000.0, 20.0, false)),
        Scenario::Create => Some((1_000.0, 20.0, true)),
        Scenario::Bare | Scenario::Login => None,
    }
}

fn verdict(s: &Stats) -> (String, String) {
    let Some((rps, p99, zero_errors)) = goal(s.scenario) else {
        return ("-".into(), "-".into());
    };
    let target = format!(
        ">= {rps:.0}/s, p99 < {p99:.0} ms{}",
        if zero_errors { ", 0 errors" } else { "" }
    );
    let mut missed = Vec::new();
    if s.rps() < rps {
        missed.push("req/s");
    }
    if s.p99_ms.is_nan() || s.p99_ms >= p99 {
        missed.push("p99");
    }
    if zero_errors && s.errors > 0 {
        missed.push("errors");
    }
    let v = if missed.is_empty() {
        "met".to_string()
    } else {
        format!("NOT MET ({})", missed.join(", "))
    };
    (target, v)
}

fn print_summary(args: &Args, cpus: usize, ceiling: &Stats, runs: &[EngineRun]) {
    let c = ceiling.rps();
    println!();
    println!(
        "== summary ({} clients, {} s per scenario; NOTE: {cpus} cores shared by server + load generator{}) ==",
        args.concurrency,
        args.seconds,
        if args.engines.contains(&EngineArg::Postgres) {
            " + PostgreSQL"
        } else {
            ""
        }
    );
    println!(
        "{:<16} | {:<8} | {:>8} | {:>7} | {:>7} | {:>6} | {:>10} | {:>13} | {:<32} | verdict",
        "scenario",
        "engine",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "vs ceiling",
        "srv CPU ms/rq",
        "target"
    );
    println!("{}", "-".repeat(146));
    let line = |engine: &str, s: &Stats| {
        let (target, v) = verdict(s);
        println!(
            "{:<16} | {:<8} | {:>8.0} | {:>7.2} | {:>7.2} | {:>6} | {:>9.1}% | {:>13.3} | {:<32} | {}",
            s.scenario.name(),
            engine,
            s.rps(),
            s.p50_ms,
            s.p99_ms,
            s.errors,
            100.0 * s.rps() / c.max(1e-9),
            s.server_cpu_ms(),
            target,
            v
        );
    };
    line("-", ceiling);
    for r in runs {
        for s in &r.stats {
            line(r.engine.name(), s);
        }
    }
    println!();
    println!(
        "{:<9} | {:>9} | {:>9} | {:>9} | {:>9} | {:>9} | {:>12} | {:>9} | RSS < 100 MB (peak during load)",
        "engine", "seed s", "audit/s", "RSS pre", "RSS seed", "RSS load", "RSS end", "VmHWM"
    );
    println!("{}", "-".repeat(120));
    for r in runs {
        let rate = args.audit_entries as f64 / r.seeded.audit_time.as_secs_f64().max(1e-9);
        let met = if mb(r.rss_peak_load_kb) < 100.0 {
            "met"
        } else {
            "NOT MET"
        };
        println!(
            "{:<9} | {:>9.2} | {:>9.0} | {:>6.1} MB | {:>6.1} MB | {:>6.1} MB | {:>9.1} MB | {:>6.1} MB | {}",
            r.engine.name(),
            r.seeded.total_time.as_secs_f64(),
            rate,
            mb(r.rss_before_seed_kb),
            mb(r.rss_after_seed_kb),
            mb(r.rss_peak_load_kb),
            mb(r.rss_end_kb),
            mb(r.hwm_end_kb),
            met
        );
    }
    println!(
        "(RSS is of the whole bench process: server + load generator + what seeding left on the heap; engines run one after the other in the same process, so later engines inherit the earlier ones' heap. VmHWM is the process-wide peak so far, seeding included.)"
    );
}
