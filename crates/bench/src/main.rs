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
use jukiops_domain::people::Action;
use jukiops_domain::people::Role;
use jukiops_store::{Actor, NewUser, Store, password};
use jukiops_web::{AppState, WebConfig};
use rand::Rng;
use tokio::runtime::Handle;

use load::{Fixture, LOADGEN_THREAD, LoadConfig, Scenario, Stats, Target, drive_rounds, rss_kb};

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
    fn key(self) -> &'static str {
        self.scenario().key()
    }
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
    /// Measured rounds per scenario; the round with the median req/s is reported, and every
    /// round is printed.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent clients (one keep-alive HTTP/1.1 connection each).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Sites to seed.
    #[arg(long, default_value_t = 1_000)]
    sites: usize,
    /// Terminals to seed (status in_service, spread over the sites).
    #[arg(long, default_value_t = 10_000)]
    terminals: usize,
    /// Audit entries to seed, forming a valid hash chain.
    #[arg(long, default_value_t = 1_000_000)]
    audit_entries: usize,
    /// Worker threads of the load generator's own tokio runtime (the server's runtime has
    /// one per core, as `jukiops serve`).
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Connections in the server's pool; default: as `jukiops serve` (SQLite: 2 readers
    /// per core besides the one writer; PostgreSQL: 16).
    #[arg(long)]
    pool: Option<u32>,
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
    /// Run every engine in this process. By default each engine runs in a child process of
    /// its own, so that its RSS figures are not inflated by the engine before it (glibc
    /// keeps freed heap).
    #[arg(long)]
    same_process: bool,
    /// Internal: run as the child for one engine and write its figures (JSON) here.
    #[arg(long, hide = true)]
    child_report: Option<PathBuf>,
    /// Internal: only seed this (migrated) database, writing what was seeded (JSON) to
    /// `--child-report`. From the environment: the URL may hold a password.
    #[arg(
        long,
        hide = true,
        env = "JUKIOPS_BENCH_SEED_INTO",
        hide_env_values = true
    )]
    seed_into: Option<String>,
}

const USERNAME: &str = "bench-lead";
/// Above this CPU share (% of one core) of unrelated processes, a scenario is flagged.
const NOISE_PCT: f64 = 15.0;
const PASSWORD: &str = "bench-password-0123";

/// What one engine's run produced.
#[derive(Debug)]
struct EngineRun {
    engine: EngineArg,
    stats: Vec<Stats>,
    seed_total: Duration,
    audit_time: Duration,
    rss_before_seed_kb: u64,
    rss_after_seed_kb: u64,
    rss_end_kb: u64,
    hwm_end_kb: u64,
}

impl EngineRun {
    /// Peak VmRSS during the scenarios other than login, and during login (argon2).
    fn rss_peaks_kb(&self) -> (u64, u64) {
        let peak = |login: bool| {
            self.stats
                .iter()
                .filter(|s| (s.scenario == Scenario::Login) == login)
                .map(|s| s.rss_peak_kb)
                .max()
                .unwrap_or(0)
        };
        (peak(false), peak(true))
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "engine": self.engine.name(),
            "stats": self.stats.iter().map(Stats::to_json).collect::<Vec<_>>(),
            "seed_total_s": self.seed_total.as_secs_f64(),
            "audit_s": self.audit_time.as_secs_f64(),
            "rss_kb": [self.rss_before_seed_kb, self.rss_after_seed_kb, self.rss_end_kb, self.hwm_end_kb],
        })
    }

    fn from_json(engine: EngineArg, v: &serde_json::Value) -> Option<EngineRun> {
        let rss: Vec<u64> = v
            .get("rss_kb")?
            .as_array()?
            .iter()
            .filter_map(serde_json::Value::as_u64)
            .collect();
        Some(EngineRun {
            engine,
            stats: v
                .get("stats")?
                .as_array()?
                .iter()
                .map(Stats::from_json)
                .collect::<Option<_>>()?,
            seed_total: Duration::from_secs_f64(v.get("seed_total_s")?.as_f64()?),
            audit_time: Duration::from_secs_f64(v.get("audit_s")?.as_f64()?),
            rss_before_seed_kb: *rss.first()?,
            rss_after_seed_kb: *rss.get(1)?,
            rss_end_kb: *rss.get(2)?,
            hwm_end_kb: *rss.get(3)?,
        })
    }
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
    anyhow::ensure!(
        args.sites >= 1 && args.terminals >= 1,
        "--sites and --terminals must be at least 1"
    );
    if let (Some(url), Some(report)) = (&args.seed_into, &args.child_report) {
        let seeder = Store::connect(url, 1).await?;
        let seeded = seed::seed(&seeder, args.sites, args.terminals, args.audit_entries).await;
        seeder.close().await;
        std::fs::write(report, serde_json::to_string(&seeded?)?)?;
        return Ok(());
    }
    if let Some(report) = &args.child_report {
        let [engine] = args.engines[..] else {
            bail!("--child-report takes exactly one engine");
        };
        let run = run_engine(engine, &args, cfg, &loadgen).await?;
        std::fs::write(report, run.to_json().to_string())?;
        return Ok(());
    }
    print_header(&args, cpus);

    let ceiling = bare_axum(cfg, &loadgen, args.rounds).await?;
    print_stats("-", &ceiling);

    let mut runs = Vec::new();
    let mut failures = Vec::new();
    for &engine in &args.engines {
        println!();
        let result = if args.same_process {
            println!("== {} (in this process) ==", engine.name());
            run_engine(engine, &args, cfg, &loadgen).await
        } else {
            run_child(engine, &args).await
        };
        match result {
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

/// How fast a core is right now: milliseconds for 100,000 audit-chain hashes (SHA-256),
/// best of three; allocates next to nothing, so that it leaves the RSS alone. Virtual
/// machines vary from run to run; this helps compare runs.
fn calibrate() -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let mut h = jukiops_domain::audit::GENESIS_HASH.to_string();
            for seq in 1..=100_000 {
                h = jukiops_domain::audit::entry_hash(
                    &h,
                    seq,
                    "2020-10-01T00:00:00.000000Z",
                    "bench",
                    "terminal",
                    "1",
                    "update",
                    "{}",
                );
            }
            std::hint::black_box(h);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

/// Seeds the database at `url` in a child process, so that what seeding leaves on the heap
/// is not counted in the server's RSS.
async fn seed_in_child(url: &str, args: &Args) -> Result<seed::Seeded> {
    let report =
        std::env::temp_dir().join(format!("jukiops_bench_seed_{}.json", std::process::id()));
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("--child-report")
        .arg(&report)
        .args(["--sites", &args.sites.to_string()])
        .args(["--terminals", &args.terminals.to_string()])
        .args(["--audit-entries", &args.audit_entries.to_string()])
        // Through the environment rather than the command line (it may hold a password).
        .env("JUKIOPS_BENCH_SEED_INTO", url);
    let status = tokio::task::spawn_blocking(move || cmd.status()).await??;
    let text = std::fs::read_to_string(&report);
    let _ = std::fs::remove_file(&report);
    anyhow::ensure!(status.success(), "the seeding process failed: {status}");
    Ok(serde_json::from_str(&text?)?)
}

/// Runs one engine in a child process (this binary with `--child-report`), its output
/// going straight to ours, and reads back its figures.
async fn run_child(engine: EngineArg, args: &Args) -> Result<EngineRun> {
    let exe = std::env::current_exe()?;
    let report = std::env::temp_dir().join(format!(
        "jukiops_bench_{}_{}.json",
        std::process::id(),
        engine.name()
    ));
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["--engines", engine.name()])
        .args(["--seconds", &args.seconds.to_string()])
        .args(["--warmup", &args.warmup.to_string()])
        .args(["--rounds", &args.rounds.to_string()])
        .args(["--concurrency", &args.concurrency.to_string()])
        .args(["--sites", &args.sites.to_string()])
        .args(["--terminals", &args.terminals.to_string()])
        .args(["--audit-entries", &args.audit_entries.to_string()])
        .args(["--client-threads", &args.client_threads.to_string()])
        .args(args.pool.map(|p| format!("--pool={p}")))
        .arg("--scenarios")
        .arg(
            args.scenarios
                .iter()
                .map(|s| s.key())
                .collect::<Vec<_>>()
                .join(","),
        )
        .arg("--child-report")
        .arg(&report)
        // Through the environment rather than the command line (it may hold a password).
        .env("JUKIOPS_BENCH_PG", &args.pg);
    if args.skip_verify {
        cmd.arg("--skip-verify");
    }
    let mut child = cmd.spawn().context("start the child process")?;
    println!(
        "== {} (child process {}, so that its RSS is its own) ==",
        engine.name(),
        child.id()
    );
    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    let text = std::fs::read_to_string(&report);
    let _ = std::fs::remove_file(&report);
    if !status.success() {
        bail!("the child process for {} failed: {status}", engine.name());
    }
    let v: serde_json::Value = serde_json::from_str(&text?)?;
    EngineRun::from_json(engine, &v).context("unreadable report of the child process")
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
        "process: the server runs in the bench process ({}) on a tokio runtime with {cpus} worker threads (as `jukiops serve`); the load generator in the same process on a second runtime with {} threads (named {LOADGEN_THREAD}*), so that CPU can be attributed per thread (USER_HZ=100 assumed).",
        if args.same_process {
            "one process for everything"
        } else {
            "the ceiling in this one, each engine in a child process of its own"
        },
        args.client_threads
    );
    println!(
        "calibration: 100,000 audit-chain hashes (SHA-256) take {:.0} ms on one core now (the VM's speed varies between runs; compare runs with this)",
        calibrate()
    );
    println!(
        "load: {} concurrent HTTP/1.1 keep-alive clients (reqwest) over loopback, {} rounds of {} s warm-up + {} s measured per scenario, the round with the median req/s reported; pool: {}",
        args.concurrency,
        args.rounds.max(1),
        args.warmup,
        args.seconds,
        match args.pool {
            Some(p) => format!("{p} connections (SQLite: readers, besides the one writer)"),
            None => format!(
                "as `jukiops serve`: SQLite {} readers besides the one writer, PostgreSQL {} connections",
                jukiops_store::default_pool_size("sqlite:"),
                jukiops_store::default_pool_size("postgres:")
            ),
        }
    );
    println!(
        "data: {} sites, {} terminals, {} audit entries (valid hash chain)",
        args.sites, args.terminals, args.audit_entries
    );
    println!(
        "RSS: the server runs inside the bench process, so VmRSS/VmHWM (from /proc/self/status) include the load generator; {}.",
        if args.same_process {
            "and whatever the seeding left on the heap (--same-process)"
        } else {
            "seeding runs in a process of its own, so its heap is not counted"
        }
    );
    println!();
}

/// The ceiling: a bare axum handler on 127.0.0.1:0, driven the same way.
async fn bare_axum(cfg: LoadConfig, loadgen: &Handle, rounds: usize) -> Result<Stats> {
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
    let stats = drive_rounds(Scenario::Bare, Arc::new(target), cfg, loadgen, rounds).await;
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

    /// SQLite: the size of the WAL file, which is the largest the WAL grew (SQLite reuses it
    /// from the start rather than shrinking it).
    fn wal_bytes(&self) -> Option<u64> {
        match self {
            Scratch::Sqlite(dir) => std::fs::read_dir(dir)
                .ok()?
                .filter_map(|e| e.ok())
                .find(|e| e.file_name().to_string_lossy().ends_with("-wal"))
                .and_then(|e| e.metadata().ok())
                .map(|m| m.len()),
            Scratch::Postgres { .. } => None,
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
    let store = Store::connect(
        url,
        args.pool.unwrap_or(jukiops_store::default_pool_size(url)),
    )
    .await?;
    let t = Instant::now();
    store.migrate().await?;
    println!("migrate: {:.2} s", t.elapsed().as_secs_f64());

    let rss_before_seed_kb = rss_kb().0;
    let seeded = if args.same_process {
        // A pool of one connection of its own, closed before the server starts, so that
        // its settings (SQLite: synchronous = OFF) do not leak into the server's pool.
        let seeder = Store::connect(url, 1).await?;
        let seeded = seed::seed(&seeder, args.sites, args.terminals, args.audit_entries).await;
        seeder.close().await;
        seeded?
    } else {
        seed_in_child(url, args).await?
    };
    let rss_after_seed_kb = rss_kb().0;
    let audit_rate = args.audit_entries as f64 / seeded.audit_time.as_secs_f64().max(1e-9);
    println!(
        "seed ({}bulk multi-row INSERTs on a 1-connection pool{}): {} sites {:.2} s, {} terminals {:.2} s, {} audit entries {:.2} s ({:.0} rows/s; index dropped and rebuilt after: {:.2} s), {} {:.2} s; total {:.2} s",
        if args.same_process {
            ""
        } else {
            "in a child process, "
        },
        match engine {
            EngineArg::Sqlite => ", synchronous=OFF, 2,500 rows/statement, 5,000 rows/transaction",
            EngineArg::Postgres => ", 5,000 rows/statement, 50,000 rows/transaction",
        },
        args.sites,
        seeded.sites_time.as_secs_f64(),
        args.terminals,
        seeded.terminals_time.as_secs_f64(),
        args.audit_entries,
        seeded.audit_time.as_secs_f64(),
        audit_rate,
        seeded.index_time.as_secs_f64(),
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
            &Actor::System("bench".into()).authorize(Action::ManageUsers)?,
            NewUser {
                username: USERNAME.into(),
                display_name: "ベンチ業務責任者".into(),
                role: Role::ContractorLead,
                password_hash,
                site_id: None,
                badge_number: None,
            },
        )
        .await?;
    let token = store
        .create_api_token(
            &Actor::User {
                id: user.id,
                username: user.username.clone(),
                role: user.role,
            }
            .authorize(Action::ManageOwnAccount)?,
            "bench",
            None,
        )
        .await?;

    // The real server, as the tests start it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = jukiops_app::App::open_builtin(store.clone()).await?;
    // The bench's account signs in with its password alone (no second factor, no
    // first-sign-in change): the figures are of the operations, as before.
    let config = WebConfig {
        accounts: jukiops_web::AccountPolicy::default().relaxed(),
        ..WebConfig::default()
    };
    let state = AppState::new(app, config, None);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let app = jukiops_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    println!(
        "server: http://{addr}; calibration: 100,000 hashes {:.0} ms",
        calibrate()
    );

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
            drive_rounds(s, target, cfg, loadgen, args.rounds).await
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
    if let Some(b) = scratch.wal_bytes() {
        println!(
            "WAL file after the scenarios (its largest size): {:.1} MB",
            b as f64 / 1e6
        );
    }
    let (rss_end_kb, hwm_end_kb) = rss_kb();
    let run = EngineRun {
        engine,
        stats,
        seed_total: seeded.total_time,
        audit_time: seeded.audit_time,
        rss_before_seed_kb,
        rss_after_seed_kb,
        rss_end_kb,
        hwm_end_kb,
    };
    let (peak_other, peak_login) = run.rss_peaks_kb();
    println!(
        "RSS of the bench process (server + load generator): before seeding {:.1} MB, after seeding {:.1} MB, peak during list/show/create {:.1} MB, peak during login {:.1} MB, at end {:.1} MB; VmHWM {:.1} MB",
        mb(rss_before_seed_kb),
        mb(rss_after_seed_kb),
        mb(peak_other),
        mb(peak_login),
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
    Ok(run)
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
        "    CPU (% of one core): server threads {:.0}%, load generator {:.0}%, PostgreSQL {:.0}%, other processes {:.0}%, steal {:.0}%, idle {:.0}%  => per request: server {:.3} ms, PostgreSQL {:.3} ms",
        s.cpu.server,
        s.cpu.loadgen,
        s.cpu.postgres,
        s.cpu.others,
        s.cpu.steal,
        s.cpu.idle,
        s.server_cpu_ms(),
        s.postgres_cpu_ms()
    );
    if s.cpu.others + s.cpu.steal > NOISE_PCT {
        println!(
            "    WARNING: other processes (or the hypervisor) took {:.0}% of a core during this scenario: figures are disturbed",
            s.cpu.others + s.cpu.steal
        );
    }
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
        "== summary ({} clients, median of {} rounds of {} s per scenario; NOTE: {cpus} cores shared by server + load generator{}) ==",
        args.concurrency,
        args.rounds.max(1),
        args.seconds,
        if args.engines.contains(&EngineArg::Postgres) {
            " + PostgreSQL"
        } else {
            ""
        }
    );
    println!(
        "{:<16} | {:<8} | {:>8} | {:>7} | {:>7} | {:>6} | {:>10} | {:>9} | {:>9} | {:>5} | {:<32} | verdict",
        "scenario",
        "engine",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "vs ceiling",
        "srv ms/rq",
        "pg ms/rq",
        "noise",
        "target"
    );
    println!("{}", "-".repeat(160));
    let line = |engine: &str, s: &Stats| {
        let (target, v) = verdict(s);
        println!(
            "{:<16} | {:<8} | {:>8.0} | {:>7.2} | {:>7.2} | {:>6} | {:>9.1}% | {:>9.3} | {:>9.3} | {:>4.0}% | {:<32} | {}",
            s.scenario.name(),
            engine,
            s.rps(),
            s.p50_ms,
            s.p99_ms,
            s.errors,
            100.0 * s.rps() / c.max(1e-9),
            s.server_cpu_ms(),
            s.postgres_cpu_ms(),
            s.cpu.others + s.cpu.steal,
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
    println!(
        "(vs ceiling: req/s relative to the bare axum handler; srv ms/rq: CPU of the server's threads per request; pg ms/rq: CPU of the postgres processes per request; noise: CPU taken by unrelated processes and hypervisor steal in % of one core, figures disturbed above {NOISE_PCT:.0}%. Login is argon2 by design: no target.)"
    );
    println!();
    println!(
        "{:<9} | {:>7} | {:>8} | {:>9} | {:>9} | {:>15} | {:>10} | {:>9} | {:>9} | RSS < 100 MB",
        "engine",
        "seed s",
        "audit/s",
        "RSS pre",
        "RSS seed",
        "list/show/create",
        "login",
        "RSS end",
        "VmHWM"
    );
    println!("{}", "-".repeat(128));
    for r in runs {
        let rate = args.audit_entries as f64 / r.audit_time.as_secs_f64().max(1e-9);
        let (peak_other, peak_login) = r.rss_peaks_kb();
        let met = |kb: u64| if mb(kb) < 100.0 { "met" } else { "NOT MET" };
        println!(
            "{:<9} | {:>7.2} | {:>8.0} | {:>6.1} MB | {:>6.1} MB | {:>12.1} MB | {:>7.1} MB | {:>6.1} MB | {:>6.1} MB | {} without login, {} with login",
            r.engine.name(),
            r.seed_total.as_secs_f64(),
            rate,
            mb(r.rss_before_seed_kb),
            mb(r.rss_after_seed_kb),
            mb(peak_other),
            mb(peak_login),
            mb(r.rss_end_kb),
            mb(r.hwm_end_kb),
            met(peak_other),
            met(peak_other.max(peak_login))
        );
    }
    println!(
        "(RSS: VmRSS/VmHWM of the bench process from /proc/self/status: the server runs in it, together with the load generator; {}. Peaks are sampled every 50 ms during each scenario.)",
        if args.same_process {
            "all engines and their seeding ran in this one process, so the figures include what seeding and earlier engines left on the heap"
        } else {
            "each engine ran in a child process of its own, and its seeding in another"
        }
    );
}
