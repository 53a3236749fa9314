//! Waived deliverables (R8.4, §5(9)): the City staff may decide that some or all of a
//! job's deliverables need not be handed over.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::people::Role;
use crate::rules::TransitionError;
use crate::rules::{only, required_date};
use crate::validation::{FieldErrors, optional_text, required_text};

labelled_enum! {
    /// How much of a job's deliverables the City waives.
    pub enum WaiverScope {
        /// 全部
        All = ("all", "全部"),
        /// 一部: the deliverables named.
        Part = ("part", "一部"),
    }
}

impl WaiverScope {
    /// The waiver in words, for the audit trail: `全部`, or `一部: 作業写真、報告書`.
    pub fn summary(self, deliverables: &[String]) -> String {
        match self {
            Self::Part => format!("一部: {}", deliverables.join("、")),
            Self::All => "全部".to_string(),
        }
    }
}

/// The most deliverables one waiver may name.
pub const MAX_DELIVERABLES: usize = 50;

/// A waiver as entered by the City staff.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DeliverableWaiverInput {
    /// Taken from the path over the API.
    #[serde(default)]
    pub job_id: i64,
    /// `all` or `part`.
    pub scope: String,
    /// The deliverables waived, for `part` only (at most [`MAX_DELIVERABLES`]).
    #[serde(default)]
    pub deliverables: Vec<String>,
    /// `YYYY-MM-DD`
    pub decided_on: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A checked waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliverableWaiver {
    pub job_id: i64,
    pub scope: WaiverScope,
    /// Empty for `all`; otherwise the names, without repeats, in the order given.
    pub deliverables: Vec<String>,
    pub decided_on: NaiveDate,
    pub reason: Option<String>,
}

/// Refuses unless `role` may waive deliverables (the City staff).
pub fn may_waive(role: Role) -> Result<(), TransitionError> {
    only(&[Role::CityStaff], role, "成果品の納品を不要とする判断")
}

impl DeliverableWaiverInput {
    /// Checks the scope, the deliverables named (some for `part`, none for `all`) and the
    /// date.
    pub fn check(&self) -> Result<DeliverableWaiver, FieldErrors> {
        let mut e = FieldErrors::default();
        let scope = WaiverScope::parse(&self.scope);
        if scope.is_none() {
            e.push(
                "scope",
                "範囲は all（全部）または part（一部）を指定してください。",
            );
        }
        if self.deliverables.len() > MAX_DELIVERABLES {
            e.push(
                "deliverables",
                format!("不要とする成果品は{MAX_DELIVERABLES}件までです。"),
            );
            return Err(e);
        }
        let mut deliverables: Vec<String> = Vec::new();
        for (i, d) in self.deliverables.iter().enumerate() {
            let name = required_text(&mut e, &format!("deliverables[{i}]"), "成果品名", d, 100);
            if !deliverables.contains(&name) {
                deliverables.push(name);
            }
        }
        match scope {
            Some(WaiverScope::All) if !deliverables.is_empty() => {
                e.push(
                    "deliverables",
                    "全部を不要とする場合は、成果品を選ばないでください。",
                );
            }
            Some(WaiverScope::Part) if deliverables.is_empty() => {
                e.push(
                    "deliverables",
                    "不要とする成果品を1つ以上入力してください。",
                );
            }
            _ => {}
        }
        let decided_on = required_date(&mut e, "decided_on", "判断日", &self.decided_on);
        let reason = optional_text(&mut e, "reason", "理由", self.reason.as_deref(), 1000);
        match (scope, decided_on) {
            (Some(scope), Some(decided_on)) if e.is_empty() => Ok(DeliverableWaiver {
                job_id: self.job_id,
                scope,
                deliverables,
                decided_on,
                reason,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(DeliverableWaiverInput => DeliverableWaiver);
