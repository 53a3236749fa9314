//! Incidents in the inboxes and on the dashboard (issue 14): the contractor sees the faults
//! to acknowledge and those under way, the City the hardware judgements and the recoveries
//! to accept; breaches show on the dashboard; an open fault report offers to become an
//! incident to those who may register one.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::json;

use crate::both_engines;
use crate::chain_rules::call;
use crate::inbox::waiting;
use crate::support::{Engine, TestApp};

async fn page(app: &TestApp, who: &reqwest::Client, path: &str) -> String {
    let r = who.get(app.url(path)).send().await.expect("get");
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.expect("html")
}

async fn incidents_wait_for_each_side_and_breaches_show(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let ward = app.client(Role::SiteStaff).await;
    let body = json!({"asset_number": "JT-7301", "serial": "S7301", "model": "型式",
        "site_code": "011011", "status": "in_service"});
    let (s, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    let t = t["id"].as_i64().expect("id");

    // A ward office's open fault report offers registration to the City, not to the ward.
    let (s, f) = call(&ward, Method::POST, app.url("/api/v1/fault-reports"), json!({"terminal_id": t,
        "occurred_at": "2020-11-10T08:50", "description": "起動しない"})).await;
    assert_eq!(s, 201, "{f}");
    let fid = f["id"].as_i64().expect("id");
    // (the template escapes '/' in attributes)
    let link = format!("incidents?fault_report_id={fid}");
    let html = page(&app, &city, "/fault-reports").await;
    assert!(html.contains("障害として登録") && html.contains(&link), "{html}");
    assert!(!page(&app, &ward, "/my-site").await.contains(&link));

    // A one-minute response target: an incident nobody acknowledged is past it.
    let (s, _) = call(&city, Method::POST, app.url("/api/v1/incident-targets"),
        json!({"effective_from": "2020-10-01T00:00", "respond_minutes": 1, "recover_minutes": 600})).await;
    assert_eq!(s, 201);
    let (s, d) = call(&city, Method::POST, app.url("/api/v1/incidents"), json!({"category": "キ",
        "terminal_id": t, "reported_at": "2020-11-10T09:00", "symptom": "起動しない",
        "fault_report_id": fid})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let href = format!("/incidents/{id}");
    let html = page(&app, &city, "/fault-reports").await;
    assert!(html.contains(&format!(">障害 {id}</a>")), "the report links its incident");

    for who in [&lead, &worker] {
        assert_eq!(waiting(&app, who, "incident_to_acknowledge").await, (1, Some(href.clone())));
    }
    assert_eq!(waiting(&app, &city, "incident_to_accept").await.0, 0);
    let dash = page(&app, &city, "/").await;
    assert!(dash.contains("目標超過・目標に接近している障害") && dash.contains(&format!("href=\"/incidents/{id}\"")), "{dash}");
    assert!(dash.contains("目標超過"));
    assert!(!page(&app, &ward, "/").await.contains("目標超過・目標に接近している障害"));

    // Under way: the contractor works on it; once a log is collected the City judges.
    let ev = app.url(&format!("/api/v1/incidents/{id}/events"));
    let (s, _) = call(&worker, Method::POST, ev.clone(), json!({"kind": "acknowledged", "at": "2020-11-10T09:10"})).await;
    assert_eq!(s, 201);
    assert_eq!(waiting(&app, &lead, "incident_to_acknowledge").await.0, 0);
    assert_eq!(waiting(&app, &worker, "incident_to_work").await, (1, Some(href.clone())));
    assert_eq!(waiting(&app, &city, "hardware_to_judge").await.0, 0);
    let (s, _) = call(&worker, Method::POST, ev.clone(), json!({"kind": "log_collected", "note": "ログ", "at": "2020-11-10T09:20"})).await;
    assert_eq!(s, 201);
    assert_eq!(waiting(&app, &city, "hardware_to_judge").await, (1, Some(href.clone())));
    let (s, _) = call(&city, Method::POST, ev.clone(), json!({"kind": "escalated", "note": "故障の疑い", "at": "2020-11-10T09:30"})).await;
    assert_eq!(s, 201);
    assert_eq!(waiting(&app, &city, "hardware_to_judge").await.0, 0, "judged");
    for (kind, who) in [("action_taken", &worker), ("operation_checked", &worker), ("resolved", &lead)] {
        let (s, b) = call(who, Method::POST, ev.clone(), json!({"kind": kind, "at": "2020-11-10T10:00", "note": "部品の再装着"})).await;
        assert_eq!(s, 201, "{kind}: {b}");
    }
    assert_eq!(waiting(&app, &worker, "incident_to_work").await.0, 0);
    assert_eq!(waiting(&app, &city, "incident_to_accept").await, (1, Some(href.clone())));
    let html = page(&app, &city, "/inbox").await;
    assert!(html.contains("復旧の確認待ちの障害") && html.contains("JT-7301 統合端末の障害"));
    let (s, _) = call(&city, Method::POST, ev, json!({"kind": "accepted"})).await;
    assert_eq!(s, 201);
    assert_eq!(waiting(&app, &city, "incident_to_accept").await.0, 0);
    assert!(!page(&app, &city, "/").await.contains("目標超過・目標に接近している障害"), "closed");
}

both_engines!(incidents_wait_for_each_side_and_breaches_show);
