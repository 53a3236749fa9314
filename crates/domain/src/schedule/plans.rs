//! All-site plans (R4.4) as the contractor's lead asks for them: what is typed (a title,
//! the work content, the first day, minutes per terminal, the workers, the sites, a travel
//! table), its check, and the judge that turns it into the planner's input against the
//! people, sites and terminals on record. The bounds here are the planner's scale.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::inventory::csv::restore_site_codes;
use crate::inventory::parse_date;
use crate::planner::csv::{MAX_TRAVEL_ROWS, parse_travel_csv};
use crate::planner::{PlanInput, PlanSite, PlanWorker, TravelEntry, TravelModel};
use crate::rules::Refusal;
use crate::validation::{FieldErrors, required_text};

/// The most sites one plan covers: the planner answers within seconds up to a thousand.
pub const MAX_PLAN_SITES: usize = 1_000;
/// The most workers one plan puts on the sites.
pub const MAX_PLAN_WORKERS: usize = 100;
/// The most terminals one plan works on (ten per site at the largest scale).
pub const MAX_PLAN_TERMINALS: usize = 10_000;
/// The most dates a worker may be given as available: a year.
pub const MAX_AVAILABLE_DATES: usize = 366;
/// The longest work at one terminal: a whole working day.
const MAX_MINUTES_PER_TERMINAL: u32 = 480;

/// One worker put on the plan, with the dates they can work (all business days if none).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanWorkerInput {
    /// The user id of a contractor's worker or lead.
    pub id: i64,
    /// `YYYY-MM-DD` dates; omitted: every business day.
    #[serde(default)]
    pub available: Option<Vec<String>>,
}

/// What the contractor's lead asks the planner.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PlanRequest {
    /// A name for the plan (e.g. the job it serves).
    pub title: String,
    /// The work content written on each visit.
    pub purpose: String,
    /// `YYYY-MM-DD`: the first day work may happen.
    pub start: String,
    /// Minutes of work per terminal for this job (1-480).
    pub work_minutes_per_terminal: u32,
    pub workers: Vec<PlanWorkerInput>,
    /// Sites to cover; omitted: every site with terminals in use.
    #[serde(default)]
    pub site_ids: Option<Vec<i64>>,
    /// The 作業依頼書 the plan serves: its target terminals are planned, and its visits
    /// carry the request.
    #[serde(default)]
    pub request_id: Option<i64>,
    /// Travel minutes as CSV `from,to,minutes` (site codes); omitted: from coordinates
    /// (road 1.3 x straight line, 25 km/h, 20 km/h December to March).
    #[serde(default)]
    pub travel_csv: Option<String>,
}

/// A checked plan request: well-formed, within the bounds, not yet judged against the
/// records.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDraft {
    pub title: String,
    pub purpose: String,
    pub start: NaiveDate,
    pub work_minutes_per_terminal: u32,
    /// Each worker's id and the dates they can work (`None`: every business day).
    pub workers: Vec<(i64, Option<Vec<NaiveDate>>)>,
    pub site_ids: Option<Vec<i64>>,
    pub request_id: Option<i64>,
    /// The travel table, when one was given.
    pub travel: Option<Vec<TravelEntry>>,
}

impl PlanRequest {
    /// Checks every field, all problems at once: text lengths, dates, minutes, the lists
    /// within their bounds, the travel table row by row.
    pub fn check(&self) -> Result<PlanDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = required_text(&mut e, "title", "計画名", &self.title, 100);
        let purpose = required_text(&mut e, "purpose", "作業内容", &self.purpose, 200);
        let start = parse_date(&self.start);
        if start.is_none() {
            e.push("start", "開始日をYYYY-MM-DDの形式で入力してください。");
        }
        if !(1..=MAX_MINUTES_PER_TERMINAL).contains(&self.work_minutes_per_terminal) {
            e.push(
                "work_minutes_per_terminal",
                format!("1台あたりの作業時間は1〜{MAX_MINUTES_PER_TERMINAL}分で入力してください。"),
            );
        }
        if self.workers.is_empty() {
            e.push("workers", "作業従事者を1名以上選んでください。");
        } else if self.workers.len() > MAX_PLAN_WORKERS {
            e.push(
                "workers",
                format!("作業従事者は{MAX_PLAN_WORKERS}名まで選べます。"),
            );
        }
        let mut workers = Vec::with_capacity(self.workers.len().min(MAX_PLAN_WORKERS));
        for w in self.workers.iter().take(MAX_PLAN_WORKERS) {
            let available = match &w.available {
                None => None,
                Some(days) if days.len() > MAX_AVAILABLE_DATES => {
                    e.push(
                        "workers",
                        format!(
                            "利用者ID {} の作業可能日は{MAX_AVAILABLE_DATES}日まで指定できます。",
                            w.id
                        ),
                    );
                    None
                }
                Some(days) => {
                    let parsed: Vec<_> = days.iter().filter_map(|d| parse_date(d)).collect();
                    if parsed.len() != days.len() {
                        e.push(
                            "workers",
                            format!(
                                "利用者ID {} の作業可能日をYYYY-MM-DDの形式で入力してください。",
                                w.id
                            ),
                        );
                    }
                    Some(parsed)
                }
            };
            workers.push((w.id, available));
        }
        if self
            .site_ids
            .as_ref()
            .is_some_and(|ids| ids.len() > MAX_PLAN_SITES)
        {
            e.push(
                "site_ids",
                format!("対象の拠点は{MAX_PLAN_SITES}か所まで選べます。"),
            );
        }
        let travel = match self
            .travel_csv
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(text) => match parse_travel_csv(text) {
                Ok(entries) => Some(entries),
                Err(errors) => {
                    for err in errors {
                        e.push("travel_csv", err.to_string());
                    }
                    None
                }
            },
        };
        match start {
            Some(start) if e.is_empty() => Ok(PlanDraft {
                title,
                purpose,
                start,
                work_minutes_per_terminal: self.work_minutes_per_terminal,
                workers,
                site_ids: self.site_ids.clone(),
                request_id: self.request_id,
                travel,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(PlanRequest => PlanDraft);

/// A person the plan may put on the sites: an enabled lead or worker of the contractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPerson {
    pub id: i64,
    pub display_name: String,
}

/// A registered site, as the planner needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSiteFact {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// What a plan request is judged against, as the store found it.
#[derive(Debug, Clone, Default)]
pub struct PlanFacts {
    /// The contractor's enabled leads and workers.
    pub people: Vec<PlanPerson>,
    /// Every registered site.
    pub sites: Vec<PlanSiteFact>,
    /// `(site_id, terminal_id)` of the terminals to plan: the request's targets, or every
    /// terminal in use; `None` when the 作業依頼書 named is not registered.
    pub terminals: Option<Vec<(i64, i64)>>,
    /// The days each account on the roster can work (on the roster, not absent), when the
    /// roster is consulted: a worker may then work only on those days (within the ones
    /// typed, if any), and an account not on it on none.
    pub roster: Option<Vec<(i64, Vec<NaiveDate>)>>,
}

/// The days worker `id` may work: the typed ones (or every day) within what the roster
/// allows, when it is consulted.
fn worker_days(
    id: i64,
    typed: &Option<Vec<NaiveDate>>,
    roster: Option<&[(i64, Vec<NaiveDate>)]>,
) -> Option<Vec<NaiveDate>> {
    let Some(roster) = roster else {
        return typed.clone();
    };
    let allowed: &[NaiveDate] = roster
        .iter()
        .find(|(u, _)| *u == id)
        .map_or(&[], |(_, days)| days.as_slice());
    Some(match typed {
        None => allowed.to_vec(),
        Some(days) => days
            .iter()
            .filter(|d| allowed.contains(d))
            .copied()
            .collect(),
    })
}

/// Judges a checked request against the records and makes the planner's input: a
/// 作業依頼書 that exists, workers who are the contractor's people, registered sites of
/// which at least one has terminals to plan, within [`MAX_PLAN_TERMINALS`]. A travel
/// table saved by Excel gets back the leading zeros of its site codes.
pub fn judge_plan_input(
    d: &PlanDraft,
    f: &PlanFacts,
    deadline_business_days: u32,
) -> Result<PlanInput, Refusal> {
    let Some(terminals) = &f.terminals else {
        let rid = d.request_id.unwrap_or_default();
        return Err(Refusal::unknown("request_id", "作業依頼書", rid));
    };
    let mut e = FieldErrors::default();
    let mut workers = Vec::with_capacity(d.workers.len());
    for (id, available) in &d.workers {
        match f.people.iter().find(|p| p.id == *id) {
            Some(p) => workers.push(PlanWorker {
                id: p.id,
                name: p.display_name.clone(),
                available: worker_days(*id, available, f.roster.as_deref()),
            }),
            None => e.push(
                "workers",
                format!("利用者ID {id} は有効な作業従事者・業務責任者ではありません。"),
            ),
        }
    }
    if let Some(ids) = &d.site_ids {
        for id in ids
            .iter()
            .filter(|id| !f.sites.iter().any(|s| s.id == **id))
        {
            e.push("site_ids", format!("拠点ID {id} は登録されていません。"));
        }
    }
    let sites: Vec<PlanSite> = f
        .sites
        .iter()
        .filter(|s| d.site_ids.as_ref().is_none_or(|ids| ids.contains(&s.id)))
        .map(|s| PlanSite {
            terminal_ids: terminals
                .iter()
                .filter(|(site, _)| *site == s.id)
                .map(|(_, t)| *t)
                .collect(),
            id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
            lat: s.lat,
            lon: s.lon,
        })
        .filter(|s| !s.terminal_ids.is_empty())
        .collect();
    if sites.is_empty() {
        e.push("site_ids", "統合端末のある拠点を1つ以上選んでください。");
    }
    let count: usize = sites.iter().map(|s| s.terminal_ids.len()).sum();
    if count > MAX_PLAN_TERMINALS {
        e.push(
            "site_ids",
            format!(
                "対象の統合端末が{count}台あります。1つの計画は{MAX_PLAN_TERMINALS}台までです。拠点を分けて計画してください。"
            ),
        );
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let travel = match &d.travel {
        None => TravelModel::sapporo_default(),
        Some(entries) => {
            let mut entries = entries.clone();
            let codes: Vec<&str> = f.sites.iter().map(|s| s.code.as_str()).collect();
            restore_site_codes(
                entries.iter_mut().flat_map(|t| [&mut t.from, &mut t.to]),
                &codes,
            );
            TravelModel::Matrix { entries }
        }
    };
    Ok(PlanInput {
        start: d.start,
        deadline_business_days,
        sites,
        workers,
        work_minutes_per_terminal: d.work_minutes_per_terminal,
        travel,
        depot: None,
    })
}

/// Refuses a planner input past the planner's scale, naming the list: what the command
/// line checks of an input read from a file.
pub fn check_plan_size(input: &PlanInput) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    if input.sites.len() > MAX_PLAN_SITES {
        e.push("sites", format!("拠点は{MAX_PLAN_SITES}か所までです。"));
    }
    if input.workers.len() > MAX_PLAN_WORKERS {
        e.push(
            "workers",
            format!("作業従事者は{MAX_PLAN_WORKERS}名までです。"),
        );
    }
    if input.workers.iter().any(|w| {
        w.available
            .as_ref()
            .is_some_and(|d| d.len() > MAX_AVAILABLE_DATES)
    }) {
        e.push(
            "workers",
            format!("作業可能日は1名{MAX_AVAILABLE_DATES}日までです。"),
        );
    }
    let terminals: usize = input.sites.iter().map(|s| s.terminal_ids.len()).sum();
    if terminals > MAX_PLAN_TERMINALS {
        e.push(
            "terminal_ids",
            format!("統合端末は{MAX_PLAN_TERMINALS}台までです。"),
        );
    }
    if let TravelModel::Matrix { entries } = &input.travel
        && entries.len() > MAX_TRAVEL_ROWS
    {
        e.push(
            "travel",
            format!("移動時間表は{MAX_TRAVEL_ROWS}行までです。"),
        );
    }
    e.into_result(())
}

/// The City agrees to a plan once.
pub fn judge_plan_agreement(agreed: bool) -> Result<(), Refusal> {
    if agreed {
        return Err(Refusal::conflict("agreed_by", "この計画には同意済みです。"));
    }
    Ok(())
}
