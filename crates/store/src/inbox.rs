//! What waits for one person in the contract year, one query per kind of item (see
//! [`jukiops_domain::inbox`]): read, nothing locked.

use chrono::{Duration, NaiveDate};
use jukiops_domain::inbox::{InboxItem, InboxKind};
use jukiops_domain::people::Role;
use sqlx::Row;

use crate::{Store, StoreError};

/// The incidents of the contract year matching a condition (a literal, on `i`), the
/// oldest report first: the site, the terminal and the fault's kind.
macro_rules! incidents_where {
    ($cond:literal) => {
        concat!(
            "SELECT s.name || ' ' || t.asset_number || CASE i.category WHEN 'ク' \
             THEN ' タッチパネルの障害' ELSE ' 統合端末の障害' END AS title, \
             '/incidents/' || i.id AS href, CAST(NULL AS TEXT) AS day FROM incidents i \
             JOIN sites s ON s.id = i.site_id JOIN terminals t ON t.id = i.terminal_id \
             WHERE i.contract_id = $1 AND ",
            $cond,
            " ORDER BY i.reported_at, i.id"
        )
    };
}

/// Whose inbox: the person, their role and the day (Japan time).
#[derive(Debug, Clone, Copy)]
pub struct InboxOf {
    pub user_id: i64,
    pub role: Role,
    pub today: NaiveDate,
}

/// The rows of one kind: an SQL giving `title`, `href` and `day`, with its parameters
/// ($1 the contract year, then in order).
fn query(kind: InboxKind, of: InboxOf) -> (&'static str, Vec<String>) {
    use InboxKind::*;
    let today = of.today.to_string();
    let asked_by_city = of.role == Role::CityStaff;
    match kind {
        ProcedureToDecide => (
            "SELECT w.request_number || ' 作業手順書 第' || p.version || '版' AS title, \
             '/requests/' || w.id AS href, w.period_from AS day FROM procedures p \
             JOIN work_requests w ON w.id = p.request_id WHERE w.contract_id = $1 AND p.status = 'submitted' \
             ORDER BY w.period_from, p.id",
            vec![],
        ),
        ReportToDecide => (
            "SELECT w.request_number || ' 結果報告' AS title, '/requests/' || w.id AS href, \
             w.period_to AS day FROM reports r JOIN work_requests w ON w.id = r.request_id \
             WHERE w.contract_id = $1 AND r.status = 'submitted' ORDER BY w.period_to, r.id",
            vec![],
        ),
        // The other side's open questions: the City answers the contractor's.
        QuestionToAnswer => (
            if asked_by_city {
                "SELECT w.request_number || ' 疑義: ' || q.subject AS title, '/requests/' || w.id AS href, \
                 w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
                 WHERE w.contract_id = $1 AND q.status = 'open' AND q.raised_role <> 'city_staff' ORDER BY q.id"
            } else {
                "SELECT w.request_number || ' 疑義: ' || q.subject AS title, '/requests/' || w.id AS href, \
                 w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
                 WHERE w.contract_id = $1 AND q.status = 'open' AND q.raised_role = 'city_staff' ORDER BY q.id"
            },
            vec![],
        ),
        ChangeToApprove => (
            "SELECT w.request_number || ' 作業上の変更: ' || q.subject AS title, '/requests/' || w.id AS href, \
             w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
             WHERE w.contract_id = $1 AND q.status = 'change_pending' ORDER BY q.id",
            vec![],
        ),
        // One's own side's questions, answered: the City's, the lead's side, the worker's own.
        QuestionToClose => match of.role {
            Role::CityStaff => (
                "SELECT w.request_number || ' 疑義: ' || q.subject AS title, '/requests/' || w.id AS href, \
                 w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
                 WHERE w.contract_id = $1 AND q.status = 'answered' AND q.raised_role = $2 ORDER BY q.id",
                vec!["city_staff".to_string()],
            ),
            Role::ContractorLead => (
                "SELECT w.request_number || ' 疑義: ' || q.subject AS title, '/requests/' || w.id AS href, \
                 w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
                 WHERE w.contract_id = $1 AND q.status = 'answered' AND q.raised_role <> $2 ORDER BY q.id",
                vec!["city_staff".to_string()],
            ),
            _ => (
                "SELECT w.request_number || ' 疑義: ' || q.subject AS title, '/requests/' || w.id AS href, \
                 w.period_from AS day FROM questions q JOIN work_requests w ON w.id = q.request_id \
                 JOIN users u ON u.username = q.raised_by \
                 WHERE w.contract_id = $1 AND q.status = 'answered' AND u.id = CAST($2 AS BIGINT) ORDER BY q.id",
                vec![of.user_id.to_string()],
            ),
        },
        OffHoursToDecide => (
            "SELECT s.name || ' ' || o.start_time || '〜' || o.end_time || ' 時間外作業' AS title, \
             '/off-hours' AS href, o.work_date AS day FROM off_hours o JOIN sites s ON s.id = o.site_id \
             WHERE o.contract_id = $1 AND o.status = 'requested' ORDER BY o.work_date, o.id",
            vec![],
        ),
        PermitToDecide => (
            "SELECT s.name || ' 入館許可の申請' AS title, '/permits' AS href, p.valid_from AS day \
             FROM permits p JOIN sites s ON s.id = p.site_id \
             WHERE p.contract_id = $1 AND p.status = 'requested' ORDER BY p.valid_from, p.id",
            vec![],
        ),
        // Requests open for a procedure whose latest version is missing, a draft or returned.
        ProcedureToWrite => (
            "SELECT w.request_number || ' 作業手順書' AS title, '/requests/' || w.id AS href, \
             w.period_from AS day FROM work_requests w WHERE w.contract_id = $1 \
             AND w.status IN ('issued', 'procedure_approved', 'in_progress') AND COALESCE((SELECT p.status \
             FROM procedures p WHERE p.request_id = w.id ORDER BY p.version DESC LIMIT 1), 'none') \
             IN ('none', 'draft', 'returned') ORDER BY w.period_from, w.id",
            vec![],
        ),
        ReportToWrite => (
            "SELECT w.request_number || ' ' || w.contents AS title, '/requests/' || w.id AS href, \
             w.period_to AS day FROM work_requests w WHERE w.contract_id = $1 AND w.status = 'in_progress' \
             ORDER BY w.period_to, w.id",
            vec![],
        ),
        NoticeOverdue => (
            "SELECT n.jlis_reference || ' ' || n.title AS title, '/notices/' || n.id AS href, \
             n.requested_deadline AS day FROM notices n WHERE n.contract_id = $1 \
             AND n.status IN ('received', 'jobs_created') AND n.requested_deadline IS NOT NULL \
             AND n.requested_deadline < $2 ORDER BY n.requested_deadline, n.id",
            vec![today],
        ),
        // Faults a ward office reported that nobody has dealt with yet.
        FaultReportOpen => (
            "SELECT s.name || ' ' || t.asset_number || ' の故障' AS title, '/fault-reports' AS href, \
             CAST(NULL AS TEXT) AS day FROM fault_reports f JOIN sites s ON s.id = f.site_id \
             JOIN terminals t ON t.id = f.terminal_id WHERE f.contract_id = $1 AND f.status = 'open' \
             ORDER BY f.reported_at, f.id",
            vec![],
        ),
        IncidentToAcknowledge => (incidents_where!("i.status = 'reported'"), vec![]),
        IncidentToWork => (
            incidents_where!("i.status IN ('responding', 'paused')"),
            vec![],
        ),
        IncidentToAccept => (incidents_where!("i.status = 'resolved'"), vec![]),
        // Worked on (a log collected or an action taken), not yet escalated to the lessor.
        HardwareToJudge => (
            incidents_where!(
                "i.status IN ('responding', 'paused') \
                 AND EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = i.id \
                 AND e.kind IN ('log_collected', 'action_taken')) \
                 AND NOT EXISTS (SELECT 1 FROM incident_events x WHERE x.incident_id = i.id \
                 AND x.kind = 'escalated')"
            ),
            vec![],
        ),
        DeliverableToDecide => (
            "SELECT d.title AS title, '/deliverables/' || d.id AS href, \
             CAST(NULL AS TEXT) AS day \
             FROM deliverables d WHERE d.contract_id = $1 AND d.status = 'submitted' ORDER BY d.id",
            vec![],
        ),
        // Found by the operations (due dates from the rules): never asked here.
        DeliverableOwed => (
            "SELECT '' AS title, '' AS href, CAST(NULL AS TEXT) AS day WHERE 1 = 0",
            vec![],
        ),
        // Visits to the person's own site, on their day or past, whose work is not confirmed.
        SignOffDue => (
            "SELECT v.start_time || '〜' || v.end_time || ' ' || v.purpose AS title, \
             '/my-site#v' || v.id AS href, v.visit_date AS day FROM visits v \
             JOIN users u ON u.id = CAST($3 AS BIGINT) AND u.site_id = v.site_id \
             WHERE v.contract_id = $1 AND v.status <> 'cancelled' AND v.visit_date <= $2 \
             AND NOT EXISTS (SELECT 1 FROM visit_sign_offs so WHERE so.visit_id = v.id) \
             ORDER BY v.visit_date, v.start_time, v.id",
            vec![today, of.user_id.to_string()],
        ),
        VisitSoon => {
            let to = (of.today + Duration::days(6)).to_string();
            if of.role == Role::ContractorWorker {
                (
                    "SELECT s.name || ' ' || v.start_time || '〜' || v.end_time || ' ' || v.purpose AS title, \
                     '/visits/' || v.id AS href, v.visit_date AS day FROM visits v JOIN sites s ON s.id = v.site_id \
                     WHERE v.contract_id = $1 AND v.status = 'planned' AND v.visit_date >= $2 AND v.visit_date <= $3 \
                     AND EXISTS (SELECT 1 FROM visit_workers x WHERE x.visit_id = v.id AND x.user_id = CAST($4 AS BIGINT)) \
                     ORDER BY v.visit_date, v.start_time",
                    vec![today, to, of.user_id.to_string()],
                )
            } else {
                (
                    "SELECT s.name || ' ' || v.start_time || '〜' || v.end_time || ' ' || v.purpose AS title, \
                     '/visits/' || v.id AS href, v.visit_date AS day FROM visits v JOIN sites s ON s.id = v.site_id \
                     WHERE v.contract_id = $1 AND v.status = 'planned' AND v.visit_date >= $2 AND v.visit_date <= $3 \
                     ORDER BY v.visit_date, v.start_time",
                    vec![today, to],
                )
            }
        }
    }
}

/// The most items of one kind an inbox lists; the count says how many there are.
pub const MAX_PER_KIND: usize = 50;

impl Store {
    /// The items of `kinds` waiting for `of`, kind by kind (each at most [`MAX_PER_KIND`]),
    /// with how many of each there are.
    pub async fn inbox(
        &self,
        of: InboxOf,
        kinds: &[InboxKind],
    ) -> Result<Vec<(InboxKind, usize, Vec<InboxItem>)>, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for &kind in kinds.iter().filter(|k| !k.computed()) {
            let (text, params) = query(kind, of);
            let mut q = sqlx::query(text).bind(contract);
            for p in params {
                q = q.bind(p);
            }
            let rows = q.fetch_all(&mut *conn).await?;
            let items = rows
                .iter()
                .take(MAX_PER_KIND)
                .map(|r| {
                    Ok(InboxItem::new(
                        kind,
                        r.try_get("title")?,
                        r.try_get("href")?,
                        r.try_get("day")?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            out.push((kind, rows.len(), items));
        }
        Ok(out)
    }
}
