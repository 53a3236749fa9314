//! A ward office's own site (区役所担当者, issue 13 item 9): the visits planned there with
//! the workers' names and badge numbers, the terminals out of service, the faults reported
//! from the counter and the sign-off of each visit's work. Every read here is of one site;
//! the operations say which (the staff member's own).

use chrono::{DateTime, NaiveDate, Utc};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::VisitStatus;
use jukiops_domain::site_staff::{
    FaultReportDraft, FaultReportStatus, SignOffDraft, SignOffFacts, TerminalAt,
    judge_fault_report, judge_resolution, judge_sign_off,
};
use jukiops_domain::time::to_db;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::common::{id_list, jst_text};
use crate::schedule::{Rules, ScheduleFilter, VisitQuery, VisitTerminal};
use crate::{Page, PageRequest, Store, StoreError, sql};

/// A worker on a visit, as the reception desk needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SiteWorker {
    pub display_name: String,
    pub badge_number: Option<String>,
}

/// The ward office's confirmation that a visit's work was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VisitSignOff {
    /// Who confirmed it (their name).
    pub signed_by: String,
    /// When, Japan time.
    pub signed_at: String,
    pub note: Option<String>,
}

/// A visit to the site, as its staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteVisit {
    pub id: i64,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    pub end: String,
    pub purpose: String,
    pub room: Option<String>,
    pub status: VisitStatus,
    pub status_label: String,
    pub workers: Vec<SiteWorker>,
    pub terminals: Vec<VisitTerminal>,
    pub sign_off: Option<VisitSignOff>,
}

/// A terminal that will be out of service while a planned visit works on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Outage {
    pub visit_id: i64,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    pub end: String,
    pub asset_number: String,
    pub room: Option<String>,
}

/// What a ward office's staff see of their own site.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MySite {
    pub site_id: i64,
    pub site_code: String,
    pub site_name: String,
    /// The visits of the contract year (not the cancelled ones) by date.
    pub visits: Vec<SiteVisit>,
    /// The terminals out of service during the planned visits, by date.
    pub outages: Vec<Outage>,
    /// The site's terminals, for the fault report's form.
    pub terminals: Vec<VisitTerminal>,
}

/// A fault reported from a ward office's counter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FaultReport {
    pub id: i64,
    pub site_id: i64,
    pub site_name: String,
    pub terminal_id: i64,
    pub asset_number: String,
    pub room: Option<String>,
    /// When it happened, Japan time.
    pub occurred_at: String,
    pub description: String,
    pub status: FaultReportStatus,
    pub status_label: String,
    pub reported_by: String,
    /// Japan time.
    pub reported_at: String,
    /// The incident that took it up, if any.
    pub incident_id: Option<i64>,
}

/// Which fault reports a list holds: one site's, or every site's.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultFilter {
    pub site_id: Option<i64>,
    pub status: Option<FaultReportStatus>,
}

/// The most visits the site's page lists: a year of a ward office's visits fits.
const MAX_VISITS: u32 = PageRequest::MAX_PER_PAGE;

const FAULT_COLUMNS: &str = "f.id, f.site_id, s.name AS site_name, f.terminal_id, t.asset_number, t.room, \
    f.occurred_at, f.description, f.status, f.reported_by, f.reported_at, \
    (SELECT i.id FROM incidents i WHERE i.fault_report_id = f.id) AS incident_id FROM fault_reports f \
    JOIN sites s ON s.id = f.site_id JOIN terminals t ON t.id = f.terminal_id";

fn fault_row(r: &AnyRow) -> Result<FaultReport, StoreError> {
    let status = FaultReportStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(FaultReport {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        terminal_id: r.try_get("terminal_id")?,
        asset_number: r.try_get("asset_number")?,
        room: r.try_get("room")?,
        occurred_at: jst_text(r.try_get("occurred_at")?).unwrap_or_default(),
        description: r.try_get("description")?,
        status,
        status_label: status.label_ja().into(),
        reported_by: r.try_get("reported_by")?,
        reported_at: jst_text(r.try_get("reported_at")?).unwrap_or_default(),
        incident_id: r.try_get("incident_id")?,
    })
}

impl Store {
    /// The site account `user_id` belongs to (a ward office's staff), if any.
    pub async fn user_site(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
        let site: Option<Option<i64>> =
            sqlx::query_scalar("SELECT site_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(site.flatten())
    }

    /// Site `site_id` as its staff see it: its visits of the contract year with the
    /// workers' names and badge numbers and the sign-offs, and the terminals out of service.
    pub async fn my_site(&self, rules: &Rules<'_>, site_id: i64) -> Result<MySite, StoreError> {
        let r = sqlx::query("SELECT code, name FROM sites WHERE id = $1")
            .bind(site_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Site))?;
        let q = VisitQuery {
            filter: ScheduleFilter {
                site_id: Some(site_id),
                ..Default::default()
            },
            active_only: true,
            ..Default::default()
        };
        let visits = self
            .visits(rules, &q, PageRequest::new(Some(1), Some(MAX_VISITS)))
            .await?
            .items;
        let ids: Vec<i64> = visits.iter().map(|v| v.id).collect();
        let worker_ids: Vec<i64> = visits
            .iter()
            .flat_map(|v| v.workers.iter().map(|w| w.id))
            .collect();
        let badges = self.badges(&worker_ids).await?;
        let sign_offs = self.sign_offs(&ids).await?;
        let mut outages = Vec::new();
        let mut out = Vec::new();
        for v in visits {
            if v.status == VisitStatus::Planned {
                outages.extend(v.terminals.iter().map(|t| Outage {
                    visit_id: v.id,
                    date: v.date.clone(),
                    start: v.start.clone(),
                    end: v.end.clone(),
                    asset_number: t.asset_number.clone(),
                    room: t.room.clone(),
                }));
            }
            out.push(SiteVisit {
                id: v.id,
                workers: v
                    .workers
                    .iter()
                    .map(|w| SiteWorker {
                        display_name: w.display_name.clone(),
                        badge_number: badges
                            .iter()
                            .find(|(id, _)| *id == w.id)
                            .and_then(|(_, b)| b.clone()),
                    })
                    .collect(),
                sign_off: sign_offs
                    .iter()
                    .find(|(id, _)| *id == v.id)
                    .map(|(_, s)| s.clone()),
                date: v.date,
                start: v.start,
                end: v.end,
                purpose: v.purpose,
                room: v.room,
                status: v.status,
                status_label: v.status_label,
                terminals: v.terminals,
            });
        }
        let terminals = sqlx::query(
            "SELECT id, asset_number, room FROM terminals WHERE site_id = $1 ORDER BY asset_number",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(VisitTerminal {
                id: r.try_get("id")?,
                asset_number: r.try_get("asset_number")?,
                room: r.try_get("room")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(MySite {
            site_id,
            site_code: r.try_get("code")?,
            site_name: r.try_get("name")?,
            visits: out,
            outages,
            terminals,
        })
    }

    /// The badge numbers of accounts `ids`.
    async fn badges(&self, ids: &[i64]) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(sql(format!(
            "SELECT id, badge_number FROM users WHERE id IN ({})",
            id_list(ids)
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("badge_number")?)))
            .collect()
    }

    /// The sign-offs of visits `ids`.
    async fn sign_offs(&self, ids: &[i64]) -> Result<Vec<(i64, VisitSignOff)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(sql(format!(
            "SELECT so.visit_id, u.display_name, so.signed_at, so.note FROM visit_sign_offs so \
             JOIN users u ON u.id = so.signed_by WHERE so.visit_id IN ({})",
            id_list(ids)
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("visit_id")?,
                    VisitSignOff {
                        signed_by: r.try_get("display_name")?,
                        signed_at: jst_text(r.try_get("signed_at")?).unwrap_or_default(),
                        note: r.try_get("note")?,
                    },
                ))
            })
            .collect()
    }

    /// Records that the work of visit `visit_id` at site `site_id` was done, as
    /// [`judge_sign_off`] allows on `today`; a visit of another site (or year) is not
    /// found. Audited on the visit.
    pub async fn sign_off_visit(
        &self,
        who: &Authorized,
        site_id: i64,
        visit_id: i64,
        today: NaiveDate,
        d: &SignOffDraft,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let r = sqlx::query(
            "SELECT v.visit_date, v.status, (SELECT COUNT(*) FROM visit_sign_offs so \
             WHERE so.visit_id = v.id) AS signed FROM visits v \
             WHERE v.id = $1 AND v.site_id = $2 AND v.contract_id = $3",
        )
        .bind(visit_id)
        .bind(site_id)
        .bind(ch.contract_id()?)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Visit))?;
        let date: String = r.try_get("visit_date")?;
        let facts = SignOffFacts {
            date: date
                .parse()
                .map_err(|_| StoreError::Internal(format!("stored visit date {date}")))?,
            status: VisitStatus::decode(&r.try_get::<String, _>("status")?)?,
            signed_off: r.try_get::<i64, _>("signed")? > 0,
        };
        judge_sign_off(facts, today)?;
        let user = who.user_id().ok_or(StoreError::Forbidden)?;
        let now = ch.now().to_string();
        sqlx::query(
            "INSERT INTO visit_sign_offs (visit_id, signed_by, signed_at, note) VALUES ($1, $2, $3, $4)",
        )
        .bind(visit_id)
        .bind(user)
        .bind(&now)
        .bind(d.note.as_deref())
        .execute(ch.conn())
        .await?;
        let changes = json!({"signed_off_by": {"after": who.name()}, "note": {"after": d.note}});
        ch.audit(Entity::Visit, visit_id, AuditAction::SignOff, &changes);
        ch.commit().await?;
        Ok(())
    }

    /// Fault reports of the contract year, newest first: one site's or every site's.
    pub async fn fault_reports(
        &self,
        f: FaultFilter,
        req: PageRequest,
    ) -> Result<Page<FaultReport>, StoreError> {
        let filter = "WHERE f.contract_id = $1 AND ($2 IS NULL OR f.site_id = $2) \
                      AND ($3 IS NULL OR f.status = $3)";
        let contract = self.contract_id()?;
        let status = f.status.map(|s| s.as_str().to_string());
        let rows = sqlx::query(sql(format!(
            "SELECT {FAULT_COLUMNS} {filter} ORDER BY f.reported_at DESC, f.id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(contract)
        .bind(f.site_id)
        .bind(status.clone())
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(sql(format!(
            "SELECT COUNT(*) FROM fault_reports f {filter}"
        )))
        .bind(contract)
        .bind(f.site_id)
        .bind(status)
        .fetch_one(&self.pool)
        .await?;
        let items = rows.iter().map(fault_row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// One fault report of the contract year.
    pub async fn fault_report(&self, id: i64) -> Result<FaultReport, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {FAULT_COLUMNS} WHERE f.id = $1 AND f.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::FaultReport))?;
        fault_row(&r)
    }

    /// Marks fault report `id` as dealt with (the contractor's lead or the City); one
    /// already dealt with is a conflict. Audited.
    pub async fn resolve_fault_report(&self, who: &Authorized, id: i64) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let status: String = sqlx::query_scalar(
            "SELECT status FROM fault_reports WHERE id = $1 AND contract_id = $2",
        )
        .bind(id)
        .bind(ch.contract_id()?)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::FaultReport))?;
        let from = FaultReportStatus::decode(&status)?;
        let to = judge_resolution(from)?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE fault_reports SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(&now)
        .bind(id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(crate::common::raced());
        }
        let changes = json!({"status": {"before": from.as_str(), "after": to.as_str()}});
        ch.audit(Entity::FaultReport, id, AuditAction::Transition, &changes);
        ch.commit().await?;
        Ok(())
    }

    /// Records a fault of a terminal of site `site_id`, as [`judge_fault_report`] allows at
    /// `now`; open until the contractor deals with it. Audited.
    pub async fn report_fault(
        &self,
        who: &Authorized,
        site_id: i64,
        d: &FaultReportDraft,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let terminal = sqlx::query("SELECT asset_number, site_id FROM terminals WHERE id = $1")
            .bind(d.terminal_id)
            .fetch_optional(ch.conn())
            .await?
            .map(|r| {
                Ok::<_, StoreError>(TerminalAt {
                    asset_number: r.try_get("asset_number")?,
                    site_id: r.try_get("site_id")?,
                })
            })
            .transpose()?;
        judge_fault_report(site_id, d, terminal.as_ref(), now)?;
        let site_name: String = sqlx::query_scalar("SELECT name FROM sites WHERE id = $1")
            .bind(site_id)
            .fetch_one(ch.conn())
            .await?;
        let status = FaultReportStatus::Open;
        let at = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fault_reports (contract_id, site_id, terminal_id, occurred_at, description, \
             status, reported_by, reported_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             RETURNING id",
        )
        .bind(ch.contract_id()?)
        .bind(site_id)
        .bind(d.terminal_id)
        .bind(to_db(d.occurred_at))
        .bind(&d.description)
        .bind(status.as_str())
        .bind(who.name())
        .bind(&at)
        .fetch_one(ch.conn())
        .await?;
        let asset = terminal.map(|t| t.asset_number).unwrap_or_default();
        let changes = json!({
            "site": {"after": site_name}, "terminal": {"after": asset},
            "occurred_at": {"after": to_db(d.occurred_at)}, "description": {"after": d.description},
            "status": {"after": status.as_str()},
        });
        ch.audit(Entity::FaultReport, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }
}
