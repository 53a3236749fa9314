//! Reading and verifying the audit trail (R8.5).

use std::collections::BTreeSet;

use jukiops_domain::audit::{AuditContext, AuditEntry, BrokenEntry, ChainVerifier, Entity};
use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, choices,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::sql;
use crate::{Page, Store, StoreError};

const COLUMNS: &str = "seq, at, actor, entity, entity_id, action, changes, prev_hash, hash";

fn entry(r: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        action: r.try_get("action")?,
        changes: r.try_get("changes")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Where the chain must end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// An intact chain: how many entries were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub entries: u64,
}

/// The audit trail as a list: newest first, filtered by person, kind of record, action
/// and a date range in Japan time; the search looks in the record's number and the changes.
pub static AUDIT_LIST: ListSpec = ListSpec {
    name: "audit",
    title: "監査記録",
    columns: &[
        Column::sortable("seq", "番号", "seq"),
        Column::sortable("at", "日時", "at").shown_as("at_jst"),
        Column::sortable("actor", "実行者", "actor"),
        Column::sortable("entity", "対象", "entity").shown_as("entity_label"),
        Column::plain("entity_id", "対象の番号"),
        Column::sortable("action", "操作", "action").shown_as("action_label"),
        Column::plain("changes", "変更内容").shown_as("changes_text"),
    ],
    search: &[Searched::code("entity_id"), Searched::text("changes")],
    filters: &[
        Filter {
            key: "actor",
            label: "実行者",
            sql: "actor",
            kind: FilterKind::Token,
        },
        Filter {
            key: "entity",
            label: "対象",
            sql: "entity",
            kind: FilterKind::Choice(choices::<Entity>),
        },
        Filter {
            key: "action",
            label: "操作",
            sql: "action",
            kind: FilterKind::Token,
        },
        Filter {
            key: "from",
            label: "期間(開始日)",
            sql: "at",
            kind: FilterKind::InstantFrom,
        },
        Filter {
            key: "to",
            label: "期間(終了日)",
            sql: "at",
            kind: FilterKind::InstantTo,
        },
    ],
    default_sort: "seq",
    default_desc: true,
    tie_break: "seq",
};

impl Store {
    /// The entries the list tools ask for.
    pub async fn audit_list(&self, req: &ListRequest) -> Result<Page<AuditEntry>, StoreError> {
        self.list_page(COLUMNS, "FROM audit_entries", &[], req, |r| Ok(entry(r)?))
            .await
    }

    /// The people and actions the trail names, for the filters' choices.
    pub async fn audit_choices(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let actors = sqlx::query_scalar("SELECT DISTINCT actor FROM audit_entries ORDER BY actor")
            .fetch_all(&self.pool)
            .await?;
        let actions =
            sqlx::query_scalar("SELECT DISTINCT action FROM audit_entries ORDER BY action")
                .fetch_all(&self.pool)
                .await?;
        Ok((actors, actions))
    }

    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(AuditHead {
            seq: r.try_get("seq")?,
            hash: r.try_get("hash")?,
        })
    }

    /// The history of one entity, oldest first.
    pub async fn audit_for(
        &self,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries WHERE entity = $1 AND entity_id = $2 ORDER BY seq"
        )))
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// The history of 作業依頼書 `id` and of what its page shows: its questions, procedure
    /// versions, work records and reports, oldest first.
    pub async fn audit_for_request(&self, id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let children = [
            ("question", "questions"),
            ("procedure", "procedures"),
            ("work_record", "work_records"),
            ("report", "reports"),
        ]
        .iter()
        .map(|(entity, table)| {
            format!(
                " OR (entity = '{entity}' AND entity_id IN \
                 (SELECT CAST(id AS TEXT) FROM {table} WHERE request_id = $2))"
            )
        })
        .collect::<String>();
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries WHERE (entity = 'work_request' AND entity_id = $1){children} \
             ORDER BY seq"
        )))
        .bind(id.to_string())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// The last `limit` entries of `action` on one entity, newest first.
    pub async fn audit_latest(
        &self,
        entity: &str,
        entity_id: &str,
        action: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries WHERE entity = $1 AND entity_id = $2 \
             AND action = $3 ORDER BY seq DESC LIMIT $4"
        )))
        .bind(entity)
        .bind(entity_id)
        .bind(action)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// What `entries` need to be read in Japanese: every person's name (the register is
    /// small) and, for records without a page of their own among them, the record whose
    /// page shows them (a question, a procedure, a work record and a report: their
    /// 作業依頼書; a password change and an inspection: their job).
    pub async fn audit_context(&self, entries: &[AuditEntry]) -> Result<AuditContext, StoreError> {
        let mut ctx = AuditContext::default();
        let people = sqlx::query("SELECT id, username, display_name FROM users")
            .fetch_all(&self.pool)
            .await?;
        for r in &people {
            let id: i64 = r.try_get("id")?;
            let login: String = r.try_get("username")?;
            let name: String = r.try_get("display_name")?;
            ctx.person(id, &login, &name);
        }
        const PARENTS: [(Entity, &str, &str, Entity); 6] = [
            (
                Entity::Question,
                "questions",
                "request_id",
                Entity::WorkRequest,
            ),
            (
                Entity::Procedure,
                "procedures",
                "request_id",
                Entity::WorkRequest,
            ),
            (
                Entity::WorkRecord,
                "work_records",
                "request_id",
                Entity::WorkRequest,
            ),
            (Entity::Report, "reports", "request_id", Entity::WorkRequest),
            (
                Entity::PasswordRotation,
                "password_rotations",
                "job_id",
                Entity::Job,
            ),
            (Entity::Inspection, "inspections", "job_id", Entity::Job),
        ];
        for (entity, table, column, parent) in PARENTS {
            let ids: BTreeSet<i64> = entries
                .iter()
                .filter(|e| e.entity == entity.as_str())
                .filter_map(|e| e.entity_id.parse().ok())
                .collect();
            if ids.is_empty() {
                continue;
            }
            // The ids are numbers parsed above, so they are written into the statement.
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let rows = sqlx::query(sql(format!(
                "SELECT id, {column} AS parent FROM {table} WHERE id IN ({})",
                list.join(", ")
            )))
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                if let Some(p) = r.try_get::<Option<i64>, _>("parent")? {
                    ctx.parent(entity, &id.to_string(), parent, &p.to_string());
                }
            }
        }
        // The names people know the records by, for the records the entries name.
        const NAMES: [(Entity, &str, &str); 5] = [
            (Entity::Site, "sites", "name"),
            (Entity::Terminal, "terminals", "asset_number"),
            (Entity::WorkRequest, "work_requests", "request_number"),
            (Entity::Job, "jobs", "title"),
            (Entity::Notice, "notices", "jlis_reference"),
        ];
        let named = jukiops_domain::audit::referenced(entries);
        for (entity, table, column) in NAMES {
            let ids: BTreeSet<i64> = named
                .iter()
                .filter(|(e, _)| *e == entity)
                .filter_map(|(_, id)| id.parse().ok())
                .collect();
            if ids.is_empty() {
                continue;
            }
            // Numbers parsed above, written into the statement.
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let rows = sqlx::query(sql(format!(
                "SELECT id, {column} AS name FROM {table} WHERE id IN ({})",
                list.join(", ")
            )))
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                let name: String = r.try_get("name")?;
                ctx.name(entity, &id.to_string(), &name);
            }
        }
        Ok(ctx)
    }

    /// Walks the whole chain in order, in batches hashed on a blocking thread, and stops at
    /// the first bad entry. Batches stay small (1,000 entries, about 0.3 MB) so that the
    /// threads they pass through each keep little heap behind.
    pub async fn verify_audit(&self) -> Result<Result<VerifyReport, BrokenEntry>, StoreError> {
        let head = self.audit_head().await?;
        let mut verifier = ChainVerifier::default();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(sql(format!(
                "SELECT {COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT 1000"
            )))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            let batch: Vec<AuditEntry> = rows.iter().map(entry).collect::<Result<_, _>>()?;
            after = batch.last().map_or(after, |e| e.seq);
            // Hashing 1,000 entries is CPU work: keep it off the async runtime.
            let (back, checked) = tokio::task::spawn_blocking(move || {
                let checked = batch.iter().try_for_each(|e| verifier.check(e));
                (verifier, checked)
            })
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            verifier = back;
            if let Err(broken) = checked {
                return Ok(Err(broken));
            }
        }
        Ok(verifier
            .finish(head.seq, &head.hash)
            .map(|entries| VerifyReport { entries }))
    }
}
