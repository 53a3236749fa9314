//! Questions (疑義) on a request (R8.2, R8.5): raised by either side, answered by the City;
//! an unanswered one blocks the approval of the procedure. Questions follow their request's
//! year.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{
    AnswerDraft, QuestionDraft, QuestionStatus, QuestionVerb, question_transition,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::{chain_record, request_status};
use crate::common::{jst_text, raced};
use crate::{Store, StoreError};

/// One question with its answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub id: i64,
    pub request_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub status: QuestionStatus,
    pub status_label: String,
    pub raised_by: String,
    pub raised_at: String,
    pub answer: Option<String>,
    /// What changes in the work because of the answer (R8.5).
    pub change_note: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

fn row(r: &AnyRow) -> Result<Question, StoreError> {
    let status = QuestionStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Question {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status,
        status_label: status.label_ja().into(),
        raised_by: r.try_get("raised_by")?,
        raised_at: jst_text(r.try_get("raised_at")?).unwrap_or_default(),
        answer: r.try_get("answer")?,
        change_note: r.try_get("change_note")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: jst_text(r.try_get("answered_at")?),
    })
}

impl Store {
    /// The questions on a request, oldest first.
    pub async fn questions_of(&self, request_id: i64) -> Result<Vec<Question>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.* FROM questions q JOIN work_requests w ON w.id = q.request_id \
             WHERE q.request_id = $1 AND w.contract_id = $2 ORDER BY q.id",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Raises a question on a request.
    pub async fn raise_question(
        &self,
        who: &Authorized,
        request_id: i64,
        d: &QuestionDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let status = QuestionStatus::initial(who.role())?;
        let contract = ch.contract_id()?;
        request_status(ch.conn(), contract, request_id).await?;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO questions (request_id, subject, body, status, raised_by, raised_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(request_id)
        .bind(&d.subject)
        .bind(&d.body)
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({"request_id": {"after": request_id}, "subject": {"after": d.subject}, "body": {"after": d.body}});
        ch.audit(Entity::Question, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Answers (the City) or closes a question; returns its request.
    pub async fn move_question(
        &self,
        who: &Authorized,
        id: i64,
        verb: QuestionVerb,
        answer: Option<&AnswerDraft>,
    ) -> Result<Option<i64>, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let (request_id, status) =
            chain_record(ch.conn(), "questions", Entity::Question, id, contract).await?;
        let from = QuestionStatus::decode(&status)?;
        let request_id = Some(request_id);
        let to = question_transition(from, verb, who.role())?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE questions SET status = $1, answer = COALESCE($2, answer), change_note = COALESCE($3, change_note), \
             answered_by = CASE WHEN $2 IS NULL THEN answered_by ELSE $4 END, \
             answered_at = CASE WHEN $2 IS NULL THEN answered_at ELSE $5 END, updated_at = $5 \
             WHERE id = $6 AND status = $7",
        )
        .bind(to.as_str())
        .bind(answer.map(|a| a.answer.clone()))
        .bind(answer.and_then(|a| a.change.clone()))
        .bind(who.name())
        .bind(&now)
        .bind(id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({"status": {"before": from.as_str(), "after": to.as_str()},
            "answer": {"after": answer.map(|a| &a.answer)}, "change": {"after": answer.and_then(|a| a.change.clone())}});
        ch.audit(Entity::Question, id, verb, &changes);
        ch.commit().await?;
        Ok(request_id)
    }
}
