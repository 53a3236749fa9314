//! What the schedule's changes are judged against, as the store finds it: the site, the
//! people and terminals a record names, the workers' other visits that day. The judges
//! here refuse in Japanese, naming the field; the store only loads.

use super::Span;
use crate::inventory::AssetStatus;
use crate::people::{Role, does_contract_work, not_a_contract_worker};
use crate::rules::Refusal;
use crate::validation::FieldErrors;

/// A site, as far as the schedule's rules go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFact {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Entering the building at all needs the City's permit (菊水分庁舎).
    pub needs_entry_permit: bool,
}

/// An account named on a record, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFact {
    pub id: i64,
    pub role: Role,
    pub disabled: bool,
}

/// A terminal named on a visit (or in use at its site), as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalFact {
    pub id: i64,
    pub asset_number: String,
    pub room: Option<String>,
    pub site_id: i64,
    pub status: AssetStatus,
}

impl TerminalFact {
    /// Installed at a site and used there: in service or under repair.
    pub fn in_use(&self) -> bool {
        matches!(
            self.status,
            AssetStatus::InService | AssetStatus::UnderRepair
        )
    }
}

/// Another live (not cancelled) visit of one of the workers on the same day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyFact {
    pub worker_id: i64,
    pub display_name: String,
    pub site_name: String,
    pub span: Span,
}

/// The site a record names: refused when it is not registered.
pub fn judge_site(site_id: i64, site: Option<&SiteFact>) -> Result<&SiteFact, Refusal> {
    site.filter(|s| s.id == site_id)
        .ok_or_else(|| Refusal::unknown("site_id", "拠点", site_id))
}

/// Refuses, naming `field`, the first of `ids` who is not an enabled lead or worker of the
/// contractor (unknown accounts included); `found` holds the accounts the store found.
pub fn judge_contractor_people(
    field: &str,
    ids: &[i64],
    found: &[PersonFact],
) -> Result<(), Refusal> {
    let ok = |id: &i64| {
        found
            .iter()
            .any(|p| p.id == *id && does_contract_work(p.role, p.disabled))
    };
    match ids.iter().find(|id| !ok(id)) {
        Some(id) => Err(not_a_contract_worker(field, *id)),
        None => Ok(()),
    }
}

/// The terminals a visit to `site_id` works on: each of `ids` must be registered, placed
/// at the site and not retired (every problem named at once); with `all_in_use`, every
/// terminal in use at the site is added. `found` holds what the store found of both.
/// Sorted by id, each once.
pub fn judge_visit_terminals(
    site_id: i64,
    ids: &[i64],
    all_in_use: bool,
    found: &[TerminalFact],
) -> Result<Vec<TerminalFact>, Refusal> {
    let mut e = FieldErrors::default();
    let mut chosen: Vec<TerminalFact> = Vec::new();
    for id in ids {
        match found.iter().find(|t| t.id == *id) {
            Some(t) if t.site_id == site_id && t.status != AssetStatus::Retired => {
                chosen.push(t.clone());
            }
            Some(t) => e.push(
                "terminal_ids",
                format!(
                    "端末 {} はこの拠点で使用中の端末ではありません。",
                    t.asset_number
                ),
            ),
            None => e.push(
                "terminal_ids",
                format!("端末ID {id} は登録されていません。"),
            ),
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    if all_in_use {
        chosen.extend(
            found
                .iter()
                .filter(|t| t.site_id == site_id && t.in_use())
                .cloned(),
        );
    }
    chosen.sort_by_key(|t| t.id);
    chosen.dedup_by_key(|t| t.id);
    Ok(chosen)
}

/// Refuses a visit of `span` when one of `worker_ids` is already on another live visit
/// that overlaps it: nobody is in two places at once.
pub fn judge_overlap(span: &Span, worker_ids: &[i64], busy: &[BusyFact]) -> Result<(), Refusal> {
    let clash = busy.iter().find(|b| {
        worker_ids.contains(&b.worker_id)
            && b.span.date == span.date
            && b.span.start < span.end
            && b.span.end > span.start
    });
    match clash {
        Some(b) => Err(Refusal::conflict(
            "worker_ids",
            format!(
                "{}さんは同じ時間に{}（{}から）の訪問が予定されています。",
                b.display_name,
                b.site_name,
                b.span.start.format("%H:%M")
            ),
        )),
        None => Ok(()),
    }
}
