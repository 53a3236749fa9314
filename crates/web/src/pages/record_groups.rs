//! A request's work records grouped for its page (issue 13, item 2): one group per site,
//! one row per terminal with its steps folded inside, counts in each summary, so a request
//! of 180 records stays a short page. Sites follow the request's targets (by site code),
//! terminals their asset number.

use jukiops_store::{TargetTerminal, WorkRecord};
use serde_json::{Value, json};

/// A terminal's asset number and its records.
type TerminalRecords<'a> = (String, Vec<&'a WorkRecord>);

/// What the page's records section draws for `records` of a request with `targets`.
pub fn grouped(records: &[WorkRecord], targets: &[TargetTerminal]) -> Value {
    // (site name, [(asset number, records)]) in the order of the targets.
    let mut sites: Vec<(String, Vec<TerminalRecords>)> = Vec::new();
    let site_of = |terminal: i64| {
        targets
            .iter()
            .position(|t| t.id == terminal)
            .map(|i| (i, targets[i].site_name.clone()))
            .unwrap_or((usize::MAX, "(拠点不明)".to_string()))
    };
    let mut keyed: Vec<(usize, String, &WorkRecord)> = records
        .iter()
        .map(|r| {
            let (order, site) = site_of(r.terminal_id);
            (order, site, r)
        })
        .collect();
    // Targets are ordered by site code then asset number: their order groups both.
    keyed.sort_by(|a, b| {
        (a.0, &a.2.asset_number, a.2.step_order, a.2.id).cmp(&(
            b.0,
            &b.2.asset_number,
            b.2.step_order,
            b.2.id,
        ))
    });
    for (_, site, r) in keyed {
        if sites.last().map(|s| &s.0) != Some(&site) {
            sites.push((site.clone(), Vec::new()));
        }
        let Some((_, terminals)) = sites.last_mut() else {
            continue;
        };
        match terminals.last_mut() {
            Some((asset, rs)) if *asset == r.asset_number => rs.push(r),
            _ => terminals.push((r.asset_number.clone(), vec![r])),
        }
    }
    sites
        .into_iter()
        .map(|(site, terminals)| {
            let count: usize = terminals.iter().map(|(_, rs)| rs.len()).sum();
            let rows: Vec<Value> = terminals
                .into_iter()
                .map(|(asset, rs)| terminal_row(&asset, &rs))
                .collect();
            json!({"site_name": site, "count": count, "terminal_count": rows.len(), "terminals": rows})
        })
        .collect()
}

/// One terminal's row: its records, the outcomes counted, who worked and when.
fn terminal_row(asset: &str, rs: &[&WorkRecord]) -> Value {
    let mut outcomes: Vec<(String, usize)> = Vec::new();
    let mut performers: Vec<String> = Vec::new();
    for r in rs {
        match outcomes.iter_mut().find(|(l, _)| *l == r.outcome_label) {
            Some((_, n)) => *n += 1,
            None => outcomes.push((r.outcome_label.clone(), 1)),
        }
        if !performers.contains(&r.performer) {
            performers.push(r.performer.clone());
        }
    }
    let outcome_text = outcomes
        .iter()
        .map(|(l, n)| format!("{l}{n}"))
        .collect::<Vec<_>>()
        .join("・");
    json!({
        "asset_number": asset, "count": rs.len(), "outcomes": outcome_text,
        "performers": performers.join("、"),
        "first_start": rs.iter().map(|r| r.started_at.as_str()).min(),
        "last_end": rs.iter().map(|r| r.ended_at.as_str()).max(),
        "records": rs,
    })
}
