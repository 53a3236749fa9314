//! The dashboard: the contract, its period and the category table (R1), the jobs per
//! category against the estimates with the burn-down (R1.1), and the visits ahead with
//! what they still lack (R5.3, R5.5), the incidents near or past their service-level
//! targets and the year's キ and ク incidents against the estimates (issue 14).

use axum::extract::State;
use axum::response::IntoResponse;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::contract::Contract;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{OffHoursStatus, PermitStatus, VisitStatus};
use jukiops_store::PageRequest;
use serde_json::{Value, json};

use super::PageRoutes;
use super::{PageResult, PageUser};
use crate::AppState;
use crate::templates::render;

pub async fn show(State(state): State<AppState>, user: PageUser) -> PageResult {
    let contract = state.app.contract_for(&user.actor())?;
    let inventory = if user.may(Action::ViewInventory) {
        let (sites, terminals, under_repair) = state.app.inventory_counts(&user.actor()).await?;
        json!({"sites": sites, "terminals": terminals, "under_repair": under_repair})
    } else {
        Value::Null
    };
    let mut extra = contract_view(contract);
    extra["inventory"] = inventory;
    extra["schedule"] = schedule_view(&state, &user).await?;
    extra["jobs"] = jobs_view(&state, &user).await?;
    extra["incident_alerts"] = if user.may(Action::ViewIncidents) {
        serde_json::to_value(state.app.incident_alerts(&user.actor()).await?).unwrap_or_default()
    } else {
        Value::Null
    };
    extra["incident_counts"] = if user.may(Action::ViewIncidents) {
        let f = state.app.incident_figures(&user.actor()).await?;
        serde_json::to_value(f.counts).unwrap_or_default()
    } else {
        Value::Null
    };
    extra["inbox"] =
        serde_json::to_value(state.app.inbox(&user.actor()).await?).unwrap_or_default();
    Ok(render("dashboard.html", user.ctx("ダッシュボード", extra))?.into_response())
}

/// Jobs done and open per expected-count row, and the monthly burn-down.
async fn jobs_view(state: &AppState, user: &PageUser) -> Result<Value, super::PageError> {
    if !user.may(Action::ViewJobs) {
        return Ok(Value::Null);
    }
    let c = state.app.job_counts(&user.actor()).await?;
    let unknown = || "未定".to_string();
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|r| {
            json!({"label": r.label, "expected": r.expected.map(|n| n.to_string()).unwrap_or_else(unknown),
                "done": r.done, "open": r.open, "remaining": r.remaining.map(|n| n.to_string()).unwrap_or_else(unknown)})
        })
        .collect();
    let months: Vec<Value> = c
        .burn_down
        .iter()
        .map(|p| {
            json!({"label": p.label, "expected": format!("{:.1}", p.expected_remaining),
                "actual": p.actual_remaining.map(|n| n.to_string()).unwrap_or_else(|| "―".into())})
        })
        .collect();
    Ok(json!({"today": c.today, "rows": rows, "months": months}))
}

/// Planned visits ahead, those missing a permit or off-hours cover, and what waits for
/// the City's decision.
async fn schedule_view(state: &AppState, user: &PageUser) -> Result<Value, super::PageError> {
    if !user.may(Action::ViewSchedule) {
        return Ok(Value::Null);
    }
    let (from, to) = super::visits::default_range(state);
    let visits = super::visits::visits_between(state, user, &from, &to).await?;
    let planned: Vec<&jukiops_store::Visit> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Planned)
        .collect();
    let flagged: Vec<Value> = planned
        .iter()
        .filter(|v| !v.assessment.warnings.is_empty())
        .take(10)
        .map(|v| json!({"id": v.id, "date": v.date, "start": v.start, "site": v.site_name, "warnings": v.assessment.warnings}))
        .collect();
    let q = ScheduleQuery {
        from: Some(from.clone()),
        to: Some(to.clone()),
        per_page: Some(PageRequest::MAX_PER_PAGE),
        ..ScheduleQuery::default()
    };
    let off_hours = state.app.off_hours_list(&user.actor(), &q).await?;
    let permits = state.app.permits(&user.actor(), &q).await?;
    Ok(json!({
        "from": from, "to": to, "planned": planned.len(),
        "flagged_count": planned.iter().filter(|v| !v.assessment.warnings.is_empty()).count(),
        "flagged": flagged,
        "off_hours_pending": off_hours.items.iter().filter(|o| o.status == OffHoursStatus::Requested).count(),
        "permits_pending": permits.items.iter().filter(|p| p.status == PermitStatus::Requested).count(),
    }))
}

/// The contract as the dashboard shows it.
pub fn contract_view(c: &Contract) -> Value {
    let rows = c.expected_count_rows();
    let categories: Vec<Value> = c
        .categories
        .iter()
        .map(|cat| {
            let row = rows.iter().find(|r| r.codes.contains(&cat.code));
            let expected = match row {
                Some(r) if r.codes.len() > 1 => match r.count {
                    Some(n) => format!("{n}回({}合わせて)", r.label),
                    None => "未定".into(),
                },
                Some(r) => r.count.map(|n| format!("{n}回")).unwrap_or_else(|| "未定".into()),
                None => "未定".into(),
            };
            json!({"kana": cat.code.kana(), "name": cat.name, "description": cat.description, "expected": expected})
        })
        .collect();
    let cd = &c.closed_days;
    let mut closed = Vec::new();
    if cd.weekends {
        closed.push("土曜日・日曜日".to_string());
    }
    if cd.national_holidays {
        closed.push("国民の祝日・休日".to_string());
    }
    if let Some(r) = &cd.year_end_break {
        closed.push(format!(
            "年末年始({}/{}〜{}/{})",
            r.start.month, r.start.day, r.end.month, r.end.day
        ));
    }
    for e in &cd.extra {
        closed.push(format!("{}({})", e.date, e.reason));
    }
    let parties: Vec<Value> = c
        .parties
        .iter()
        .map(|p| {
            let contacts: Vec<String> = p
                .contacts
                .iter()
                .map(|ct| [Some(ct.name.clone()), ct.phone.clone(), ct.email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" "))
                .collect();
            json!({"kind": p.kind.label_ja(), "name": p.name, "role": p.role,
                "contacts": if contacts.is_empty() { "(未登録)".to_string() } else { contacts.join(" / ") }})
        })
        .collect();
    json!({
        "contract": {
            "name": c.name, "fiscal_year": c.fiscal_year,
            "period_start": c.period.start.format("%Y年%-m月%-d日").to_string(),
            "period_end": c.period.end.format("%Y年%-m月%-d日").to_string(),
            "hours": format!("{}〜{}", c.working_hours.start.format("%H:%M"), c.working_hours.end.format("%H:%M")),
            "deadline_days": c.all_site_deadline_business_days,
            "closed_days": closed.join("、"),
        },
        "categories": categories,
        "shared_note": rows.iter().filter(|r| r.codes.len() > 1).map(|r| format!("{}は合わせて数えます。", r.label)).collect::<String>(),
        "parties": parties,
    })
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/", Action::ViewContract, show)
}
