//! Loading what the schedule's rules judge: the site, people and terminals a record names,
//! the workers' other visits of the day, the off-hours records and permits around a date.
//! Nothing here refuses; the judges are in the domain's `schedule` module.

use jukiops_domain::inventory::{AssetStatus, parse_date};
use jukiops_domain::people::Role;
use jukiops_domain::schedule::{
    BusyFact, OffHoursFact, OffHoursStatus, PermitFact, PermitKind, PermitStatus, PersonFact,
    SiteFact, Span, TerminalFact, judge_contractor_people, parse_time,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::PersonRef;
use crate::common::id_list;
use crate::{StoreError, sql};

/// `date`, `start` and `end` columns read back as a span.
pub(super) fn span_of(r: &AnyRow, date: &str) -> Result<Span, sqlx::Error> {
    let bad = |c: &str| sqlx::Error::Decode(format!("bad {c}").into());
    Ok(Span {
        date: parse_date(&r.try_get::<String, _>(date)?).ok_or_else(|| bad(date))?,
        start: parse_time(&r.try_get::<String, _>("start_time")?).ok_or_else(|| bad("start"))?,
        end: parse_time(&r.try_get::<String, _>("end_time")?).ok_or_else(|| bad("end"))?,
    })
}

/// `HH:MM`, as times are stored.
pub(super) fn hhmm(t: chrono::NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The people linked to each of `ids` through `table` (`visit_workers` or
/// `off_hours_workers`, keyed by `key`).
pub(super) async fn people_of(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    ids: &[i64],
) -> Result<Vec<(i64, PersonRef)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let rows = sqlx::query(sql(format!(
        "SELECT w.{key} AS owner, u.id, u.username, u.display_name FROM {table} w \
         JOIN users u ON u.id = w.user_id WHERE w.{key} IN ({list}) ORDER BY u.username"
    )))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("owner")?,
                PersonRef {
                    id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                },
            ))
        })
        .collect()
}

/// The accounts among `ids`, with their role and whether they are disabled.
pub(super) async fn person_facts(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<PersonFact>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(sql(format!(
        "SELECT id, role, disabled FROM users WHERE id IN ({})",
        id_list(ids)
    )))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PersonFact {
                id: r.try_get("id")?,
                role: Role::decode(&r.try_get::<String, _>("role")?)?,
                disabled: r.try_get::<i64, _>("disabled")? != 0,
            })
        })
        .collect()
}

/// Refuses, naming `field`, anyone of `ids` who is not an enabled lead or worker.
pub(crate) async fn check_contractor_people(
    conn: &mut AnyConnection,
    field: &str,
    ids: &[i64],
) -> Result<(), StoreError> {
    let found = person_facts(conn, ids).await?;
    Ok(judge_contractor_people(field, ids, &found)?)
}

/// The site `site_id`, if registered.
pub(super) async fn site_fact(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<Option<SiteFact>, StoreError> {
    let r = sqlx::query("SELECT id, code, name, needs_entry_permit FROM sites WHERE id = $1")
        .bind(site_id)
        .fetch_optional(conn)
        .await?;
    r.map(|r| {
        Ok(SiteFact {
            id: r.try_get("id")?,
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            needs_entry_permit: r.try_get::<i64, _>("needs_entry_permit")? != 0,
        })
    })
    .transpose()
}

/// A terminal in use at site `$1`: installed there, in service or under repair.
const IN_USE_AT_SITE: &str = "(site_id = $1 AND status IN ('in_service', 'under_repair'))";

/// The terminals among `ids`, and with `all_in_use` every terminal in use at `site_id`.
pub(super) async fn terminal_facts(
    conn: &mut AnyConnection,
    site_id: i64,
    ids: &[i64],
    all_in_use: bool,
) -> Result<Vec<TerminalFact>, StoreError> {
    let listed = format!("id IN ({})", id_list(ids));
    let wanted = match (ids.is_empty(), all_in_use) {
        (true, false) => return Ok(Vec::new()),
        (false, false) => listed,
        (true, true) => IN_USE_AT_SITE.to_string(),
        (false, true) => format!("{listed} OR {IN_USE_AT_SITE}"),
    };
    let q = format!(
        "SELECT id, asset_number, room, site_id, status FROM terminals WHERE {wanted} ORDER BY id"
    );
    let mut q = sqlx::query(sql(q));
    if all_in_use {
        q = q.bind(site_id);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(TerminalFact {
                id: r.try_get("id")?,
                asset_number: r.try_get("asset_number")?,
                room: r.try_get("room")?,
                site_id: r.try_get("site_id")?,
                status: AssetStatus::decode(&r.try_get::<String, _>("status")?)?,
            })
        })
        .collect()
}

/// The live visits of contract `contract` on `date` that `worker_ids` are on.
pub(super) async fn busy_facts(
    conn: &mut AnyConnection,
    contract: i64,
    date: &str,
    worker_ids: &[i64],
) -> Result<Vec<BusyFact>, StoreError> {
    if worker_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(sql(format!(
        "SELECT w.user_id, u.display_name, s.name AS site_name, v.visit_date, v.start_time, \
         v.end_time FROM visits v JOIN visit_workers w ON w.visit_id = v.id \
         JOIN users u ON u.id = w.user_id JOIN sites s ON s.id = v.site_id \
         WHERE v.contract_id = $1 AND v.visit_date = $2 AND v.status <> 'cancelled' \
         AND w.user_id IN ({}) ORDER BY v.start_time, v.id, u.username",
        id_list(worker_ids)
    )))
    .bind(contract)
    .bind(date)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BusyFact {
                worker_id: r.try_get("user_id")?,
                display_name: r.try_get("display_name")?,
                site_name: r.try_get("site_name")?,
                span: span_of(r, "visit_date")?,
            })
        })
        .collect()
}

/// Off-hours records on dates `from..=to` (all sites, every contract year), with the
/// workers they name: what the work records check their cover against.
pub(crate) async fn off_hours_facts(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<OffHoursFact>, StoreError> {
    off_hours_facts_of(conn, None, from, to).await
}

/// Off-hours records of contract `contract` (every year when `None`) on dates
/// `from..=to`, with the workers they name.
pub(super) async fn off_hours_facts_of(
    conn: &mut AnyConnection,
    contract: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<OffHoursFact>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, site_id, work_date, start_time, end_time, status FROM off_hours \
         WHERE work_date >= $1 AND work_date <= $2 AND ($3 IS NULL OR contract_id = $3)",
    )
    .bind(from)
    .bind(to)
    .bind(contract)
    .fetch_all(&mut *conn)
    .await?;
    let mut facts = rows
        .iter()
        .map(|r| {
            Ok(OffHoursFact {
                worker_ids: Vec::new(),
                id: r.try_get("id")?,
                site_id: r.try_get("site_id")?,
                span: span_of(r, "work_date")?,
                status: OffHoursStatus::decode(&r.try_get::<String, _>("status")?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
    for (owner, person) in people_of(conn, "off_hours_workers", "off_hours_id", &ids).await? {
        if let Some(f) = facts.iter_mut().find(|f| f.id == owner) {
            f.worker_ids.push(person.id);
        }
    }
    Ok(facts)
}

/// Permits of contract `contract` valid on some date of `from..=to` (all sites).
pub(super) async fn permit_facts(
    conn: &mut AnyConnection,
    contract: i64,
    from: &str,
    to: &str,
) -> Result<Vec<PermitFact>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, site_id, kind, room, valid_from, valid_to, status FROM permits \
         WHERE valid_from <= $2 AND valid_to >= $1 AND contract_id = $3",
    )
    .bind(from)
    .bind(to)
    .bind(contract)
    .fetch_all(conn)
    .await?;
    let date = |r: &AnyRow, c: &str| -> Result<_, StoreError> {
        parse_date(&r.try_get::<String, _>(c)?)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad {c}").into()).into())
    };
    rows.iter()
        .map(|r| {
            Ok(PermitFact {
                id: r.try_get("id")?,
                site_id: r.try_get("site_id")?,
                kind: PermitKind::decode(&r.try_get::<String, _>("kind")?)?,
                room: r.try_get("room")?,
                valid_from: date(r, "valid_from")?,
                valid_to: date(r, "valid_to")?,
                status: PermitStatus::decode(&r.try_get::<String, _>("status")?)?,
            })
        })
        .collect()
}
