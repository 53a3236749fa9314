//! The City approves as the City does (issue 12, item 15): under a contract whose 決裁
//! routes are 担当 → 係長 for a 作業手順書 and 担当 → 係長 → 課長 for a result report, each step
//! is decided by the person holding its post or their stand-in, recorded with person and
//! time; the document moves only at the last approval and is returned at any step.

use chrono::{Duration, Utc};
use jukiops_domain::contract::BUILTIN_DEFAULT_TOML;
use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

const PASSWORD: &str = "approval-route-password-1";

/// A City staff account holding `post`, signed in.
async fn city_member(app: &TestApp, admin: &reqwest::Client, name: &str, post: &str) -> (i64, reqwest::Client) {
    let (status, u) = call(admin, Method::POST, app.url("/api/v1/users"),
        json!({"username": name, "display_name": format!("{post}の{name}"), "role": "city_staff", "password": PASSWORD})).await;
    assert_eq!(status, 201, "{u}");
    let id = u["id"].as_i64().expect("id");
    let (status, u) = call(admin, Method::PATCH, app.url(&format!("/api/v1/users/{id}")), json!({"post": post})).await;
    assert_eq!((status, u["post"].as_str()), (200, Some(post)), "{u}");
    let c = app.anonymous();
    let (status, body) = call(&c, Method::POST, app.url("/api/v1/login"), json!({"username": name, "password": PASSWORD})).await;
    assert_eq!(status, 200, "{body}");
    (id, c)
}

fn steps_of(d: &Value, kind: &str) -> Vec<Value> {
    d["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .rfind(|r| r["kind"] == kind)
        .map(|r| r["steps"].as_array().expect("steps").clone())
        .unwrap_or_default()
}

async fn documents_go_up_the_citys_route(engine: Engine) {
    let contract = format!(
        "{BUILTIN_DEFAULT_TOML}\n[approval_routes]\nprocedure = [\"担当\", \"係長\"]\nreport = [\"担当\", \"係長\", \"課長\"]\n"
    );
    let app = TestApp::spawn_under(engine, &contract).await;
    let admin = app.client(Role::Admin).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let worker_id = app.user_id(Role::ContractorWorker).await;
    let (_, tanto) = city_member(&app, &admin, "tanto", "担当").await;
    let (kakari_id, kakari) = city_member(&app, &admin, "kakari", "係長").await;
    let (_, kacho) = city_member(&app, &admin, "kacho", "課長").await;
    let (dairi_id, dairi) = city_member(&app, &admin, "dairi", "担当").await;
    let post = |c: &reqwest::Client, path: String, body: Value| {
        let c = c.clone();
        let url = app.url(&path);
        async move { call(&c, Method::POST, url, body).await }
    };

    let (status, t) = post(&lead, "/api/v1/terminals".into(), json!({"asset_number": "A-1", "serial": "AS-1", "model": "型式", "site_code": "011011"})).await;
    assert_eq!(status, 201, "{t}");
    let (_, j) = post(&tanto, "/api/v1/jobs".into(), json!({"category": "オ", "origin": "city_order", "title": "変更", "terminal_ids": [t["id"]]})).await;
    let (status, d) = post(&tanto, "/api/v1/requests".into(), json!({"request_number": "R2-AP", "issued_on": "2020-10-01",
        "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [t["site_id"]], "contents": "作業", "job_ids": [j["id"]]})).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");
    let (_, d) = call(&lead, Method::PUT, app.url(&format!("/api/v1/requests/{rid}/procedure")),
        json!({"steps": [{"action": "変更する", "expected_result": "完了"}]})).await;
    let v1 = d["procedures"][0]["id"].as_i64().expect("v1");
    assert_eq!(post(&lead, format!("/api/v1/procedures/{v1}/submit"), json!({})).await.0, 204);
    let decide = format!("/api/v1/procedures/{v1}/decision");

    // 担当 first; the document waits for 係長 and stays submitted.
    let (status, body) = post(&kakari, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 403, "係長 waits for 担当: {body}");
    let (status, body) = post(&tanto, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 204, "{body}");
    let d = call(&tanto, Method::GET, app.url(&format!("/api/v1/requests/{rid}")), Value::Null).await.1;
    assert_eq!(d["procedures"][0]["status"], "submitted", "{d}");
    let steps = steps_of(&d, "procedure");
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["decided"]["decided_by"], "tanto");
    assert!(steps[1]["decided"].is_null(), "waits at 係長: {steps:?}");
    let (status, body) = post(&kacho, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = post(&dairi, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 403, "not 係長, and no stand-in yet: {body}");

    // 係長 is away: the administrator names a stand-in, who approves on their behalf.
    let today = (Utc::now() + Duration::hours(9)).date_naive();
    let (status, body) = post(&admin, format!("/api/v1/users/{dairi_id}/stand-ins"), json!({"for_user_id": kakari_id,
        "valid_from": (today - Duration::days(1)).to_string(), "valid_to": (today + Duration::days(1)).to_string()})).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(&dairi, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 204, "{body}");
    let d = call(&tanto, Method::GET, app.url(&format!("/api/v1/requests/{rid}")), Value::Null).await.1;
    assert_eq!((d["procedures"][0]["status"].as_str(), d["request"]["status"].as_str()), (Some("approved"), Some("procedure_approved")), "{d}");
    let steps = steps_of(&d, "procedure");
    assert_eq!((steps[1]["decided"]["decided_by"].as_str(), steps[1]["decided"]["on_behalf_of"].as_str()), (Some("dairi"), Some("係長のkakari")));

    // The report: 担当 approves, 係長 returns it with a comment; the work goes back.
    let (status, body) = post(&worker, format!("/api/v1/requests/{rid}/records"), json!({"records": [{"terminal_id": t["id"],
        "step_order": 1, "outcome": "done", "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]})).await;
    assert_eq!(status, 200, "{body}");
    let (status, d) = post(&lead, format!("/api/v1/requests/{rid}/report"), json!({})).await;
    assert!(status < 300, "{d}");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    let decide = format!("/api/v1/reports/{report}/decision");
    assert_eq!(post(&tanto, decide.clone(), json!({"verdict": "approve"})).await.0, 204);
    let (status, body) = post(&kakari, decide.clone(), json!({"verdict": "return", "comment": "写真を添付してください"})).await;
    assert_eq!(status, 204, "{body}");
    let d = call(&tanto, Method::GET, app.url(&format!("/api/v1/requests/{rid}")), Value::Null).await.1;
    assert_eq!((d["reports"][0]["status"].as_str(), d["request"]["status"].as_str()), (Some("returned"), Some("in_progress")), "{d}");
    let steps = steps_of(&d, "report");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1]["decided"]["comment"], "写真を添付してください");
    assert!(steps[2]["decided"].is_null(), "課長 was never asked");
    let page = tanto.get(app.url(&format!("/requests/{rid}"))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("決裁: 担当") && page.contains("係長のkakariの代理"), "the page shows the route");
}

both_engines!(documents_go_up_the_citys_route);

/// Combined jobs (R4.3) under a route for combinations: the procedure cannot be approved
/// until 係長 has approved the combination, and a returned combination stops it.
async fn a_combination_goes_up_its_route_before_the_work(engine: Engine) {
    let contract = format!("{BUILTIN_DEFAULT_TOML}\n[approval_routes]\ncombination = [\"係長\"]\n");
    let app = TestApp::spawn_under(engine, &contract).await;
    let admin = app.client(Role::Admin).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let (_, kakari) = city_member(&app, &admin, "kakari", "係長").await;
    let (status, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "B-1", "serial": "BS-1", "model": "型式", "site_code": "011011"})).await;
    assert_eq!(status, 201, "{t}");
    let mut jobs = Vec::new();
    for category in ["オ", "エ"] {
        let (_, j) = call(&city, Method::POST, app.url("/api/v1/jobs"),
            json!({"category": category, "origin": "city_order", "title": "作業", "terminal_ids": [t["id"]]})).await;
        jobs.push(j["id"].clone());
    }
    let (status, d) = call(&city, Method::POST, app.url("/api/v1/requests"), json!({"request_number": "R2-CB",
        "issued_on": "2020-10-01", "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [t["site_id"]],
        "contents": "同時実施", "job_ids": jobs, "combination_approved": true})).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");
    assert_eq!(steps_of(&d, "combination").len(), 1, "{d}");
    let (_, d) = call(&lead, Method::PUT, app.url(&format!("/api/v1/requests/{rid}/procedure")),
        json!({"steps": [{"action": "作業する", "expected_result": "完了"}]})).await;
    let v1 = d["procedures"][0]["id"].as_i64().expect("v1");
    call(&lead, Method::POST, app.url(&format!("/api/v1/procedures/{v1}/submit")), json!({})).await;
    let decide = app.url(&format!("/api/v1/procedures/{v1}/decision"));
    let (status, body) = call(&city, Method::POST, decide.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 409, "the combination waits for 係長: {body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("組合せ"), "{body}");
    let combination = app.url(&format!("/api/v1/requests/{rid}/combination-decision"));
    let (status, body) = call(&city, Method::POST, combination.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 403, "only 係長: {body}");
    let (status, d) = call(&kakari, Method::POST, combination.clone(), json!({"verdict": "approve"})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(steps_of(&d, "combination")[0]["decided"]["decided_by"], "kakari");
    let (status, body) = call(&kakari, Method::POST, combination, json!({"verdict": "approve"})).await;
    assert_eq!(status, 409, "decided once: {body}");
    let (status, body) = call(&city, Method::POST, decide, json!({"verdict": "approve"})).await;
    assert_eq!(status, 204, "{body}");
}

both_engines!(a_combination_goes_up_its_route_before_the_work);
