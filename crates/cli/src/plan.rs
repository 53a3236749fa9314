//! `jukiops plan FILE.json`: the all-site planner (R4.4) from the command line, on a
//! planner input in JSON (the `PlanInput` of the API's OpenAPI document); prints the
//! verdict, findings and visits in Japanese and can write the Excel workbook.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use jukiops_documents::plan_xlsx::{PlanDocument, plan_workbook};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::planner::{Plan, PlanInput, date_ja, plan};
use jukiops_domain::schedule::check_plan_size;

use crate::config::{ServerArgs, load_contract};

/// Reads and checks the input file, naming the line and column of a JSON error, and
/// refuses an input past the planner's scale (sites, workers, terminals, travel rows).
fn read_input(path: &Path) -> anyhow::Result<PlanInput> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} を読めません", path.display()))?;
    let input: PlanInput = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}行目{}列: 計画の入力として読めません: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    check_plan_size(&input).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(input)
}

fn print_plan(p: &Plan, input: &PlanInput) {
    let names: HashMap<i64, &str> = input
        .workers
        .iter()
        .map(|w| (w.id, w.name.as_str()))
        .collect();
    let sites: HashMap<i64, &str> = input
        .sites
        .iter()
        .map(|s| (s.id, s.name.as_str()))
        .collect();
    if p.within_deadline {
        println!(
            "期限内に完了します: {}〜{}",
            date_ja(p.first_day),
            date_ja(p.deadline)
        );
    } else {
        println!("期限({})までに完了できません", date_ja(p.deadline));
    }
    for f in &p.findings {
        println!("・{}", f.message);
    }
    println!(
        "作業 {}分 + 移動 {}分 = {}分(下限値 {}分、差 {:.1}%)、使用営業日 {}日",
        p.totals.work_minutes,
        p.totals.travel_minutes,
        p.totals.cost_minutes,
        p.lower_bound.cost_minutes,
        p.gap_percent,
        p.totals.business_days_used
    );
    println!("date,worker,order,site,start,end,terminals");
    for v in &p.visits {
        println!(
            "{},{},{},{},{},{},{}",
            v.date,
            names.get(&v.worker_id).copied().unwrap_or("?"),
            v.order,
            sites.get(&v.site_id).copied().unwrap_or("?"),
            v.start.format("%H:%M"),
            v.end.format("%H:%M"),
            v.terminal_ids.len()
        );
    }
}

/// Plans `file`; with `xlsx`, writes the workbook there. Exits non-zero when the input
/// cannot be planned or the plan misses the deadline (so scripts notice).
pub async fn run(file: &Path, xlsx: Option<PathBuf>, server: ServerArgs) -> anyhow::Result<()> {
    let input = read_input(file)?;
    let contract = load_contract(server.contract.as_deref())?;
    let cal = if server.database_url.is_some() || server.config.is_some() {
        let store = crate::open(&server.resolve()?).await?;
        let cal = store.business_calendar(&contract).await?;
        store.close().await;
        cal
    } else {
        BusinessCalendar::new(&contract)
    };
    let p = plan(&input, &cal).map_err(|e| anyhow::anyhow!("{e}"))?;
    print_plan(&p, &input);
    if let Some(out) = xlsx {
        let workers = input
            .workers
            .iter()
            .map(|w| (w.id, w.name.clone()))
            .collect();
        let sites = input.sites.iter().map(|s| (s.id, s.name.clone())).collect();
        let assets = input
            .sites
            .iter()
            .flat_map(|s| s.terminal_ids.iter().map(|t| (*t, t.to_string())))
            .collect();
        let bytes = plan_workbook(&PlanDocument {
            title: "全拠点計画",
            plan: &p,
            worker_names: &workers,
            site_names: &sites,
            asset_numbers: &assets,
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(&out, bytes).with_context(|| format!("{} に書けません", out.display()))?;
        eprintln!("{} に出力しました", out.display());
    }
    if !p.within_deadline {
        bail!("期限内に完了する計画が作れませんでした");
    }
    Ok(())
}
