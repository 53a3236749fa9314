//! The facts every step of the request chain reads before the domain judges it: the
//! request's status (in the contract year of the store), its jobs with their statuses, the
//! terminals they cover, its latest procedure version and its questions. Records of another
//! year are not found.

use chrono::NaiveDate;
use jukiops_domain::audit::Entity;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::jobs::JobStatus;
use jukiops_domain::requests::{
    ProcedureStep, ProcedureVersion, ProcedureVersionStatus, QuestionStatus, RecordFacts,
    RequestBounds, WorkRequestStatus, WorkScope,
};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A stored number that must fit a `u32` (a version, a step's order).
pub(super) fn small(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// Stored procedure steps.
pub(super) fn steps_of(text: &str) -> Result<Vec<ProcedureStep>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))
}

/// The status of request `id` of contract year `contract`.
/// A record of the request chain (`table`: questions, procedures or reports, each with a
/// `request_id` and a `status`) as its moves are judged: its request and its stored status,
/// found only within contract year `contract` (else `entity` is not found).
pub(super) async fn chain_record(
    conn: &mut AnyConnection,
    table: &'static str,
    entity: Entity,
    id: i64,
    contract: i64,
) -> Result<(i64, String), StoreError> {
    let r = sqlx::query(crate::sql(format!(
        "SELECT x.request_id, x.status FROM {table} x JOIN work_requests w ON w.id = x.request_id \
         WHERE x.id = $1 AND w.contract_id = $2"
    )))
    .bind(id)
    .bind(contract)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound(entity))?;
    Ok((r.try_get("request_id")?, r.try_get("status")?))
}

pub(crate) async fn request_status(
    conn: &mut AnyConnection,
    contract: i64,
    id: i64,
) -> Result<WorkRequestStatus, StoreError> {
    let s: String =
        sqlx::query_scalar("SELECT status FROM work_requests WHERE id = $1 AND contract_id = $2")
            .bind(id)
            .bind(contract)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
    Ok(WorkRequestStatus::decode(&s)?)
}

/// The bounds of request `id` of contract year `contract` (its dates, sites and target
/// terminals), or `None` when the year has no such request.
pub(crate) async fn request_bounds(
    conn: &mut AnyConnection,
    contract: i64,
    id: i64,
) -> Result<Option<RequestBounds>, StoreError> {
    let r = sqlx::query(
        "SELECT issued_on, period_from, period_to FROM work_requests WHERE id = $1 AND contract_id = $2",
    )
    .bind(id)
    .bind(contract)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let day = |c: &str| -> Result<NaiveDate, StoreError> {
        let text: String = r.try_get(c)?;
        parse_date(&text).ok_or_else(|| sqlx::Error::Decode(format!("{c}: {text}").into()).into())
    };
    let site_ids =
        sqlx::query_scalar("SELECT site_id FROM work_request_sites WHERE request_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(Some(RequestBounds {
        issued_on: day("issued_on")?,
        period_from: day("period_from")?,
        period_to: day("period_to")?,
        site_ids,
        terminal_sites: target_terminals(conn, id).await?,
    }))
}

/// The request job `job_id` of contract year `contract` is worked under (the latest one not
/// cancelled): its status, latest procedure version and bounds; `None` without one.
pub(crate) async fn job_work_scope(
    conn: &mut AnyConnection,
    contract: i64,
    job_id: i64,
) -> Result<Option<WorkScope>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT w.id FROM work_request_jobs rj JOIN work_requests w ON w.id = rj.request_id \
         WHERE rj.job_id = $1 AND w.contract_id = $2 AND w.status <> $3 ORDER BY w.id DESC LIMIT 1",
    )
    .bind(job_id)
    .bind(contract)
    .bind(WorkRequestStatus::Cancelled.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let request = request_status(conn, contract, id).await?;
    let latest = latest_procedure(conn, id).await?.map(|(_, v, _)| v);
    let bounds = request_bounds(conn, contract, id)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
    Ok(Some(WorkScope {
        request,
        latest,
        bounds,
    }))
}

/// The request's jobs with their statuses, by id.
pub(super) async fn job_statuses(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<(i64, JobStatus)>, StoreError> {
    let rows = sqlx::query(
        "SELECT j.id, j.status FROM work_request_jobs rj JOIN jobs j ON j.id = rj.job_id \
         WHERE rj.request_id = $1 ORDER BY j.id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                JobStatus::decode(&r.try_get::<String, _>("status")?)?,
            ))
        })
        .collect()
}

/// The terminals the request's jobs cover, by id, each with its site: `(terminal, site)`.
pub(super) async fn target_terminals(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT t.id, t.site_id FROM work_request_jobs rj \
         JOIN job_terminals jt ON jt.job_id = rj.job_id JOIN terminals t ON t.id = jt.terminal_id \
         WHERE rj.request_id = $1 ORDER BY t.id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("site_id")?)))
        .collect()
}

/// The latest version of the request's procedure: its id, number and status, and steps.
pub(super) async fn latest_procedure(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Option<(i64, ProcedureVersion, Vec<ProcedureStep>)>, StoreError> {
    let r = sqlx::query(
        "SELECT id, version, status, steps FROM procedures WHERE request_id = $1 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(request_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let version = ProcedureVersion {
        number: small(r.try_get("version")?)?,
        status: ProcedureVersionStatus::decode(&r.try_get::<String, _>("status")?)?,
    };
    let steps = steps_of(&r.try_get::<String, _>("steps")?)?;
    Ok(Some((r.try_get("id")?, version, steps)))
}

/// The statuses of the request's questions.
pub(super) async fn question_statuses(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<QuestionStatus>, StoreError> {
    let rows = sqlx::query("SELECT status FROM questions WHERE request_id = $1")
        .bind(request_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok(QuestionStatus::decode(&r.try_get::<String, _>("status")?)?))
        .collect()
}

/// What recording work under the request is judged on, with the id of its latest
/// procedure version and the request's bounds (its period, sites and target terminals).
pub(super) struct RecordScope {
    pub facts: RecordFacts,
    pub procedure_id: Option<i64>,
    pub bounds: RequestBounds,
}

pub(super) async fn record_scope(
    conn: &mut AnyConnection,
    contract: i64,
    request_id: i64,
) -> Result<RecordScope, StoreError> {
    let request = request_status(conn, contract, request_id).await?;
    let latest = latest_procedure(conn, request_id).await?;
    let bounds = request_bounds(conn, contract, request_id)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
    let (procedure_id, latest, steps) = match latest {
        Some((id, v, steps)) => (Some(id), Some(v), steps),
        None => (None, None, Vec::new()),
    };
    Ok(RecordScope {
        facts: RecordFacts {
            request,
            latest,
            steps,
            terminals: bounds.terminal_sites.iter().map(|(t, _)| *t).collect(),
        },
        procedure_id,
        bounds,
    })
}
