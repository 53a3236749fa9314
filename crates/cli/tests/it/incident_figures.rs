//! The incidents' figures (R10.1, issue 14 item 7) through the real server: キ and ク
//! against the contract's 6 and 3, October's lower median and worst business minutes to
//! respond and to recover (a pause for J-LIS left out, a clock still running told apart),
//! a report at 23:30 on 31 March in Japan counted in March, quiet months shown as "—", the
//! page and the dashboard in Japanese, and who may read them.

use jukiops_domain::incidents::INCIDENT_CATEGORIES;
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::vocab::Labelled;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

async fn terminal(app: &TestApp, lead: &reqwest::Client, asset: &str) -> i64 {
    let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式",
        "site_code": "011011", "status": "in_service"});
    let (s, t) = call(lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    t["id"].as_i64().expect("id")
}

/// Reports a fault at `at` (Japan time) and records `events` (kind, at, recorder).
async fn incident(
    app: &TestApp,
    city: &reqwest::Client,
    category: &str,
    terminal: i64,
    at: &str,
    events: &[(&str, &str, &reqwest::Client)],
) -> i64 {
    let (s, d) = call(city, Method::POST, app.url("/api/v1/incidents"), json!({"category": category,
        "terminal_id": terminal, "reported_at": at, "symptom": "起動しない"})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    for (kind, at, who) in events {
        let mut body = json!({"kind": kind, "at": at, "note": "記録"});
        if *kind == "paused" {
            body["pause_reason"] = json!("jlis");
        }
        let url = app.url(&format!("/api/v1/incidents/{id}/events"));
        let (s, d) = call(who, Method::POST, url, body).await;
        assert_eq!(s, 201, "{kind} at {at}: {d}");
    }
    id
}

fn month<'a>(f: &'a Value, label: &str) -> &'a Value {
    f["months"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["label"] == label))
        .unwrap_or_else(|| panic!("{label} in {f}"))
}

/// The row of `label` in the page's month table.
fn row<'a>(html: &'a str, label: &str) -> &'a str {
    let start = html
        .find(&format!("<td class=\"nowrap\">{label}</td>"))
        .unwrap_or_else(|| panic!("row {label}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").expect("row end")]
}

async fn figures_of_the_year(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let (t1, t2, t3) = (
        terminal(&app, &lead, "JT-8001").await,
        terminal(&app, &lead, "JT-8002").await,
        terminal(&app, &lead, "JT-8003").await,
    );
    let (s, p) = call(&lead, Method::POST, app.url("/api/v1/touch-panels"), json!({"asset_number": "TP-8003",
        "serial": "STP-8003", "model": "TP", "terminal_id": t3})).await;
    assert_eq!(s, 201, "{p}");

    // Monday 2020-10-05: responded in 10, recovered in 60 business minutes.
    incident(&app, &city, "キ", t1, "2020-10-05T09:00", &[
        ("acknowledged", "2020-10-05T09:10", &worker),
        ("action_taken", "2020-10-05T09:20", &worker),
        ("operation_checked", "2020-10-05T09:30", &worker),
        ("resolved", "2020-10-05T10:00", &lead),
    ]).await;
    // Tuesday: responded in 30; paused for J-LIS from 10:00 to Wednesday 10:00, resolved at
    // 11:00: 60 + 60 = 120.
    incident(&app, &city, "キ", t2, "2020-10-06T09:00", &[
        ("acknowledged", "2020-10-06T09:30", &worker),
        ("paused", "2020-10-06T10:00", &lead),
        ("resumed", "2020-10-07T10:00", &lead),
        ("action_taken", "2020-10-07T10:30", &worker),
        ("operation_checked", "2020-10-07T10:50", &worker),
        ("resolved", "2020-10-07T11:00", &lead),
    ]).await;
    // A touch panel: arrived after 20 minutes, not yet recovered.
    incident(&app, &city, "ク", t3, "2020-10-07T09:00", &[("arrived", "2020-10-07T09:20", &worker)]).await;
    // 23:30 on 31 March in Japan is 14:30 UTC: March's.
    incident(&app, &city, "キ", t1, "2021-03-31T23:30", &[]).await;

    let (s, f) = call(&city, Method::GET, app.url("/api/v1/incidents/figures"), Value::Null).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["fiscal_year"], 2020);
    assert_eq!(f["counts"], json!([
        {"label": "キ", "expected": 6, "reported": 3, "open": 1},
        {"label": "ク", "expected": 3, "reported": 1, "open": 1},
    ]));
    let oct = month(&f, "2020年10月");
    assert_eq!(oct["reported"], json!([{"category": "キ", "count": 2}, {"category": "ク", "count": 1}]));
    let respond = &oct["respond"];
    assert_eq!((&respond["stopped"], &respond["running"]), (&json!(3), &json!(0)));
    assert_eq!((&respond["median_minutes"], &respond["worst_minutes"]), (&json!(20), &json!(30)));
    let recover = &oct["recover"];
    assert_eq!((&recover["stopped"], &recover["running"]), (&json!(2), &json!(1)));
    assert_eq!(recover["median_minutes"], 60, "the lower of 60 and 120");
    assert_eq!(recover["worst_minutes"], 120, "the pause for J-LIS left out");
    let march = month(&f, "2021年3月");
    assert_eq!((&march["total"], &march["respond"]["running"]), (&json!(1), &json!(1)));
    assert_eq!(march["respond"]["median_minutes"], Value::Null);
    let december = month(&f, "2020年12月");
    assert_eq!((&december["total"], &december["recover"]["worst_minutes"]), (&json!(0), &Value::Null));
    assert_eq!(f["months"].as_array().map(Vec::len), Some(6), "October to March");
    assert_eq!((&f["year"]["total"], &f["year"]["recover"]["worst_minutes"]), (&json!(4), &json!(120)));

    // The page says it in Japanese; a quiet month is "—"; the incident list links to it.
    let r = city.get(app.url("/incidents/figures")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    for said in ["障害の集計", "見込み回数との比較", "6回", "3回", "中央の2件のうち短い方", "年間"] {
        assert!(html.contains(said), "{said}");
    }
    let october = row(&html, "2020年10月");
    for said in ["20分", "30分", "1時間0分", "2時間0分", "計測中 1件"] {
        assert!(october.contains(said), "{said} in {october}");
    }
    assert!(row(&html, "2020年12月").contains("—"), "a month without incidents");
    assert!(!row(&html, "2020年12月").contains("件"), "nothing counted in December");
    assert!(row(&html, "2021年3月").contains("計測中 1件"));
    let list = city.get(app.url("/incidents")).send().await.expect("get").text().await.expect("html");
    assert!(list.contains("href=\"/incidents/figures\""), "linked from the list");
    let dash = city.get(app.url("/")).send().await.expect("get").text().await.expect("html");
    assert!(dash.contains("障害の件数と見込み回数"), "the dashboard's card");
}

async fn whoever_views_incidents_reads_the_figures(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for &role in Role::all() {
        let c = app.client(role).await;
        let allowed = may(role, Action::ViewIncidents);
        let (s, f) = call(&c, Method::GET, app.url("/api/v1/incidents/figures"), Value::Null).await;
        assert_eq!(s, if allowed { 200 } else { 403 }, "{role:?}: {f}");
        if allowed {
            let codes = f["year"]["reported"].as_array().map(|r| r.len());
            assert_eq!(codes, Some(INCIDENT_CATEGORIES.len()), "{role:?}");
        }
        let r = c.get(app.url("/incidents/figures")).send().await.expect("get");
        assert_eq!(r.status(), if allowed { 200 } else { 403 }, "{role:?} page");
    }
    let r = app.anonymous().get(app.url("/incidents/figures")).send().await.expect("get");
    assert_eq!(r.status(), 303, "to the login page");
}

both_engines!(figures_of_the_year, whoever_views_incidents_reads_the_figures);
