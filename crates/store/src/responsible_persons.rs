//! The responsible persons' designations and the organisation chart's versions (§6(1)-(3)).
//! Each designation (or its end) is judged by the domain from the designations of its kind,
//! the contract period and the account it names, written with its audit entry, and the
//! chart as of the day it takes effect is drawn and kept as a version in the same
//! transaction.

use chrono::{Days, NaiveDate};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::Contract;
use jukiops_domain::deliverables::DueRule;
use jukiops_domain::people::{Authorized, Role};
use jukiops_domain::responsible_persons::org_chart::{self, OrgChart};
use jukiops_domain::responsible_persons::{
    AccountFacts, Designation, DesignationDraft, DesignationFacts, DesignationKind, Outcome,
    in_force_on, judge_designation, judge_end,
};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::chart_people::chart_people;
use crate::common::jst_text;
use crate::deliverables::raise_deliverables;
use crate::{Store, StoreError, sql};

/// A designation as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DesignationRow {
    pub id: i64,
    pub kind: DesignationKind,
    pub kind_label: String,
    pub name: String,
    pub company: String,
    pub contact: String,
    pub user_id: Option<i64>,
    /// `YYYY-MM-DD`
    pub effective_from: String,
    pub effective_until: Option<String>,
    /// The designation this one succeeded (a change), if any.
    pub previous_id: Option<i64>,
    pub previous_name: Option<String>,
    pub note: Option<String>,
    pub designated_by: String,
    /// Japan time.
    pub designated_at: String,
}

/// A change of the 業務責任者: what a 業務責任者変更通知書 reports (R10.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LeadChange {
    /// The new lead's designation.
    pub designation_id: i64,
    /// The day the new lead takes over, `YYYY-MM-DD`.
    pub effective_date: String,
    pub previous_name: String,
    pub name: String,
    pub company: String,
}

/// A version of the organisation chart, drawn after a change of the persons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChartVersion {
    pub id: i64,
    /// The date the chart is drawn for, `YYYY-MM-DD`.
    pub effective_date: String,
    /// SHA-256 of the SVG, hex.
    pub sha256: String,
    /// The designation whose change drew it.
    pub designation_id: i64,
    /// What changed, in Japanese.
    pub cause: String,
    /// Japan time.
    pub created_at: String,
}

fn day(s: &str) -> Result<NaiveDate, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Internal(format!("stored date {s}")))
}

fn designation(r: &AnyRow) -> Result<Designation, StoreError> {
    let until: Option<String> = r.try_get("effective_until")?;
    Ok(Designation {
        id: r.try_get("id")?,
        kind: DesignationKind::decode(&r.try_get::<String, _>("kind")?)?,
        name: r.try_get("name")?,
        company: r.try_get("company")?,
        contact: r.try_get("contact")?,
        from: day(&r.try_get::<String, _>("effective_from")?)?,
        until: until.as_deref().map(day).transpose()?,
    })
}

const COLUMNS: &str = "d.id, d.kind, d.name, d.company, d.contact, d.user_id, d.effective_from, \
    d.effective_until, d.previous_id, p.name AS previous_name, d.note, d.designated_by, \
    d.designated_at FROM designations d LEFT JOIN designations p ON p.id = d.previous_id";

fn row(r: &AnyRow) -> Result<DesignationRow, StoreError> {
    let kind = DesignationKind::decode(&r.try_get::<String, _>("kind")?)?;
    Ok(DesignationRow {
        id: r.try_get("id")?,
        kind,
        kind_label: kind.label_ja().into(),
        name: r.try_get("name")?,
        company: r.try_get("company")?,
        contact: r.try_get("contact")?,
        user_id: r.try_get("user_id")?,
        effective_from: r.try_get("effective_from")?,
        effective_until: r.try_get("effective_until")?,
        previous_id: r.try_get("previous_id")?,
        previous_name: r.try_get("previous_name")?,
        note: r.try_get("note")?,
        designated_by: r.try_get("designated_by")?,
        designated_at: jst_text(r.try_get("designated_at")?).unwrap_or_default(),
    })
}

/// Every designation of contract `contract_id` (of one kind when given).
async fn stored(
    conn: &mut AnyConnection,
    contract_id: i64,
    kind: Option<DesignationKind>,
) -> Result<Vec<Designation>, StoreError> {
    sqlx::query(
        "SELECT id, kind, name, company, contact, effective_from, effective_until \
         FROM designations WHERE contract_id = $1 AND ($2 IS NULL OR kind = $2) \
         ORDER BY effective_from, id",
    )
    .bind(contract_id)
    .bind(kind.map(|k| k.as_str().to_string()))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(designation)
    .collect()
}

/// The chart of contract `contract_id` as of `date`.
async fn chart(
    conn: &mut AnyConnection,
    contract_id: i64,
    contract: &Contract,
    date: NaiveDate,
) -> Result<OrgChart, StoreError> {
    let all = stored(conn, contract_id, None).await?;
    let (workers, city) = chart_people(conn, contract_id, date).await?;
    Ok(OrgChart {
        date,
        contract_name: contract.name.clone(),
        persons: in_force_on(&all, date).into_iter().cloned().collect(),
        workers,
        city,
        parties: org_chart::parties_of(contract),
    })
}

impl Store {
    /// Every designation of the contract year, by kind and the day it takes effect.
    pub async fn designations(&self) -> Result<Vec<DesignationRow>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE d.contract_id = $1 ORDER BY d.kind, d.effective_from, d.id"
        )))
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        let rank = |k: DesignationKind| DesignationKind::ALL.iter().position(|x| *x == k);
        out.sort_by(|a, b| {
            (rank(a.kind), &a.effective_from, a.id).cmp(&(rank(b.kind), &b.effective_from, b.id))
        });
        Ok(out)
    }

    /// One designation of the contract year.
    pub async fn designation(&self, id: i64) -> Result<DesignationRow, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE d.id = $1 AND d.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Designation))?;
        row(&r)
    }

    /// Designates a person as [`judge_designation`] allows; a successor ends its
    /// predecessor the day before. The chart as of the designation's first day is kept as a
    /// version. Audited (a change as such).
    pub async fn designate(
        &self,
        who: &Authorized,
        contract: &Contract,
        d: &DesignationDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract_id = ch.contract_id()?;
        let same_kind = stored(ch.conn(), contract_id, Some(d.kind)).await?;
        let account = match d.user_id {
            Some(id) => sqlx::query("SELECT role, disabled FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(ch.conn())
                .await?
                .map(|r| {
                    Ok::<_, StoreError>(AccountFacts {
                        role: Role::decode(&r.try_get::<String, _>("role")?)?,
                        disabled: r.try_get::<i64, _>("disabled")? != 0,
                    })
                })
                .transpose()?,
            None => None,
        };
        let facts = DesignationFacts {
            period: contract.period,
            same_kind: &same_kind,
            account,
        };
        let outcome = judge_designation(d, &facts)?;
        let previous = match outcome {
            Outcome::New => None,
            Outcome::Succeeds {
                previous,
                previous_until,
            } => {
                let n = sqlx::query(
                    "UPDATE designations SET effective_until = $1, updated_at = $2 \
                     WHERE id = $3 AND effective_until IS NULL",
                )
                .bind(previous_until.to_string())
                .bind(ch.now().to_string())
                .bind(previous)
                .execute(ch.conn())
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(crate::common::raced());
                }
                same_kind.iter().find(|e| e.id == previous).cloned()
            }
        };
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO designations (contract_id, kind, name, company, contact, user_id, \
             effective_from, effective_until, previous_id, note, designated_by, designated_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(contract_id)
        .bind(d.kind.as_str())
        .bind(&d.name)
        .bind(&d.company)
        .bind(&d.contact)
        .bind(d.user_id)
        .bind(d.from.to_string())
        .bind(d.until.map(|u| u.to_string()))
        .bind(previous.as_ref().map(|p| p.id))
        .bind(d.note.as_deref())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let cause = format!("{}の指定（{}）", d.kind.label_ja(), d.name);
        keep_version(&mut ch, contract, id, d.from, &cause).await?;
        let mut changes = json!({
            "kind": {"after": d.kind.as_str()}, "name": {"after": d.name},
            "company": {"after": d.company}, "contact": {"after": d.contact},
            "effective_from": {"after": d.from.to_string()},
        });
        if let Some(u) = d.user_id {
            changes["user_id"] = json!({"after": u});
        }
        if let Some(u) = d.until {
            changes["effective_until"] = json!({"after": u.to_string()});
        }
        if let Some(n) = &d.note {
            changes["note"] = json!({"after": n});
        }
        let action = match (&previous, outcome) {
            (Some(p), Outcome::Succeeds { previous_until, .. }) => {
                changes["previous_id"] = json!({"after": p.id});
                changes["previous_name"] = json!({"after": p.name});
                let ended = json!({"effective_until": {"before": null, "after": previous_until.to_string()}});
                ch.audit(Entity::Designation, p.id, AuditAction::End, &ended);
                AuditAction::Succeed
            }
            _ => AuditAction::Create,
        };
        if action == AuditAction::Succeed && d.kind == DesignationKind::ContractLead {
            // §6(1): a change of the 業務責任者 owes the City its 業務責任者変更通知書.
            let cause = format!(
                "{} から {} へ",
                previous.as_ref().map_or("", |p| p.name.as_str()),
                d.name
            );
            raise_deliverables(&mut ch, contract, DueRule::OnLeadChange, d.from, &cause).await?;
        }
        ch.audit(Entity::Designation, id, action, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Ends designation `id` on `until` (its last day in force) as [`judge_end`] allows; the
    /// chart as of the next day is kept as a version. Audited.
    pub async fn end_designation(
        &self,
        who: &Authorized,
        contract: &Contract,
        id: i64,
        until: NaiveDate,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let contract_id = ch.contract_id()?;
        let e = stored(ch.conn(), contract_id, None)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(StoreError::NotFound(Entity::Designation))?;
        judge_end(&e, until, contract.period)?;
        sqlx::query("UPDATE designations SET effective_until = $1, updated_at = $2 WHERE id = $3")
            .bind(until.to_string())
            .bind(ch.now().to_string())
            .bind(id)
            .execute(ch.conn())
            .await?;
        let next = until
            .checked_add_days(Days::new(1))
            .filter(|n| contract.period.contains(*n))
            .unwrap_or(until);
        let cause = format!("{}の指定の終了（{}）", e.kind.label_ja(), e.name);
        keep_version(&mut ch, contract, id, next, &cause).await?;
        let changes = json!({
            "effective_until": {"before": e.until.map(|u| u.to_string()), "after": until.to_string()},
        });
        ch.audit(Entity::Designation, id, AuditAction::End, &changes);
        ch.commit().await?;
        Ok(())
    }

    /// The organisation chart as of `date`, drawn from the persons in force then.
    pub async fn org_chart(
        &self,
        contract: &Contract,
        date: NaiveDate,
    ) -> Result<OrgChart, StoreError> {
        let contract_id = self.contract_id()?;
        chart(
            &mut *self.pool.acquire().await?,
            contract_id,
            contract,
            date,
        )
        .await
    }

    /// The chart's versions, oldest first.
    pub async fn chart_versions(&self) -> Result<Vec<ChartVersion>, StoreError> {
        sqlx::query(
            "SELECT id, effective_date, sha256, designation_id, cause, created_at \
             FROM org_chart_versions WHERE contract_id = $1 ORDER BY id",
        )
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ChartVersion {
                id: r.try_get("id")?,
                effective_date: r.try_get("effective_date")?,
                sha256: r.try_get("sha256")?,
                designation_id: r.try_get("designation_id")?,
                cause: r.try_get("cause")?,
                created_at: jst_text(r.try_get("created_at")?).unwrap_or_default(),
            })
        })
        .collect()
    }

    /// The chart's changes: every version after the first (the first is the chart
    /// presented at the start of the work). The register of deliverables raises a
    /// 作業体制図（変更後） for each.
    pub async fn chart_changes(&self) -> Result<Vec<ChartVersion>, StoreError> {
        Ok(self.chart_versions().await?.into_iter().skip(1).collect())
    }

    /// The changes of the 業務責任者: each designation that succeeded another, by the day
    /// it takes effect. The register of deliverables raises a 業務責任者変更通知書 for each.
    pub async fn lead_changes(&self) -> Result<Vec<LeadChange>, StoreError> {
        sqlx::query(
            "SELECT d.id, d.effective_from, d.name, d.company, p.name AS previous_name \
             FROM designations d JOIN designations p ON p.id = d.previous_id \
             WHERE d.contract_id = $1 AND d.kind = $2 ORDER BY d.effective_from, d.id",
        )
        .bind(self.contract_id()?)
        .bind(DesignationKind::ContractLead.as_str())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(LeadChange {
                designation_id: r.try_get("id")?,
                effective_date: r.try_get("effective_from")?,
                previous_name: r.try_get("previous_name")?,
                name: r.try_get("name")?,
                company: r.try_get("company")?,
            })
        })
        .collect()
    }
}

/// Draws the chart as of `date` after the change of designation `designation_id` and keeps
/// it as a version (its SHA-256 too) when it differs from the last one.
async fn keep_version(
    ch: &mut crate::Change,
    contract: &Contract,
    designation_id: i64,
    date: NaiveDate,
    cause: &str,
) -> Result<(), StoreError> {
    let contract_id = ch.contract_id()?;
    let svg = org_chart::render_svg(&chart(ch.conn(), contract_id, contract, date).await?);
    let sha = org_chart::sha256(&svg);
    let last: Option<String> = sqlx::query_scalar(
        "SELECT sha256 FROM org_chart_versions WHERE contract_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(contract_id)
    .fetch_optional(ch.conn())
    .await?;
    if last.as_deref() != Some(sha.as_str()) {
        let now = ch.now().to_string();
        sqlx::query(
            "INSERT INTO org_chart_versions (contract_id, effective_date, sha256, svg, \
             designation_id, cause, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(contract_id)
        .bind(date.to_string())
        .bind(&sha)
        .bind(&svg)
        .bind(designation_id)
        .bind(cause)
        .bind(&now)
        .execute(ch.conn())
        .await?;
        if last.is_some() && date > contract.period.start {
            // §6(2): a chart changed once the work started is reported to the City with the
            // chart after the change (the first one is the at-start deliverable).
            let cause = format!("{date}の変更: {cause}");
            raise_deliverables(ch, contract, DueRule::OnChartChange, date, &cause).await?;
        }
    }
    Ok(())
}
