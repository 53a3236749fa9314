//! The worker roster (従事者名簿, §5(6)イ) and subcontracting (再委託申請書, §6(1)) through
//! the real server: a change notified late is flagged and counted; only people on the
//! roster that day are named as visit members, performers of work records and オ password
//! changes; a subcontractor's person joins only after the City approved the application.

use chrono::{Duration, Utc};
use jukiops_domain::people::Role;
use jukiops_domain::time::today_jst;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::jobs::terminal;
use crate::support::{Engine, TestApp, problem_fields, request_and_approve};

/// A new worker account, not on the roster.
async fn account(app: &TestApp, name: &str) -> i64 {
    let admin = app.client(Role::Admin).await;
    let body = json!({"username": name, "display_name": format!("{name}従事者"),
        "role": "contractor_worker", "password": "Roster-pass-2020"});
    let (s, u) = call(&admin, Method::POST, app.url("/api/v1/users"), body).await;
    assert_eq!(s, 201, "{u}");
    u["id"].as_i64().expect("id")
}

fn person(name: &str, effective_on: &str) -> Value {
    json!({"name": name, "kana": "じゅうじしゃ", "company": "受託株式会社", "contract_role": "worker",
        "badge_number": format!("B-{name}"), "contact": "011-111-1111", "effective_on": effective_on})
}

fn message(body: &Value) -> String {
    body["errors"][0]["message"].as_str().unwrap_or_default().to_string()
}

async fn a_late_notice_is_flagged_counted_and_acknowledged(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let today = today_jst(Utc::now());
    let roster = app.url("/api/v1/roster");

    // Effective today: given on the day itself, so late; effective tomorrow: in time.
    let before = app.audit_count().await;
    let (s, late) = call(&lead, Method::POST, roster.clone(), person("遅延", &today.to_string())).await;
    assert_eq!(s, 201, "{late}");
    assert_eq!(late["notices"][0]["late"], true, "{late}");
    assert_eq!(late["on_roster_today"], true, "a late addition counts from the day it was given");
    let tomorrow = (today + Duration::days(1)).to_string();
    let (s, timely) = call(&lead, Method::POST, roster.clone(), person("事前", &tomorrow)).await;
    assert_eq!(s, 201, "{timely}");
    assert_eq!(timely["notices"][0]["late"], false, "{timely}");
    assert_eq!(timely["on_roster_today"], false, "not before its effective date");
    assert_eq!(app.audit_count().await, before + 2, "each notice audited");

    // A modification notified after its effective date is late too.
    let id = timely["id"].as_i64().expect("id");
    let change = json!({"kind": "modify", "effective_on": today.to_string(), "badge_number": "B-新"});
    let (s, changed) = call(&lead, Method::POST, app.url(&format!("/api/v1/roster/{id}/notices")), change).await;
    assert_eq!(s, 201, "{changed}");
    let (s, notices) = call(&city, Method::GET, app.url("/api/v1/roster/notices"), Value::Null).await;
    assert_eq!(s, 200, "{notices}");
    assert_eq!(notices["late_total"], 2, "{notices}");
    let month = today.format("%Y-%m").to_string();
    assert_eq!(notices["late_by_month"], json!([{"month": month, "count": 2}]), "{notices}");

    // The City acknowledges a notice once; the lead cannot.
    let nid = notices["items"][0]["id"].as_i64().expect("notice");
    let ack = app.url(&format!("/api/v1/roster/notices/{nid}/acknowledgement"));
    let (s, _) = call(&lead, Method::POST, ack.clone(), Value::Null).await;
    assert_eq!(s, 403);
    let (s, after) = call(&city, Method::POST, ack.clone(), Value::Null).await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(after["items"][0]["acknowledged_by"], "city-staff", "{after}");
    let (s, again) = call(&city, Method::POST, ack, Value::Null).await;
    assert_eq!((s, problem_fields(&again)), (409, vec!["notice_id".to_string()]), "{again}");

    // Who reads and who keeps the roster.
    let worker = app.client(Role::ContractorWorker).await;
    let (s, _) = call(&worker, Method::GET, roster.clone(), Value::Null).await;
    assert_eq!(s, 403);
    let (s, _) = call(&city, Method::POST, roster.clone(), person("本市", &tomorrow)).await;
    assert_eq!(s, 403);
    for role in [Role::SecurityOfficer, Role::Auditor] {
        let (s, list) = call(&app.client(role).await, Method::GET, roster.clone(), Value::Null).await;
        assert_eq!(s, 200, "{role:?}: {list}");
    }

    // The page shows the flag and the City's button.
    let html = city.get(app.url("/roster")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("期限後"), "late flag on the page");
    assert!(html.contains("受領を記録する"), "acknowledgement button");
    assert!(html.contains("B-新"), "the modification is in force today");
}

async fn off_roster_people_do_no_work(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let off = account(&app, "off-roster").await;
    let site: i64 = sqlx::query_scalar("SELECT id FROM sites WHERE code = '011011'")
        .fetch_one(app.store.pool())
        .await
        .expect("site");

    // A visit member.
    let visit = json!({"site_id": site, "date": "2020-10-05", "start": "09:00", "end": "12:00",
        "purpose": "OSセキュリティ更新", "worker_ids": [off]});
    let (s, body) = call(&lead, Method::POST, app.url("/api/v1/visits"), visit.clone()).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["worker_ids".to_string()]), "{body}");
    assert!(message(&body).contains("従事者名簿"), "{body}");

    // An オ password change and a work record.
    let t = terminal(&app, "T-R1", "in_service").await;
    let job = json!({"category": "オ", "origin": "city_order", "title": "管理者パスワード変更", "terminal_ids": [t]});
    let (s, j) = call(&city, Method::POST, app.url("/api/v1/jobs"), job).await;
    assert_eq!(s, 201, "{j}");
    let jid = j["id"].as_i64().expect("job");
    request_and_approve(&app, &[jid]).await;
    // Work records on a request of its own (an オ change already starts its job).
    let job = json!({"category": "エ", "origin": "city_order", "title": "設定変更", "terminal_ids": [t]});
    let (s, j) = call(&city, Method::POST, app.url("/api/v1/jobs"), job).await;
    assert_eq!(s, 201, "{j}");
    let rid = request_and_approve(&app, &[j["id"].as_i64().expect("job")]).await;
    let rotation = |who: i64| json!({"job_id": jid, "terminal_id": t, "performer_id": who, "rotated_at": "2020-10-05 10:30"});
    let rotations = app.url("/api/v1/password-rotations");
    let (s, body) = call(&worker, Method::POST, rotations.clone(), rotation(off)).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["performer_id".to_string()]), "{body}");
    let record = |who: i64| json!({"records": [{"terminal_id": t, "step_order": 1, "outcome": "done",
        "performer_id": who, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]});
    let records = app.url(&format!("/api/v1/requests/{rid}/records"));
    let (s, body) = call(&worker, Method::POST, records.clone(), record(off)).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["performer_id".to_string()]), "{body}");

    // Notified late (today, for 5 October 2020): on the roster from today, not before.
    let mut late = person("遅延", "2020-10-05");
    late["user_id"] = json!(off);
    let (s, p) = call(&lead, Method::POST, app.url("/api/v1/roster"), late).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["notices"][0]["late"], true, "{p}");
    let (s, body) = call(&worker, Method::POST, rotations.clone(), rotation(off)).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["performer_id".to_string()]), "{body}");

    // Notified in time (1 October for the 5th): named from the 5th on, not on the 4th.
    let timely = account(&app, "on-roster").await;
    let mut notice = person("事前", "2020-10-05");
    notice["user_id"] = json!(timely);
    notice["given_at"] = json!("2020-10-01T09:00");
    let (s, p) = call(&lead, Method::POST, app.url("/api/v1/roster"), notice).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["notices"][0]["late"], false, "{p}");
    let mut early = visit.clone();
    early["date"] = json!("2020-10-02");
    early["worker_ids"] = json!([timely]);
    let (s, body) = call(&lead, Method::POST, app.url("/api/v1/visits"), early).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["worker_ids".to_string()]), "{body}");
    let mut on_day = visit;
    on_day["worker_ids"] = json!([timely]);
    let (s, body) = call(&lead, Method::POST, app.url("/api/v1/visits"), on_day).await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = call(&worker, Method::POST, rotations, rotation(timely)).await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = call(&worker, Method::POST, records, record(timely)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["records"][0]["performer"], "on-roster従事者", "{body}");

    // Removed from 1 November: no visit after.
    let id = p["id"].as_i64().expect("person");
    let removal = json!({"kind": "remove", "effective_on": "2020-11-01", "given_at": "2020-10-20T09:00"});
    let (s, p) = call(&lead, Method::POST, app.url(&format!("/api/v1/roster/{id}/notices")), removal).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["on_roster_until"], "2020-10-31", "{p}");
    let later = json!({"site_id": site, "date": "2020-11-02", "start": "09:00", "end": "12:00",
        "purpose": "OSセキュリティ更新", "worker_ids": [timely]});
    let (s, body) = call(&lead, Method::POST, app.url("/api/v1/visits"), later).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["worker_ids".to_string()]), "{body}");
}

async fn a_subcontractors_person_waits_for_the_citys_approval(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let apply = json!({"subcontractor": "再委託株式会社", "scope": "統合端末の設定作業の補助", "planned_start": "2020-11-01"});
    let (s, sub) = call(&lead, Method::POST, app.url("/api/v1/subcontracting"), apply).await;
    assert_eq!(s, 201, "{sub}");
    assert_eq!(sub["status"], "applied", "{sub}");
    let sid = sub["id"].as_i64().expect("id");
    // The register owes the City the 再委託申請書 before the work starts.
    let (_, register) = call(&city, Method::GET, app.url("/api/v1/deliverables"), Value::Null).await;
    let owed = register.as_array().expect("register").iter()
        .find(|d| d["title"] == "再委託申請書（再委託株式会社・統合端末の設定作業の補助）").cloned().expect("raised");
    assert_eq!((owed["due_on"].as_str(), owed["status"].as_str()), (Some("2020-10-31"), Some("draft")), "{owed}");

    let mut theirs = person("再委託", "2020-11-01");
    theirs["company"] = json!("再委託株式会社");
    theirs["subcontract_id"] = json!(sid);
    let roster = app.url("/api/v1/roster");
    let before = app.audit_count().await;
    let (s, body) = call(&lead, Method::POST, roster.clone(), theirs.clone()).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["subcontract_id".to_string()]), "{body}");
    assert!(message(&body).contains("本市の承認がない"), "{body}");
    assert_eq!(app.audit_count().await, before, "nothing written");

    // Only the City decides; a refusal needs its reason.
    let decision = app.url(&format!("/api/v1/subcontracting/{sid}/decision"));
    let (s, _) = call(&lead, Method::POST, decision.clone(), json!({"decision": "approve"})).await;
    assert_eq!(s, 403);
    let (s, body) = call(&city, Method::POST, decision.clone(), json!({"decision": "refuse"})).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["comment".to_string()]), "{body}");
    let (s, list) = call(&city, Method::POST, decision.clone(), json!({"decision": "approve"})).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list[0]["status"], "approved", "{list}");
    let (s, body) = call(&city, Method::POST, decision, json!({"decision": "refuse", "comment": "再考"})).await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["status".to_string()]), "{body}");

    let (s, p) = call(&lead, Method::POST, roster, theirs).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["subcontractor"], "再委託株式会社", "{p}");
    let html = city.get(app.url("/subcontracting")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("再委託株式会社") && html.contains("承認済み"), "the page lists it");
    let html = lead.get(app.url("/roster")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("再委託先: 再委託株式会社"), "the roster names the subcontractor");
}

both_engines!(
    a_late_notice_is_flagged_counted_and_acknowledged,
    off_roster_people_do_no_work,
    a_subcontractors_person_waits_for_the_citys_approval,
);
