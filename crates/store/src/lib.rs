//! Storage: one sqlx implementation over SQLite and PostgreSQL (the `Any` driver).
//!
//! Reads go through [`Store`]'s methods; every write goes through a [`Change`], begun with the
//! proof that the access table allows it ([`Authorized`], made only by the domain), which
//! runs the writes and appends the audit entry in the same transaction (R8.5). The store
//! loads facts and writes what the domain's rules decided; it judges nothing itself.

mod absences;
mod accounts;
mod approvals;
mod attachments;
mod audit;
mod calendar;
mod chain;
mod change;
mod chart_people;
mod common;
mod constraints;
mod contracts;
mod deliverables;
mod error;
mod inbox;
mod incidents;
mod jobs;
mod list_cache;
mod list_sql;
mod mail;
mod page;
pub mod password;
mod requests;
mod responsible_persons;
mod roster;
mod schedule;
#[cfg(test)]
mod schema;
mod second_factors;
mod site_staff;
mod sites;
mod subcontracts;
mod terminal_list;
mod terminals;
mod touch_panels;
mod users;
mod work_log;
mod writer;

pub use absences::{Absence, WorkTimeSources};
pub use accounts::{ApiToken, LoginAttempt, NewApiToken, Session, Throttle, TokenUse};
pub use approvals::StandIn;
pub use attachments::{Attachment, AttachmentFile};
pub use audit::{AUDIT_LIST, AuditHead, VerifyReport};
pub use calendar::CalendarOverride;
pub use change::Change;
pub use deliverables::{Deliverable, DeliverableSubmission};
pub use error::StoreError;
pub use inbox::{InboxOf, MAX_PER_KIND};
pub use incidents::{FaultLog, FaultLogFile, INCIDENT_LIST, Incident, IncidentEvent, IncidentTask};
pub use jobs::{
    Inspection, InspectionFinding, JOB_LIST, Job, JobDetail, JobFilter, JobInspections, JobRequest,
    JobRotations, JobTerminal, LastRotation, NOTICE_LIST, Notice, NoticeDetail, NoticeFilter,
    Rotation, Waiver,
};
pub use jukiops_domain::people::{Actor, Authorized};
pub use list_sql::{ListWhere, list_where};
pub use mail::MailRecipient;
pub use page::{Page, PageRequest};
pub use requests::{
    AwaitingJob, Procedure, Question, Report, RequestJob, TargetTerminal, UrgentRequest,
    WORK_REQUEST_LIST, WorkRecord, WorkRequest, WorkRequestSummary,
};
pub use responsible_persons::{ChartVersion, DesignationRow, LeadChange};
pub use roster::{LateCount, RosterNotice, RosterNotices, RosterPerson};
pub use schedule::{
    OffHours, PLAN_LIST, Permit, PersonRef, PlanAbout, PlanSummary, Rules, SavedPlan,
    ScheduleFilter, Visit, VisitQuery, VisitTerminal,
};
pub use second_factors::SecondFactorRow;
pub use site_staff::{
    FaultFilter, FaultReport, MySite, Outage, SiteVisit, SiteWorker, VisitSignOff,
};
pub use sites::{SITE_LIST, Site};
pub use subcontracts::Subcontract;
pub use terminal_list::{TERMINAL_LIST, TerminalPageJson};
pub use terminals::{AssetEvent, ImportMode, ImportReport, ImportedRow, Terminal, TerminalPatch};
pub use touch_panels::{TOUCH_PANEL_LIST, TouchPanel};
pub use users::{NewUser, USER_LIST, User, UserPatch};
pub use work_log::{WorkLogEntry, WorkLogFilter};

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
    /// Readers (and, on PostgreSQL, writers too).
    pool: AnyPool,
    engine: Engine,
    writer: writer::Writer,
    /// Terminal list pages, valid while the audit head stays put.
    list_cache: list_cache::ListCache,
    /// The contract year whose records this store reads and writes ([`Store::scoped`]);
    /// `None` for the work that outlives a year only (people, inventory, audit).
    contract_id: Option<i64>,
    /// Lives as long as some clone of this store: background tasks stop when it is gone.
    _alive: std::sync::Arc<()>,
}

/// SQLite settings of every connection: WAL (readers never wait for the writer), foreign
/// keys, a wait for another process's writer, commits without `fsync` (checkpoints sync).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024;";
/// The writing connection also keeps a larger cache (its own commits leave it valid) and
/// leaves checkpoints to the background task.
const SQLITE_WRITER_PRAGMAS: &str = "PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 0;";

impl Store {
    /// Connects to `sqlite://PATH` (created when missing) or `postgres://...`. On SQLite,
    /// `max_connections` readers and one writer; on PostgreSQL, `max_connections` shared.
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
        let alive = std::sync::Arc::new(());
        let (pool, writer) = match engine {
            Engine::Sqlite => {
                // The writer first: it creates the file and switches it to WAL.
                let writes = sqlite_pool(1, &[SQLITE_PRAGMAS, SQLITE_WRITER_PRAGMAS])
                    .connect(&url)
                    .await?;
                let reads = sqlite_pool(max_connections, &[SQLITE_PRAGMAS])
                    .connect(&url)
                    .await?;
                let writer = writer::Writer::single(
                    writes,
                    reads.clone(),
                    std::sync::Arc::downgrade(&alive),
                );
                (reads, writer)
            }
            Engine::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&url)
                    .await?;
                (pool.clone(), writer::Writer::shared(pool))
            }
        };
        Ok(Store {
            pool,
            engine,
            writer,
            list_cache: list_cache::ListCache::default(),
            contract_id: None,
            _alive: alive,
        })
    }

    /// The same database, reading and writing the records of contract `id` (R1.2).
    pub fn scoped(&self, contract_id: i64) -> Store {
        Store {
            contract_id: Some(contract_id),
            ..self.clone()
        }
    }

    /// The contract year this store works in; an error when it was not scoped, so that no
    /// record of a year is written or listed without one.
    pub fn contract_id(&self) -> Result<i64, StoreError> {
        self.contract_id.ok_or(StoreError::Unscoped)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Applies the engine's migrations (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(self.writer.pool()).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(self.writer.pool()).await?,
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
        self.writer.pool().close().await;
    }
}

/// Connections to open when the operator does not say: SQLite reads run on this machine's
/// cores, so 2 per core keep them busy without the memory and switching of more; a
/// PostgreSQL server works for several app servers and waits on its disk, so 16.
pub fn default_pool_size(database_url: &str) -> u32 {
    if database_url.starts_with("sqlite:") {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        u32::try_from(cores * 2).unwrap_or(16).clamp(2, 16)
    } else {
        16
    }
}

/// A SQLite pool whose connections run `pragmas` when opened.
fn sqlite_pool(max_connections: u32, pragmas: &'static [&'static str]) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                for p in pragmas {
                    conn.execute(*p).await?;
                }
                Ok(())
            })
        })
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
