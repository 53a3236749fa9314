//! The worker roster (従事者名簿): its persons and their notices, read and written; and the
//! roster facts every place that names a person doing the work loads for the domain's
//! [`judge_on_roster`].

use chrono::{Datelike, NaiveDate};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::roster::subcontracting::SubcontractStatus;
use jukiops_domain::roster::{
    AccountRoster, NewPersonFacts, NoticeFact, NoticeKind, RosterChangeDraft, RosterDetails,
    RosterPersonDraft, RosterRole, details_on, is_late, judge_acknowledgement, judge_change,
    judge_new_person, judge_on_roster, late_by_month, on_roster, roster_span,
};
use jukiops_domain::time::{from_db, to_db};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::common::{id_list, jst_text};
use crate::users::person_facts;
use crate::{Store, StoreError, sql};

/// One notice of the roster, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterNotice {
    pub id: i64,
    pub person_id: i64,
    pub kind: NoticeKind,
    pub kind_label: String,
    /// `YYYY-MM-DD`
    pub effective_on: String,
    /// When it was given to the City, Japan time.
    pub given_at: String,
    /// Given on or after its effective day (期限後): a breach of the advance notice.
    pub late: bool,
    pub details: RosterDetails,
    pub contract_role_label: String,
    pub recorded_by: String,
    /// The City's acknowledgement: who and when (Japan time), once it came.
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// A person of the roster, with their details as of today and every notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterPerson {
    pub id: i64,
    /// Their account, if they have one.
    pub user_id: Option<i64>,
    /// The account's display name.
    pub account_name: Option<String>,
    /// The subcontracting application they work under, for a subcontractor's person.
    pub subcontract_id: Option<i64>,
    pub subcontractor: Option<String>,
    pub details: RosterDetails,
    pub contract_role_label: String,
    /// On the roster today (Japan time).
    pub on_roster_today: bool,
    /// `YYYY-MM-DD`: the first day on the roster, and the last one once removed.
    pub on_roster_from: Option<String>,
    pub on_roster_until: Option<String>,
    pub notices: Vec<RosterNotice>,
}

/// The late notices of one month of their effective date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LateCount {
    /// `YYYY-MM`
    pub month: String,
    pub count: u32,
}

/// Every notice of the year, newest first, with the late ones counted per month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterNotices {
    pub items: Vec<RosterNotice>,
    pub late_by_month: Vec<LateCount>,
    pub late_total: u32,
}

const NOTICE_COLUMNS: &str = "n.id, n.person_id, n.kind, n.effective_on, n.given_at, n.late, \
    n.name, n.kana, n.company, n.contract_role, n.badge_number, n.contact, n.recorded_by, \
    n.acknowledged_by, n.acknowledged_at, p.user_id";

fn parse_date(s: &str) -> Result<NaiveDate, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Internal(format!("stored date {s}")))
}

fn details_of(r: &AnyRow) -> Result<RosterDetails, StoreError> {
    Ok(RosterDetails {
        name: r.try_get("name")?,
        kana: r.try_get("kana")?,
        company: r.try_get("company")?,
        contract_role: RosterRole::decode(&r.try_get::<String, _>("contract_role")?)?,
        badge_number: r.try_get("badge_number")?,
        contact: r.try_get("contact")?,
    })
}

fn fact_of(r: &AnyRow) -> Result<NoticeFact, StoreError> {
    let given: String = r.try_get("given_at")?;
    Ok(NoticeFact {
        kind: NoticeKind::decode(&r.try_get::<String, _>("kind")?)?,
        effective_on: parse_date(&r.try_get::<String, _>("effective_on")?)?,
        given_at: from_db(&given)
            .ok_or_else(|| StoreError::Internal(format!("stored instant {given}")))?,
        details: details_of(r)?,
    })
}

fn notice_of(r: &AnyRow) -> Result<RosterNotice, StoreError> {
    let f = fact_of(r)?;
    Ok(RosterNotice {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        kind: f.kind,
        kind_label: f.kind.label_ja().into(),
        effective_on: f.effective_on.to_string(),
        given_at: jst_text(r.try_get("given_at")?).unwrap_or_default(),
        late: r.try_get::<i64, _>("late")? != 0,
        contract_role_label: f.details.contract_role.label_ja().into(),
        details: f.details,
        recorded_by: r.try_get("recorded_by")?,
        acknowledged_by: r.try_get("acknowledged_by")?,
        acknowledged_at: jst_text(r.try_get("acknowledged_at")?),
    })
}

/// The notices of the year's roster persons `where_` selects (over `n` and `p`), in the
/// order given.
async fn notice_rows(
    conn: &mut AnyConnection,
    contract: i64,
    where_: &str,
) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(sql(format!(
        "SELECT {NOTICE_COLUMNS} FROM roster_notices n JOIN roster_persons p ON p.id = n.person_id \
         WHERE p.contract_id = $1 AND ({where_}) ORDER BY n.given_at, n.id"
    )))
    .bind(contract)
    .fetch_all(conn)
    .await?)
}

/// Refuses, naming `field`, the first of `named` (an account and the day it would do the
/// work) who is not on the year's roster that day, as [`judge_on_roster`] decides from
/// the notices loaded here.
pub(crate) async fn check_on_roster(
    conn: &mut AnyConnection,
    contract: i64,
    field: &str,
    named: &[(i64, NaiveDate)],
) -> Result<(), StoreError> {
    if named.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = named.iter().map(|(id, _)| *id).collect();
    let rows = notice_rows(conn, contract, &format!("p.user_id IN ({})", id_list(&ids))).await?;
    let mut roster: Vec<AccountRoster> = Vec::new();
    for r in &rows {
        let user_id: i64 = r.try_get("user_id")?;
        let fact = fact_of(r)?;
        match roster.iter_mut().find(|a| a.user_id == user_id) {
            Some(a) => a.notices.push(fact),
            None => roster.push(AccountRoster {
                user_id,
                notices: vec![fact],
            }),
        }
    }
    Ok(judge_on_roster(field, named, &roster)?)
}

/// Every person of the year's roster with their account (if any), display name as first
/// notified, and notices in order.
pub(crate) async fn persons_with_notices(
    conn: &mut AnyConnection,
    contract: i64,
) -> Result<Vec<(i64, Option<i64>, Vec<NoticeFact>)>, StoreError> {
    let rows = notice_rows(conn, contract, "1 = 1").await?;
    let mut out: Vec<(i64, Option<i64>, Vec<NoticeFact>)> = Vec::new();
    for r in &rows {
        let person: i64 = r.try_get("person_id")?;
        let fact = fact_of(r)?;
        match out.iter_mut().find(|(p, _, _)| *p == person) {
            Some((_, _, n)) => n.push(fact),
            None => out.push((person, r.try_get("user_id")?, vec![fact])),
        }
    }
    Ok(out)
}

/// The details, as they stand on `day`, of every person of the year's roster on the
/// roster that day (the organisation chart's workers), in the order first notified.
pub(crate) async fn people_on(
    conn: &mut AnyConnection,
    contract: i64,
    day: NaiveDate,
) -> Result<Vec<RosterDetails>, StoreError> {
    Ok(persons_with_notices(conn, contract)
        .await?
        .iter()
        .filter(|(_, _, n)| on_roster(n, day))
        .filter_map(|(_, _, n)| details_on(n, day).cloned())
        .collect())
}

/// The notices of roster person `person_id` of the year (none when not found).
async fn person_notices(
    conn: &mut AnyConnection,
    contract: i64,
    person_id: i64,
) -> Result<Vec<NoticeFact>, StoreError> {
    let rows = notice_rows(conn, contract, &format!("p.id = {person_id}")).await?;
    rows.iter().map(fact_of).collect()
}

/// Writes notice `n` of person `person_id`, flagged late as [`is_late`] says, and its
/// audit entry on the person; returns its id.
async fn insert_notice(
    ch: &mut crate::Change,
    person_id: i64,
    n: &NoticeFact,
    extra: serde_json::Value,
) -> Result<i64, StoreError> {
    let late = is_late(n.effective_on, n.given_at);
    let now = ch.now().to_string();
    let actor = ch.actor().to_string();
    let d = &n.details;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO roster_notices (person_id, kind, effective_on, given_at, late, name, kana, \
         company, contract_role, badge_number, contact, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(person_id)
    .bind(n.kind.as_str())
    .bind(n.effective_on.to_string())
    .bind(to_db(n.given_at))
    .bind(i64::from(late))
    .bind(&d.name)
    .bind(&d.kana)
    .bind(&d.company)
    .bind(d.contract_role.as_str())
    .bind(&d.badge_number)
    .bind(&d.contact)
    .bind(&actor)
    .bind(&now)
    .fetch_one(ch.conn())
    .await?;
    let mut changes = json!({
        "kind": {"after": n.kind.as_str()}, "effective_on": {"after": n.effective_on.to_string()},
        "given_at": {"after": to_db(n.given_at)}, "late": {"after": late},
        "name": {"after": d.name}, "kana": {"after": d.kana}, "company": {"after": d.company},
        "contract_role": {"after": d.contract_role.as_str()},
        "badge_number": {"after": d.badge_number}, "contact": {"after": d.contact},
    });
    if let (Some(c), Some(e)) = (changes.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    ch.audit(Entity::RosterPerson, person_id, n.kind, &changes);
    Ok(id)
}

impl Store {
    /// The year's roster: every person with their details as of `today` and their notices,
    /// by name.
    pub async fn roster(&self, today: NaiveDate) -> Result<Vec<RosterPerson>, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let people = sqlx::query(
            "SELECT p.id, p.user_id, u.display_name, p.subcontract_id, s.subcontractor \
             FROM roster_persons p LEFT JOIN users u ON u.id = p.user_id \
             LEFT JOIN subcontracts s ON s.id = p.subcontract_id WHERE p.contract_id = $1 ORDER BY p.id",
        )
        .bind(contract)
        .fetch_all(&mut *conn)
        .await?;
        let rows = notice_rows(&mut conn, contract, "1 = 1").await?;
        let mut out = Vec::new();
        for p in &people {
            let id: i64 = p.try_get("id")?;
            let mine: Vec<&AnyRow> = rows
                .iter()
                .filter(|r| r.try_get::<i64, _>("person_id").ok() == Some(id))
                .collect();
            let facts = mine
                .iter()
                .map(|r| fact_of(r))
                .collect::<Result<Vec<_>, _>>()?;
            let Some(details) = details_on(&facts, today).cloned() else {
                continue;
            };
            let (from, until) = roster_span(&facts);
            let mut notices = mine
                .iter()
                .map(|r| notice_of(r))
                .collect::<Result<Vec<_>, _>>()?;
            notices.reverse();
            out.push(RosterPerson {
                id,
                user_id: p.try_get("user_id")?,
                account_name: p.try_get("display_name")?,
                subcontract_id: p.try_get("subcontract_id")?,
                subcontractor: p.try_get("subcontractor")?,
                contract_role_label: details.contract_role.label_ja().into(),
                details,
                on_roster_today: on_roster(&facts, today),
                on_roster_from: from.map(|d| d.to_string()),
                on_roster_until: until.map(|d| d.to_string()),
                notices,
            });
        }
        out.sort_by(|a, b| a.details.kana.cmp(&b.details.kana));
        Ok(out)
    }

    /// Every notice of the year, newest given first, with the late ones counted per month
    /// of their effective date (for the security status report).
    pub async fn roster_notices(&self) -> Result<RosterNotices, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let rows = notice_rows(&mut conn, contract, "1 = 1").await?;
        let mut items = rows.iter().map(notice_of).collect::<Result<Vec<_>, _>>()?;
        items.reverse();
        let flags: Vec<(NaiveDate, bool)> = items
            .iter()
            .map(|n| Ok((parse_date(&n.effective_on)?, n.late)))
            .collect::<Result<_, StoreError>>()?;
        let late_by_month: Vec<LateCount> = late_by_month(&flags)
            .into_iter()
            .map(|(month, count)| LateCount { month, count })
            .collect();
        let late_total = late_by_month.iter().map(|c| c.count).sum();
        Ok(RosterNotices {
            items,
            late_by_month,
            late_total,
        })
    }

    /// The late roster notices whose effective date falls in `year`-`month`: the figure
    /// the monthly security status report counts.
    pub async fn late_roster_notices_in(&self, year: i32, month: u32) -> Result<u32, StoreError> {
        let n = self.roster_notices().await?;
        let key = NaiveDate::from_ymd_opt(year, month, 1)
            .map(|d| format!("{}-{:02}", d.year(), d.month()))
            .unwrap_or_default();
        Ok(n.late_by_month
            .iter()
            .find(|c| c.month == key)
            .map_or(0, |c| c.count))
    }

    /// Puts a person on the roster with the notice that adds them, as
    /// [`judge_new_person`] allows; returns the person's id. Audited on the person. The
    /// register of deliverables calls this (and [`Store::record_roster_notice`]) with the
    /// instant its 情報資産取扱者通知（従事者名簿） was submitted as `given_at`.
    pub async fn add_roster_person(
        &self,
        who: &Authorized,
        d: &RosterPersonDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let (account, account_listed) = match d.user_id {
            Some(id) => {
                let listed: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM roster_persons WHERE contract_id = $1 AND user_id = $2",
                )
                .bind(contract)
                .bind(id)
                .fetch_one(ch.conn())
                .await?;
                (person_facts(ch.conn(), id).await?, listed > 0)
            }
            None => (None, false),
        };
        let subcontract = match d.subcontract_id {
            Some(id) => sqlx::query_scalar::<_, String>(
                "SELECT status FROM subcontracts WHERE id = $1 AND contract_id = $2",
            )
            .bind(id)
            .bind(contract)
            .fetch_optional(ch.conn())
            .await?
            .map(|s| SubcontractStatus::decode(&s))
            .transpose()?,
            None => None,
        };
        let facts = NewPersonFacts {
            account,
            account_listed,
            subcontract,
            now: ch.now_utc(),
        };
        let notice = judge_new_person(d, &facts)?;
        let now = ch.now().to_string();
        let actor = ch.actor().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO roster_persons (contract_id, user_id, subcontract_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(contract)
        .bind(d.user_id)
        .bind(d.subcontract_id)
        .bind(&actor)
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let extra =
            json!({"user_id": {"after": d.user_id}, "subcontract_id": {"after": d.subcontract_id}});
        insert_notice(&mut ch, id, &notice, extra).await?;
        ch.commit().await?;
        Ok(id)
    }

    /// Records a notice of a change to roster person `person_id` (add back, modify,
    /// remove), as [`judge_change`] allows; returns the notice's id. Audited on the person.
    pub async fn record_roster_notice(
        &self,
        who: &Authorized,
        person_id: i64,
        d: &RosterChangeDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        ch.lock("roster_persons", person_id).await?;
        let notices = person_notices(ch.conn(), contract, person_id).await?;
        if notices.is_empty() {
            return Err(StoreError::NotFound(Entity::RosterPerson));
        }
        let notice = judge_change(d, &notices, ch.now_utc())?;
        let id = insert_notice(&mut ch, person_id, &notice, json!({})).await?;
        ch.commit().await?;
        Ok(id)
    }

    /// Records the City's acknowledgement of roster notice `notice_id` (once). Audited on
    /// the person. The register of deliverables calls this when the City accepts the
    /// notice submitted through it.
    pub async fn acknowledge_roster_notice(
        &self,
        who: &Authorized,
        notice_id: i64,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let r = sqlx::query(
            "SELECT n.person_id, n.kind, n.effective_on, n.acknowledged_at FROM roster_notices n \
             JOIN roster_persons p ON p.id = n.person_id WHERE n.id = $1 AND p.contract_id = $2",
        )
        .bind(notice_id)
        .bind(ch.contract_id()?)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::RosterPerson))?;
        let acknowledged: Option<String> = r.try_get("acknowledged_at")?;
        judge_acknowledgement(acknowledged.is_some())?;
        let person: i64 = r.try_get("person_id")?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE roster_notices SET acknowledged_by = $1, acknowledged_at = $2 \
             WHERE id = $3 AND acknowledged_at IS NULL",
        )
        .bind(who.name())
        .bind(&now)
        .bind(notice_id)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(crate::common::raced());
        }
        let changes = json!({
            "kind": {"after": r.try_get::<String, _>("kind")?},
            "effective_on": {"after": r.try_get::<String, _>("effective_on")?},
            "acknowledged_at": {"after": now},
        });
        ch.audit(
            Entity::RosterPerson,
            person,
            AuditAction::Acknowledge,
            &changes,
        );
        ch.commit().await?;
        Ok(())
    }
}
