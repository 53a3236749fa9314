//! Test harness: a real server on 127.0.0.1:0 over a real SQLite file or a fresh database on
//! the real PostgreSQL server, with one user per role.

use std::net::SocketAddr;
use std::path::PathBuf;

use jukiops_app::App;
use jukiops_domain::people::{NewUserInput, Role};
use jukiops_domain::roster::RosterPersonInput;
use jukiops_store::{Actor, Store};
use jukiops_web::{AppState, WebConfig};
use rand::Rng;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs an async test case `fn(Engine)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both_engines {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case($crate::support::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$case($crate::support::Engine::Postgres).await
                }
            }
        )*
    };
}

/// PostgreSQL server of the tests (trust auth on the project's machines).
pub fn pg_base() -> String {
    std::env::var("JUKIOPS_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn test_password(role: Role) -> String {
    format!("test-password-{}", role.as_str())
}

/// A database of one engine, removed when dropped.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempdir::TempDir>,
}

mod tempdir {
    /// A temporary folder removed on drop.
    pub struct TempDir(pub std::path::PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn unique(prefix: &str) -> String {
    let n: u64 = rand::rng().random();
    format!("{prefix}_{}_{n:016x}", std::process::id())
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(unique("jukiops_test"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("test.db").display());
                TestDb {
                    url,
                    pg_name: None,
                    _dir: Some(tempdir::TempDir(dir)),
                }
            }
            Engine::Postgres => {
                let name = unique("jukiops_test");
                let admin = Store::connect(&format!("{}/postgres", pg_base()), 1)
                    .await
                    .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (set JUKIOPS_TEST_PG to another server)");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(admin.pool())
                    .await
                    .expect("create test database");
                admin.close().await;
                TestDb {
                    url: format!("{}/{name}", pg_base()),
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, 8).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let base = pg_base();
        // Drop cannot await: a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&format!("{base}/postgres"), 1).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(admin.pool())
                    .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// A running server with its database and one account per role.
pub struct TestApp {
    pub store: Store,
    pub db: TestDb,
    pub base: String,
}

/// The harness's policy: `config`'s, but its accounts (whose passwords the harness set)
/// sign in with the password alone, with no second factor and no first-sign-in change, so
/// that every test not about those signs in as it always did. The tests of the second
/// factor and the first sign-in use [`TestApp::spawn_secure`], the policy as given.
fn relaxed(config: WebConfig) -> WebConfig {
    WebConfig {
        accounts: config.accounts.relaxed(),
        ..config
    }
}

/// Puts the test account of `role` (`user_id`) on the roster from the first day of the
/// contract's period by a notice given the day before, in time: the people the tests name
/// as doing the work may do it on every day of the year.
async fn put_on_roster(app: &App, system: &Actor, role: Role, user_id: i64) {
    let start = app.contract().period.start;
    let given = start.pred_opt().expect("day before");
    let input = RosterPersonInput {
        name: format!("{}テスト", role.label_ja()),
        kana: if role == Role::ContractorLead {
            "てすと せきにんしゃ"
        } else {
            "てすと じゅうじしゃ"
        }
        .into(),
        company: "受託株式会社".into(),
        contract_role: if role == Role::ContractorLead {
            "contract_lead"
        } else {
            "worker"
        }
        .into(),
        badge_number: format!("{user_id:04}"),
        contact: "011-000-0000".into(),
        user_id: Some(user_id),
        effective_on: start.to_string(),
        given_at: Some(format!("{given}T09:00")),
        ..Default::default()
    };
    app.add_roster_person(system, &input)
        .await
        .expect("on the roster");
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> TestApp {
        Self::spawn_with(engine, WebConfig::default()).await
    }

    /// With `config`, relaxed as [`relaxed`] says.
    pub async fn spawn_with(engine: Engine, config: WebConfig) -> TestApp {
        Self::spawn_full(engine, relaxed(config), None).await
    }

    /// Under the contract file `text` instead of the built-in one.
    pub async fn spawn_under(engine: Engine, text: &str) -> TestApp {
        Self::spawn_contract(engine, relaxed(WebConfig::default()), None, Some(text)).await
    }

    /// With `config` exactly: by default the second factor is required of the City's
    /// staff, the lead, the security officer and the administrator, and every account the
    /// harness made changes its password at its first sign-in.
    pub async fn spawn_secure(engine: Engine, config: WebConfig) -> TestApp {
        Self::spawn_full(engine, config, None).await
    }

    /// With `config` exactly and a Prometheus recorder of its own (not the process's).
    pub async fn spawn_secure_with_metrics(engine: Engine, config: WebConfig) -> TestApp {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        Self::spawn_full(engine, config, Some(recorder.handle())).await
    }

    /// With the Prometheus recorder installed (once per test process).
    pub async fn spawn_with_metrics(engine: Engine) -> TestApp {
        let handle = jukiops_web::install_metrics().expect("first recorder of this test process");
        Self::spawn_full(engine, relaxed(WebConfig::default()), Some(handle)).await
    }

    async fn spawn_full(
        engine: Engine,
        config: WebConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> TestApp {
        Self::spawn_contract(engine, config, metrics, None).await
    }

    async fn spawn_contract(
        engine: Engine,
        config: WebConfig,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
        contract: Option<&str>,
    ) -> TestApp {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        let app = match contract {
            None => App::open_builtin(store).await,
            Some(text) => {
                let parsed =
                    jukiops_domain::contract::Contract::parse(text).expect("contract file");
                App::open(store, parsed, text).await
            }
        }
        .expect("contract")
        .with_sealing_key(jukiops_app::second_factor::SealingKey::random());
        let store = app.store().clone();
        let system = Actor::System("test".into());
        // The ward office's staff member works at 中央区 (011011).
        let ward_site: i64 = sqlx::query_scalar("SELECT id FROM sites WHERE code = '011011'")
            .fetch_one(store.pool())
            .await
            .expect("site 011011");
        for role in Role::ALL {
            let input = NewUserInput {
                username: role.as_str().replace('_', "-"),
                display_name: format!("{}テスト", role.label_ja()),
                role: role.as_str().into(),
                password: test_password(role),
                site_id: (role == Role::SiteStaff).then_some(ward_site),
                badge_number: String::new(),
            };
            let user = app.create_user(&system, &input).await.expect("user");
            if matches!(role, Role::ContractorLead | Role::ContractorWorker) {
                put_on_roster(&app, &system, role, user.id).await;
            }
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(app, config, metrics);
        tokio::spawn(async move {
            let app =
                jukiops_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).await.expect("serve");
        });
        TestApp {
            store,
            db,
            base: format!("http://{addr}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar, not signed in.
    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client signed in (session cookie) as the test user of `role`.
    pub async fn client(&self, role: Role) -> reqwest::Client {
        let c = self.anonymous();
        let r = c
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({"username": username(role), "password": test_password(role)}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 200, "login as {role:?}");
        c
    }

    /// The audit entries but the login history (every client's sign-in adds to it).
    /// The id of the test user of `role`.
    pub async fn user_id(&self, role: Role) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE username = $1")
            .bind(username(role))
            .fetch_one(self.store.pool())
            .await
            .expect("user")
    }

    pub async fn audit_count(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_entries WHERE entity <> 'sign_in'")
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }

    /// Every audit entry.
    pub async fn audit_total(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_entries")
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }
}

pub fn username(role: Role) -> String {
    role.as_str().replace('_', "-")
}

/// The `errors[].field` values of a problem response.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

pub fn jukiops_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_jukiops"))
}

/// The TOTP code of `secret` (base32, as the enrolment shows it) for time step `step`.
pub fn totp_at(secret: &str, step: u64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret).expect("base32 secret");
    let totp = totp_rs::Builder::new()
        .with_secret(bytes)
        .build()
        .expect("totp");
    totp.generate(step * 30).to_string()
}

/// The current TOTP time step (30 s).
pub fn now_step() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        / 30
}

/// A code of a time step later than `last` (moved on to it), as an authenticator app
/// gives one: the server accepts a step once, and the steps before and after the current
/// one; when both ahead were used, it waits for the next step.
pub async fn fresh_code(secret: &str, last: &mut u64) -> String {
    loop {
        let now = now_step();
        let step = (*last + 1).max(now);
        if step <= now + 1 {
            *last = step;
            return totp_at(secret, step);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Issues a 作業依頼書 (the City) for `jobs` over the whole FY2020 contract, naming every
/// site of their terminals, and has version 1 of its procedure approved, so that work may
/// be recorded under it (R8). Returns the request's id.
pub async fn request_and_approve(app: &TestApp, jobs: &[i64]) -> i64 {
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let mut sites: Vec<i64> = Vec::new();
    for job in jobs {
        let of_job: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT t.site_id FROM job_terminals jt JOIN terminals t ON t.id = jt.terminal_id \
             WHERE jt.job_id = $1",
        )
        .bind(job)
        .fetch_all(app.store.pool())
        .await
        .expect("sites");
        sites.extend(of_job);
    }
    sites.sort_unstable();
    sites.dedup();
    let send = |c: &reqwest::Client, method: reqwest::Method, path: String, body: Value| {
        let req = c.request(method, app.url(&path)).json(&body);
        async move {
            let r = req.send().await.expect("send");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let number = format!("R2-{}", rand::rng().random::<u32>());
    let body = serde_json::json!({"request_number": number, "issued_on": "2020-10-01",
        "period_from": "2020-10-01", "period_to": "2021-03-31", "site_ids": sites,
        "contents": "試験の作業", "job_ids": jobs, "combination_approved": jobs.len() > 1});
    let (status, d) = send(
        &city,
        reqwest::Method::POST,
        "/api/v1/requests".into(),
        body,
    )
    .await;
    assert_eq!(status, 201, "{d}");
    let request = d["request"]["id"].as_i64().expect("request");
    let steps =
        serde_json::json!({"steps": [{"action": "作業する", "expected_result": "完了する"}]});
    let path = format!("/api/v1/requests/{request}/procedure");
    let (status, d) = send(&lead, reqwest::Method::PUT, path, steps).await;
    assert_eq!(status, 200, "{d}");
    let v = d["procedures"][0]["id"].as_i64().expect("procedure");
    let path = format!("/api/v1/procedures/{v}/submit");
    let (status, d) = send(&lead, reqwest::Method::POST, path, serde_json::json!({})).await;
    assert_eq!(status, 204, "{d}");
    let path = format!("/api/v1/procedures/{v}/decision");
    let verdict = serde_json::json!({"verdict": "approve"});
    let (status, d) = send(&city, reqwest::Method::POST, path, verdict).await;
    assert_eq!(status, 204, "{d}");
    request
}
