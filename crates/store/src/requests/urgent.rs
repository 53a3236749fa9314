//! The urgent 作業依頼書 of an incident (§5(8)ア, issue 14 item 6): the City issues, in one
//! change, a キ/ク job on the incident's terminal (its `incident_id` naming the incident),
//! the request naming it (judged as every request is), version 1 of its procedure approved
//! with the standard recovery steps, and the `urgent_requests` row that marks the request
//! urgent and keeps how, by whom and when the procedure was approved; the City's 決裁 route
//! is skipped for this kind alone. Each part is audited; the rest of the chain (records,
//! report, acceptance) is the usual one.

use chrono::NaiveDate;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::{CategoryCode, Period};
use jukiops_domain::incidents::{
    IncidentStatus, ROUTE_SKIPPED, UrgentApproval, UrgentFacts, UrgentRequestDraft,
    judge_urgent_request,
};
use jukiops_domain::jobs::JobStatus;
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{ProcedureVersionStatus, WorkRequestStatus, WorkRequestVerb};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::work_requests::{insert_request, move_request};
use crate::common::jst_text;
use crate::{Change, Store, StoreError};

/// An urgent request as the incident's page and the request's page show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UrgentRequest {
    pub request_id: i64,
    pub request_number: String,
    pub status: WorkRequestStatus,
    pub status_label: String,
    pub incident_id: i64,
    /// The キ/ク job, which completes when the request's report is accepted.
    pub job_id: i64,
    pub job_status: JobStatus,
    pub job_status_label: String,
    /// The approved version 1 of its procedure.
    pub procedure_id: i64,
    pub approval: UrgentApproval,
    pub approval_label: String,
    /// Who at the City approved, as the City staff member named them (by phone).
    pub approved_by_name: Option<String>,
    /// The City staff member who issued the request and recorded the approval.
    pub approved_by: String,
    /// Japan time.
    pub approved_at: String,
    pub note: Option<String>,
}

const SELECT: &str = "SELECT u.*, w.request_number, w.status, j.status AS job_status \
    FROM urgent_requests u JOIN work_requests w ON w.id = u.request_id \
    JOIN jobs j ON j.id = u.job_id";

fn row(r: &AnyRow) -> Result<UrgentRequest, StoreError> {
    let status = WorkRequestStatus::decode(&r.try_get::<String, _>("status")?)?;
    let job_status = JobStatus::decode(&r.try_get::<String, _>("job_status")?)?;
    let approval = UrgentApproval::decode(&r.try_get::<String, _>("approval")?)?;
    Ok(UrgentRequest {
        request_id: r.try_get("request_id")?,
        request_number: r.try_get("request_number")?,
        status,
        status_label: status.label_ja().into(),
        incident_id: r.try_get("incident_id")?,
        job_id: r.try_get("job_id")?,
        job_status,
        job_status_label: job_status.label_ja().into(),
        procedure_id: r.try_get("procedure_id")?,
        approval,
        approval_label: approval.label_ja().into(),
        approved_by_name: r.try_get("approved_by_name")?,
        approved_by: r.try_get("approved_by")?,
        approved_at: jst_text(r.try_get("approved_at")?).unwrap_or_default(),
        note: r.try_get("note")?,
    })
}

/// Incident `id` of contract year `contract` as its urgent request is judged.
async fn urgent_facts(
    conn: &mut AnyConnection,
    contract: i64,
    id: i64,
) -> Result<UrgentFacts, StoreError> {
    let r = sqlx::query(
        "SELECT i.category, i.status, i.terminal_id, i.site_id, i.symptom, \
         COALESCE(p.asset_number, t.asset_number) AS device_asset, \
         (SELECT w.request_number FROM urgent_requests u JOIN work_requests w ON w.id = u.request_id \
          WHERE u.incident_id = i.id) AS urgent_request \
         FROM incidents i JOIN terminals t ON t.id = i.terminal_id \
         LEFT JOIN touch_panels p ON p.id = i.touch_panel_id \
         WHERE i.id = $1 AND i.contract_id = $2",
    )
    .bind(id)
    .bind(contract)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound(Entity::Incident))?;
    let code: String = r.try_get("category")?;
    Ok(UrgentFacts {
        incident_id: id,
        category: CategoryCode::from_kana(&code)
            .ok_or_else(|| StoreError::Internal(format!("stored category {code}")))?,
        status: IncidentStatus::decode(&r.try_get::<String, _>("status")?)?,
        terminal_id: r.try_get("terminal_id")?,
        site_id: r.try_get("site_id")?,
        device_asset: r.try_get("device_asset")?,
        symptom: r.try_get("symptom")?,
        urgent_request: r.try_get("urgent_request")?,
    })
}

/// Version 1 of the request's procedure, approved as the urgent request says. Audited.
async fn insert_approved_procedure(
    ch: &mut Change,
    who: &Authorized,
    request_id: i64,
    issue: &jukiops_domain::incidents::UrgentIssue,
    approval: UrgentApproval,
) -> Result<i64, StoreError> {
    let steps = serde_json::to_string(&issue.procedure.steps)
        .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
    let now = ch.now().to_string();
    let status = ProcedureVersionStatus::Approved;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO procedures (request_id, version, steps, note, status, created_by, created_at, \
         decided_by, decided_at, decision_comment, updated_at) \
         VALUES ($1, 1, $2, $3, $4, $5, $6, $5, $6, $7, $6) RETURNING id",
    )
    .bind(request_id)
    .bind(&steps)
    .bind(issue.procedure.note.clone())
    .bind(status.as_str())
    .bind(who.name())
    .bind(&now)
    .bind(&issue.decision_comment)
    .fetch_one(ch.conn())
    .await?;
    let changes = json!({
        "request_id": {"after": request_id}, "version": {"after": 1},
        "steps": {"after": issue.procedure.steps.len()}, "status": {"after": status.as_str()},
        "approval": {"after": approval.as_str()}, "approval_route": {"after": ROUTE_SKIPPED},
        "comment": {"after": issue.decision_comment},
    });
    ch.audit(Entity::Procedure, id, AuditAction::Create, &changes);
    Ok(id)
}

impl Store {
    /// Issues the urgent request of incident `incident_id` by `who` on `today`, as
    /// [`judge_urgent_request`] decides, in one change: the job linked to the incident, the
    /// request (judged as any), its procedure approved and the urgent mark. Returns the
    /// request's id.
    pub async fn issue_urgent_request(
        &self,
        who: &Authorized,
        period: Period,
        incident_id: i64,
        d: &UrgentRequestDraft,
        today: NaiveDate,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let facts = urgent_facts(ch.conn(), contract, incident_id).await?;
        let issue = judge_urgent_request(who.role(), &facts, d, who.name(), period, today)?;
        let job_id = crate::jobs::insert_job(&mut ch, who, &issue.job).await?;
        sqlx::query("UPDATE jobs SET incident_id = $1 WHERE id = $2")
            .bind(incident_id)
            .bind(job_id)
            .execute(ch.conn())
            .await?;
        ch.audit(
            Entity::Job,
            job_id,
            AuditAction::Update,
            &json!({"incident_id": {"after": incident_id}}),
        );
        let mut request = issue.request.clone();
        request.job_ids = vec![job_id];
        let request_id = insert_request(&mut ch, who, period, &request).await?;
        let procedure_id =
            insert_approved_procedure(&mut ch, who, request_id, &issue, d.approval).await?;
        move_request(
            &mut ch,
            request_id,
            WorkRequestStatus::Issued,
            issue.request_status,
            WorkRequestVerb::ApproveProcedure,
        )
        .await?;
        let now = ch.now().to_string();
        sqlx::query(
            "INSERT INTO urgent_requests (request_id, incident_id, job_id, procedure_id, approval, \
             approved_by_name, approved_by, approved_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(request_id)
        .bind(incident_id)
        .bind(job_id)
        .bind(procedure_id)
        .bind(d.approval.as_str())
        .bind(d.approved_by_name.as_deref())
        .bind(who.name())
        .bind(&now)
        .bind(d.note.as_deref())
        .execute(ch.conn())
        .await?;
        let changes = json!({
            "request_id": {"after": request_id}, "job_id": {"after": job_id},
            "procedure_id": {"after": procedure_id}, "approval": {"after": d.approval.as_str()},
            "approved_by_name": {"after": d.approved_by_name}, "approved_at": {"after": now},
            "approval_route": {"after": ROUTE_SKIPPED},
        });
        ch.audit(
            Entity::Incident,
            incident_id,
            AuditAction::UrgentRequest,
            &changes,
        );
        ch.commit().await?;
        Ok(request_id)
    }

    /// The urgent request of incident `incident_id`, if it has one.
    pub async fn urgent_request_of_incident(
        &self,
        incident_id: i64,
    ) -> Result<Option<UrgentRequest>, StoreError> {
        self.urgent_request_where("u.incident_id", incident_id)
            .await
    }

    /// The urgent mark of request `request_id`, if it is urgent.
    pub async fn urgent_request_of_request(
        &self,
        request_id: i64,
    ) -> Result<Option<UrgentRequest>, StoreError> {
        self.urgent_request_where("u.request_id", request_id).await
    }

    async fn urgent_request_where(
        &self,
        column: &'static str,
        id: i64,
    ) -> Result<Option<UrgentRequest>, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "{SELECT} WHERE {column} = $1 AND w.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?;
        r.as_ref().map(row).transpose()
    }
}
