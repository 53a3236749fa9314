//! `jukiops-plan-bench`: times the all-site visit planner (R4.4) on three cases, from
//! the real Sapporo sites to a thousand synthetic ones, and prints cost, travel, days,
//! lower bound and gap against the targets.
//!
//! A command, not a test: `cargo run --release -p jukiops-bench --bin jukiops-plan-bench`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Parser;
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::Contract;
use jukiops_domain::planner::{Plan, PlanInput, PlanSite, PlanWorker, TravelModel, plan};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Sapporo city hall, the centre of the synthetic sites.
const CENTRE: (f64, f64) = (43.0621, 141.3544);
/// Approximate position of the Kikusui branch building (its real coordinates are not in
/// the contract yet): enough for a benchmark, not for planning.
const KIKUSUI: (f64, f64) = (43.0585, 141.3790);
/// Minutes per terminal in the synthetic cases: their work fills about 92 % of the
/// worker-days within the deadline (15 minutes no longer fits in 3 days).
const SYNTHETIC_MINUTES: u32 = 14;
/// Terminals per ward office in the Sapporo case (47), plus 3 at Kikusui.
const SAPPORO_TERMINALS: [usize; 10] = [8, 5, 5, 5, 4, 4, 4, 4, 4, 4];

#[derive(Debug, Parser)]
#[command(about = "Times the all-site visit planner (R4.4) on three cases")]
struct Args {
    /// Runs per case; the median time is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Seed of the synthetic sites.
    #[arg(long, default_value_t = 20201005)]
    seed: u64,
}

/// One benchmark case and its time target.
#[derive(Debug)]
struct Case {
    name: String,
    input: PlanInput,
    target: Duration,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let calendar = BusinessCalendar::new(&Contract::builtin_default());
    let cases = [
        Case {
            name: "sapporo 11 sites / 50 terminals / 2 workers / 30 min".into(),
            input: sapporo_case()?,
            target: Duration::from_millis(100),
        },
        Case {
            name: format!(
                "synthetic 200 sites / 2,000 terminals / 20 workers / {SYNTHETIC_MINUTES} min"
            ),
            input: synthetic_case(args.seed, 200, 2_000, 20, SYNTHETIC_MINUTES),
            target: Duration::from_secs(1),
        },
        Case {
            name: format!(
                "synthetic 1,000 sites / 10,000 terminals / 100 workers / {SYNTHETIC_MINUTES} min"
            ),
            input: synthetic_case(args.seed, 1_000, 10_000, 100, SYNTHETIC_MINUTES),
            target: Duration::from_secs(5),
        },
    ];
    println!(
        "{:<64} {:>10} {:>8} {:>9} {:>7} {:>5} {:>8} {:>9} {:>6} {:>9}",
        "case",
        "median",
        "target",
        "cost min",
        "travel",
        "days",
        "LB cost",
        "LB travel",
        "gap %",
        "deadline"
    );
    println!(
        "(median of {} runs each; minutes; cost = travel + work)",
        args.runs
    );
    for case in &cases {
        let (median, result) = time_case(&case.input, &calendar, args.runs)
            .with_context(|| format!("case {}", case.name))?;
        println!(
            "{:<64} {:>8.1}ms {:>6}ms {:>9} {:>7} {:>5} {:>8} {:>9} {:>6.2} {:>9}",
            case.name,
            median.as_secs_f64() * 1000.0,
            case.target.as_millis(),
            result.totals.cost_minutes,
            result.totals.travel_minutes,
            result.totals.business_days_used,
            result.lower_bound.cost_minutes,
            result.lower_bound.travel_minutes,
            result.gap_percent,
            if result.within_deadline { "yes" } else { "NO" },
        );
        if median > case.target {
            println!(
                "  ! slower than the target of {} ms",
                case.target.as_millis()
            );
        }
        for f in &result.findings {
            println!("  - {}", f.message);
        }
    }
    Ok(())
}

/// Plans `input` `runs` times; the median time and the plan (the same every run).
fn time_case(
    input: &PlanInput,
    calendar: &BusinessCalendar,
    runs: usize,
) -> Result<(Duration, Plan)> {
    let mut times = Vec::with_capacity(runs);
    let mut first: Option<Plan> = None;
    for _ in 0..runs {
        let started = Instant::now();
        let result = plan(input, calendar).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed());
        match &first {
            Some(p) if *p != result => bail!("the planner gave two different plans"),
            Some(_) => {}
            None => first = Some(result),
        }
    }
    times.sort();
    let plan = first.context("no run")?;
    Ok((times[times.len() / 2], plan))
}

/// The 10 ward offices of the contract plus the Kikusui branch building, 50 terminals,
/// 2 workers, 30 minutes per terminal, from Monday 2020-10-05.
fn sapporo_case() -> Result<PlanInput> {
    let contract = Contract::builtin_default();
    let mut sites = Vec::new();
    let mut next_terminal = 0i64;
    let mut terminals = |n: usize| {
        let ids: Vec<i64> = (next_terminal..next_terminal + n as i64).collect();
        next_terminal += n as i64;
        ids
    };
    let wards: Vec<_> = contract.sites.iter().filter(|s| s.lat.is_some()).collect();
    if wards.len() != SAPPORO_TERMINALS.len() {
        bail!(
            "expected 10 ward offices with coordinates, found {}",
            wards.len()
        );
    }
    for (i, (site, &n)) in wards.iter().zip(&SAPPORO_TERMINALS).enumerate() {
        sites.push(PlanSite {
            id: i as i64 + 1,
            code: site.code.clone(),
            name: site.name.clone(),
            lat: site.lat,
            lon: site.lon,
            terminal_ids: terminals(n),
        });
    }
    sites.push(PlanSite {
        id: 11,
        code: "kikusui".into(),
        name: "札幌市菊水分庁舎".into(),
        lat: Some(KIKUSUI.0),
        lon: Some(KIKUSUI.1),
        terminal_ids: terminals(3),
    });
    Ok(input(sites, 2, 30))
}

/// `n_sites` sites scattered within about 15 km of the city centre (denser towards
/// it), `n_terminals` terminals spread over them (at least one each), fixed seed.
fn synthetic_case(
    seed: u64,
    n_sites: usize,
    n_terminals: usize,
    n_workers: usize,
    minutes: u32,
) -> PlanInput {
    let mut rng = StdRng::seed_from_u64(seed ^ n_sites as u64);
    let km_per_lat = 111.0;
    let km_per_lon = 111.0 * CENTRE.0.to_radians().cos();
    let mut counts = vec![1usize; n_sites];
    for _ in n_sites..n_terminals {
        counts[rng.random_range(0..n_sites)] += 1;
    }
    let mut next_terminal = 0i64;
    let sites = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let r = 15.0 * rng.random::<f64>();
            let a = std::f64::consts::TAU * rng.random::<f64>();
            let ids = (next_terminal..next_terminal + n as i64).collect();
            next_terminal += n as i64;
            PlanSite {
                id: i as i64 + 1,
                code: format!("S{:04}", i + 1),
                name: format!("拠点{}", i + 1),
                lat: Some(CENTRE.0 + r * a.sin() / km_per_lat),
                lon: Some(CENTRE.1 + r * a.cos() / km_per_lon),
                terminal_ids: ids,
            }
        })
        .collect();
    input(sites, n_workers, minutes)
}

/// A case from Monday 2020-10-05 with the contract's 3-business-day deadline.
fn input(sites: Vec<PlanSite>, n_workers: usize, minutes: u32) -> PlanInput {
    PlanInput {
        start: NaiveDate::from_ymd_opt(2020, 10, 5).expect("a valid date"),
        deadline_business_days: Contract::builtin_default().all_site_deadline_business_days,
        sites,
        workers: (0..n_workers)
            .map(|i| PlanWorker {
                id: i as i64 + 1,
                name: format!("作業員{}", i + 1),
                available: None,
            })
            .collect(),
        work_minutes_per_terminal: minutes,
        travel: TravelModel::sapporo_default(),
        depot: None,
    }
}
