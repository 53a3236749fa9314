//! The City's 決裁 (issue 12, item 15): a document the City approves (a 作業手順書 version,
//! a result report) goes up a route of posts, for example 担当 → 係長 → 課長, set per kind of
//! document in the contract file (one step, any City staff member, when none is set). Each
//! step is decided by a person holding its post, or standing in for one who does, and is
//! recorded with that person and time; the document is approved when the last step
//! approves, and returned at any step with a comment. Steps belong to one document version:
//! a new version starts the route again.

use serde::Serialize;

use crate::people::Role;
use crate::requests::Verdict;
use crate::rules::Refusal;

labelled_enum! {
    /// The kinds of document that go up a route.
    pub enum ApprovalKind {
        /// 作業手順書 (one version).
        Procedure = ("procedure", "作業手順書"),
        /// 結果報告.
        Report = ("report", "結果報告"),
        /// 作業の組合せ: several jobs done in one visit (R4.3), decided on the request.
        Combination = ("combination", "作業の組合せ"),
    }
}

/// The Japanese names of an approval step's fields.
pub const APPROVAL_FIELDS: &[(&str, &str)] = &[
    ("kind", "文書の種類"),
    ("document_id", "文書"),
    ("step", "決裁の段階"),
    ("post", "職"),
    ("verdict", "判断"),
    ("on_behalf_of", "代理した相手"),
];

/// The posts a kind of document passes, in order; empty is the default single step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApprovalRoutes {
    pub procedure: Vec<String>,
    pub report: Vec<String>,
    /// Empty: the City's approval recorded when it issues a combined request is enough.
    pub combination: Vec<String>,
}

impl ApprovalRoutes {
    /// The route of `kind`.
    pub fn of(&self, kind: ApprovalKind) -> &[String] {
        match kind {
            ApprovalKind::Procedure => &self.procedure,
            ApprovalKind::Report => &self.report,
            ApprovalKind::Combination => &self.combination,
        }
    }
}

/// Where the City's approval of a request's combined jobs stands (R4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CombinationState {
    /// One job, no route for combinations (the approval recorded at issue), or the route
    /// went through: work may be approved.
    Settled,
    /// The route has steps still to decide.
    Waiting,
    /// A step returned it: the request is to be cancelled and issued again.
    Returned,
}

/// The state of a request's combination: `combined` (several jobs) under `route`, with
/// the steps `decided` so far.
pub fn combination_state(
    combined: bool,
    route: &[String],
    decided: &[DecidedStep],
) -> CombinationState {
    if !combined || route.is_empty() {
        CombinationState::Settled
    } else if decided.iter().any(|d| d.verdict == Verdict::Return) {
        CombinationState::Returned
    } else if decided.len() >= route.len() {
        CombinationState::Settled
    } else {
        CombinationState::Waiting
    }
}

/// One step already decided on the document (they are all approvals: a return ends the
/// route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DecidedStep {
    /// 1, 2, … in the route's order.
    pub step: u32,
    pub post: Option<String>,
    pub verdict: Verdict,
    pub decided_by: String,
    /// Japan time.
    pub decided_at: String,
    pub comment: Option<String>,
    /// The holder of the post the decider stood in for.
    pub on_behalf_of: Option<String>,
}

/// What the person deciding holds: their own post, and the posts of those they stand in
/// for today (with the holder's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approver {
    pub name: String,
    pub post: Option<String>,
    pub stands_in_for: Vec<(String, String)>,
}

/// What one decision writes: its step and post, for whom it was decided, and whether the
/// document itself now moves (the last step approved, or any step returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDecision {
    pub step: u32,
    pub post: Option<String>,
    pub on_behalf_of: Option<String>,
    pub settles: bool,
}

/// Where a document stands on its route, for the page: each step with its post and, when
/// decided, who decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RouteStep {
    pub step: u32,
    /// The post; none for the default single step (any City staff member).
    pub post: Option<String>,
    pub decided: Option<DecidedStep>,
}

/// The route of a document with its decisions: the steps in order.
pub fn route_progress(route: &[String], decided: &[DecidedStep]) -> Vec<RouteStep> {
    let posts: Vec<Option<String>> = if route.is_empty() {
        vec![None]
    } else {
        route.iter().cloned().map(Some).collect()
    };
    posts
        .into_iter()
        .zip(1u32..)
        .map(|(post, step)| RouteStep {
            step,
            post,
            decided: decided.iter().find(|d| d.step == step).cloned(),
        })
        .collect()
}

/// Judges `approver`'s `verdict` on the next step of `route` after `decided` (R8.2, R8.3,
/// the City's 決裁): the step's post is the approver's own or one they stand in for today;
/// nobody decides two steps of one document. The last step's approval, or any step's
/// return, settles the document.
pub fn judge_step(
    route: &[String],
    decided: &[DecidedStep],
    approver: &Approver,
    verdict: Verdict,
) -> Result<StepDecision, Refusal> {
    let steps = route.len().max(1);
    let done = decided.len();
    let step = u32::try_from(done + 1).unwrap_or(u32::MAX);
    if done >= steps {
        return Err(Refusal::conflict(
            "status",
            "この文書の決裁は終わっています。",
        ));
    }
    if decided.iter().any(|d| d.decided_by == approver.name) {
        return Err(Refusal::Forbidden(
            "同じ文書の決裁の別の段階は、別の人が判断します。".into(),
        ));
    }
    let Some(post) = route.get(done) else {
        // The default single step: any City staff member.
        return Ok(StepDecision {
            step,
            post: None,
            on_behalf_of: None,
            settles: true,
        });
    };
    let on_behalf_of = if approver.post.as_deref() == Some(post.as_str()) {
        None
    } else if let Some((holder, _)) = approver.stands_in_for.iter().find(|(_, p)| p == post) {
        Some(holder.clone())
    } else {
        return Err(Refusal::Forbidden(format!(
            "この文書は「{post}」の決裁を待っています。{post}の職にある人か、その代理の人が判断します。"
        )));
    };
    Ok(StepDecision {
        step,
        post: Some(post.clone()),
        on_behalf_of,
        settles: verdict == Verdict::Return || done + 1 == steps,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn approver(name: &str, post: Option<&str>) -> Approver {
        Approver {
            name: name.into(),
            post: post.map(String::from),
            stands_in_for: Vec::new(),
        }
    }

    fn decided(step: u32, by: &str) -> DecidedStep {
        DecidedStep {
            step,
            post: None,
            verdict: Verdict::Approve,
            decided_by: by.into(),
            decided_at: String::new(),
            comment: None,
            on_behalf_of: None,
        }
    }

    #[test]
    fn the_default_is_one_step_by_any_city_staff() {
        let d = judge_step(&[], &[], &approver("a", None), Verdict::Approve).unwrap();
        assert_eq!((d.step, d.settles), (1, true));
        assert!(
            judge_step(
                &[],
                &[decided(1, "a")],
                &approver("b", None),
                Verdict::Approve
            )
            .is_err()
        );
    }

    #[test]
    fn each_post_decides_its_step_in_order_and_a_stand_in_for_one_absent() {
        let route = ["担当".to_string(), "係長".into(), "課長".into()];
        let first =
            judge_step(&route, &[], &approver("a", Some("担当")), Verdict::Approve).unwrap();
        assert_eq!((first.step, first.settles), (1, false));
        let e =
            judge_step(&route, &[], &approver("k", Some("課長")), Verdict::Approve).unwrap_err();
        assert!(
            matches!(e, Refusal::Forbidden(ref m) if m.contains("「担当」")),
            "{e}"
        );
        let so_far = [decided(1, "a")];
        let again = judge_step(
            &route,
            &so_far,
            &approver("a", Some("係長")),
            Verdict::Approve,
        );
        assert!(again.is_err(), "one person, one step");
        let stand_in = Approver {
            stands_in_for: vec![("係長さん".into(), "係長".into())],
            ..approver("s", Some("担当"))
        };
        let second = judge_step(&route, &so_far, &stand_in, Verdict::Approve).unwrap();
        assert_eq!(
            (second.step, second.on_behalf_of.as_deref()),
            (2, Some("係長さん"))
        );
        let returned = judge_step(&route, &so_far, &stand_in, Verdict::Return).unwrap();
        assert!(returned.settles, "a return at any step settles");
        let last = judge_step(
            &route,
            &[decided(1, "a"), decided(2, "s")],
            &approver("k", Some("課長")),
            Verdict::Approve,
        )
        .unwrap();
        assert_eq!((last.step, last.settles), (3, true));
        assert_eq!(route_progress(&route, &so_far).len(), 3);
    }

    #[test]
    fn a_stand_in_is_another_city_staff_member() {
        use Role::*;
        assert!(judge_stand_in(CityStaff, Some(CityStaff), false).is_ok());
        assert!(judge_stand_in(CityStaff, Some(CityStaff), true).is_err());
        assert!(judge_stand_in(CityStaff, Some(ContractorLead), false).is_err());
        assert!(judge_stand_in(Auditor, Some(CityStaff), false).is_err());
        assert!(judge_stand_in(CityStaff, None, false).is_err());
    }
}

/// A stand-in as entered by an administrator: the account stands in for `for_user_id`
/// from `valid_from` to `valid_to` (while they are absent).
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize, utoipa::ToSchema)]
pub struct StandInInput {
    pub for_user_id: i64,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    /// `YYYY-MM-DD`; not before `valid_from`.
    pub valid_to: String,
}

/// A checked stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInDraft {
    pub for_user_id: i64,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: chrono::NaiveDate,
}

impl StandInInput {
    /// Checks the dates.
    pub fn check(&self) -> Result<StandInDraft, crate::validation::FieldErrors> {
        let mut e = crate::validation::FieldErrors::default();
        let from =
            crate::rules::required_date(&mut e, "valid_from", "代理の開始日", &self.valid_from);
        let to = crate::rules::required_date(&mut e, "valid_to", "代理の終了日", &self.valid_to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            e.push("valid_to", "代理の終了日は開始日以降にしてください。");
        }
        match (from, to) {
            (Some(valid_from), Some(valid_to)) if e.is_empty() => Ok(StandInDraft {
                for_user_id: self.for_user_id,
                valid_from,
                valid_to,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(StandInInput => StandInDraft);

/// Judges a stand-in of an account of `role` for `other` (the other account's role, when it
/// exists): both City staff, and two different people.
pub fn judge_stand_in(role: Role, other: Option<Role>, same: bool) -> Result<(), Refusal> {
    if role != Role::CityStaff || other != Some(Role::CityStaff) || same {
        return Err(Refusal::invalid(
            "for_user_id",
            "代理は、本市担当者の別の利用者について指定してください。",
        ));
    }
    Ok(())
}
