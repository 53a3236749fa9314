//! What every step of the request chain reads inside its transaction: the actor's role,
//! the request's status, its jobs and their terminals, and the latest procedure version.

use jukiops_domain::audit::Entity;
use jukiops_domain::jobs::{
    JobStatus, JobVerb, ProcedureStep, ProcedureVersion, ProcedureVersionStatus, WorkRequestStatus,
    WorkRequestVerb, job_transition, work_request_transition,
};
use jukiops_domain::people::Role;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::common::raced;
use crate::{Change, StoreError};

/// The request's status, locked for this change by the conditional update that follows.
pub(super) async fn request_status(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<WorkRequestStatus, StoreError> {
    let s: String = sqlx::query_scalar("SELECT status FROM work_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
    WorkRequestStatus::parse(&s).ok_or(StoreError::NotFound(Entity::WorkRequest))
}

/// Moves the request by `verb` when the state machine allows it; audited.
pub(super) async fn move_request(
    ch: &mut Change,
    id: i64,
    verb: WorkRequestVerb,
    role: Role,
) -> Result<WorkRequestStatus, StoreError> {
    let from = request_status(ch.conn(), id).await?;
    let to = work_request_transition(from, verb, role)
        .map_err(|e| StoreError::conflict("status", e.0))?;
    let now = ch.now().to_string();
    let n = sqlx::query(
        "UPDATE work_requests SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(&now)
    .bind(id)
    .bind(from.as_str())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(raced());
    }
    ch.audit(
        Entity::WorkRequest,
        id,
        verb,
        &json!({"status": {"before": from.as_str(), "after": to.as_str()}}),
    );
    Ok(to)
}

/// The ids of the request's jobs.
pub(super) async fn job_ids(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows =
        sqlx::query("SELECT job_id FROM work_request_jobs WHERE request_id = $1 ORDER BY job_id")
            .bind(request_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter().map(|r| Ok(r.try_get("job_id")?)).collect()
}

/// Moves each job by `verb` (`done_on` set when it completes); audited per job.
pub(super) async fn move_jobs(
    ch: &mut Change,
    ids: &[i64],
    verb: JobVerb,
    role: Role,
    done_on: Option<&str>,
) -> Result<(), StoreError> {
    for id in ids {
        let s: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::Job))?;
        let from = JobStatus::parse(&s).ok_or(StoreError::NotFound(Entity::Job))?;
        let to = job_transition(from, verb, role)
            .map_err(|e| StoreError::conflict("job_ids", format!("作業ID {id}: {}", e.0)))?;
        let now = ch.now().to_string();
        sqlx::query("UPDATE jobs SET status = $1, done_on = COALESCE($2, done_on), updated_at = $3 WHERE id = $4")
            .bind(to.as_str())
            .bind(done_on.map(str::to_string))
            .bind(&now)
            .bind(id)
            .execute(ch.conn())
            .await?;
        ch.audit(
            Entity::Job,
            id,
            verb,
            &json!({"status": {"before": from.as_str(), "after": to.as_str()}}),
        );
    }
    Ok(())
}

/// The terminals the request's jobs cover.
pub(super) async fn target_terminals(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT jt.terminal_id FROM work_request_jobs rj \
         JOIN job_terminals jt ON jt.job_id = rj.job_id WHERE rj.request_id = $1 ORDER BY jt.terminal_id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("terminal_id")?)).collect()
}

/// The latest procedure version of the request, with its id and steps.
pub(super) async fn latest_procedure(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Option<(i64, ProcedureVersion, Vec<ProcedureStep>)>, StoreError> {
    let r = sqlx::query(
        "SELECT id, version, status, steps FROM procedures WHERE request_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(request_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let status = ProcedureVersionStatus::parse(&r.try_get::<String, _>("status")?)
        .unwrap_or(ProcedureVersionStatus::Returned);
    let number = u32::try_from(r.try_get::<i64, _>("version")?).unwrap_or(0);
    let steps: Vec<ProcedureStep> = serde_json::from_str(&r.try_get::<String, _>("steps")?)
        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    Ok(Some((
        r.try_get("id")?,
        ProcedureVersion { number, status },
        steps,
    )))
}
