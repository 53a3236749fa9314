//! Building-entry permits (R5.5): applied for by the contractor's lead, granted or
//! refused by the City.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    PermitDraft, PermitKind, PermitStatus, PermitVerb, judge_permit_request, permit_transition,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::site_fact;
use super::{Rules, ScheduleFilter, record_decision};
use crate::common::jst_text;
use crate::{Page, PageRequest, Store, StoreError, sql};

/// One permit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Permit {
    pub id: i64,
    pub site_id: i64,
    pub site_name: String,
    pub kind: PermitKind,
    pub kind_label: String,
    pub room: Option<String>,
    /// `YYYY-MM-DD`, inclusive
    pub valid_from: String,
    pub valid_to: String,
    pub status: PermitStatus,
    pub status_label: String,
    pub note: Option<String>,
    pub requested_by: String,
    pub requested_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The City's permit number or comment given with the decision.
    pub decision_comment: Option<String>,
}

const COLUMNS: &str = "p.id, p.site_id, s.name AS site_name, p.kind, p.room, p.valid_from, p.valid_to, \
    p.status, p.note, p.requested_by, p.requested_at, p.decided_by, p.decided_at, p.decision_comment \
    FROM permits p JOIN sites s ON s.id = p.site_id";

fn row(r: &AnyRow) -> Result<Permit, StoreError> {
    let kind = PermitKind::decode(&r.try_get::<String, _>("kind")?)?;
    let status = PermitStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Permit {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        kind,
        kind_label: kind.label_ja().into(),
        room: r.try_get("room")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        status,
        status_label: status.label_ja().into(),
        note: r.try_get("note")?,
        requested_by: r.try_get("requested_by")?,
        requested_at: jst_text(r.try_get("requested_at")?).unwrap_or_default(),
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?),
        decision_comment: r.try_get("decision_comment")?,
    })
}

impl Store {
    /// Permits of the contract year valid on some day of the filter's dates, by first
    /// valid day.
    pub async fn permits(
        &self,
        f: &ScheduleFilter,
        req: PageRequest,
    ) -> Result<Page<Permit>, StoreError> {
        let filter = "WHERE ($1 IS NULL OR p.valid_to >= $1) AND ($2 IS NULL OR p.valid_from <= $2) \
                      AND ($3 IS NULL OR p.site_id = $3) AND p.contract_id = $4";
        let contract = self.contract_id()?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY p.valid_from, p.id LIMIT $5 OFFSET $6"
        )))
        .bind(f.from.clone())
        .bind(f.to.clone())
        .bind(f.site_id)
        .bind(contract)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&self.pool)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM permits p {filter}")))
                .bind(f.from.clone())
                .bind(f.to.clone())
                .bind(f.site_id)
                .bind(contract)
                .fetch_one(&self.pool)
                .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// One permit of the contract year; another year's is not found.
    pub async fn permit(&self, id: i64) -> Result<Permit, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE p.id = $1 AND p.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Permit))?;
        row(&r)
    }

    /// Applies for a permit, as [`judge_permit_request`] decides from the site and the
    /// rooms the City designates there.
    pub async fn request_permit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        d: &PermitDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let site = site_fact(ch.conn(), d.site_id).await?;
        let rooms = site
            .as_ref()
            .map(|s| rules.designated_rooms(&s.code))
            .unwrap_or_default();
        judge_permit_request(d, site.as_ref(), &rooms, rules.contract.period)?;
        let site_name = site.map(|s| s.name).unwrap_or_default();
        let status = PermitStatus::Requested;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO permits (site_id, kind, room, valid_from, valid_to, status, note, requested_by, \
             requested_at, updated_at, contract_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(d.site_id)
        .bind(d.kind.as_str())
        .bind(d.room.clone())
        .bind(d.valid_from.to_string())
        .bind(d.valid_to.to_string())
        .bind(status.as_str())
        .bind(d.note.clone())
        .bind(who.name())
        .bind(&now)
        .bind(ch.contract_id()?)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "site": {"after": site_name}, "kind": {"after": d.kind.as_str()}, "room": {"after": d.room},
            "valid_from": {"after": d.valid_from.to_string()}, "valid_to": {"after": d.valid_to.to_string()},
            "status": {"after": status.as_str()}, "note": {"after": d.note},
        });
        ch.audit(Entity::Permit, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Grants, refuses or withdraws a permit of the contract year, as
    /// [`permit_transition`] decides from its status and the actor's role.
    pub async fn decide_permit(
        &self,
        who: &Authorized,
        id: i64,
        verb: PermitVerb,
        comment: Option<&str>,
    ) -> Result<PermitStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let status: String =
            sqlx::query_scalar("SELECT status FROM permits WHERE id = $1 AND contract_id = $2")
                .bind(id)
                .bind(ch.contract_id()?)
                .fetch_optional(ch.conn())
                .await?
                .ok_or(StoreError::NotFound(Entity::Permit))?;
        let from = PermitStatus::decode(&status)?;
        let to = permit_transition(from, verb, who.role())?;
        record_decision(&mut ch, "permits", Entity::Permit, id, (from, to), comment).await?;
        ch.commit().await?;
        Ok(to)
    }
}
