//! Loading what the schedule rules judge: people named on records, the off-hours records
//! and permits around a date, and the checks of sites and workers shared by every change.

use jukiops_domain::FieldErrors;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::Role;
use jukiops_domain::schedule::{
    OffHoursFact, OffHoursStatus, PermitFact, PermitKind, PermitStatus, Span, parse_time,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::PersonRef;
use crate::common::{id_list, invalid};
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

/// Refuses workers who are unknown, disabled, or not the contractor's people.
pub(super) async fn check_workers(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), StoreError> {
    check_contractor_people(conn, "worker_ids", ids).await
}

/// Refuses, naming `field`, anyone of `ids` who is not an enabled lead or worker.
pub(crate) async fn check_contractor_people(
    conn: &mut AnyConnection,
    field: &str,
    ids: &[i64],
) -> Result<(), StoreError> {
    for id in ids {
        let row = sqlx::query("SELECT role, disabled FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        let ok = row.is_some_and(|r| {
            let role: String = r.try_get("role").unwrap_or_default();
            let disabled: i64 = r.try_get("disabled").unwrap_or(1);
            disabled == 0
                && matches!(
                    Role::parse(&role),
                    Some(Role::ContractorWorker | Role::ContractorLead)
                )
        });
        if !ok {
            return Err(invalid(
                field,
                format!("利用者ID {id} は有効な作業従事者・業務責任者ではありません。"),
            ));
        }
    }
    Ok(())
}

/// The site's name and whether entering it needs a permit; unknown sites are refused.
pub(super) async fn site_of(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<(String, String, bool), StoreError> {
    let r = sqlx::query("SELECT code, name, needs_entry_permit FROM sites WHERE id = $1")
        .bind(site_id)
        .fetch_optional(conn)
        .await?;
    match r {
        Some(r) => Ok((
            r.try_get("code")?,
            r.try_get("name")?,
            r.try_get::<i64, _>("needs_entry_permit")? != 0,
        )),
        None => {
            let mut e = FieldErrors::default();
            e.push(
                "site_id",
                format!("拠点ID {site_id} は登録されていません。"),
            );
            Err(e.into())
        }
    }
}

/// Off-hours records on dates `from..=to` (all sites), with the workers they name.
pub(crate) async fn off_hours_facts(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<OffHoursFact>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, site_id, work_date, start_time, end_time, status FROM off_hours \
         WHERE work_date >= $1 AND work_date <= $2",
    )
    .bind(from)
    .bind(to)
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
                status: OffHoursStatus::parse(&r.try_get::<String, _>("status")?)
                    .unwrap_or(OffHoursStatus::Withdrawn),
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

/// Permits valid on some date of `from..=to` (all sites).
pub(super) async fn permit_facts(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<PermitFact>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, site_id, kind, room, valid_from, valid_to, status FROM permits \
         WHERE valid_from <= $2 AND valid_to >= $1",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .filter_map(|r| {
            let f = || -> Result<Option<PermitFact>, sqlx::Error> {
                let (Some(kind), Some(valid_from), Some(valid_to), Some(status)) = (
                    PermitKind::parse(&r.try_get::<String, _>("kind")?),
                    parse_date(&r.try_get::<String, _>("valid_from")?),
                    parse_date(&r.try_get::<String, _>("valid_to")?),
                    PermitStatus::parse(&r.try_get::<String, _>("status")?),
                ) else {
                    return Ok(None);
                };
                Ok(Some(PermitFact {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    kind,
                    room: r.try_get("room")?,
                    valid_from,
                    valid_to,
                    status,
                }))
            };
            f().map_err(StoreError::from).transpose()
        })
        .collect()
}

impl crate::Store {
    /// The contractor's people who may be put on a visit: enabled leads and workers.
    pub async fn contractor_people(&self) -> Result<Vec<PersonRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, display_name FROM users WHERE disabled = 0 \
             AND role IN ('contractor_worker', 'contractor_lead') ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PersonRef {
                    id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                })
            })
            .collect()
    }

    /// Every terminal installed at a site (in service or under repair; not spare or
    /// retired), as `(site_id, terminal_id)` by site and asset number: what a job on all
    /// terminals covers.
    pub async fn terminals_in_use(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT site_id, id FROM terminals WHERE status IN ('in_service', 'under_repair') \
             ORDER BY site_id, asset_number",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("site_id")?, r.try_get("id")?)))
            .collect()
    }
}

impl crate::Store {
    /// The asset numbers of the terminals with `ids`.
    pub async fn asset_numbers(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let rows = sqlx::query(sql(format!(
                "SELECT id, asset_number FROM terminals WHERE id IN ({list})"
            )))
            .fetch_all(&self.pool)
            .await?;
            for r in rows {
                out.insert(r.try_get("id")?, r.try_get("asset_number")?);
            }
        }
        Ok(out)
    }
}
