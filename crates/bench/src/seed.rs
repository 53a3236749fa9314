//! Bulk seeding straight through the pool: multi-row INSERTs with bind parameters in big
//! transactions (never through the HTTP API), and an audit trail that forms a valid chain.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;
use jukiops_domain::audit::{GENESIS_HASH, entry_hash};
use jukiops_domain::time::to_db;
use jukiops_store::{Engine, Store};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// How many rows go into one statement and into one transaction.
#[derive(Debug, Clone, Copy)]
struct Batching {
    /// Rows per INSERT statement (bounded by the bind-parameter limit of the engine).
    rows_per_statement: usize,
    /// Rows per transaction.
    rows_per_tx: usize,
}

/// SQLite (bundled, limit 32,766 parameters): 2,500 rows x 9 columns per statement,
/// one transaction per 5,000 rows.
const SQLITE: Batching = Batching {
    rows_per_statement: 2_500,
    rows_per_tx: 5_000,
};
/// PostgreSQL (limit 65,535 parameters): 5,000 rows x 9 columns = 45,000 per statement,
/// one transaction per 50,000 rows.
const POSTGRES: Batching = Batching {
    rows_per_statement: 5_000,
    rows_per_tx: 50_000,
};

fn batching(engine: Engine, columns: usize) -> Batching {
    let b = match engine {
        Engine::Sqlite => SQLITE,
        Engine::Postgres => POSTGRES,
    };
    let limit = match engine {
        Engine::Sqlite => 32_766,
        Engine::Postgres => 65_535,
    };
    let rows_per_statement = b.rows_per_statement.min(limit / columns);
    Batching {
        rows_per_statement,
        rows_per_tx: b.rows_per_tx.max(rows_per_statement),
    }
}

/// `INSERT INTO table (cols) VALUES ($1, ..), (..)` for `rows` rows; on SQLite with
/// anonymous `?` placeholders instead: SQLite keeps named parameters (`$N`) in a list it
/// scans linearly, on parsing and in `sqlite3_bind_parameter_name`, which makes binding
/// thousands of `$N` parameters quadratic (measured: ~3,000 rows/s instead of >100,000).
fn insert_sql(engine: Engine, table: &str, columns: &[&str], rows: usize) -> Arc<str> {
    let mut s = String::with_capacity(64 + rows * columns.len() * 8);
    let _ = write!(s, "INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                s.push(',');
            }
            match engine {
                Engine::Sqlite => s.push('?'),
                Engine::Postgres => {
                    let _ = write!(s, "${n}");
                }
            }
            n += 1;
        }
        s.push(')');
    }
    s.into()
}

/// One value of a seeded row.
#[derive(Debug, Clone)]
enum Val {
    I(i64),
    F(f64),
    S(String),
}

fn bind_all<'q>(
    mut q: Query<'q, sqlx::Any, AnyArguments>,
    vals: Vec<Val>,
) -> Query<'q, sqlx::Any, AnyArguments> {
    for v in vals {
        q = match v {
            Val::I(i) => q.bind(i),
            Val::F(f) => q.bind(f),
            Val::S(s) => q.bind(s),
        };
    }
    q
}

/// Inserts `rows` (each `columns.len()` values) in statements and transactions of the
/// engine's batching.
async fn insert_rows(
    store: &Store,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<()> {
    let b = batching(store.engine(), columns.len());
    let full_sql = insert_sql(store.engine(), table, columns, b.rows_per_statement);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut tx = store.pool().begin().await?;
        let mut in_tx = 0;
        while in_tx < b.rows_per_tx && rows.peek().is_some() {
            let chunk: Vec<Vec<Val>> = rows.by_ref().take(b.rows_per_statement).collect();
            let sql = if chunk.len() == b.rows_per_statement {
                full_sql.clone()
            } else {
                insert_sql(store.engine(), table, columns, chunk.len())
            };
            in_tx += chunk.len();
            let vals: Vec<Val> = chunk.into_iter().flatten().collect();
            bind_all(sqlx::query(AssertSqlSafe(sql)), vals)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("insert into {table}"))?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// What seeding produced and how long each part took.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Seeded {
    pub site_codes: Vec<String>,
    pub terminal_ids: (i64, i64),
    pub sites_time: Duration,
    pub terminals_time: Duration,
    pub audit_time: Duration,
    /// Part of `audit_time`: building the secondary index of the audit trail at the end.
    pub index_time: Duration,
    /// SQLite: WAL checkpoint; PostgreSQL: VACUUM ANALYZE of the seeded tables.
    pub housekeeping: (String, Duration),
    pub total_time: Duration,
    pub audit_head: (i64, String),
}

const MODELS: [&str; 3] = ["FMV-D588", "FMV-D6380", "ESPRIMO D7012"];
const WARDS: [&str; 10] = [
    "中央区",
    "北区",
    "東区",
    "白石区",
    "厚別区",
    "豊平区",
    "清田区",
    "南区",
    "西区",
    "手稲区",
];

pub async fn seed(
    store: &Store,
    sites: usize,
    terminals: usize,
    audit_entries: usize,
) -> Result<Seeded> {
    let started = Instant::now();
    let now = to_db(Utc::now());
    if store.engine() == Engine::Sqlite {
        // Only on the seeding connection (closed before the server starts): no fsync at each
        // commit and WAL checkpoint. Measured: commits took 40% of the seeding time.
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(store.pool())
            .await?;
    }

    // Sites.
    let t = Instant::now();
    let site_codes: Vec<String> = (1..=sites).map(|i| format!("S{i:05}")).collect();
    let rows = site_codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let ward = WARDS[i % WARDS.len()];
            vec![
                Val::S(code.clone()),
                Val::S(format!("{ward}第{}拠点", i + 1)),
                Val::S(format!("060-{:04}", i % 10_000)),
                Val::S(format!(
                    "札幌市{ward}北{}条西{}丁目",
                    i % 30 + 1,
                    i % 20 + 1
                )),
                Val::F(43.0 + (i as f64) * 0.0001),
                Val::F(141.3 + (i as f64) * 0.0001),
                Val::I(i64::from(i % 7 == 0)),
                Val::S(now.clone()),
                Val::S(now.clone()),
            ]
        })
        .collect();
    insert_rows(
        store,
        "sites",
        &[
            "code",
            "name",
            "postal_code",
            "address",
            "lat",
            "lon",
            "needs_entry_permit",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    let site_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM sites ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    anyhow::ensure!(site_ids.len() == sites, "seeded {} sites", site_ids.len());
    let sites_time = t.elapsed();

    // Terminals, spread over the sites.
    let t = Instant::now();
    let rows = (1..=terminals)
        .map(|i| {
            vec![
                Val::S(format!("T{i:06}")),
                Val::S(format!("SN{i:08}")),
                Val::S(MODELS[i % MODELS.len()].to_string()),
                Val::I(site_ids[i % site_ids.len()]),
                Val::S(format!("窓口{}", i % 5 + 1)),
                Val::S("北海道リース株式会社".to_string()),
                Val::S("2020-10-01".to_string()),
                Val::S("2025-09-30".to_string()),
                Val::S("in_service".to_string()),
                Val::S(now.clone()),
                Val::S(now.clone()),
            ]
        })
        .collect();
    insert_rows(
        store,
        "terminals",
        &[
            "asset_number",
            "serial",
            "model",
            "site_id",
            "room",
            "lessor",
            "lease_start",
            "lease_end",
            "status",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    let (lo, hi, n): (Option<i64>, Option<i64>, i64) = {
        let r = sqlx::query_as::<_, (Option<i64>, Option<i64>, i64)>(
            "SELECT MIN(id), MAX(id), COUNT(*) FROM terminals",
        )
        .fetch_one(store.pool())
        .await?;
        (r.0, r.1, r.2)
    };
    anyhow::ensure!(n as usize == terminals, "seeded {n} terminals");
    let terminal_ids = (lo.unwrap_or(0), hi.unwrap_or(0));
    let terminals_time = t.elapsed();

    // The audit trail.
    let t = Instant::now();
    let (audit_head, index_time) = seed_audit(store, sites, terminals, audit_entries).await?;
    let audit_time = t.elapsed();

    let t = Instant::now();
    let housekeeping = match store.engine() {
        Engine::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await?;
            "WAL checkpoint"
        }
        Engine::Postgres => {
            sqlx::query("VACUUM ANALYZE sites, terminals, audit_entries, audit_head")
                .execute(store.pool())
                .await?;
            "VACUUM ANALYZE"
        }
    };
    let housekeeping = (housekeeping.to_string(), t.elapsed());

    Ok(Seeded {
        site_codes,
        terminal_ids,
        sites_time,
        terminals_time,
        audit_time,
        index_time,
        housekeeping,
        total_time: started.elapsed(),
        audit_head,
    })
}

/// One audit row: seq, at, actor, entity, entity_id, action, changes, prev_hash, hash.
type AuditBatch = Vec<Vec<Val>>;

/// Secondary indexes of `table` (not those behind a primary key or unique constraint):
/// name and the statement that creates it, as the migrations made it.
async fn secondary_indexes(store: &Store, table: &str) -> Result<Vec<(String, String)>> {
    let sql = match store.engine() {
        Engine::Sqlite => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL"
        }
        Engine::Postgres => {
            "SELECT i.indexname::text, i.indexdef::text FROM pg_indexes i \
             WHERE i.schemaname = current_schema() AND i.tablename = $1 \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        }
    };
    Ok(sqlx::query_as::<_, (String, String)>(sql)
        .bind(table)
        .fetch_all(store.pool())
        .await?)
}

/// Writes the audit trail: its secondary index is dropped first and built again at the end
/// from the definition read from the catalogue (sorting once instead of inserting a million
/// keys in random order). Returns the head, and how long the index took to build.
async fn seed_audit(
    store: &Store,
    sites: usize,
    terminals: usize,
    total: usize,
) -> Result<((i64, String), Duration)> {
    let indexes = secondary_indexes(store, "audit_entries").await?;
    for (name, _) in &indexes {
        sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}")))
            .execute(store.pool())
            .await?;
    }
    let head = insert_audit(store, sites, terminals, total).await;
    let t = Instant::now();
    for (_, create) in &indexes {
        sqlx::query(AssertSqlSafe(create.clone()))
            .execute(store.pool())
            .await
            .with_context(|| format!("recreate index: {create}"))?;
    }
    let rebuilt = secondary_indexes(store, "audit_entries").await?;
    anyhow::ensure!(
        rebuilt.len() == indexes.len(),
        "audit_entries has {} secondary indexes after seeding, {} before",
        rebuilt.len(),
        indexes.len()
    );
    Ok((head?, t.elapsed()))
}

/// Builds the chain on a thread of its own (SHA-256 per entry) while the batches before
/// are being written; returns the head (last seq and hash) it set.
async fn insert_audit(
    store: &Store,
    sites: usize,
    terminals: usize,
    total: usize,
) -> Result<(i64, String)> {
    const COLUMNS: [&str; 9] = [
        "seq",
        "at",
        "actor",
        "entity",
        "entity_id",
        "action",
        "changes",
        "prev_hash",
        "hash",
    ];
    let b = batching(store.engine(), COLUMNS.len());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<AuditBatch>(4);
    let batch_rows = b.rows_per_statement;
    let producer = std::thread::spawn(move || -> (i64, String) {
        let start = Utc::now() - chrono::Duration::seconds(total as i64 * 30);
        let mut prev = GENESIS_HASH.to_string();
        let mut batch: AuditBatch = Vec::with_capacity(batch_rows);
        let mut last_seq = 0i64;
        for i in 1..=total {
            let seq = i as i64;
            let at = to_db(start + chrono::Duration::seconds(seq * 30));
            let (actor, entity, entity_id, action, changes) = if i <= sites {
                (
                    "cli:bench".to_string(),
                    "site",
                    i.to_string(),
                    "create",
                    format!(
                        r#"{{"code":{{"after":"S{i:05}","before":null}},"name":{{"after":"拠点{i}","before":null}}}}"#
                    ),
                )
            } else if i <= sites + terminals {
                let n = i - sites;
                (
                    "bench-lead".to_string(),
                    "terminal",
                    n.to_string(),
                    "create",
                    format!(
                        r#"{{"asset_number":{{"after":"T{n:06}","before":null}},"model":{{"after":"{}","before":null}},"serial":{{"after":"SN{n:08}","before":null}},"site_code":{{"after":"S{:05}","before":null}},"status":{{"after":"in_service","before":null}}}}"#,
                        MODELS[n % MODELS.len()],
                        n % sites.max(1) + 1
                    ),
                )
            } else {
                let id = (i * 7919) % terminals.max(1) + 1;
                let (before, after) = if i % 2 == 0 {
                    ("in_service", "under_repair")
                } else {
                    ("under_repair", "in_service")
                };
                (
                    format!("worker{:02}", i % 20),
                    "terminal",
                    id.to_string(),
                    "update",
                    format!(r#"{{"status":{{"after":"{after}","before":"{before}"}}}}"#),
                )
            };
            let hash = entry_hash(
                &prev, seq, &at, &actor, entity, &entity_id, action, &changes,
            );
            batch.push(vec![
                Val::I(seq),
                Val::S(at),
                Val::S(actor),
                Val::S(entity.to_string()),
                Val::S(entity_id),
                Val::S(action.to_string()),
                Val::S(changes),
                Val::S(std::mem::replace(&mut prev, hash.clone())),
                Val::S(hash),
            ]);
            last_seq = seq;
            if batch.len() == batch_rows {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_rows));
                if tx.blocking_send(full).is_err() {
                    return (last_seq, prev);
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        (last_seq, prev)
    });

    let full_sql = insert_sql(store.engine(), "audit_entries", &COLUMNS, batch_rows);
    let mut open: Option<sqlx::Transaction<'static, sqlx::Any>> = None;
    let mut in_tx = 0;
    while let Some(chunk) = rx.recv().await {
        let t = match &mut open {
            Some(t) => t,
            None => open.insert(store.pool().begin().await?),
        };
        let sql = if chunk.len() == batch_rows {
            full_sql.clone()
        } else {
            insert_sql(store.engine(), "audit_entries", &COLUMNS, chunk.len())
        };
        in_tx += chunk.len();
        let vals: Vec<Val> = chunk.into_iter().flatten().collect();
        bind_all(sqlx::query(AssertSqlSafe(sql)), vals)
            .execute(&mut **t)
            .await
            .context("insert into audit_entries")?;
        if in_tx >= b.rows_per_tx
            && let Some(t) = open.take()
        {
            t.commit().await?;
            in_tx = 0;
        }
    }
    let (seq, hash) = producer
        .join()
        .map_err(|_| anyhow::anyhow!("audit chain thread panicked"))?;
    let mut t = match open.take() {
        Some(t) => t,
        None => store.pool().begin().await?,
    };
    // Forward only (a trigger refuses moving it back); the head must end where the chain ends.
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash.clone())
        .execute(&mut *t)
        .await?;
    t.commit().await?;
    Ok((seq, hash))
}
