//! The log of work that is not on the equipment (§6(4)): entries of the contract year,
//! listed by day, and recorded after the domain judged them against the person and the
//! request they name.

use chrono::NaiveDate;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::Period;
use jukiops_domain::people::Authorized;
use jukiops_domain::work_log::{WorkLogDraft, WorkLogFacts, WorkLogKind, judge_work_log};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::common::jst_text;
use crate::users::person_facts;
use crate::{Page, PageRequest, Store, StoreError, sql};

/// One entry of the log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkLogEntry {
    pub id: i64,
    /// `YYYY-MM-DD`
    pub worked_on: String,
    pub kind: WorkLogKind,
    pub kind_label: String,
    pub minutes: i64,
    pub summary: String,
    pub person_id: i64,
    pub person: String,
    pub request_id: Option<i64>,
    pub request_number: Option<String>,
    pub created_by: String,
    /// Japan time.
    pub created_at: String,
}

/// Which entries a list shows (dates inclusive).
#[derive(Debug, Clone, Default)]
pub struct WorkLogFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub person_id: Option<i64>,
    pub kind: Option<WorkLogKind>,
}

const COLUMNS: &str = "l.id, l.worked_on, l.kind, l.minutes, l.summary, l.person_id, \
    u.display_name AS person, l.request_id, w.request_number, l.created_by, l.created_at \
    FROM work_log l JOIN users u ON u.id = l.person_id \
    LEFT JOIN work_requests w ON w.id = l.request_id";

fn row(r: &AnyRow) -> Result<WorkLogEntry, StoreError> {
    let kind = WorkLogKind::decode(&r.try_get::<String, _>("kind")?)?;
    Ok(WorkLogEntry {
        id: r.try_get("id")?,
        worked_on: r.try_get("worked_on")?,
        kind,
        kind_label: kind.label_ja().into(),
        minutes: r.try_get("minutes")?,
        summary: r.try_get("summary")?,
        person_id: r.try_get("person_id")?,
        person: r.try_get("person")?,
        request_id: r.try_get("request_id")?,
        request_number: r.try_get("request_number")?,
        created_by: r.try_get("created_by")?,
        created_at: jst_text(r.try_get("created_at")?).unwrap_or_default(),
    })
}

impl Store {
    /// Entries of the contract year, newest day first.
    pub async fn work_log(
        &self,
        f: &WorkLogFilter,
        req: PageRequest,
    ) -> Result<Page<WorkLogEntry>, StoreError> {
        let filter = "WHERE l.contract_id = $1 AND ($2 IS NULL OR l.worked_on >= $2) \
            AND ($3 IS NULL OR l.worked_on <= $3) AND ($4 IS NULL OR l.person_id = $4) \
            AND ($5 IS NULL OR l.kind = $5)";
        let contract = self.contract_id()?;
        let (from, to) = (f.from.map(|d| d.to_string()), f.to.map(|d| d.to_string()));
        let kind = f.kind.map(|k| k.as_str());
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY l.worked_on DESC, l.id DESC LIMIT $6 OFFSET $7"
        )))
        .bind(contract)
        .bind(from.clone())
        .bind(to.clone())
        .bind(f.person_id)
        .bind(kind)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM work_log l {filter}")))
                .bind(contract)
                .bind(from)
                .bind(to)
                .bind(f.person_id)
                .bind(kind)
                .fetch_one(&mut *conn)
                .await?;
        let items = rows.iter().map(row).collect::<Result<_, _>>()?;
        Ok(Page::new(items, total, req))
    }

    pub async fn work_log_entry(&self, id: i64) -> Result<WorkLogEntry, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE l.id = $1 AND l.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkLog))?;
        row(&r)
    }

    /// Records an entry done by `person_id` after [`judge_work_log`] accepted it in
    /// `period` on `today`.
    pub async fn record_work_log(
        &self,
        who: &Authorized,
        d: &WorkLogDraft,
        person_id: i64,
        period: Period,
        today: NaiveDate,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let request_found = match d.request_id {
            None => None,
            Some(id) => {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM work_requests WHERE id = $1 AND contract_id = $2",
                )
                .bind(id)
                .bind(contract)
                .fetch_optional(ch.conn())
                .await?;
                Some(found.is_some())
            }
        };
        let facts = WorkLogFacts {
            period,
            today,
            person_id,
            person: person_facts(ch.conn(), person_id).await?,
            request_found,
        };
        let person = judge_work_log(d, &facts)?;
        let named = [(person_id, d.worked_on)];
        crate::roster::check_on_roster(ch.conn(), contract, "person_id", &named).await?;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO work_log (contract_id, worked_on, kind, minutes, summary, person_id, \
             request_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(contract)
        .bind(d.worked_on.to_string())
        .bind(d.kind.as_str())
        .bind(d.minutes)
        .bind(&d.summary)
        .bind(person_id)
        .bind(d.request_id)
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "worked_on": {"after": d.worked_on.to_string()}, "kind": {"after": d.kind.as_str()},
            "minutes": {"after": d.minutes}, "summary": {"after": d.summary},
            "person": {"after": person}, "request_id": {"after": d.request_id},
        });
        ch.audit(Entity::WorkLog, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }
}
