//! Storage: one sqlx implementation over SQLite and PostgreSQL (the `Any` driver).
//!
//! Reads go through [`Store`]'s methods; every write goes through a [`Change`], the one place
//! that checks the actor's role, runs the writes and appends the audit entry in the same
//! transaction (R8.5).

mod attachments;
mod audit;
mod calendar;
mod change;
mod common;
mod error;
mod jobs;
mod list_cache;
mod page;
pub mod password;
mod people;
mod requests;
mod schedule;
mod sessions;
mod sites;
mod terminal_list;
mod terminals;
mod touch_panels;

pub use attachments::{Attachment, AttachmentFile, attach_action};
pub use audit::{AuditHead, VerifyReport};
pub use calendar::CalendarOverride;
pub use change::{Actor, Change};
pub use error::StoreError;
pub use jobs::{
    Inspection, InspectionFinding, Job, JobDetail, JobFilter, JobInspections, JobRotations,
    JobTerminal, LastRotation, Notice, NoticeDetail, NoticeFilter, Rotation, Waiver, job_action,
};
pub use page::{Page, PageRequest};
pub use people::{NewUser, User, UserPatch};
pub use requests::{
    Procedure, Question, Report, RequestJob, TargetTerminal, WorkRecord, WorkRequest,
    WorkRequestSummary,
};
pub use schedule::{
    OffHours, Permit, PersonRef, PlanAbout, PlanSummary, Rules, SavedPlan, ScheduleFilter, Visit,
    VisitQuery, VisitTerminal,
};
pub use sessions::{ApiToken, NewApiToken, Throttle};
pub use sites::Site;
pub use terminal_list::TerminalPageJson;
pub use terminals::{AssetEvent, ImportReport, Terminal, TerminalFilter, TerminalPatch};
pub use touch_panels::TouchPanel;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The database behind jukiops.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time: writers of this process queue here, first come
    /// first served, instead of polling the file lock with `busy_timeout` back-off.
    writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// Terminal list pages, valid while the audit head stays put.
    list_cache: list_cache::ListCache,
}

impl Store {
    /// Connects to `sqlite://PATH` (created when missing) or `postgres://...`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "データベースURLは sqlite:// または postgres:// で始めてください: {}",
                redact_url(url)
            )));
        };
        let url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let writer =
            (engine == Engine::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        Ok(Store {
            pool,
            engine,
            writer,
            list_cache: list_cache::ListCache::default(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Applies the engine's migrations (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// For tests and the benchmark: raw access to the pool. Application code writes through
    /// [`Change`] only.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Cheap liveness check for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// SQLite online backup into `dest` (`VACUUM INTO`, consistent while the server runs).
    pub async fn backup_sqlite(&self, dest: &std::path::Path) -> Result<(), StoreError> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Config(
                "PostgreSQL のバックアップは pg_dump を使用してください(例: pg_dump -Fc jukiops > jukiops.dump)。".into(),
            ));
        }
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "バックアップ先 {} は既に存在します。",
                dest.display()
            )));
        }
        let path = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("バックアップ先のパスが不正です。".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Hides the password of a database URL for logs and messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Marks SQL built from this crate's own constant fragments (column lists, placeholders)
/// as safe; user input is always bound, never formatted in.
pub(crate) fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}
