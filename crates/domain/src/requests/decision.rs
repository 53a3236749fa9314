//! A City decision on something submitted (a 作業手順書 version, a result report): approve,
//! or return it with a comment saying why.

use serde::{Deserialize, Serialize};

use crate::validation::{FieldErrors, optional_text};

labelled_enum! {
    /// The City's verdict on a submission.
    pub enum Verdict {
        Approve = ("approve", "承認"),
        Return = ("return", "差戻し"),
    }
}

/// A decision as entered by the City staff.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// `approve` or `return`.
    pub verdict: String,
    /// Required when returning.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub comment: Option<String>,
}

impl DecisionInput {
    /// Checks the verdict, and that a return says why.
    pub fn check(&self) -> Result<Decision, FieldErrors> {
        let mut e = FieldErrors::default();
        let verdict = Verdict::parse(&self.verdict);
        if verdict.is_none() {
            e.push(
                "verdict",
                "判断は approve（承認）または return（差戻し）を指定してください。",
            );
        }
        let comment = optional_text(&mut e, "comment", "コメント", self.comment.as_deref(), 2000);
        if verdict == Some(Verdict::Return) && comment.is_none() {
            e.push(
                "comment",
                "差し戻す場合は、理由をコメントに入力してください。",
            );
        }
        match verdict {
            Some(verdict) if e.is_empty() => Ok(Decision { verdict, comment }),
            _ => Err(e),
        }
    }
}

checked_by!(DecisionInput => Decision);
