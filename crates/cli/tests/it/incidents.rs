//! Incidents (障害, issue 14) through the real server: a terminal fault with a J-LIS
//! inquiry and a collected log run to the City's acceptance; a fault reported at 17:10 on
//! the Friday before a holiday Monday measured in business time; a pause for the lessor
//! left out of the recovery time; a ward office's fault report taken up once; targets
//! changed midway; the pages with their confirmation before resolving.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, problem_fields};

async fn terminal(app: &TestApp, lead: &reqwest::Client, asset: &str) -> i64 {
    let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式",
        "site_code": "011011", "status": "in_service"});
    let (s, t) = call(lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    t["id"].as_i64().expect("id")
}

/// Adds an event; answers the status code and the incident.
async fn event(app: &TestApp, c: &reqwest::Client, id: i64, body: Value) -> (u16, Value) {
    call(c, Method::POST, app.url(&format!("/api/v1/incidents/{id}/events")), body).await
}

async fn ok_event(app: &TestApp, c: &reqwest::Client, id: i64, body: Value) -> Value {
    let (s, d) = event(app, c, id, body.clone()).await;
    assert_eq!(s, 201, "{body}: {d}");
    d
}

async fn incident_runs_from_report_to_acceptance(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let auditor = app.client(Role::Auditor).await;
    let t = terminal(&app, &lead, "JT-7001").await;
    let url = app.url("/api/v1/incidents");

    // Bad input names its fields and writes nothing; a worker may not register one.
    let before = app.audit_count().await;
    let (s, body) = call(&city, Method::POST, url.clone(), json!({"category": "ア"})).await;
    assert_eq!(s, 422, "{body}");
    assert_eq!(problem_fields(&body), ["category", "terminal_id", "symptom"]);
    let new = json!({"category": "キ", "terminal_id": t, "reported_at": "2021-01-08T17:10",
        "symptom": "起動しない", "can_continue": true, "fallback": "隣の端末", "urgency": "high"});
    assert_eq!(call(&worker, Method::POST, url.clone(), new.clone()).await.0, 403);
    let (s, body) = call(&city, Method::POST, url.clone(), json!({"category": "ク", "terminal_id": t, "symptom": "x"})).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["terminal_id".to_string()]), "no panel: {body}");
    assert_eq!(app.audit_count().await, before, "nothing written");

    // Reported at 17:10 on Friday 2021-01-08; Monday 01-11 is 成人の日.
    let (s, d) = call(&city, Method::POST, url.clone(), new).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    assert_eq!((&d["status"], &d["category"]), (&json!("reported"), &json!("キ")));
    assert_eq!(d["events"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["clock"]["respond"]["state"], "running");

    // Work before the acknowledgement is refused; the worker acknowledges on Tuesday 09:00.
    let (s, _) = event(&app, &worker, id, json!({"kind": "log_collected", "at": "2021-01-12T08:50"})).await;
    assert_eq!(s, 409);
    let (s, _) = event(&app, &city, id, json!({"kind": "acknowledged", "at": "2021-01-12T09:00"})).await;
    assert_eq!(s, 403, "the City does not acknowledge for the contractor");
    let d = ok_event(&app, &worker, id, json!({"kind": "acknowledged", "at": "2021-01-12T09:00"})).await;
    assert_eq!(d["status"], "responding");
    assert_eq!(d["clock"]["respond"]["elapsed_minutes"], 20, "5 on Friday + 15 on Tuesday");
    assert_eq!(d["clock"]["respond"]["state"], "stopped");

    // A J-LIS inquiry, asked and answered with its number; an answer to nothing is refused.
    let (s, body) = event(&app, &worker, id, json!({"kind": "jlis_answered", "inquiry_number": "Q-77",
        "note": "回答", "at": "2021-01-12T09:05"})).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["inquiry_number".to_string()]));
    ok_event(&app, &worker, id, json!({"kind": "jlis_asked", "inquiry_number": "Q-77",
        "note": "エラーE123の意味", "at": "2021-01-12T09:10"})).await;
    ok_event(&app, &worker, id, json!({"kind": "jlis_answered", "inquiry_number": "Q-77",
        "note": "再設定で解消する", "at": "2021-01-12T09:20"})).await;
    ok_event(&app, &worker, id, json!({"kind": "log_collected", "note": "イベントログ一式",
        "at": "2021-01-12T09:25"})).await;
    let (s, body) = event(&app, &worker, id, json!({"kind": "note", "note": "x", "at": "2021-01-12T09:00"})).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["at".to_string()]), "before the last event");
    ok_event(&app, &worker, id, json!({"kind": "action_taken", "note": "設定を再適用",
        "at": "2021-01-12T09:40"})).await;
    let (s, _) = event(&app, &lead, id, json!({"kind": "resolved", "at": "2021-01-12T09:45"})).await;
    assert_eq!(s, 409, "no operation check after the action");
    ok_event(&app, &worker, id, json!({"kind": "operation_checked", "at": "2021-01-12T09:50"})).await;
    assert_eq!(event(&app, &worker, id, json!({"kind": "resolved", "at": "2021-01-12T10:00"})).await.0, 403);
    let d = ok_event(&app, &lead, id, json!({"kind": "resolved", "at": "2021-01-12T10:00"})).await;
    assert_eq!(d["status"], "resolved");
    assert_eq!(d["clock"]["recover"]["elapsed_minutes"], 80, "5 on Friday + 75 on Tuesday");
    assert_eq!(d["clock"]["recover"]["level"], "no_target");
    let d = ok_event(&app, &city, id, json!({"kind": "accepted"})).await;
    assert_eq!(d["status"], "accepted");
    assert_eq!(event(&app, &city, id, json!({"kind": "note", "note": "x"})).await.0, 409);

    // Read by the auditor too; the list puts an open incident first.
    let t2 = terminal(&app, &lead, "JT-7002").await;
    let (s, open) = call(&lead, Method::POST, url.clone(), json!({"category": "キ", "terminal_id": t2,
        "symptom": "画面が暗い"})).await;
    assert_eq!(s, 201, "{open}");
    let (s, list) = call(&auditor, Method::GET, url.clone(), Value::Null).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["items"][0]["id"], open["id"]);
    assert_eq!(list["items"][1]["id"], id);
    assert_eq!(list["items"][1]["clock"]["recover"]["elapsed_minutes"], 80);

    // The trail names each event with its verb.
    let actions: Vec<String> = sqlx::query_scalar::<_, String>(
        "SELECT action FROM audit_entries WHERE entity = 'incident' AND entity_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(app.store.pool())
    .await
    .expect("audit");
    assert_eq!(actions.first().map(String::as_str), Some("create"));
    assert!(actions.contains(&"jlis_answered".to_string()), "{actions:?}");
    assert_eq!(actions.last().map(String::as_str), Some("accepted"));
}

async fn a_pause_for_the_lessor_and_targets_changed_midway(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t = terminal(&app, &lead, "JT-7101").await;
    let (s, p) = call(&lead, Method::POST, app.url("/api/v1/touch-panels"), json!({"asset_number": "TP-7101",
        "serial": "STP-7101", "model": "TP", "terminal_id": t})).await;
    assert_eq!(s, 201, "{p}");

    // Targets: 60/240 from the start of the year; only the City sets them.
    let targets = app.url("/api/v1/incident-targets");
    let first = json!({"effective_from": "2020-10-01T00:00", "respond_minutes": 60, "recover_minutes": 240});
    assert_eq!(call(&lead, Method::POST, targets.clone(), first.clone()).await.0, 403);
    let (s, body) = call(&city, Method::POST, targets.clone(), json!({"near_share_percent": 120})).await;
    assert_eq!(problem_fields(&body), ["effective_from", "near_share_percent"]);
    assert_eq!(s, 422);
    assert_eq!(call(&city, Method::POST, targets.clone(), first).await.0, 201);

    let (s, d) = call(&city, Method::POST, app.url("/api/v1/incidents"), json!({"category": "ク",
        "terminal_id": t, "reported_at": "2020-11-10T09:00", "symptom": "タッチが効かない"})).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["touch_panel_id"], p["id"]);
    let id = d["id"].as_i64().expect("id");
    // A later change applies to incidents reported after it, not to this one.
    let (s, _) = call(&city, Method::POST, targets.clone(), json!({"effective_from": "2020-11-10T10:00",
        "respond_minutes": 5, "recover_minutes": 30})).await;
    assert_eq!(s, 201);

    ok_event(&app, &worker, id, json!({"kind": "arrived", "at": "2020-11-10T09:30"})).await;
    ok_event(&app, &worker, id, json!({"kind": "action_taken", "note": "設定調整", "at": "2020-11-10T09:40"})).await;
    // A hardware fault: the City calls the lessor; the incident waits for them.
    assert_eq!(event(&app, &lead, id, json!({"kind": "escalated", "at": "2020-11-10T09:50"})).await.0, 403);
    let d = ok_event(&app, &city, id, json!({"kind": "escalated", "note": "ハードウェア障害の疑い", "at": "2020-11-10T09:50"})).await;
    let lessor = d["events"].as_array().and_then(|e| e.last()).map(|e| e["lessor_contact"].clone());
    assert_eq!(lessor, Some(json!("富士通リース株式会社（連絡先は契約ファイルに未登録）")), "the contract's lessor");
    let (s, body) = event(&app, &lead, id, json!({"kind": "paused", "at": "2020-11-10T10:00"})).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["pause_reason".to_string()]));
    let d = ok_event(&app, &lead, id, json!({"kind": "paused", "pause_reason": "lessor", "at": "2020-11-10T10:00"})).await;
    assert_eq!((&d["status"], &d["clock"]["recover"]["state"]), (&json!("paused"), &json!("paused")));
    assert_eq!(d["clock"]["recover"]["elapsed_minutes"], 60, "frozen while paused");
    ok_event(&app, &worker, id, json!({"kind": "lessor_visited", "at": "2020-11-11T09:30"})).await;
    let d = ok_event(&app, &worker, id, json!({"kind": "device_replaced", "at": "2020-11-11T09:50",
        "new_asset_number": "TP-7102", "new_serial": "STP-7102"})).await;
    let task = d["tasks"][0]["id"].as_i64().expect("the setting adjustment");
    ok_event(&app, &lead, id, json!({"kind": "resumed", "at": "2020-11-11T10:00"})).await;
    ok_event(&app, &worker, id, json!({"kind": "task_done", "task_id": task, "at": "2020-11-11T10:20"})).await;
    ok_event(&app, &worker, id, json!({"kind": "operation_checked", "at": "2020-11-11T10:30"})).await;
    let d = ok_event(&app, &lead, id, json!({"kind": "resolved", "at": "2020-11-11T11:00"})).await;
    let recover = &d["clock"]["recover"];
    assert_eq!(recover["elapsed_minutes"], 120, "09:00-10:00 and 10:00-11:00 the next day");
    assert_eq!(recover["paused_minutes"], 435 + 75);
    assert_eq!((&recover["target_minutes"], &recover["level"]), (&json!(240), &json!("within")));
    assert_eq!(d["clock"]["respond"]["target_minutes"], 60);
    let html = city.get(app.url(&format!("/incidents/{id}"))).send().await.expect("get").text().await.expect("html");
    for said in ["機器賃貸業者への依頼日", "機器賃貸業者の来訪日", "機器の交換日", "依頼先: 富士通リース株式会社"] {
        assert!(html.contains(said), "{said}");
    }
    let (s, list) = call(&city, Method::GET, targets, Value::Null).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(2)));
}

async fn a_fault_report_is_taken_up_once_and_the_pages_ask_first(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let ward = app.client(Role::SiteStaff).await;
    let t = terminal(&app, &lead, "JT-7201").await;
    let (s, f) = call(&ward, Method::POST, app.url("/api/v1/fault-reports"), json!({"terminal_id": t,
        "occurred_at": "2020-11-04T10:00", "description": "電源が入らない"})).await;
    assert_eq!(s, 201, "{f}");
    let fid = f["id"].as_i64().expect("id");
    let new = json!({"category": "キ", "terminal_id": t, "symptom": "電源が入らない", "fault_report_id": fid});
    let (s, d) = call(&city, Method::POST, app.url("/api/v1/incidents"), new.clone()).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    assert_eq!(d["fault_report_id"], fid);
    let (s, again) = call(&city, Method::POST, app.url("/api/v1/incidents"), new).await;
    assert_eq!((s, problem_fields(&again)), (409, vec!["fault_report_id".to_string()]));
    let (_, reports) = call(&city, Method::GET, app.url("/api/v1/fault-reports"), Value::Null).await;
    assert_eq!(reports["items"][0]["incident_id"], id, "linked both ways");
    assert_eq!(reports["items"][0]["status"], "resolved");
    assert_eq!(call(&ward, Method::GET, app.url("/api/v1/incidents"), Value::Null).await.0, 403);

    // The pages: the list, the incident's timeline and the targets, in Japanese.
    for path in ["/incidents".to_string(), format!("/incidents/{id}"), "/incident-targets".into(),
        format!("/incidents?fault_report_id={fid}")] {
        let r = city.get(app.url(&path)).send().await.expect("get");
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.expect("html");
        assert!(html.contains("障害"), "{path}");
    }
    let html = lead.get(app.url(&format!("/incidents/{id}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("value=\"acknowledged\""), "the lead may acknowledge");
    // Recorded from the page; resolving asks first and changes nothing until confirmed.
    let post = |c: &reqwest::Client, form: Vec<(&'static str, &'static str)>| {
        c.post(app.url(&format!("/incidents/{id}/events"))).form(&form).send()
    };
    for kind in ["acknowledged", "action_taken", "operation_checked"] {
        let r = post(&lead, vec![("kind", kind), ("note", "処置")]).await.expect("post");
        assert_eq!(r.status(), 303, "{kind}");
    }
    let before = app.audit_count().await;
    let r = post(&lead, vec![("kind", "resolved"), ("note", "")]).await.expect("post");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("実行の確認") && html.contains("name=\"confirmed\""), "{html}");
    assert_eq!(app.audit_count().await, before, "nothing written before confirming");
    let r = post(&lead, vec![("kind", "resolved"), ("note", ""), ("confirmed", "1")]).await.expect("post");
    assert_eq!(r.status(), 303);
    let r = post(&lead, vec![("kind", "note"), ("note", "")]).await.expect("post");
    assert_eq!(r.status(), 422, "a note needs its text");
}

both_engines!(
    incident_runs_from_report_to_acceptance,
    a_pause_for_the_lessor_and_targets_changed_midway,
    a_fault_report_is_taken_up_once_and_the_pages_ask_first,
);
