//! Building-entry permits (R5.5): applied for by the contractor's lead, granted or
//! refused by the City.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    PermitDraft, PermitKind, PermitStatus, PermitVerb, permit_transition,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::site_of;
use super::{Rules, ScheduleFilter};
use crate::common::{jst_text, raced};
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

fn row(r: &AnyRow) -> Result<Permit, sqlx::Error> {
    let kind = PermitKind::parse(&r.try_get::<String, _>("kind")?).unwrap_or(PermitKind::Building);
    let status =
        PermitStatus::parse(&r.try_get::<String, _>("status")?).unwrap_or(PermitStatus::Withdrawn);
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
    /// Permits valid on some day of the filter's dates, by first valid day.
    pub async fn permits(
        &self,
        f: &ScheduleFilter,
        req: PageRequest,
    ) -> Result<Page<Permit>, StoreError> {
        let filter = "WHERE ($1 IS NULL OR p.valid_to >= $1) AND ($2 IS NULL OR p.valid_from <= $2) \
                      AND ($3 IS NULL OR p.site_id = $3)";
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY p.valid_from, p.id LIMIT $4 OFFSET $5"
        )))
        .bind(f.from.clone())
        .bind(f.to.clone())
        .bind(f.site_id)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&self.pool)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM permits p {filter}")))
                .bind(f.from.clone())
                .bind(f.to.clone())
                .bind(f.site_id)
                .fetch_one(&self.pool)
                .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    pub async fn permit(&self, id: i64) -> Result<Permit, StoreError> {
        let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Permit))?;
        Ok(row(&r)?)
    }

    /// Applies for a permit; a room permit must name one of the site's designated rooms.
    pub async fn request_permit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        d: &PermitDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let (code, site_name, needs_entry) = site_of(ch.conn(), d.site_id).await?;
        let mut e = FieldErrors::default();
        match (d.kind, &d.room) {
            (PermitKind::Building, _) if !needs_entry => e.push(
                "kind",
                format!("{site_name}は入館許可の対象ではありません（時間外入館・指定室の許可を選んでください）。"),
            ),
            (PermitKind::Room, Some(room)) if !rules.designated_rooms(&code).contains(room) => e.push(
                "room",
                format!("「{room}」は{site_name}の指定室ではありません。"),
            ),
            _ => {}
        }
        if !e.is_empty() {
            return Err(e.into());
        }
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO permits (site_id, kind, room, valid_from, valid_to, status, note, requested_by, \
             requested_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(d.site_id)
        .bind(d.kind.as_str())
        .bind(d.room.clone())
        .bind(d.valid_from.to_string())
        .bind(d.valid_to.to_string())
        .bind(PermitStatus::Requested.as_str())
        .bind(d.note.clone())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "site": {"after": site_name}, "kind": {"after": d.kind.as_str()}, "room": {"after": d.room},
            "valid_from": {"after": d.valid_from.to_string()}, "valid_to": {"after": d.valid_to.to_string()},
            "status": {"after": "requested"}, "note": {"after": d.note},
        });
        ch.audit(Entity::Permit, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Grants, refuses or withdraws a permit, by the state machine.
    pub async fn decide_permit(
        &self,
        who: &Authorized,
        id: i64,
        verb: PermitVerb,
        comment: Option<&str>,
    ) -> Result<PermitStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let status: String = sqlx::query_scalar("SELECT status FROM permits WHERE id = $1")
            .bind(id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::Permit))?;
        let from = PermitStatus::parse(&status).unwrap_or(PermitStatus::Withdrawn);
        let role = who.role();
        let to =
            permit_transition(from, verb, role).map_err(|e| StoreError::conflict("status", e.0))?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE permits SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, \
             updated_at = $3 WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(comment.map(str::to_string))
        .bind(id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({"status": {"before": from.as_str(), "after": to.as_str()}, "comment": {"after": comment}});
        ch.audit(Entity::Permit, id, AuditAction::Decide, &changes);
        ch.commit().await?;
        Ok(to)
    }
}
