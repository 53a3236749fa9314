//! Visits to sites, read with their workers, terminals and the verdict of the schedule
//! rules (off-hours cover, permits).

use jukiops_domain::audit::Entity;
use jukiops_domain::schedule::{Assessment, Span, VisitFacts, VisitStatus, assess};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::facts::{hhmm, off_hours_facts_of, people_of, permit_facts, span_of};
use super::{PersonRef, Rules, ScheduleFilter};
use crate::common::{id_list, jst_text};
use crate::{Page, PageRequest, Store, StoreError, sql};

/// A terminal worked on during a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VisitTerminal {
    pub id: i64,
    pub asset_number: String,
    pub room: Option<String>,
}

/// One visit with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub site_id: i64,
    pub site_code: String,
    pub site_name: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    pub end: String,
    pub purpose: String,
    pub room: Option<String>,
    pub status: VisitStatus,
    pub status_label: String,
    /// The all-site plan this visit came from, if any.
    pub plan_id: Option<i64>,
    /// The 作業依頼書 it serves, if any.
    pub request_id: Option<i64>,
    /// The City's agreement to the visit (who, when in Japan time).
    pub agreed_by: Option<String>,
    pub agreed_at: Option<String>,
    pub workers: Vec<PersonRef>,
    pub terminals: Vec<VisitTerminal>,
    pub completed_by: Option<String>,
    pub completed_at: Option<String>,
    pub created_by: String,
    /// Off-hours cover and permits, judged against the records now.
    pub assessment: Assessment,
    #[serde(skip)]
    pub(super) span: Option<Span>,
    #[serde(skip)]
    pub(super) needs_entry_permit: bool,
}

const COLUMNS: &str = "v.id, v.site_id, s.code AS site_code, s.name AS site_name, s.needs_entry_permit, \
    v.visit_date, v.start_time, v.end_time, v.purpose, v.room, v.status, v.plan_id, v.completed_by, \
    v.completed_at, v.created_by, v.request_id, v.agreed_by, v.agreed_at FROM visits v JOIN sites s ON s.id = v.site_id";

fn row(r: &AnyRow) -> Result<Visit, StoreError> {
    let span = span_of(r, "visit_date")?;
    let status = VisitStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Visit {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        site_code: r.try_get("site_code")?,
        site_name: r.try_get("site_name")?,
        date: span.date.to_string(),
        start: hhmm(span.start),
        end: hhmm(span.end),
        purpose: r.try_get("purpose")?,
        room: r.try_get("room")?,
        status,
        status_label: status.label_ja().into(),
        plan_id: r.try_get("plan_id")?,
        request_id: r.try_get("request_id")?,
        agreed_by: r.try_get("agreed_by")?,
        agreed_at: jst_text(r.try_get("agreed_at")?),
        workers: Vec::new(),
        terminals: Vec::new(),
        completed_by: r.try_get("completed_by")?,
        completed_at: jst_text(r.try_get("completed_at")?),
        created_by: r.try_get("created_by")?,
        assessment: Assessment {
            outside_window: None,
            off_hours_id: None,
            off_hours_status: None,
            may_plan: true,
            may_work: true,
            permits: Vec::new(),
            warnings: Vec::new(),
        },
        span: Some(span),
        needs_entry_permit: r.try_get::<i64, _>("needs_entry_permit")? != 0,
    })
}

/// The terminals of each of `ids`.
async fn terminals_of(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, VisitTerminal)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let rows = sqlx::query(sql(format!(
        "SELECT vt.visit_id, t.id, t.asset_number, t.room FROM visit_terminals vt \
         JOIN terminals t ON t.id = vt.terminal_id WHERE vt.visit_id IN ({list}) ORDER BY t.asset_number"
    )))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("visit_id")?,
                VisitTerminal {
                    id: r.try_get("id")?,
                    asset_number: r.try_get("asset_number")?,
                    room: r.try_get("room")?,
                },
            ))
        })
        .collect()
}

/// The rooms a visit enters: its terminals' rooms and the one entered by hand.
fn rooms_of(room: Option<&str>, terminals: &[VisitTerminal]) -> Vec<String> {
    terminals
        .iter()
        .filter_map(|t| t.room.clone())
        .chain(room.map(str::to_string))
        .collect()
}

/// Fills in workers, terminals and the rules' verdict (against the off-hours records and
/// permits of contract `contract`) on each of `visits`.
async fn complete_rows(
    conn: &mut AnyConnection,
    contract: i64,
    rules: &Rules<'_>,
    visits: &mut [Visit],
) -> Result<(), StoreError> {
    let ids: Vec<i64> = visits.iter().map(|v| v.id).collect();
    for (owner, p) in people_of(conn, "visit_workers", "visit_id", &ids).await? {
        if let Some(v) = visits.iter_mut().find(|v| v.id == owner) {
            v.workers.push(p);
        }
    }
    for (owner, t) in terminals_of(conn, &ids).await? {
        if let Some(v) = visits.iter_mut().find(|v| v.id == owner) {
            v.terminals.push(t);
        }
    }
    let (Some(from), Some(to)) = (
        visits.iter().map(|v| v.date.clone()).min(),
        visits.iter().map(|v| v.date.clone()).max(),
    ) else {
        return Ok(());
    };
    let off_hours = off_hours_facts_of(conn, Some(contract), &from, &to).await?;
    let permits = permit_facts(conn, contract, &from, &to).await?;
    for v in visits.iter_mut() {
        let Some(span) = v.span else { continue };
        let designated = rules.designated_rooms(&v.site_code);
        let facts = VisitFacts {
            site_id: v.site_id,
            span,
            needs_entry_permit: v.needs_entry_permit,
            designated_rooms: &designated,
            rooms: rooms_of(v.room.as_deref(), &v.terminals),
            worker_ids: v.workers.iter().map(|w| w.id).collect(),
        };
        v.assessment = assess(rules.calendar, &facts, &off_hours, &permits);
    }
    Ok(())
}

/// A list of visits: by dates and site, or one plan's.
#[derive(Debug, Clone, Default)]
pub struct VisitQuery {
    pub filter: ScheduleFilter,
    pub plan_id: Option<i64>,
    pub request_id: Option<i64>,
    /// Leave cancelled visits out.
    pub active_only: bool,
}

impl Store {
    /// Visits of the contract year by date, start time and site.
    pub async fn visits(
        &self,
        rules: &Rules<'_>,
        q: &VisitQuery,
        req: PageRequest,
    ) -> Result<Page<Visit>, StoreError> {
        let filter = format!(
            "WHERE ($1 IS NULL OR v.visit_date >= $1) AND ($2 IS NULL OR v.visit_date <= $2) \
             AND ($3 IS NULL OR v.site_id = $3) AND ($4 IS NULL OR v.plan_id = $4) \
             AND ($5 IS NULL OR v.request_id = $5) AND v.contract_id = $6{}",
            if q.active_only {
                " AND v.status <> 'cancelled'"
            } else {
                ""
            }
        );
        let f = &q.filter;
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY v.visit_date, v.start_time, s.code, v.id LIMIT $7 OFFSET $8"
        )))
        .bind(f.from.clone())
        .bind(f.to.clone())
        .bind(f.site_id)
        .bind(q.plan_id)
        .bind(q.request_id)
        .bind(contract)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 = sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM visits v {filter}")))
            .bind(f.from.clone())
            .bind(f.to.clone())
            .bind(f.site_id)
            .bind(q.plan_id)
            .bind(q.request_id)
            .bind(contract)
            .fetch_one(&mut *conn)
            .await?;
        let mut items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        complete_rows(&mut conn, contract, rules, &mut items).await?;
        Ok(Page::new(items, total, req))
    }

    /// One visit of the contract year; another year's is not found.
    pub async fn visit(&self, rules: &Rules<'_>, id: i64) -> Result<Visit, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        Self::visit_in(&mut conn, contract, rules, id).await
    }

    pub(super) async fn visit_in(
        conn: &mut AnyConnection,
        contract: i64,
        rules: &Rules<'_>,
        id: i64,
    ) -> Result<Visit, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE v.id = $1 AND v.contract_id = $2"
        )))
        .bind(id)
        .bind(contract)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::Visit))?;
        let mut v = [row(&r)?];
        complete_rows(conn, contract, rules, &mut v).await?;
        let [v] = v;
        Ok(v)
    }
}
