//! Who is available when (issue 15 item 6) through the real server: the lead records an
//! absence of a roster person; the planner leaves them out on those days and, when it needs
//! more people, names who else on the roster could come; the hours each person worked in a
//! month.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::plans::{request, seed_terminals};
use crate::support::{Engine, TestApp, problem_fields, request_and_approve};

/// The roster person whose account is `user_id`.
async fn person_of(app: &TestApp, c: &reqwest::Client, user_id: i64) -> (i64, String) {
    let (s, roster) = call(c, Method::GET, app.url("/api/v1/roster"), Value::Null).await;
    assert_eq!(s, 200, "{roster}");
    let p = roster.as_array().expect("roster").iter().find(|p| p["user_id"] == user_id).cloned().expect("on the roster");
    (p["id"].as_i64().expect("id"), p["details"]["name"].as_str().unwrap_or("").to_string())
}

async fn absences_keep_people_off_the_plan_and_hours_add_up(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let sites = seed_terminals(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let (worker_id, lead_id) = (app.user_id(Role::ContractorWorker).await, app.user_id(Role::ContractorLead).await);
    let (person, _) = person_of(&app, &lead, worker_id).await;
    let (_, lead_name) = person_of(&app, &lead, lead_id).await;

    // Only the lead records absences, within the period, last day not before the first.
    let url = app.url("/api/v1/absences");
    let leave = json!({"person_id": person, "from": "2020-11-04", "to": "2020-11-05", "kind": "annual_leave"});
    assert_eq!(call(&worker, Method::POST, url.clone(), leave.clone()).await.0, 403);
    assert_eq!(call(&city, Method::POST, url.clone(), leave.clone()).await.0, 403);
    let (s, d) = call(&lead, Method::POST, url.clone(), json!({"person_id": person, "from": "2020-11-05", "to": "2020-11-04", "kind": "annual_leave"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["to".to_string()]));
    let (s, d) = call(&lead, Method::POST, url.clone(), json!({"person_id": person, "from": "2021-04-01", "kind": "training"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["from".to_string()]));
    let (s, d) = call(&lead, Method::POST, url.clone(), json!({"person_id": 999999, "from": "2020-11-04", "kind": "training"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["person_id".to_string()]), "{d}");
    let (s, d) = call(&lead, Method::POST, url.clone(), leave).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d[0]["kind_label"].as_str(), d[0]["to"].as_str()), (Some("年次休暇"), Some("2020-11-05")));

    // The planner puts the worker on no day of the leave.
    let body = request("2020-11-04", 30, &[worker_id, lead_id], &sites);
    let (s, plan) = call(&lead, Method::POST, app.url("/api/v1/plans/preview"), body).await;
    assert_eq!(s, 200, "{plan}");
    let worker_days: Vec<String> = plan["visits"].as_array().expect("visits").iter()
        .filter(|v| v["worker_id"] == worker_id).map(|v| v["date"].as_str().unwrap_or("").to_string()).collect();
    assert!(worker_days.iter().all(|d| d != "2020-11-04" && d != "2020-11-05"), "{worker_days:?}");
    assert!(plan["visits"].as_array().expect("visits").iter().any(|v| v["worker_id"] == lead_id && v["date"] == "2020-11-04"));

    // The worker alone cannot make it: the plan names who else on the roster could come.
    let body = request("2020-11-06", 240, &[worker_id], &sites);
    let (s, plan) = call(&lead, Method::POST, app.url("/api/v1/plans/preview"), body).await;
    assert_eq!(s, 200, "{plan}");
    let said: Vec<String> = plan["findings"].as_array().expect("findings").iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_string()).collect();
    assert!(said.iter().any(|m| m.contains("名必要")), "{said:?}");
    assert!(said.iter().any(|m| m.contains("計画にいない従事者") && m.contains(&lead_name)), "{said:?}");

    // Hours per person per month, from the work recorded.
    let (s, job) = call(&city, Method::POST, app.url("/api/v1/jobs"), json!({"category": "エ", "origin": "city_order",
        "title": "設定変更", "terminal_ids": [1]})).await;
    assert_eq!(s, 201, "{job}");
    let rid = request_and_approve(&app, &[job["id"].as_i64().expect("job")]).await;
    let (s, d) = call(&worker, Method::POST, app.url(&format!("/api/v1/requests/{rid}/records")), json!({"records": [{"terminal_id": 1,
        "step_order": 1, "outcome": "done", "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 10:15"}]})).await;
    assert_eq!(s, 200, "{d}");
    let (s, hours) = call(&city, Method::GET, app.url("/api/v1/roster/hours?month=2020-10"), Value::Null).await;
    assert_eq!(s, 200, "{hours}");
    let mine = hours.as_array().expect("hours").iter().find(|h| h["user_id"] == worker_id).cloned().expect("the worker");
    assert_eq!((mine["equipment_minutes"].as_i64(), mine["total_minutes"].as_i64()), (Some(75), Some(75)));
    let (s, d) = call(&city, Method::GET, app.url("/api/v1/roster/hours?month=10月"), Value::Null).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["month".to_string()]));

    // The page, then the absence taken back (audited both ways).
    let html = lead.get(app.url("/roster/availability?month=2020-10")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("年次休暇") && html.contains("1時間15分"), "{html}");
    let id = call(&lead, Method::GET, url.clone(), Value::Null).await.1[0]["id"].as_i64().expect("id");
    assert_eq!(call(&worker, Method::DELETE, app.url(&format!("/api/v1/absences/{id}")), Value::Null).await.0, 403);
    assert_eq!(call(&lead, Method::DELETE, app.url(&format!("/api/v1/absences/{id}")), Value::Null).await.0, 204);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries WHERE entity = 'absence'")
        .fetch_one(app.store.pool())
        .await
        .expect("audit");
    assert_eq!(n, 2);
}

both_engines!(absences_keep_people_off_the_plan_and_hours_add_up);
