//! The table of extra closed or open days (R5.2), edited by the City and audited.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::{Contract, ExtraClosedDay};
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::Authorized;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::{Store, StoreError};

/// One date whose status the City set by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarOverride {
    /// `YYYY-MM-DD`
    pub date: String,
    /// `true`: a business day despite the rules (e.g. an election Sunday); `false`: closed.
    pub is_open: bool,
    pub reason: String,
}

impl Store {
    /// The business calendar in force: the contract's rules plus the City's table.
    pub async fn business_calendar(
        &self,
        contract: &Contract,
    ) -> Result<BusinessCalendar, StoreError> {
        let overrides = self.calendar_overrides().await?;
        let closed = overrides
            .iter()
            .filter(|o| !o.is_open)
            .filter_map(|o| {
                parse_date(&o.date).map(|date| ExtraClosedDay {
                    date,
                    reason: o.reason.clone(),
                })
            })
            .collect();
        let open = overrides
            .iter()
            .filter(|o| o.is_open)
            .filter_map(|o| parse_date(&o.date))
            .collect();
        Ok(BusinessCalendar::new(contract).with_overrides(closed, open))
    }

    /// Every override, by date.
    pub async fn calendar_overrides(&self) -> Result<Vec<CalendarOverride>, StoreError> {
        let rows =
            sqlx::query("SELECT date, is_open, reason FROM calendar_overrides ORDER BY date")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(CalendarOverride {
                    date: r.try_get("date")?,
                    is_open: r.try_get::<i64, _>("is_open")? != 0,
                    reason: r.try_get("reason")?,
                })
            })
            .collect()
    }

    /// Sets (or replaces) the override of one date; the input is already checked.
    pub async fn set_calendar_override(
        &self,
        who: &Authorized,
        o: &CalendarOverride,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let before = sqlx::query("SELECT is_open, reason FROM calendar_overrides WHERE date = $1")
            .bind(&o.date)
            .fetch_optional(ch.conn())
            .await?
            .map(|r| {
                Ok::<_, sqlx::Error>((
                    r.try_get::<i64, _>("is_open")? != 0,
                    r.try_get::<String, _>("reason")?,
                ))
            })
            .transpose()?;
        let now = ch.now().to_string();
        sqlx::query(
            "INSERT INTO calendar_overrides (date, is_open, reason, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (date) DO UPDATE SET is_open = excluded.is_open, reason = excluded.reason, updated_at = excluded.updated_at",
        )
        .bind(&o.date)
        .bind(i64::from(o.is_open))
        .bind(&o.reason)
        .bind(&now)
        .execute(ch.conn())
        .await?;
        let changes = json!({
            "is_open": {"before": before.as_ref().map(|b| b.0), "after": o.is_open},
            "reason": {"before": before.as_ref().map(|b| b.1.clone()), "after": o.reason},
        });
        ch.audit(
            Entity::CalendarOverride,
            &o.date,
            if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            &changes,
        );
        ch.commit().await
    }

    /// Removes the override of one date (the rules apply again).
    pub async fn delete_calendar_override(
        &self,
        who: &Authorized,
        date: &str,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let n = sqlx::query("DELETE FROM calendar_overrides WHERE date = $1")
            .bind(date)
            .execute(ch.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::CalendarOverride));
        }
        ch.audit(
            Entity::CalendarOverride,
            date,
            AuditAction::Delete,
            &json!({}),
        );
        ch.commit().await
    }
}
