//! The recovery timeline as a state machine judged from its facts: where an incident
//! stands, and whether an event may be added by whom.

use chrono::{DateTime, Duration, Utc};

use super::input::{EventDraft, IncidentDraft};
use super::swap::{Replacement, TaskFact};
use super::vocab::{EventKind, IncidentStatus, PauseReason};
use crate::contract::{CategoryCode, PartyKind};
use crate::inventory::AssetStatus;
use crate::people::Role;
use crate::rules::{Refusal, only};
use crate::time::display_jst;

/// How far ahead of the server's clock a typed instant may be (a clock a little fast).
const CLOCK_SLACK_MINUTES: i64 = 5;

/// One recorded event, as far as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    pub inquiry_number: Option<String>,
    pub pause_reason: Option<PauseReason>,
}

impl EventFact {
    pub fn new(kind: EventKind, at: DateTime<Utc>) -> Self {
        Self {
            kind,
            at,
            inquiry_number: None,
            pause_reason: None,
        }
    }
}

/// An incident as far as its next event is judged: its category and its events so far in
/// order (the first one is the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFacts {
    pub category: CategoryCode,
    pub events: Vec<EventFact>,
    /// The re-setup tasks of its swaps so far.
    pub tasks: Vec<TaskFact>,
}

/// Where an incident with these events (in order) stands.
pub fn status_of(events: &[EventFact]) -> IncidentStatus {
    use IncidentStatus as S;
    events.iter().fold(S::Reported, |status, e| match e.kind {
        EventKind::Reported | EventKind::Note | EventKind::Escalated => status,
        EventKind::Paused => S::Paused,
        EventKind::Resumed => S::Responding,
        EventKind::Resolved => S::Resolved,
        EventKind::Accepted => S::Accepted,
        _ if status == S::Reported => S::Responding,
        _ => status,
    })
}

const CITY: &[Role] = &[Role::CityStaff];
const LEAD: &[Role] = &[Role::ContractorLead];
const CONTRACTOR: &[Role] = &[Role::ContractorLead, Role::ContractorWorker];
const CITY_OR_LEAD: &[Role] = &[Role::CityStaff, Role::ContractorLead];
const EVERYONE: &[Role] = &[
    Role::CityStaff,
    Role::ContractorLead,
    Role::ContractorWorker,
];

/// Who records an event: the contractor works the fault, the City judges a hardware fault
/// and calls the lessor (R4.2) and accepts the recovery; the lessor's visit and the swap
/// are recorded by whichever side saw them.
fn recorders(kind: EventKind) -> &'static [Role] {
    use EventKind::*;
    match kind {
        Reported => CITY_OR_LEAD,
        Acknowledged | Arrived | JlisAsked | JlisAnswered | LogCollected | ActionTaken
        | OperationChecked => CONTRACTOR,
        Escalated | Accepted => CITY,
        LessorVisited | DeviceReplaced | Note => EVERYONE,
        Paused | Resumed | PartyInvolved => CITY_OR_LEAD,
        TaskDone => CONTRACTOR,
        Resolved => LEAD,
    }
}

fn conflict(message: impl Into<String>) -> Refusal {
    Refusal::conflict("kind", message)
}

fn has(events: &[EventFact], kind: EventKind) -> bool {
    events.iter().any(|e| e.kind == kind)
}

/// Judges adding event `d` by `role` at `now` to an incident with facts `f`: the role
/// first, then what the timeline allows. Returns the event's instant (the typed one or
/// now) and the status after it.
pub fn judge_event(
    f: &IncidentFacts,
    d: &EventDraft,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, IncidentStatus), Refusal> {
    use EventKind::*;
    use IncidentStatus as S;
    only(
        recorders(d.kind),
        role,
        &format!("「{}」の記録", d.kind.label_ja()),
    )?;
    let status = status_of(&f.events);
    let events = &f.events;
    match (status, d.kind) {
        (S::Accepted, _) => {
            return Err(conflict(
                "この障害は本市が復旧を確認済みのため、記録を追加できません。",
            ));
        }
        (S::Resolved, Accepted | Note) => {}
        (S::Resolved, _) => {
            return Err(conflict(format!(
                "この障害は「復旧済み」のため、「{}」は記録できません（本市の復旧の確認を待っています）。",
                d.kind.label_ja()
            )));
        }
        (_, Accepted) => {
            return Err(conflict("復旧の確認は、復旧が記録された後に行えます。"));
        }
        (S::Reported, Acknowledged | Arrived | Note | Escalated) => {}
        (S::Reported, _) => {
            return Err(conflict(format!(
                "「{}」の前に、対応の開始または現地到着を記録してください。",
                d.kind.label_ja()
            )));
        }
        (S::Paused, Paused) => {
            return Err(conflict("この障害は既に保留中です。"));
        }
        (S::Paused, Resolved) => {
            return Err(conflict(
                "保留中は復旧を記録できません。先に再開を記録してください。",
            ));
        }
        (s, Resumed) if s != S::Paused => {
            return Err(conflict("保留中ではないため、再開は記録できません。"));
        }
        _ => {}
    }
    match d.kind {
        Acknowledged if has(events, Acknowledged) => {
            return Err(conflict("対応の開始は既に記録されています。"));
        }
        Escalated if has(events, Escalated) => {
            return Err(conflict("機器賃貸業者への依頼は既に記録されています。"));
        }
        LessorVisited | DeviceReplaced if !has(events, Escalated) => {
            return Err(conflict(format!(
                "「{}」の前に、本市による機器賃貸業者への依頼を記録してください。",
                d.kind.label_ja()
            )));
        }
        JlisAnswered if !answers_a_question(events, d.inquiry_number.as_deref()) => {
            return Err(Refusal::invalid(
                "inquiry_number",
                "この問い合わせ番号のJ-LISへの問い合わせが記録されていません。問い合わせを先に記録してください。",
            ));
        }
        TaskDone => judge_task(&f.tasks, d.task_id)?,
        Resolved => judge_resolution(events, &f.tasks)?,
        _ => {}
    }
    let at = judge_instant(events, d.at, now)?;
    if let Some((_, told)) = d.party
        && told > at
    {
        return Err(Refusal::invalid(
            "city_notified_at",
            "他事業者が関わる作業は、事前に本市へ示すものです。本市への連絡の日時は関与の日時以前にしてください。",
        ));
    }
    let mut after = events.clone();
    after.push(EventFact::new(d.kind, at));
    Ok((at, status_of(&after)))
}

/// An answer needs a question before it: one with the same inquiry number, or one asked
/// before J-LIS gave a number.
fn answers_a_question(events: &[EventFact], number: Option<&str>) -> bool {
    events.iter().any(|e| {
        e.kind == EventKind::JlisAsked
            && (e.inquiry_number.is_none() || e.inquiry_number.as_deref() == number)
    })
}

/// A task is done once, and only one of this incident's.
fn judge_task(tasks: &[TaskFact], id: Option<i64>) -> Result<(), Refusal> {
    let Some(t) = tasks.iter().find(|t| Some(t.id) == id) else {
        return Err(Refusal::invalid(
            "task_id",
            "この障害の再設定作業ではありません。",
        ));
    };
    if t.done {
        return Err(Refusal::conflict(
            "task_id",
            format!("「{}」は既に完了しています。", t.label),
        ));
    }
    Ok(())
}

/// A recovery is reported only after something was done (an action or a replacement),
/// every re-setup task of a swap is done, and the operation was checked after the last of
/// them.
fn judge_resolution(events: &[EventFact], tasks: &[TaskFact]) -> Result<(), Refusal> {
    use EventKind::*;
    let open: Vec<&str> = tasks
        .iter()
        .filter(|t| !t.done)
        .map(|t| t.label.as_str())
        .collect();
    if !open.is_empty() {
        return Err(conflict(format!(
            "機器交換後の再設定作業が残っています: {}",
            open.join("、")
        )));
    }
    let Some(last_fix) = events
        .iter()
        .rposition(|e| matches!(e.kind, ActionTaken | DeviceReplaced | TaskDone))
    else {
        return Err(conflict(
            "復旧の前に、復旧処置または機器の交換を記録してください。",
        ));
    };
    if !events[last_fix..]
        .iter()
        .any(|e| e.kind == OperationChecked)
    {
        return Err(conflict(
            "復旧の前に、最後の処置の後の動作確認を記録してください。",
        ));
    }
    Ok(())
}

/// The instant of a new event: the typed one or now, not in the future and not before the
/// last event recorded (the timeline reads in order).
fn judge_instant(
    events: &[EventFact],
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Refusal> {
    let at = at.unwrap_or(now);
    if at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(Refusal::invalid("at", "日時に未来の日時は指定できません。"));
    }
    if let Some(last) = events.last()
        && at < last.at
    {
        return Err(Refusal::invalid(
            "at",
            format!(
                "直前の記録（{}・{}）より前の日時は指定できません。",
                last.kind.label_ja(),
                display_jst(last.at)
            ),
        ));
    }
    Ok(at)
}

/// The terminal an incident names, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOfIncident {
    pub status: AssetStatus,
    /// The touch panel attached to it, if any.
    pub touch_panel_id: Option<i64>,
}

/// A ward office's fault report an incident takes up, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultReportOfIncident {
    pub terminal_id: i64,
    /// The incident that took it up already, if any.
    pub incident_id: Option<i64>,
}

/// Judges a new incident reported by `role` at `now`: the terminal exists and is not
/// retired; a touch-panel fault (ク) needs a panel attached to it; a fault report taken up
/// names the same terminal and no other incident took it up; the report is not in the
/// future. Returns the instant of the report and the failed touch panel (for ク).
pub fn judge_incident(
    role: Role,
    d: &IncidentDraft,
    terminal: Option<&TerminalOfIncident>,
    report: Option<&FaultReportOfIncident>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, Option<i64>), Refusal> {
    only(CITY_OR_LEAD, role, "障害の登録")?;
    let Some(t) = terminal else {
        return Err(Refusal::unknown("terminal_id", "統合端末", d.terminal_id));
    };
    if t.status == AssetStatus::Retired {
        return Err(Refusal::invalid(
            "terminal_id",
            "撤去済の統合端末の障害は登録できません。",
        ));
    }
    let panel = match d.category {
        CategoryCode::TouchPanelRecovery => Some(t.touch_panel_id.ok_or_else(|| {
            Refusal::invalid(
                "terminal_id",
                "この統合端末にはタッチパネルが登録されていません。",
            )
        })?),
        _ => None,
    };
    if let Some(id) = d.fault_report_id {
        let Some(r) = report else {
            return Err(Refusal::unknown("fault_report_id", "故障報告", id));
        };
        if r.terminal_id != d.terminal_id {
            return Err(Refusal::invalid(
                "fault_report_id",
                "故障報告の統合端末と障害の統合端末が異なります。",
            ));
        }
        if let Some(other) = r.incident_id {
            return Err(Refusal::conflict(
                "fault_report_id",
                format!("この故障報告は既に障害 {other} として登録されています。"),
            ));
        }
    }
    let at = d.reported_at.unwrap_or(now);
    if at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(Refusal::invalid(
            "reported_at",
            "障害の報告日時に未来の日時は指定できません。",
        ));
    }
    Ok((at, panel))
}

/// The events `role` could record next at `now` (the forms the incident's page offers):
/// those [`judge_event`] would accept with their required fields filled in. A task's
/// completion is offered with each open task, not here.
pub fn next_events(f: &IncidentFacts, role: Role, now: DateTime<Utc>) -> Vec<EventKind> {
    let asked = f
        .events
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::JlisAsked)
        .and_then(|e| e.inquiry_number.clone());
    EventKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, EventKind::Reported | EventKind::TaskDone))
        .filter(|&kind| {
            let d = EventDraft {
                note: Some(String::new()),
                inquiry_number: asked.clone(),
                pause_reason: Some(PauseReason::Lessor),
                replacement: Some(Replacement {
                    asset_number: String::new(),
                    serial: String::new(),
                    model: None,
                }),
                party: Some((PartyKind::OperationsContractor, now - Duration::minutes(1))),
                ..EventDraft::new(kind)
            };
            judge_event(f, &d, role, now).is_ok()
        })
        .collect()
}
