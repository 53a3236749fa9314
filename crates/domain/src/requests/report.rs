//! 結果報告 (result report, R8.3): compiled from the work records of a request: per step how
//! many terminals are done, not applicable, failed or missing; which terminals are not
//! complete; the failures with their notes; the days of work and who did it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::procedure::ProcedureStep;
use super::work_records::{StepOutcome, WorkRecordDraft};
use crate::rules::count;
use crate::time::jst;

/// The Japanese names of a result report's fields.
pub const REPORT_FIELDS: &[(&str, &str)] = &[("exceptions", "例外(失敗・未実施)の件数")];

/// One step's outcomes over the request's terminals (each terminal's latest record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StepTally {
    pub order: u32,
    pub action: String,
    pub done: u32,
    pub not_applicable: u32,
    pub failed: u32,
    /// Terminals with no record of the step.
    pub missing: u32,
}

/// A failed step on a terminal, with the worker's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportException {
    pub terminal_id: i64,
    pub step_order: u32,
    pub performer_id: i64,
    pub ended_at: DateTime<Utc>,
    pub note: String,
    /// A later record settled the step (done or not applicable).
    pub resolved: bool,
}

/// The compiled result of a request's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportSummary {
    /// In step order.
    pub steps: Vec<StepTally>,
    /// Terminals with a step missing or failed, sorted.
    pub incomplete_terminals: Vec<i64>,
    /// Every failure, in time order.
    pub exceptions: Vec<ReportException>,
    pub first_started_at: Option<DateTime<Utc>>,
    pub last_ended_at: Option<DateTime<Utc>>,
    /// 実施日: the days work was done, in Japan time.
    pub work_days: Vec<NaiveDate>,
    /// 実施者: the workers who recorded work, sorted.
    pub performers: Vec<i64>,
    /// Records about a terminal or step outside the request, left out of everything above.
    pub ignored: u32,
    /// The version of the procedure whose records are counted (the latest).
    #[serde(default)]
    pub procedure_version: Option<u32>,
    /// Records made under an earlier version of the procedure, left out of the counts: the
    /// work must be done again under the version the City approved last.
    #[serde(default)]
    pub outdated: u32,
    /// The sites and days where work was recorded with no visit planned or done there.
    #[serde(default)]
    pub unvisited: Vec<SiteDay>,
}

/// A site on a day.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct SiteDay {
    pub site_id: i64,
    pub date: NaiveDate,
}

/// What a request's report is compiled from: the latest procedure version (id, number and
/// steps), the target terminals with their sites, every current record with the version it
/// was made under, and the sites and days of the request's live visits.
#[derive(Debug, Clone, Default)]
pub struct ReportSources {
    pub version: Option<(i64, u32)>,
    pub steps: Vec<ProcedureStep>,
    pub terminal_sites: Vec<(i64, i64)>,
    pub records: Vec<(i64, WorkRecordDraft)>,
    pub visits: Vec<SiteDay>,
}

impl ReportSources {
    /// The report: the records of the latest version counted as [`compile_report`] does,
    /// earlier versions' records counted apart, and the work done where no visit was.
    pub fn compile(&self) -> ReportSummary {
        let latest = self.version.map(|(id, _)| id);
        let (current, outdated): (Vec<_>, Vec<_>) = self
            .records
            .iter()
            .partition(|(procedure, _)| Some(*procedure) == latest);
        let current: Vec<WorkRecordDraft> = current.into_iter().map(|(_, r)| r.clone()).collect();
        let terminals: Vec<i64> = self.terminal_sites.iter().map(|(t, _)| *t).collect();
        let mut summary = compile_report(&self.steps, &terminals, &current);
        summary.procedure_version = self.version.map(|(_, n)| n);
        summary.outdated = count(outdated.iter());
        let mut unvisited: Vec<SiteDay> = current
            .iter()
            .filter_map(|r| {
                let site_id = self
                    .terminal_sites
                    .iter()
                    .find(|(t, _)| *t == r.terminal_id)?
                    .1;
                let date = r.started_at.with_timezone(&jst()).date_naive();
                Some(SiteDay { site_id, date })
            })
            .filter(|d| !self.visits.contains(d))
            .collect();
        unvisited.sort();
        unvisited.dedup();
        summary.unvisited = unvisited;
        summary
    }
}

impl ReportSummary {
    /// Every step settled on every terminal.
    pub fn is_complete(&self) -> bool {
        self.incomplete_terminals.is_empty()
    }
}

/// The latest outcome per (terminal, step): later end time wins, then later position.
type Latest = BTreeMap<(i64, u32), StepOutcome>;

/// Compiles the summary of `records` for the approved `steps` over the request's
/// `terminals`; when a step was recorded several times on a terminal the latest record
/// (by end time, then by position) counts.
pub fn compile_report(
    steps: &[ProcedureStep],
    terminals: &[i64],
    records: &[WorkRecordDraft],
) -> ReportSummary {
    let (relevant, ignored): (Vec<&WorkRecordDraft>, Vec<&WorkRecordDraft>) =
        records.iter().partition(|r| {
            terminals.contains(&r.terminal_id) && steps.iter().any(|s| s.order == r.step_order)
        });
    let latest = latest_outcomes(&relevant);
    let settled = |t: i64, s: u32| {
        latest
            .get(&(t, s))
            .copied()
            .is_some_and(StepOutcome::settles_step)
    };
    let mut incomplete_terminals: Vec<i64> = terminals
        .iter()
        .copied()
        .filter(|t| !steps.iter().all(|s| settled(*t, s.order)))
        .collect();
    incomplete_terminals.sort_unstable();
    incomplete_terminals.dedup();
    let mut exceptions: Vec<ReportException> = relevant
        .iter()
        .filter(|r| r.outcome == StepOutcome::Failed)
        .map(|r| ReportException {
            terminal_id: r.terminal_id,
            step_order: r.step_order,
            performer_id: r.performer_id,
            ended_at: r.ended_at,
            note: r.note.clone().unwrap_or_default(),
            resolved: settled(r.terminal_id, r.step_order),
        })
        .collect();
    exceptions.sort_by_key(|x| (x.ended_at, x.terminal_id, x.step_order));
    let mut performers: Vec<i64> = relevant.iter().map(|r| r.performer_id).collect();
    performers.sort_unstable();
    performers.dedup();
    ReportSummary {
        steps: tally_steps(steps, terminals, &latest),
        incomplete_terminals,
        exceptions,
        first_started_at: relevant.iter().map(|r| r.started_at).min(),
        last_ended_at: relevant.iter().map(|r| r.ended_at).max(),
        work_days: work_days(&relevant),
        performers,
        ignored: count(ignored.iter()),
        procedure_version: None,
        outdated: 0,
        unvisited: Vec::new(),
    }
}

/// The latest outcome of each (terminal, step) recorded.
fn latest_outcomes(records: &[&WorkRecordDraft]) -> Latest {
    let mut latest: BTreeMap<(i64, u32), &WorkRecordDraft> = BTreeMap::new();
    for r in records {
        let key = (r.terminal_id, r.step_order);
        if latest.get(&key).is_none_or(|l| l.ended_at <= r.ended_at) {
            latest.insert(key, r);
        }
    }
    latest.into_iter().map(|(k, r)| (k, r.outcome)).collect()
}

/// Each step's outcomes over `terminals`, counting a terminal without a record as missing.
fn tally_steps(steps: &[ProcedureStep], terminals: &[i64], latest: &Latest) -> Vec<StepTally> {
    steps
        .iter()
        .map(|s| {
            let of = |o: Option<StepOutcome>| {
                count(
                    terminals
                        .iter()
                        .filter(|t| latest.get(&(**t, s.order)).copied() == o),
                )
            };
            StepTally {
                order: s.order,
                action: s.action.clone(),
                done: of(Some(StepOutcome::Done)),
                not_applicable: of(Some(StepOutcome::NotApplicable)),
                failed: of(Some(StepOutcome::Failed)),
                missing: of(None),
            }
        })
        .collect()
}

/// The Japan-time days on which the records started or ended, sorted.
fn work_days(records: &[&WorkRecordDraft]) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = records
        .iter()
        .flat_map(|r| [r.started_at, r.ended_at])
        .map(|t| t.with_timezone(&jst()).date_naive())
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}
