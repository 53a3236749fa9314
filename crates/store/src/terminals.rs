//! Integrated terminals (統合端末) and the history of every asset (R4.2, R9.3).

use jukiops_domain::audit::{AuditAction, Entity, diff};
use jukiops_domain::inventory::{
    AssetEventKind, AssetKind, AssetStatus, TerminalBefore, TerminalClash, TerminalDraft, csv,
    installed_detail, judge_terminal, terminal_events,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::{FieldError, FieldErrors};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::sql;
use crate::{Change, Engine, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Terminal {
    pub id: i64,
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub site_id: i64,
    pub site_code: String,
    pub site_name: String,
    pub room: Option<String>,
    pub lessor: Option<String>,
    pub lease_start: Option<String>,
    pub lease_end: Option<String>,
    pub status: AssetStatus,
    pub touch_panel_id: Option<i64>,
    pub touch_panel_asset_number: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Terminal {
    /// The fields a person edits, as recorded in the audit trail.
    fn snapshot(&self) -> Value {
        json!({"asset_number": self.asset_number, "serial": self.serial, "model": self.model,
            "site_code": self.site_code, "room": self.room, "lessor": self.lessor,
            "lease_start": self.lease_start, "lease_end": self.lease_end, "status": self.status.as_str()})
    }
}

fn draft_snapshot(d: &TerminalDraft) -> Value {
    json!({"asset_number": d.asset_number, "serial": d.serial, "model": d.model,
        "site_code": d.site_code, "room": d.room, "lessor": d.lessor,
        "lease_start": d.lease_start.map(|x| x.to_string()), "lease_end": d.lease_end.map(|x| x.to_string()),
        "status": d.status.as_str()})
}

/// One entry of an asset's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssetEvent {
    pub id: i64,
    pub kind: AssetEventKind,
    pub at: String,
    pub actor: String,
    pub site_name: Option<String>,
    pub room: Option<String>,
    pub detail: String,
}

/// What an import did, or in a preview would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Each row of the file with what it does.
    pub rows: Vec<ImportedRow>,
}

/// One row of an import: its line in the file, its terminal and what it does to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportedRow {
    pub row: usize,
    pub asset_number: String,
    /// `created`, `updated` or `unchanged`.
    pub outcome: String,
    /// 新規, 更新 or 変更なし.
    pub outcome_label: String,
}

/// Whether an import is written or only tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Every row checked and written as the import would, then rolled back: what it would do.
    Preview,
    /// Written, in one transaction with its audit entry.
    Apply,
}

/// Changes to a terminal; only its own fields (touch panels have their own operations).
pub type TerminalPatch = TerminalDraft;

const COLUMNS: &str = "t.id, t.asset_number, t.serial, t.model, t.site_id, s.code AS site_code, s.name AS site_name, \
    t.room, t.lessor, t.lease_start, t.lease_end, t.status, p.id AS touch_panel_id, \
    p.asset_number AS touch_panel_asset_number, t.created_at, t.updated_at \
    FROM terminals t JOIN sites s ON s.id = t.site_id LEFT JOIN touch_panels p ON p.terminal_id = t.id";

fn terminal_row(r: &AnyRow) -> Result<Terminal, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(Terminal {
        id: r.try_get("id")?,
        asset_number: r.try_get("asset_number")?,
        serial: r.try_get("serial")?,
        model: r.try_get("model")?,
        site_id: r.try_get("site_id")?,
        site_code: r.try_get("site_code")?,
        site_name: r.try_get("site_name")?,
        room: r.try_get("room")?,
        lessor: r.try_get("lessor")?,
        lease_start: r.try_get("lease_start")?,
        lease_end: r.try_get("lease_end")?,
        status: AssetStatus::decode(&status).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        touch_panel_id: r.try_get("touch_panel_id")?,
        touch_panel_asset_number: r.try_get("touch_panel_asset_number")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Every terminal, for the CSV export.
    pub async fn all_terminals(&self) -> Result<Vec<Terminal>, StoreError> {
        let rows = sqlx::query(sql(format!("SELECT {COLUMNS} ORDER BY t.asset_number")))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(terminal_row).collect::<Result<_, _>>()?)
    }

    pub async fn terminal(&self, id: i64) -> Result<Terminal, StoreError> {
        let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE t.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Terminal))?;
        Ok(terminal_row(&r)?)
    }

    pub async fn create_terminal(
        &self,
        who: &Authorized,
        d: TerminalDraft,
    ) -> Result<Terminal, StoreError> {
        // Checked on a reader before the turn to write, so that SQLite's one writer waits
        // for one statement fewer. A duplicate committed in between fails on the unique
        // index, whose refusal names the field (constraints.rs); checked again then, the
        // message is the same as for a duplicate seen before writing.
        let site = check_terminal(&mut *self.pool.acquire().await?, &d, None).await?;
        let mut ch = self.begin(who).await?;
        let saved = match write_terminal(&mut ch, None, &d, site).await {
            Err(e) if e.is_unique_violation() => {
                drop(ch);
                check_terminal(&mut *self.pool.acquire().await?, &d, None).await?;
                return Err(e);
            }
            other => other?,
        };
        let now = ch.now().to_string();
        ch.commit().await?;
        // A new terminal has no touch panel yet: no need to read it back.
        Ok(Terminal {
            id: saved.id,
            asset_number: d.asset_number,
            serial: d.serial,
            model: d.model,
            site_id: saved.site_id,
            site_code: d.site_code,
            site_name: saved.site_name,
            room: d.room,
            lessor: d.lessor,
            lease_start: d.lease_start.map(|x| x.to_string()),
            lease_end: d.lease_end.map(|x| x.to_string()),
            status: d.status,
            touch_panel_id: None,
            touch_panel_asset_number: None,
            created_at: now.clone(),
            updated_at: now,
        })
    }

    pub async fn update_terminal(
        &self,
        who: &Authorized,
        id: i64,
        d: TerminalPatch,
    ) -> Result<Terminal, StoreError> {
        let mut ch = self.begin(who).await?;
        let before = terminal_in(&mut ch, id).await?;
        if save_terminal(&mut ch, Some(&before), &d).await?.outcome == Saved::Unchanged {
            return Ok(before);
        }
        ch.commit().await?;
        self.terminal(id).await
    }

    /// Imports checked CSV rows in one transaction: new asset numbers are created, known
    /// ones updated. Any bad row aborts the whole import and every error is reported.
    pub async fn import_terminals(
        &self,
        who: &Authorized,
        rows: &[(usize, TerminalDraft)],
        mode: ImportMode,
    ) -> Result<ImportReport, StoreError> {
        let mut ch = self.begin(who).await?;
        let mut report = ImportReport {
            created: 0,
            updated: 0,
            unchanged: 0,
            rows: Vec::with_capacity(rows.len()),
        };
        let mut errors = FieldErrors::default();
        for (row, d) in rows {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM terminals WHERE asset_number = $1")
                    .bind(&d.asset_number)
                    .fetch_optional(ch.conn())
                    .await?;
            let before = match existing {
                Some(id) => Some(terminal_in(&mut ch, id).await?),
                None => None,
            };
            let outcome = save_terminal(&mut ch, before.as_ref(), d)
                .await
                .map(|s| s.outcome);
            let (code, label) = match &outcome {
                Ok(Saved::Created) => ("created", "新規"),
                Ok(Saved::Updated) => ("updated", "更新"),
                _ => ("unchanged", "変更なし"),
            };
            if outcome.is_ok() {
                report.rows.push(ImportedRow {
                    row: *row,
                    asset_number: d.asset_number.clone(),
                    outcome: code.into(),
                    outcome_label: label.into(),
                });
            }
            match outcome {
                Ok(Saved::Created) => report.created += 1,
                Ok(Saved::Updated) => report.updated += 1,
                Ok(Saved::Unchanged) => report.unchanged += 1,
                Err(StoreError::Invalid(es)) => errors
                    .0
                    .extend(es.0.into_iter().map(|e| csv::at_row(*row, e))),
                Err(StoreError::Conflict { field, message }) => errors
                    .0
                    .push(csv::at_row(*row, FieldError::new(field, message))),
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        if mode == ImportMode::Apply && report.created + report.updated > 0 {
            ch.audit(
                Entity::TerminalImport,
                "csv",
                AuditAction::Import,
                &json!({"created": report.created, "updated": report.updated}),
            );
            ch.commit().await?;
        }
        // A preview ends here: the transaction is dropped, so nothing it wrote stays.
        Ok(report)
    }

    /// An asset's history, oldest first.
    pub async fn asset_events(
        &self,
        kind: AssetKind,
        id: i64,
    ) -> Result<Vec<AssetEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.kind, e.at, e.actor, s.name AS site_name, e.room, e.detail FROM asset_events e \
             LEFT JOIN sites s ON s.id = e.site_id WHERE e.asset_kind = $1 AND e.asset_id = $2 ORDER BY e.id",
        )
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(AssetEvent {
                    id: r.try_get("id")?,
                    kind: AssetEventKind::decode(&kind)?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    site_name: r.try_get("site_name")?,
                    room: r.try_get("room")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    Created,
    Updated,
    Unchanged,
}

pub(crate) async fn terminal_in(ch: &mut Change, id: i64) -> Result<Terminal, StoreError> {
    let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE t.id = $1")))
        .bind(id)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Terminal))?;
    Ok(terminal_row(&r)?)
}

/// What [`save_terminal`] did, with the site it resolved.
#[derive(Debug)]
pub(crate) struct SavedTerminal {
    pub(crate) id: i64,
    outcome: Saved,
    site_id: i64,
    site_name: String,
}

/// Checks and writes a terminal (new when `before` is `None`), its history events and audit
/// entry.
pub(crate) async fn save_terminal(
    ch: &mut Change,
    before: Option<&Terminal>,
    d: &TerminalDraft,
) -> Result<SavedTerminal, StoreError> {
    let site = check_terminal(ch.conn(), d, before.map(|b| b.id)).await?;
    write_terminal(ch, before, d, site).await
}

/// The site a draft names (id, name), found together with both uniqueness checks in one
/// round trip; `self_id` is the terminal being edited, if any.
async fn check_terminal(
    conn: &mut AnyConnection,
    d: &TerminalDraft,
    self_id: Option<i64>,
) -> Result<(i64, String), StoreError> {
    let check = sqlx::query(
        "SELECT (SELECT id FROM sites WHERE code = $1) AS site_id, (SELECT name FROM sites WHERE code = $1) AS site_name, \
         (SELECT asset_number FROM terminals WHERE asset_number = $2 AND id <> $4) AS same_asset, \
         (SELECT asset_number FROM terminals WHERE serial = $3 AND id <> $4) AS same_serial",
    )
    .bind(&d.site_code)
    .bind(&d.asset_number)
    .bind(&d.serial)
    .bind(self_id.unwrap_or(0))
    .fetch_one(conn)
    .await?;
    let clash = TerminalClash {
        site: match (
            check.try_get::<Option<i64>, _>("site_id")?,
            check.try_get::<Option<String>, _>("site_name")?,
        ) {
            (Some(id), Some(name)) => Some((id, name)),
            _ => None,
        },
        same_asset: check.try_get("same_asset")?,
        same_serial: check.try_get("same_serial")?,
    };
    Ok(judge_terminal(d, clash)?)
}

/// Writes a checked terminal, its history events and audit entry.
async fn write_terminal(
    ch: &mut Change,
    before: Option<&Terminal>,
    d: &TerminalDraft,
    (site_id, site_name): (i64, String),
) -> Result<SavedTerminal, StoreError> {
    let self_id = before.map(|b| b.id).unwrap_or(0);
    let after = draft_snapshot(d);
    let changes = diff(
        &before.map(Terminal::snapshot).unwrap_or(Value::Null),
        &after,
    );
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(SavedTerminal {
            id: self_id,
            outcome: Saved::Unchanged,
            site_id,
            site_name,
        });
    }
    let now = ch.now().to_string();
    let dates = (
        d.lease_start.map(|x| x.to_string()),
        d.lease_end.map(|x| x.to_string()),
    );
    let id = match before {
        None => insert_installed(ch, d, site_id, &dates, &now).await?,
        Some(b) => {
            let update = sqlx::query(
                "UPDATE terminals SET asset_number = $1, serial = $2, model = $3, site_id = $4, room = $5, lessor = $6, \
                 lease_start = $7, lease_end = $8, status = $9, updated_at = $10 WHERE id = $11",
            );
            bind_columns(update, d, site_id, &dates, &now)
                .bind(b.id)
                .execute(ch.conn())
                .await?;
            let before = TerminalBefore {
                site_name: b.site_name.clone(),
                room: b.room.clone(),
                status: b.status,
            };
            let changed: Vec<&str> = changes
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for (kind, detail) in terminal_events(&before, d.status, &changed) {
                let room = d.room.as_deref();
                record_event(
                    ch,
                    AssetKind::Terminal,
                    b.id,
                    kind,
                    Some(site_id),
                    room,
                    &detail,
                )
                .await?;
            }
            b.id
        }
    };
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    ch.audit(Entity::Terminal, id, action, &changes);
    let outcome = if before.is_some() {
        Saved::Updated
    } else {
        Saved::Created
    };
    Ok(SavedTerminal {
        id,
        outcome,
        site_id,
        site_name,
    })
}

/// Inserts a new terminal and its `installed` event in one round trip: a data-modifying CTE
/// on PostgreSQL; on SQLite two statements in one query, which binds `$N` by number in each.
async fn insert_installed(
    ch: &mut Change,
    d: &TerminalDraft,
    site_id: i64,
    dates: &(Option<String>, Option<String>),
    now: &str,
) -> Result<i64, StoreError> {
    const TERMINAL: &str = "INSERT INTO terminals (asset_number, serial, model, site_id, room, lessor, lease_start, lease_end, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
    const EVENT: &str =
        "INSERT INTO asset_events (asset_kind, asset_id, kind, at, actor, site_id, room, detail)";
    let text = match ch.engine() {
        Engine::Postgres => format!(
            "WITH t AS ({TERMINAL}), e AS ({EVENT} SELECT $11, id, $12, $10, $13, $4, $5, $14 FROM t) SELECT id FROM t"
        ),
        Engine::Sqlite => format!(
            "{TERMINAL}; {EVENT} VALUES ($11, last_insert_rowid(), $12, $10, $13, $4, $5, $14)"
        ),
    };
    let actor = ch.actor().to_string();
    let rows = bind_columns(sqlx::query(sql(text)), d, site_id, dates, now)
        .bind(AssetKind::Terminal.as_str())
        .bind(AssetEventKind::Installed.as_str())
        .bind(&actor)
        .bind(installed_detail(&d.site_code))
        .fetch_all(ch.conn())
        .await?;
    let row = rows.first().ok_or(StoreError::NotFound(Entity::Terminal))?;
    Ok(row.try_get(0)?)
}

/// Binds a terminal's columns as `$1`..`$10`, the last the instant of the change.
fn bind_columns<'q>(
    q: AnyQuery<'q>,
    d: &'q TerminalDraft,
    site_id: i64,
    (lease_start, lease_end): &'q (Option<String>, Option<String>),
    now: &'q str,
) -> AnyQuery<'q> {
    q.bind(&d.asset_number)
        .bind(&d.serial)
        .bind(&d.model)
        .bind(site_id)
        .bind(d.room.as_deref())
        .bind(d.lessor.as_deref())
        .bind(lease_start.as_deref())
        .bind(lease_end.as_deref())
        .bind(d.status.as_str())
        .bind(now)
}

/// A query on either engine.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

pub(crate) async fn record_event(
    ch: &mut Change,
    kind: AssetKind,
    asset_id: i64,
    event: AssetEventKind,
    site_id: Option<i64>,
    room: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    let now = ch.now().to_string();
    let actor = ch.actor().to_string();
    sqlx::query(
        "INSERT INTO asset_events (asset_kind, asset_id, kind, at, actor, site_id, room, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(kind.as_str())
    .bind(asset_id)
    .bind(event.as_str())
    .bind(&now)
    .bind(&actor)
    .bind(site_id)
    .bind(room)
    .bind(detail)
    .execute(ch.conn())
    .await?;
    Ok(())
}

impl Store {
    /// Every terminal installed at a site (in service or under repair; not spare or
    /// retired), as `(site_id, terminal_id)` by site and asset number: what a job on all
    /// terminals covers.
    pub async fn terminals_in_use(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT site_id, id FROM terminals WHERE status IN ('in_service', 'under_repair') \
             ORDER BY site_id, asset_number",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("site_id")?, r.try_get("id")?)))
            .collect()
    }

    /// The asset numbers of the terminals with `ids`.
    pub async fn asset_numbers(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let rows = sqlx::query(sql(format!(
                "SELECT id, asset_number FROM terminals WHERE id IN ({list})"
            )))
            .fetch_all(&self.pool)
            .await?;
            for r in rows {
                out.insert(r.try_get("id")?, r.try_get("asset_number")?);
            }
        }
        Ok(out)
    }
}
