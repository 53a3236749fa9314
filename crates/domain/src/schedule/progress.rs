//! Where each visit of a kept plan stands (issue 13, item 8): planned, done, done under a
//! 作業依頼書 the City has accepted, or cancelled; and the building-entry permits (R5.5) it
//! still lacks, so that the plan warns before the day instead of refusing on it.

use serde::Serialize;

use super::{Assessment, VisitStatus};
use crate::requests::WorkRequestStatus;

labelled_enum! {
    /// A planned visit's progress as the plan shows it.
    pub enum VisitProgress {
        /// 予定: not done yet.
        Planned = ("planned", "予定"),
        /// 実施済: the workers recorded the visit as done.
        Done = ("done", "実施済"),
        /// 完了: the request it serves was accepted by the City, so its work is done.
        Accepted = ("accepted", "完了(作業依頼書の受理済み)"),
        /// 中止
        Cancelled = ("cancelled", "中止"),
    }
}

impl VisitProgress {
    /// The visit's progress from its own status and its request's, if it serves one. A
    /// visit still planned under an accepted request was done: the City accepted the
    /// records of its work.
    pub fn of(visit: VisitStatus, request: Option<WorkRequestStatus>) -> Self {
        match (visit, request) {
            (VisitStatus::Cancelled, _) => Self::Cancelled,
            (_, Some(WorkRequestStatus::Accepted)) => Self::Accepted,
            (VisitStatus::Done, _) => Self::Done,
            (VisitStatus::Planned, _) => Self::Planned,
        }
    }

    /// The visit needs nothing more.
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Planned)
    }
}

/// A permit a planned visit needs and lacks, for the plan's warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PermitWarning {
    /// What is needed, in Japanese: 入館許可, 時間外入館許可, 指定室入室許可（サーバ室）.
    pub label: String,
    /// The permit applied for and not decided yet, if any; none means not applied for.
    pub pending: Option<i64>,
}

/// The permits a visit in `progress` still lacks: none once it is finished, since a
/// permit matters only before the work.
pub fn permits_lacking(progress: VisitProgress, assessment: &Assessment) -> Vec<PermitWarning> {
    if progress.is_finished() {
        return Vec::new();
    }
    assessment
        .permits
        .iter()
        .filter(|p| p.granted_by.is_none())
        .map(|p| PermitWarning {
            label: p.label.clone(),
            pending: p.pending,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{PermitCheck, PermitKind};

    fn assessment(granted: Option<i64>, pending: Option<i64>) -> Assessment {
        Assessment {
            outside_window: None,
            off_hours_id: None,
            off_hours_status: None,
            may_plan: true,
            may_work: true,
            permits: vec![PermitCheck {
                kind: PermitKind::Building,
                room: None,
                label: "入館許可".into(),
                granted_by: granted,
                pending,
            }],
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_visit_under_an_accepted_request_shows_as_done() {
        use VisitProgress as P;
        use WorkRequestStatus as R;
        assert_eq!(P::of(VisitStatus::Planned, Some(R::Accepted)), P::Accepted);
        assert_eq!(P::of(VisitStatus::Done, Some(R::Accepted)), P::Accepted);
        assert_eq!(P::of(VisitStatus::Done, Some(R::InProgress)), P::Done);
        assert_eq!(P::of(VisitStatus::Planned, Some(R::Reported)), P::Planned);
        assert_eq!(P::of(VisitStatus::Planned, None), P::Planned);
        assert_eq!(
            P::of(VisitStatus::Cancelled, Some(R::Accepted)),
            P::Cancelled
        );
    }

    #[test]
    fn only_a_visit_still_ahead_warns_of_permits_it_lacks() {
        let lacking = permits_lacking(VisitProgress::Planned, &assessment(None, Some(4)));
        assert_eq!(
            lacking,
            vec![PermitWarning {
                label: "入館許可".into(),
                pending: Some(4)
            }]
        );
        assert!(permits_lacking(VisitProgress::Planned, &assessment(Some(3), None)).is_empty());
        assert!(permits_lacking(VisitProgress::Done, &assessment(None, None)).is_empty());
        assert!(permits_lacking(VisitProgress::Accepted, &assessment(None, None)).is_empty());
    }
}
