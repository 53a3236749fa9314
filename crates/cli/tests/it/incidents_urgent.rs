//! The urgent 作業依頼書 of an incident (issue 14 item 6, §5(8)ア) through the real server:
//! the City issues it in one step (the contractor and the auditor may not, a second one and
//! one on an accepted incident are refused); work is recorded under it with no further
//! procedure approval; its キ job is complete only once the report is accepted; the audit
//! trail and both pages show it. The contract is this fiscal year's, since the request is
//! dated today.

use chrono::{Datelike, Duration, Timelike, Utc};
use jukiops_domain::contract::BUILTIN_DEFAULT_TOML;
use jukiops_domain::people::Role;
use jukiops_domain::time::jst;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, problem_fields};

/// The built-in contract moved to the fiscal year of today (Japan time).
fn contract_of_this_year() -> String {
    let today = Utc::now().with_timezone(&jst()).date_naive();
    let fy = if today.month() >= 4 { today.year() } else { today.year() - 1 };
    BUILTIN_DEFAULT_TOML
        .replace("fiscal_year = 2020", &format!("fiscal_year = {fy}"))
        .replace(
            "start = 2020-10-01\nend = 2021-03-31",
            &format!("start = {fy}-04-01\nend = {}-03-31", fy + 1),
        )
}

async fn incident(app: &TestApp, city: &reqwest::Client, lead: &reqwest::Client, asset: &str) -> (i64, i64) {
    let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式",
        "site_code": "011011", "status": "in_service"});
    let (s, t) = call(lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    let terminal = t["id"].as_i64().expect("terminal");
    let (s, d) = call(city, Method::POST, app.url("/api/v1/incidents"),
        json!({"category": "キ", "terminal_id": terminal, "symptom": "起動しない", "urgency": "high"})).await;
    assert_eq!(s, 201, "{d}");
    (d["id"].as_i64().expect("incident"), terminal)
}

fn urgent_url(app: &TestApp, id: i64) -> String {
    app.url(&format!("/api/v1/incidents/{id}/urgent-request"))
}

/// A minute to work in today, ended a minute ago (Japan time): `(day, from, to)`. Just after
/// midnight it waits until there is one.
async fn a_minute_today() -> (String, String, String) {
    let mut now = Utc::now().with_timezone(&jst());
    if now.hour() == 0 && now.minute() < 3 {
        tokio::time::sleep(std::time::Duration::from_secs(181)).await;
        now = Utc::now().with_timezone(&jst());
    }
    let (from, to) = (now - Duration::minutes(2), now - Duration::minutes(1));
    (now.format("%Y-%m-%d").to_string(), from.format("%H:%M").to_string(), to.format("%H:%M").to_string())
}

async fn the_city_issues_one_and_the_job_completes_with_its_report(engine: Engine) {
    // A procedure otherwise goes up 担当 → 係長; the urgent one skips the route.
    let contract = format!("{}\n[approval_routes]\nprocedure = [\"担当\", \"係長\"]\n", contract_of_this_year());
    let app = TestApp::spawn_under(engine, &contract).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let auditor = app.client(Role::Auditor).await;
    let worker_id = app.user_id(Role::ContractorWorker).await;
    let (id, terminal) = incident(&app, &city, &lead, "JT-9001").await;
    let url = urgent_url(&app, id);

    // Only the City, and only with a way of approval; nothing is written otherwise.
    let before = app.audit_count().await;
    let body = json!({"approval": "phone", "approved_by_name": "住民課 係長"});
    for c in [&worker, &lead, &auditor] {
        assert_eq!(call(c, Method::POST, url.clone(), body.clone()).await.0, 403);
    }
    let (s, bad) = call(&city, Method::POST, url.clone(), json!({"approval": "fax"})).await;
    assert_eq!((s, problem_fields(&bad)), (422, vec!["approval".to_string()]), "{bad}");
    assert_eq!(call(&city, Method::POST, urgent_url(&app, 999_999), body.clone()).await.0, 404);
    assert_eq!(app.audit_count().await, before, "nothing written");

    // Issued in one step: the job on the incident's terminal, the request dated today and
    // its procedure approved by phone, without the City's route.
    let (s, d) = call(&city, Method::POST, url.clone(), body.clone()).await;
    assert_eq!(s, 201, "{d}");
    let u = &d["urgent_request"];
    assert_eq!((&u["status"], &u["approval"]), (&json!("procedure_approved"), &json!("phone")), "{d}");
    assert_eq!(u["approved_by_name"], "住民課 係長");
    assert_eq!(u["approved_by"], "city-staff");
    assert_eq!(u["job_status"], "requested");
    let (rid, job) = (u["request_id"].as_i64().expect("request"), u["job_id"].as_i64().expect("job"));
    let (s, shown) = call(&auditor, Method::GET, app.url(&format!("/api/v1/incidents/{id}")), Value::Null).await;
    assert_eq!((s, &shown["urgent_request"]["request_id"]), (200, &json!(rid)), "{shown}");
    let (s, r) = call(&city, Method::GET, app.url(&format!("/api/v1/requests/{rid}")), Value::Null).await;
    assert_eq!(s, 200, "{r}");
    let today = Utc::now().with_timezone(&jst()).date_naive().to_string();
    assert_eq!((&r["request"]["issued_on"], &r["request"]["period_from"]), (&json!(today), &json!(today)));
    assert_eq!(r["urgent"]["incident_id"], id);
    assert_eq!(r["request"]["jobs"][0]["category"], "キ");
    assert_eq!(r["procedures"][0]["status"], "approved");
    assert!(r["routes"].as_array().expect("routes").iter().all(|d| d["kind"] != "procedure"), "no route shown: {r}");
    assert!(r["procedures"][0]["decision_comment"].as_str().unwrap_or_default().contains("決裁を省略"), "{r}");
    let incident_of_job: Option<i64> = sqlx::query_scalar("SELECT incident_id FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(app.store.pool())
        .await
        .expect("job");
    assert_eq!(incident_of_job, Some(id), "the job names its incident");
    let (_, j) = call(&auditor, Method::GET, app.url(&format!("/api/v1/jobs/{job}")), Value::Null).await;
    assert_eq!((&j["incident_id"], &j["origin"]), (&json!(id), &json!("incident")), "{j}");

    // One per incident.
    let (s, again) = call(&city, Method::POST, url.clone(), json!({"approval": "standard_procedure"})).await;
    assert_eq!((s, problem_fields(&again)), (409, vec!["urgent_request".to_string()]), "{again}");

    // The job moves only with its request.
    let jt = app.url(&format!("/api/v1/jobs/{job}/transition"));
    assert_eq!(call(&city, Method::POST, jt.clone(), json!({"verb": "complete"})).await.0, 409);
    assert_eq!(call(&city, Method::POST, jt, json!({"verb": "cancel"})).await.0, 409, "cancelled with its request only");

    // Work recorded on every standard step with no further approval (under the City's
    // off-hours instruction for today, whatever the hour the test runs at).
    let (day, from, to) = a_minute_today().await;
    let site: i64 = shown["site_id"].as_i64().expect("site");
    let (s, oh) = call(&city, Method::POST, app.url("/api/v1/off-hours"), json!({"site_id": site, "date": day,
        "start": "00:00", "end": "23:59", "cause": "city", "reason": "障害の緊急対応", "worker_ids": [worker_id]})).await;
    assert_eq!(s, 201, "{oh}");
    let records: Vec<Value> = (1..=3)
        .map(|step| json!({"terminal_id": terminal, "step_order": step, "outcome": "done", "performer_id": worker_id,
            "started_at": format!("{day} {from}"), "ended_at": format!("{day} {to}")}))
        .collect();
    let (s, d) = call(&worker, Method::POST, app.url(&format!("/api/v1/requests/{rid}/records")), json!({"records": records})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["request"]["status"], "in_progress");

    // Not complete until the City accepts the report; then complete.
    let (s, d) = call(&lead, Method::POST, app.url(&format!("/api/v1/requests/{rid}/report")), json!({})).await;
    assert_eq!(s, 201, "{d}");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    let job_status = |c: reqwest::Client| {
        let url = app.url(&format!("/api/v1/incidents/{id}"));
        async move { call(&c, Method::GET, url, Value::Null).await.1["urgent_request"]["job_status"].clone() }
    };
    assert_eq!(job_status(city.clone()).await, "in_progress");
    let decide = app.url(&format!("/api/v1/reports/{report}/decision"));
    assert_eq!(call(&lead, Method::POST, decide.clone(), json!({"verdict": "approve"})).await.0, 403);
    assert_eq!(job_status(city.clone()).await, "in_progress");
    assert_eq!(call(&city, Method::POST, decide, json!({"verdict": "approve"})).await.0, 204);
    assert_eq!(job_status(city.clone()).await, "done");
    let (_, shown) = call(&city, Method::GET, app.url(&format!("/api/v1/incidents/{id}")), Value::Null).await;
    assert_eq!(shown["urgent_request"]["status"], "accepted");

    // The trail: the incident names its urgent request and the skipped route; the job its
    // incident; the procedure its way of approval.
    let entries = |entity: &'static str, entity_id: i64| {
        let pool = app.store.pool().clone();
        async move {
            sqlx::query_as::<_, (String, String)>(
                "SELECT action, changes FROM audit_entries WHERE entity = $1 AND entity_id = $2 ORDER BY seq",
            )
            .bind(entity)
            .bind(entity_id.to_string())
            .fetch_all(&pool)
            .await
            .expect("audit")
        }
    };
    let of_incident = entries("incident", id).await;
    let urgent = of_incident.iter().find(|(a, _)| a == "urgent_request").expect("urgent entry");
    let changes: Value = serde_json::from_str(&urgent.1).expect("json");
    assert_eq!(changes["request_id"]["after"], rid);
    assert_eq!(changes["approval"]["after"], "phone");
    assert!(changes["approval_route"]["after"].as_str().is_some_and(|s| s.contains("省略")), "{changes}");
    let of_job: Vec<String> = entries("job", job).await.into_iter().map(|(a, _)| a).collect();
    assert_eq!(of_job.first().map(String::as_str), Some("create"));
    assert!(of_job.iter().any(|a| a == "update"), "{of_job:?}");
    let (s, history) = call(&auditor, Method::GET, app.url(&format!("/api/v1/audit/incident/{id}")), Value::Null).await;
    assert_eq!(s, 200, "{history}");
    assert!(history["items"].as_array().expect("items").iter().any(|e| e["action"] == "urgent_request"), "{history}");
}

async fn an_accepted_incident_gets_none_and_the_pages_ask_first(engine: Engine) {
    let app = TestApp::spawn_under(engine, &contract_of_this_year()).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;

    // An incident the City accepted gets no urgent request.
    let (done, _) = incident(&app, &city, &lead, "JT-9101").await;
    let events = app.url(&format!("/api/v1/incidents/{done}/events"));
    for (c, kind) in [(&worker, "acknowledged"), (&worker, "action_taken"), (&worker, "operation_checked"),
        (&lead, "resolved"), (&city, "accepted")] {
        let (s, d) = call(c, Method::POST, events.clone(), json!({"kind": kind, "note": "処置"})).await;
        assert_eq!(s, 201, "{kind}: {d}");
    }
    let (s, body) = call(&city, Method::POST, urgent_url(&app, done), json!({"approval": "standard_procedure"})).await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["status".to_string()]), "{body}");
    let html = city.get(app.url(&format!("/incidents/{done}"))).send().await.expect("get").text().await.expect("html");
    assert!(!html.contains("緊急の作業依頼書を発行する"), "no form on an accepted incident");

    // On an open one the City has the form; it asks first, then issues and goes back.
    let (id, _) = incident(&app, &city, &lead, "JT-9102").await;
    let page = app.url(&format!("/incidents/{id}"));
    let html = city.get(page.clone()).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("緊急の作業依頼書を発行する") && html.contains("value=\"phone\""), "{html}");
    let html = lead.get(page.clone()).send().await.expect("get").text().await.expect("html");
    assert!(!html.contains("緊急の作業依頼書を発行する"), "the contractor has no form");
    let post = |form: Vec<(&'static str, &'static str)>| {
        city.post(app.url(&format!("/incidents/{id}/urgent-request"))).form(&form).send()
    };
    let before = app.audit_count().await;
    let r = post(vec![("approval", "standard_procedure"), ("approved_by_name", ""), ("note", "")]).await.expect("post");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("実行の確認") && html.contains("標準復旧手順による承認"), "{html}");
    assert_eq!(app.audit_count().await, before, "nothing written before confirming");
    let r = post(vec![("approval", ""), ("confirmed", "1")]).await.expect("post");
    assert_eq!(r.status(), 422, "a way of approval is needed");
    let html = r.text().await.expect("html");
    assert!(html.contains("承認の方法"), "named on the page");
    let r = post(vec![("approval", "standard_procedure"), ("approved_by_name", ""), ("note", "至急"), ("confirmed", "1")])
        .await
        .expect("post");
    assert_eq!(r.status(), 303);

    // The incident's page links the request and shows its state; the request's page links
    // back to the incident.
    let html = city.get(page).send().await.expect("get").text().await.expect("html");
    let (_, shown) = call(&city, Method::GET, app.url(&format!("/api/v1/incidents/{id}")), Value::Null).await;
    let rid = shown["urgent_request"]["request_id"].as_i64().expect("request");
    assert!(html.contains(&format!("href=\"/requests/{rid}\"")) && html.contains("手順書承認済"), "{html}");
    assert!(html.contains("標準復旧手順による承認"), "{html}");
    let html = city.get(app.url(&format!("/requests/{rid}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains(&format!("href=\"/incidents/{id}\"")), "{html}");
    assert!(html.contains("本市の決裁は省略"), "{html}");
    let job = shown["urgent_request"]["job_id"].as_i64().expect("job");
    let html = city.get(app.url(&format!("/jobs/{job}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains(&format!("href=\"/incidents/{id}\"")), "the job's page names its incident: {html}");
}

both_engines!(
    the_city_issues_one_and_the_job_completes_with_its_report,
    an_accepted_incident_gets_none_and_the_pages_ask_first,
);
