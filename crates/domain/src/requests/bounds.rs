//! What a 作業依頼書 allows the work done under it (R8.1, R1.1): its sites, the terminals
//! its jobs cover, and its period, which lies inside the contract's and starts no earlier
//! than the request was issued. A visit for the request and every record of its work are
//! judged against these bounds, whichever door they come through.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::procedure::{ProcedureVersion, may_record_work};
use super::work_records::WorkRecordDraft;
use super::work_request::WorkRequestStatus;
use crate::contract::Period;
use crate::rules::Refusal;
use crate::time::{date_ja, jst};
use crate::validation::FieldErrors;

/// A request's bounds as the store found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBounds {
    pub issued_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The sites the request names.
    pub site_ids: Vec<i64>,
    /// The terminals its jobs cover, each with its site: `(terminal, site)`.
    pub terminal_sites: Vec<(i64, i64)>,
}

/// Judges the dates of a request about to be issued: issued and worked inside the
/// contract's period, and worked no earlier than issued.
pub fn judge_request_dates(
    issued_on: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    contract: Period,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    let period = format!(
        "契約期間({}〜{})",
        date_ja(contract.start),
        date_ja(contract.end)
    );
    for (field, label, date) in [
        ("issued_on", "発行日", issued_on),
        ("period_from", "作業期間の開始日", from),
        ("period_to", "作業期間の終了日", to),
    ] {
        if !contract.contains(date) {
            e.push(
                field,
                format!("{label}は{period}の中の日付にしてください。"),
            );
        }
    }
    if from < issued_on {
        e.push(
            "period_from",
            "作業期間の開始日は発行日以降にしてください。",
        );
    }
    e.into_result(())
}

/// Judges a request's sites against the sites of its jobs' terminals (`(site, name)`):
/// every site where work is to be done is one the request names.
pub fn judge_request_sites(site_ids: &[i64], job_sites: &[(i64, String)]) -> Result<(), Refusal> {
    let named: BTreeSet<i64> = site_ids.iter().copied().collect();
    let missing: Vec<&str> = job_sites
        .iter()
        .filter(|(id, _)| !named.contains(id))
        .map(|(_, name)| name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Refusal::invalid(
        "site_ids",
        format!(
            "作業の対象の統合端末がある拠点が作業場所に含まれていません: {}",
            missing.join("、")
        ),
    ))
}

impl RequestBounds {
    /// The first day work may be done: the period's start (never before the issue).
    pub fn first_day(&self) -> NaiveDate {
        self.period_from.max(self.issued_on)
    }

    fn period_text(&self) -> String {
        format!(
            "作業期間({}〜{})",
            date_ja(self.first_day()),
            date_ja(self.period_to)
        )
    }

    /// Judges a visit for the request: at one of its sites, on a day of its period, to
    /// terminals it covers. Returns the request's terminals at the site, for a visit to
    /// all of them.
    pub fn judge_visit(
        &self,
        site_id: i64,
        date: NaiveDate,
        terminal_ids: &[i64],
    ) -> Result<Vec<i64>, Refusal> {
        let mut e = FieldErrors::default();
        if !self.site_ids.contains(&site_id) {
            e.push("site_id", "この拠点は作業依頼書の作業場所ではありません。");
        }
        if date < self.first_day() || date > self.period_to {
            e.push(
                "date",
                format!("訪問日は{}の中の日にしてください。", self.period_text()),
            );
        }
        let here: Vec<i64> = self
            .terminal_sites
            .iter()
            .filter(|(_, s)| *s == site_id)
            .map(|(t, _)| *t)
            .collect();
        for t in terminal_ids {
            if !here.contains(t) {
                e.push(
                    "terminal_ids",
                    format!("統合端末ID {t} は、この拠点での作業依頼書の対象ではありません。"),
                );
            }
        }
        e.into_result(here).map_err(Refusal::Invalid)
    }

    /// Judges the days of `records`: each inside the request's period (never before its
    /// issue), and none in the future (`now`, with a few minutes for clocks that differ).
    pub fn judge_record_days(
        &self,
        records: &[WorkRecordDraft],
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let mut e = FieldErrors::default();
        let latest = now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES);
        for (i, r) in records.iter().enumerate() {
            let day = r.started_at.with_timezone(&jst()).date_naive();
            if day < self.first_day() || day > self.period_to {
                e.push(
                    format!("records[{i}].started_at"),
                    format!("作業日は{}の中の日にしてください。", self.period_text()),
                );
            } else if r.ended_at > latest {
                e.push(
                    format!("records[{i}].ended_at"),
                    "まだ来ていない日時の作業は記録できません。",
                );
            }
        }
        e.into_result(()).map_err(Refusal::Invalid)
    }

    /// The site of terminal `id`, when the request covers it.
    pub fn site_of(&self, terminal_id: i64) -> Option<i64> {
        self.terminal_sites
            .iter()
            .find(|(t, _)| *t == terminal_id)
            .map(|(_, s)| *s)
    }
}

/// How far in the future a record may end: the clocks of a terminal, a worker's tablet and
/// the server may differ a little.
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// The request a piece of work recorded on a job (a password change, an inspection) is done
/// under: its status, its latest procedure version and its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkScope {
    pub request: WorkRequestStatus,
    pub latest: Option<ProcedureVersion>,
    pub bounds: RequestBounds,
}

impl WorkScope {
    /// Judges work done on `day` (R8.1, R8.2): the procedure approved and the request open
    /// for work, and a day of its period.
    pub fn judge_day(&self, field: &str, day: NaiveDate) -> Result<(), Refusal> {
        may_record_work(self.latest, self.request)?;
        if day < self.bounds.first_day() || day > self.bounds.period_to {
            return Err(Refusal::invalid(
                field,
                format!(
                    "作業日は{}の中の日にしてください。",
                    self.bounds.period_text()
                ),
            ));
        }
        Ok(())
    }

    /// Judges work done on one of the request's terminals from `start` to `end` (R8.1,
    /// R8.2): the procedure approved and the request open for work, a day of its period,
    /// not in the future. `field` names the time in a refusal.
    pub fn judge_work(
        &self,
        field: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        self.judge_day(field, start.with_timezone(&jst()).date_naive())?;
        if end > now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES) {
            return Err(Refusal::invalid(
                field,
                "まだ来ていない日時の作業は記録できません。",
            ));
        }
        Ok(())
    }
}
