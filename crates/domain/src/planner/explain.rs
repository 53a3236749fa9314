//! Findings: what the planner tells the user about a plan or a refused input, as a
//! structured value and one Japanese sentence (R4.4, R5.2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::holiday_name;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; the plan is fine.
    Info,
    /// The plan misses the deadline, or part of the input goes unused.
    Warning,
    /// No plan can be made from this input.
    Error,
}

/// Two sites (or a site and the depot) given by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SitePair {
    pub from_code: String,
    pub from_name: String,
    pub to_code: String,
    pub to_name: String,
}

/// A closed day and why it is closed (`BusinessCalendar::closed_reason`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClosedDay {
    pub date: NaiveDate,
    pub reason: String,
}

/// What a finding is about, with the values its message names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FindingKind {
    /// The start date is closed, so business day 1 is later.
    StartClosed {
        start: NaiveDate,
        reason: String,
        first_business_day: NaiveDate,
        deadline_business_days: u32,
    },
    /// A run of closed days (weekends aside) between day 1 and the deadline pushes the
    /// last business day out.
    ClosedDaysInWindow {
        days: Vec<ClosedDay>,
        deadline: NaiveDate,
        deadline_business_days: u32,
    },
    /// The best plan found ends after the deadline.
    DeadlineMissed {
        deadline_business_days: u32,
        deadline: NaiveDate,
        last_date: NaiveDate,
        business_days_used: u32,
    },
    /// This many workers (the extra ones available on every business day) would meet
    /// the deadline.
    NotEnoughWorkers {
        needed: u32,
        current: u32,
        deadline_business_days: u32,
        extra_assumed_always_available: bool,
    },
    /// People on the roster, not on the plan, who could work between day 1 and the
    /// deadline (the answer to "N名必要です": whom to add).
    OthersAvailable {
        names: Vec<String>,
        first_day: NaiveDate,
        deadline: NaiveDate,
    },
    /// A worker has no available business day between day 1 and the deadline.
    WorkerUnavailable {
        worker_id: i64,
        name: String,
        first_day: NaiveDate,
        deadline: NaiveDate,
    },
    MissingCoordinates {
        code: String,
        name: String,
    },
    InvalidCoordinates {
        code: String,
        name: String,
    },
    /// Pairs without a travel time in the matrix (the first few), and how many in all.
    MissingTravelTimes {
        pairs: Vec<SitePair>,
        total: u32,
    },
    InvalidTravelModel {
        detail: String,
    },
    NoWorkers,
    InvalidInput {
        field: String,
        detail: String,
    },
    DuplicateSiteCode {
        code: String,
    },
    DuplicateTerminal {
        terminal_id: i64,
    },
    TerminalLongerThanDay {
        work_minutes: u32,
        window_minutes: u32,
    },
    /// Going to the site and back from the depot leaves no time for one terminal.
    SiteUnreachable {
        code: String,
        name: String,
        depot_name: String,
        round_trip_minutes: u32,
        window_minutes: u32,
    },
    /// The workers' explicit availability ends before all terminals are planned.
    AvailabilityExhausted {
        unplanned_terminals: u32,
    },
    /// No plan ends within the planning horizon.
    HorizonExceeded {
        business_days: u32,
    },
    NoBusinessDay,
    /// The solver returned a plan that breaks a rule; a bug, never the user's fault.
    SolverFailed {
        detail: String,
    },
}

/// One finding: severity, structured content and the Japanese message shown as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    pub message: String,
}

impl Finding {
    /// The finding for `kind`, with its severity and message.
    pub fn new(kind: FindingKind) -> Self {
        Self {
            severity: severity_of(&kind),
            message: message_ja(&kind),
            kind,
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The input cannot be planned; every finding says why, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", join_messages(.findings))]
pub struct PlanError {
    pub findings: Vec<Finding>,
}

impl PlanError {
    /// An error made of one finding.
    pub fn one(kind: FindingKind) -> Self {
        Self {
            findings: vec![Finding::new(kind)],
        }
    }
}

fn join_messages(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

pub use crate::time::date_ja;

/// Why a day is closed, as a phrase: 祝日（文化の日）, 土曜日, 年末年始, 休庁日（理由）.
fn closed_phrase(date: NaiveDate, reason: &str) -> String {
    if holiday_name(date) == Some(reason) {
        format!("祝日（{reason}）")
    } else if matches!(reason, "土曜日" | "日曜日" | "年末年始") {
        reason.to_owned()
    } else {
        format!("休庁日（{reason}）")
    }
}

fn severity_of(kind: &FindingKind) -> Severity {
    use FindingKind as K;
    match kind {
        K::StartClosed { .. } | K::ClosedDaysInWindow { .. } | K::OthersAvailable { .. } => {
            Severity::Info
        }
        K::DeadlineMissed { .. } | K::NotEnoughWorkers { .. } | K::WorkerUnavailable { .. } => {
            Severity::Warning
        }
        _ => Severity::Error,
    }
}

/// The Japanese sentence for `kind`.
fn message_ja(kind: &FindingKind) -> String {
    use FindingKind as K;
    match kind {
        K::StartClosed {
            start,
            reason,
            first_business_day,
            deadline_business_days,
        } => format!(
            "{}は{}のため、最短の{deadline_business_days}営業日は{}から始まります。",
            date_ja(*start),
            closed_phrase(*start, reason),
            date_ja(*first_business_day)
        ),
        K::ClosedDaysInWindow {
            days,
            deadline,
            deadline_business_days,
        } => {
            let mut phrases: Vec<String> = Vec::new();
            for d in days {
                let p = closed_phrase(d.date, &d.reason);
                if !phrases.contains(&p) {
                    phrases.push(p);
                }
            }
            let when = match (days.first(), days.last()) {
                (Some(a), Some(b)) if a.date != b.date => {
                    format!("{}〜{}", date_ja(a.date), date_ja(b.date))
                }
                (Some(a), _) => date_ja(a.date),
                _ => String::new(),
            };
            format!(
                "{when}は{}のため、{deadline_business_days}営業日目は{}になります。",
                phrases.join("・"),
                date_ja(*deadline)
            )
        }
        K::DeadlineMissed {
            deadline_business_days,
            deadline,
            last_date,
            business_days_used,
        } => format!(
            "全拠点の作業が{deadline_business_days}営業日以内（{}まで）に終わりません。\
             この計画では{}（{business_days_used}営業日目）に終わります。",
            date_ja(*deadline),
            date_ja(*last_date)
        ),
        K::NotEnoughWorkers {
            needed,
            current,
            deadline_business_days,
            extra_assumed_always_available,
        } => {
            let note = if *extra_assumed_always_available {
                "（追加する作業従事者は毎営業日稼働できるものとして計算）"
            } else {
                ""
            };
            format!(
                "{deadline_business_days}営業日以内に終えるには作業従事者が{needed}名必要です\
                 （現在{current}名）{note}。"
            )
        }
        K::OthersAvailable {
            names,
            first_day,
            deadline,
        } => format!(
            "従事者名簿で{}〜{}に稼働できる、計画にいない従事者: {}",
            date_ja(*first_day),
            date_ja(*deadline),
            names.join("、")
        ),
        K::WorkerUnavailable {
            name,
            first_day,
            deadline,
            ..
        } => format!(
            "作業従事者「{name}」は{}〜{}に稼働できる営業日がありません。",
            date_ja(*first_day),
            date_ja(*deadline)
        ),
        K::MissingCoordinates { name, .. } => {
            format!("{name}の緯度・経度が未登録のため移動時間を計算できません。")
        }
        K::InvalidCoordinates { name, .. } => format!(
            "{name}の緯度・経度が正しくないため移動時間を計算できません\
             （緯度は-90〜90、経度は-180〜180の数値）。"
        ),
        K::MissingTravelTimes { pairs, total } => {
            let listed: Vec<String> = pairs
                .iter()
                .map(|p| format!("{}〜{}", p.from_name, p.to_name))
                .collect();
            let rest = (*total as usize).saturating_sub(pairs.len());
            let more = if rest > 0 {
                format!("（ほか{rest}組）")
            } else {
                String::new()
            };
            format!(
                "次の拠点間の移動時間が未登録のため計画できません: {}{more}。",
                listed.join("、")
            )
        }
        K::InvalidTravelModel { detail } => {
            format!("移動時間の設定が正しくありません: {detail}")
        }
        K::NoWorkers => "作業従事者が登録されていないため計画できません。".to_owned(),
        K::InvalidInput { detail, .. } => detail.clone(),
        K::DuplicateSiteCode { code } => format!("拠点コード「{code}」が2回以上あります。"),
        K::DuplicateTerminal { terminal_id } => {
            format!("端末（ID {terminal_id}）が2回以上含まれています。")
        }
        K::TerminalLongerThanDay {
            work_minutes,
            window_minutes,
        } => format!(
            "端末1台の作業時間（{work_minutes}分）が1日の作業時間（{window_minutes}分）を\
             超えるため計画できません。"
        ),
        K::SiteUnreachable {
            name,
            depot_name,
            round_trip_minutes,
            window_minutes,
            ..
        } => format!(
            "{name}は{depot_name}からの往復（{round_trip_minutes}分）と端末1台の作業で\
             1日の作業時間（{window_minutes}分）を超えるため計画できません。"
        ),
        K::AvailabilityExhausted {
            unplanned_terminals,
        } => format!(
            "作業従事者の稼働可能日が足りず、端末{unplanned_terminals}台の作業を計画できません。"
        ),
        K::HorizonExceeded { business_days } => {
            format!("{business_days}営業日以内に終わる計画を作れません。")
        }
        K::NoBusinessDay => "開始日以降に営業日がないため計画できません。".to_owned(),
        K::SolverFailed { detail } => format!("計画の作成に失敗しました（{detail}）。"),
    }
}
