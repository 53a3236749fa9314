//! The register of deliverables (§6(1), §5(9)): the scheduled instances written once when
//! the contract is loaded, the City's instructions, submissions kept exactly as submitted
//! with their SHA-256, and the City's decisions and waivers. Each change is judged by the
//! domain on the row as stored and written with its audit entry in one transaction.

use jukiops_domain::attachments::CheckedFile;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::Period;
use jukiops_domain::deliverables::{
    DecisionDraft, DeliverableFacts, DeliverableSpec, DeliverableStatus, DeliverableVerb,
    InstructionDraft, Scheduled, Verdict, WaiverDraft, judge_decision, judge_instruction,
    judge_submission, judge_waiver,
};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::common::jst_text;
use crate::{Change, Store, StoreError};

/// One deliverable of the register, as stored (its due date, when the rules schedule it,
/// is the operations' to compute).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Deliverable {
    pub id: i64,
    /// The kind's code in the contract file.
    pub code: String,
    /// `start`, a month `YYYY-MM`, or an instruction's date and number.
    pub occasion: String,
    pub title: String,
    /// The date the City set (instructed ones), `YYYY-MM-DD`.
    pub due_on_set: Option<String>,
    pub note: Option<String>,
    pub status: DeliverableStatus,
    pub status_label: String,
    pub waiver_reason: Option<String>,
    pub waived_by: Option<String>,
    /// Japan time.
    pub waived_at: Option<String>,
    pub created_by: String,
}

/// One submission of a deliverable (never its content).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliverableSubmission {
    pub id: i64,
    pub deliverable_id: i64,
    /// 1 for the first submission, 2 after a return, ...
    pub version: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the file as submitted, lower-case hex.
    pub sha256: String,
    pub submitted_by: String,
    /// Japan time.
    pub submitted_at: String,
    pub verdict: Option<Verdict>,
    pub verdict_label: Option<String>,
    pub comment: Option<String>,
    pub decided_by: Option<String>,
    /// Japan time.
    pub decided_at: Option<String>,
}

const COLUMNS: &str = "id, code, occasion, title, due_on, note, status, waiver_reason, waived_by, \
    waived_at, created_by";
const SUBMISSION_COLUMNS: &str = "id, deliverable_id, version, file_name, content_type, size, \
    sha256, submitted_by, submitted_at, verdict, comment, decided_by, decided_at";

fn row(r: &AnyRow) -> Result<Deliverable, StoreError> {
    let status = DeliverableStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Deliverable {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        occasion: r.try_get("occasion")?,
        title: r.try_get("title")?,
        due_on_set: r.try_get("due_on")?,
        note: r.try_get("note")?,
        status,
        status_label: status.label_ja().into(),
        waiver_reason: r.try_get("waiver_reason")?,
        waived_by: r.try_get("waived_by")?,
        waived_at: jst_text(r.try_get("waived_at")?),
        created_by: r.try_get("created_by")?,
    })
}

fn submission_row(r: &AnyRow) -> Result<DeliverableSubmission, StoreError> {
    let verdict = r
        .try_get::<Option<String>, _>("verdict")?
        .map(|v| Verdict::decode(&v))
        .transpose()?;
    Ok(DeliverableSubmission {
        id: r.try_get("id")?,
        deliverable_id: r.try_get("deliverable_id")?,
        version: r.try_get("version")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        submitted_by: r.try_get("submitted_by")?,
        submitted_at: jst_text(r.try_get("submitted_at")?).unwrap_or_default(),
        verdict,
        verdict_label: verdict.map(|v| v.label_ja().into()),
        comment: r.try_get("comment")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?),
    })
}

/// The deliverable `id` of the contract year within `ch`, locked for the change.
async fn stored(ch: &mut Change, id: i64) -> Result<Deliverable, StoreError> {
    ch.lock("deliverables", id).await?;
    let r = sqlx::query(crate::sql(format!(
        "SELECT {COLUMNS} FROM deliverables WHERE id = $1 AND contract_id = $2"
    )))
    .bind(id)
    .bind(ch.contract_id()?)
    .fetch_optional(ch.conn())
    .await?
    .ok_or(StoreError::NotFound(Entity::Deliverable))?;
    row(&r)
}

/// Moves deliverable `id` from `from` to `to` (refused as a lost race when another change
/// moved it first).
async fn move_to(
    ch: &mut Change,
    id: i64,
    from: DeliverableStatus,
    to: DeliverableStatus,
) -> Result<(), StoreError> {
    let n = sqlx::query(
        "UPDATE deliverables SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(ch.now().to_string())
    .bind(id)
    .bind(from.as_str())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(crate::common::raced());
    }
    Ok(())
}

async fn insert(
    ch: &mut Change,
    code: &str,
    occasion: &str,
    title: &str,
    due_on: Option<String>,
    note: Option<&str>,
    who: &str,
) -> Result<i64, StoreError> {
    let stamp = ch.now().to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deliverables (contract_id, code, occasion, title, due_on, note, status, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(ch.contract_id()?)
    .bind(code)
    .bind(occasion)
    .bind(title)
    .bind(due_on.as_deref())
    .bind(note)
    .bind(DeliverableStatus::Draft.as_str())
    .bind(who)
    .bind(&stamp)
    .fetch_one(ch.conn())
    .await?;
    // The title names the kind and the occasion in Japanese (the codes are the file's).
    let changes = json!({"title": {"after": title}, "due_on": {"after": due_on}, "note": {"after": note},
        "status": {"after": DeliverableStatus::Draft.as_str()}});
    ch.audit(Entity::Deliverable, id, AuditAction::Create, &changes);
    Ok(id)
}

/// Raises within `ch` the deliverables an event owes: one of each kind the contract gives
/// `rule` (a change of the 業務責任者, of the organisation chart, a subcontracting), due on
/// `due`, titled with what raised it. Audited with the change that raised them.
pub(crate) async fn raise_deliverables(
    ch: &mut Change,
    contract: &jukiops_domain::contract::Contract,
    rule: jukiops_domain::deliverables::DueRule,
    due: chrono::NaiveDate,
    cause: &str,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for spec in contract.deliverables.iter().filter(|s| s.due == rule) {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliverables WHERE contract_id = $1 AND code = $2",
        )
        .bind(ch.contract_id()?)
        .bind(&spec.code)
        .fetch_one(ch.conn())
        .await?;
        let occasion = format!("{due}#{}", n + 1);
        let title = format!("{}（{cause}）", spec.name);
        let who = ch.actor().to_string();
        let id = insert(
            ch,
            &spec.code,
            &occasion,
            &title,
            Some(due.to_string()),
            Some(cause),
            &who,
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

impl Store {
    /// Writes the instances the contract's rules schedule that the register lacks (once,
    /// when the contract is loaded). Answers how many were added; nothing is written (or
    /// audited) when none is missing.
    pub async fn schedule_deliverables(
        &self,
        who: &Authorized,
        scheduled: &[Scheduled],
    ) -> Result<usize, StoreError> {
        let mut ch = self.begin(who).await?;
        let have: Vec<(String, String)> =
            sqlx::query_as("SELECT code, occasion FROM deliverables WHERE contract_id = $1")
                .bind(ch.contract_id()?)
                .fetch_all(ch.conn())
                .await?;
        let mut added = 0;
        for s in scheduled {
            if have.iter().any(|(c, o)| *c == s.code && *o == s.occasion) {
                continue;
            }
            insert(
                &mut ch,
                &s.code,
                &s.occasion,
                &s.title,
                None,
                None,
                who.name(),
            )
            .await?;
            added += 1;
        }
        if added > 0 {
            ch.commit().await?;
        }
        Ok(added)
    }

    /// Every deliverable of the contract year, in order of creation.
    pub async fn deliverables(&self) -> Result<Vec<Deliverable>, StoreError> {
        let rows = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM deliverables WHERE contract_id = $1 ORDER BY id"
        )))
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Deliverable `id` of the contract year.
    pub async fn deliverable(&self, id: i64) -> Result<Deliverable, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM deliverables WHERE id = $1 AND contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Deliverable))?;
        row(&r)
    }

    /// The submissions of deliverable `id`, oldest first.
    pub async fn deliverable_submissions(
        &self,
        id: i64,
    ) -> Result<Vec<DeliverableSubmission>, StoreError> {
        let rows = sqlx::query(crate::sql(format!(
            "SELECT {SUBMISSION_COLUMNS} FROM deliverable_submissions WHERE deliverable_id = $1 ORDER BY version"
        )))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(submission_row).collect()
    }

    /// Submission `id` of a deliverable of the contract year, with its bytes as submitted.
    pub async fn deliverable_file(
        &self,
        id: i64,
    ) -> Result<(DeliverableSubmission, Vec<u8>), StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT s.{}, s.content FROM deliverable_submissions s JOIN deliverables d ON d.id = s.deliverable_id \
             WHERE s.id = $1 AND d.contract_id = $2",
            SUBMISSION_COLUMNS.replace(", ", ", s.")
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Deliverable))?;
        Ok((submission_row(&r)?, r.try_get("content")?))
    }

    /// The City asks for a deliverable of kind `spec` (as [`judge_instruction`] allows).
    pub async fn instruct_deliverable(
        &self,
        who: &Authorized,
        d: &InstructionDraft,
        spec: Option<&DeliverableSpec>,
        period: &Period,
    ) -> Result<i64, StoreError> {
        let title = judge_instruction(who.role(), spec, d, period)?;
        let mut ch = self.begin(who).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliverables WHERE contract_id = $1 AND code = $2",
        )
        .bind(ch.contract_id()?)
        .bind(&d.code)
        .fetch_one(ch.conn())
        .await?;
        let occasion = format!("{}#{}", d.due_on, n + 1);
        let id = insert(
            &mut ch,
            &d.code,
            &occasion,
            &title,
            Some(d.due_on.to_string()),
            d.note.as_deref(),
            who.name(),
        )
        .await?;
        ch.commit().await?;
        Ok(id)
    }

    /// Submits `file` (bytes `content`) for deliverable `id`, as [`judge_submission`] allows:
    /// the next version, kept exactly as submitted.
    pub async fn submit_deliverable(
        &self,
        who: &Authorized,
        id: i64,
        file: &CheckedFile,
        content: &[u8],
    ) -> Result<DeliverableSubmission, StoreError> {
        let mut ch = self.begin(who).await?;
        let d = stored(&mut ch, id).await?;
        let to = judge_submission(who.role(), DeliverableFacts { status: d.status })?;
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM deliverable_submissions WHERE deliverable_id = $1",
        )
        .bind(id)
        .fetch_one(ch.conn())
        .await?;
        let size = i64::try_from(file.size).unwrap_or(i64::MAX);
        let stamp = ch.now().to_string();
        let sid: i64 = sqlx::query_scalar(
            "INSERT INTO deliverable_submissions (deliverable_id, version, file_name, content_type, size, \
             sha256, content, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(id)
        .bind(version)
        .bind(&file.file_name)
        .bind(file.file_type.content_type())
        .bind(size)
        .bind(&file.sha256)
        .bind(content.to_vec())
        .bind(who.name())
        .bind(&stamp)
        .fetch_one(ch.conn())
        .await?;
        move_to(&mut ch, id, d.status, to).await?;
        let changes = json!({"version": {"after": version}, "file_name": {"after": file.file_name},
            "size": {"after": size}, "sha256": {"after": file.sha256},
            "status": {"before": d.status.as_str(), "after": to.as_str()}});
        ch.audit(Entity::Deliverable, id, DeliverableVerb::Submit, &changes);
        ch.commit().await?;
        let (s, _) = self.deliverable_file(sid).await?;
        Ok(s)
    }

    /// The City's decision `v` on the last submission of deliverable `id`.
    pub async fn decide_deliverable(
        &self,
        who: &Authorized,
        id: i64,
        v: &DecisionDraft,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let d = stored(&mut ch, id).await?;
        let to = judge_decision(who.role(), DeliverableFacts { status: d.status }, v)?;
        let stamp = ch.now().to_string();
        sqlx::query(
            "UPDATE deliverable_submissions SET verdict = $1, comment = $2, decided_by = $3, decided_at = $4 \
             WHERE deliverable_id = $5 AND verdict IS NULL",
        )
        .bind(v.verdict.as_str())
        .bind(v.comment.as_deref())
        .bind(who.name())
        .bind(&stamp)
        .bind(id)
        .execute(ch.conn())
        .await?;
        move_to(&mut ch, id, d.status, to).await?;
        let verb = match v.verdict {
            Verdict::Accept => DeliverableVerb::Accept,
            Verdict::Return => DeliverableVerb::Return,
        };
        let changes = json!({"verdict": {"after": v.verdict.as_str()}, "comment": {"after": v.comment},
            "status": {"before": d.status.as_str(), "after": to.as_str()}});
        ch.audit(Entity::Deliverable, id, verb, &changes);
        ch.commit().await
    }

    /// The City waives deliverable `id` with its reason (§5(9)).
    pub async fn waive_deliverable(
        &self,
        who: &Authorized,
        id: i64,
        w: &WaiverDraft,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let d = stored(&mut ch, id).await?;
        let to = judge_waiver(who.role(), DeliverableFacts { status: d.status })?;
        let stamp = ch.now().to_string();
        sqlx::query(
            "UPDATE deliverables SET waiver_reason = $1, waived_by = $2, waived_at = $3 WHERE id = $4",
        )
        .bind(&w.reason)
        .bind(who.name())
        .bind(&stamp)
        .bind(id)
        .execute(ch.conn())
        .await?;
        move_to(&mut ch, id, d.status, to).await?;
        let changes = json!({"reason": {"after": w.reason},
            "status": {"before": d.status.as_str(), "after": to.as_str()}});
        ch.audit(Entity::Deliverable, id, DeliverableVerb::Waive, &changes);
        ch.commit().await
    }
}
