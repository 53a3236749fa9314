//! The absences of the roster's people (issue 15 item 6) and the days each account can work:
//! on the roster that day and not absent, for the planner.

use chrono::NaiveDate;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::availability::{
    AbsenceDraft, AbsenceKind, available_days, judge_absence, judge_absence_removal,
};
use jukiops_domain::contract::Period;
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::roster::persons_with_notices;
use crate::{Store, StoreError};

/// One absence as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Absence {
    pub id: i64,
    pub person_id: i64,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    pub kind: AbsenceKind,
    pub kind_label: String,
    pub note: Option<String>,
    pub recorded_by: String,
}

/// What the hours per person are counted from (see [`Store::work_time_sources`]).
#[derive(Debug, Clone, Default)]
pub struct WorkTimeSources {
    pub records: Vec<(
        i64,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )>,
    pub logs: Vec<(i64, NaiveDate, i64)>,
}

fn parse(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Internal(format!("stored date {s}")))
}

impl Store {
    /// The absences of the year's roster, by first day.
    pub async fn absences(&self) -> Result<Vec<Absence>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, person_id, from_on, to_on, kind, note, recorded_by FROM absences \
             WHERE contract_id = $1 ORDER BY from_on, id",
        )
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind = AbsenceKind::decode(&r.try_get::<String, _>("kind")?)?;
                Ok(Absence {
                    id: r.try_get("id")?,
                    person_id: r.try_get("person_id")?,
                    from: r.try_get("from_on")?,
                    to: r.try_get("to_on")?,
                    kind,
                    kind_label: kind.label_ja().into(),
                    note: r.try_get("note")?,
                    recorded_by: r.try_get("recorded_by")?,
                })
            })
            .collect()
    }

    /// Records absence `d` as [`judge_absence`] allows. Audited.
    pub async fn add_absence(
        &self,
        who: &Authorized,
        d: &AbsenceDraft,
        period: &Period,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM roster_persons WHERE id = $1 AND contract_id = $2")
                .bind(d.person_id)
                .bind(ch.contract_id()?)
                .fetch_optional(ch.conn())
                .await?;
        judge_absence(who.role(), d, known.is_some(), period)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO absences (contract_id, person_id, from_on, to_on, kind, note, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(ch.contract_id()?)
        .bind(d.person_id)
        .bind(d.from.to_string())
        .bind(d.to.to_string())
        .bind(d.kind.as_str())
        .bind(d.note.as_deref())
        .bind(who.name())
        .bind(ch.now().to_string())
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({"person_id": {"after": d.person_id}, "from": {"after": d.from.to_string()},
            "to": {"after": d.to.to_string()}, "kind": {"after": d.kind.as_str()}, "note": {"after": d.note}});
        ch.audit(Entity::Absence, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Deletes absence `id` (the lead: plans change). Audited with what it said.
    pub async fn remove_absence(&self, who: &Authorized, id: i64) -> Result<(), StoreError> {
        judge_absence_removal(who.role())?;
        let mut ch = self.begin(who).await?;
        let r = sqlx::query(
            "SELECT person_id, from_on, to_on, kind FROM absences WHERE id = $1 AND contract_id = $2",
        )
        .bind(id)
        .bind(ch.contract_id()?)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Absence))?;
        sqlx::query("DELETE FROM absences WHERE id = $1")
            .bind(id)
            .execute(ch.conn())
            .await?;
        let changes = json!({"person_id": {"before": r.try_get::<i64, _>("person_id")?},
            "from": {"before": r.try_get::<String, _>("from_on")?}, "to": {"before": r.try_get::<String, _>("to_on")?},
            "kind": {"before": r.try_get::<String, _>("kind")?}});
        ch.audit(Entity::Absence, id, AuditAction::Delete, &changes);
        ch.commit().await
    }

    /// The year's work records in force `(performer, started, ended)` and its log of other
    /// work `(person, day, minutes)`: what the hours per person are counted from.
    pub async fn work_time_sources(&self) -> Result<WorkTimeSources, StoreError> {
        let contract = self.contract_id()?;
        let records = sqlx::query(
            "SELECT w.performer_id, w.started_at, w.ended_at FROM work_records w \
             JOIN work_requests r ON r.id = w.request_id WHERE r.contract_id = $1 AND w.replaced_at IS NULL",
        )
        .bind(contract)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let instant = |c: &str| -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
                let s: String = r.try_get(c)?;
                jukiops_domain::time::from_db(&s)
                    .ok_or_else(|| StoreError::Internal(format!("stored instant {s}")))
            };
            Ok((r.try_get("performer_id")?, instant("started_at")?, instant("ended_at")?))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let logs = sqlx::query(
            "SELECT person_id, worked_on, minutes FROM work_log WHERE contract_id = $1",
        )
        .bind(contract)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("person_id")?,
                parse(&r.try_get::<String, _>("worked_on")?)?,
                r.try_get("minutes")?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(WorkTimeSources { records, logs })
    }

    /// For every account on the year's roster: the days of `days` it can work (on the
    /// roster that day and not absent), with the person's name as notified.
    pub async fn account_availability(
        &self,
        days: &[NaiveDate],
    ) -> Result<Vec<(i64, String, Vec<NaiveDate>)>, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let persons = persons_with_notices(&mut conn, contract).await?;
        let away: Vec<(i64, NaiveDate, NaiveDate)> =
            sqlx::query("SELECT person_id, from_on, to_on FROM absences WHERE contract_id = $1")
                .bind(contract)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get("person_id")?,
                        parse(&r.try_get::<String, _>("from_on")?)?,
                        parse(&r.try_get::<String, _>("to_on")?)?,
                    ))
                })
                .collect::<Result<_, StoreError>>()?;
        Ok(persons
            .into_iter()
            .filter_map(|(person, user, notices)| {
                let user = user?;
                let name = notices.last()?.details.name.clone();
                let mine: Vec<(NaiveDate, NaiveDate)> = away
                    .iter()
                    .filter(|a| a.0 == person)
                    .map(|a| (a.1, a.2))
                    .collect();
                Some((
                    user,
                    name,
                    available_days(&notices, &mine, days.iter().copied()),
                ))
            })
            .collect())
    }
}
