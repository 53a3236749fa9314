//! A device swapped by the lessor (issue 14 item 3) and another party's part (item 4),
//! through the real server: a touch-panel swap whose setting adjustment must be done
//! before the recovery, after which the inventory shows the new serial and the old panel's
//! history; a terminal swap that re-applies the year's work and sets a new administrator
//! password, its touch panel moved over; the network contractor's part told to the City
//! beforehand.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, problem_fields, request_and_approve};

async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> Value {
    let (s, d) = call(c, Method::GET, app.url(path), Value::Null).await;
    assert_eq!(s, 200, "{path}: {d}");
    d
}

async fn event(app: &TestApp, c: &reqwest::Client, id: i64, body: Value) -> (u16, Value) {
    call(c, Method::POST, app.url(&format!("/api/v1/incidents/{id}/events")), body).await
}

async fn ok_event(app: &TestApp, c: &reqwest::Client, id: i64, body: Value) -> Value {
    let (s, d) = event(app, c, id, body.clone()).await;
    assert_eq!(s, 201, "{body}: {d}");
    d
}

/// A terminal with a touch panel attached: (terminal, panel).
async fn terminal_with_panel(app: &TestApp, lead: &reqwest::Client, n: u32) -> (i64, i64) {
    let body = json!({"asset_number": format!("JT-{n}"), "serial": format!("SJT-{n}"), "model": "端末型式",
        "site_code": "011011", "room": "市民課", "lessor": "富士通リース", "status": "in_service"});
    let (s, t) = call(lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    let t = t["id"].as_i64().expect("terminal");
    let (s, p) = call(lead, Method::POST, app.url("/api/v1/touch-panels"), json!({"asset_number": format!("TP-{n}"),
        "serial": format!("STP-{n}"), "model": "TP型式", "terminal_id": t})).await;
    assert_eq!(s, 201, "{p}");
    (t, p["id"].as_i64().expect("panel"))
}

/// An incident of `category` on `terminal`, acknowledged and escalated to the lessor.
async fn escalated(app: &TestApp, category: &str, terminal: i64) -> i64 {
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let (s, d) = call(&city, Method::POST, app.url("/api/v1/incidents"), json!({"category": category,
        "terminal_id": terminal, "reported_at": "2020-11-10T09:00", "symptom": "画面が映らない"})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    ok_event(app, &lead, id, json!({"kind": "acknowledged", "at": "2020-11-10T09:10"})).await;
    ok_event(app, &city, id, json!({"kind": "escalated", "at": "2020-11-10T09:30", "note": "ハードウェア障害の疑い"})).await;
    id
}

fn open_tasks(d: &Value) -> Vec<(i64, String)> {
    d["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["done"] == json!(false))
        .map(|t| (t["id"].as_i64().expect("task"), t["kind"].as_str().unwrap_or("").to_string()))
        .collect()
}

async fn history(app: &TestApp, kind: &str, id: i64) -> Vec<(String, String)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, detail FROM asset_events WHERE asset_kind = $1 AND asset_id = $2 ORDER BY id",
    )
    .bind(kind)
    .bind(id)
    .fetch_all(app.store.pool())
    .await
    .expect("history");
    rows
}

async fn a_touch_panel_swap_waits_for_its_re_setup(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let (t, old) = terminal_with_panel(&app, &lead, 8101).await;
    let id = escalated(&app, "ク", t).await;

    // The replacement's numbers are required, and a serial already in the register refused,
    // with nothing written.
    let before = app.audit_count().await;
    let (s, d) = event(&app, &worker, id, json!({"kind": "device_replaced", "at": "2020-11-11T10:00"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["new_asset_number".to_string(), "new_serial".to_string()]), "{d}");
    let (s, d) = event(&app, &worker, id, json!({"kind": "device_replaced", "at": "2020-11-11T10:00",
        "new_asset_number": "TP-8102", "new_serial": "STP-8101"})).await;
    assert_eq!((s, problem_fields(&d)), (409, vec!["serial".to_string()]), "{d}");
    assert_eq!(app.audit_count().await, before, "nothing written");

    let d = ok_event(&app, &worker, id, json!({"kind": "device_replaced", "at": "2020-11-11T10:00",
        "new_asset_number": "TP-8102", "new_serial": "STP-8102", "note": "機器賃貸業者が交換"})).await;
    let swap = d["events"].as_array().and_then(|e| e.last()).expect("swap").clone();
    let new = swap["replacement_id"].as_i64().expect("replacement installed");
    assert_eq!(swap["new_serial"], "STP-8102");
    let tasks = open_tasks(&d);
    assert_eq!(tasks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["setting_adjustment"]);

    // The inventory: the new panel on the terminal with its serial, the old one retired
    // with its history kept.
    let p = get(&app, &city, &format!("/api/v1/touch-panels/{new}")).await;
    assert_eq!((p["serial"].as_str(), p["terminal_id"].as_i64(), p["status"].as_str()), (Some("STP-8102"), Some(t), Some("in_service")));
    let o = get(&app, &city, &format!("/api/v1/touch-panels/{old}")).await;
    assert_eq!((o["status"].as_str(), o["terminal_id"].as_i64()), (Some("retired"), None), "{o}");
    let kinds: Vec<String> = history(&app, "touch_panel", old).await.into_iter().map(|h| h.0).collect();
    assert_eq!(kinds, ["installed", "installed", "swapped", "retired"], "registered, attached, taken off, retired");
    let retired = history(&app, "touch_panel", old).await.pop().expect("retired").1;
    assert!(retired.contains(&format!("障害 {id}")) && retired.contains("TP-8102"), "{retired}");
    let term = get(&app, &city, &format!("/api/v1/terminals/{t}")).await;
    assert_eq!(term["touch_panel_asset_number"], "TP-8102");

    // The recovery waits for the setting adjustment and for a check after it.
    ok_event(&app, &worker, id, json!({"kind": "operation_checked", "at": "2020-11-11T10:10"})).await;
    let (s, d) = event(&app, &lead, id, json!({"kind": "resolved", "at": "2020-11-11T10:15"})).await;
    assert_eq!(s, 409, "{d}");
    assert!(d.to_string().contains("設定調整"), "{d}");
    let (task, _) = tasks[0].clone();
    let done = json!({"kind": "task_done", "task_id": task, "at": "2020-11-11T10:20", "note": "感度を調整"});
    assert_eq!(event(&app, &city, id, done.clone()).await.0, 403);
    let (s, d) = event(&app, &worker, id, json!({"kind": "task_done", "task_id": task + 100, "at": "2020-11-11T10:20"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["task_id".to_string()]));
    let d = ok_event(&app, &worker, id, done.clone()).await;
    assert!(open_tasks(&d).is_empty());
    assert_eq!(event(&app, &worker, id, done).await.0, 409, "done once");
    assert_eq!(event(&app, &lead, id, json!({"kind": "resolved", "at": "2020-11-11T10:25"})).await.0, 409, "check before it");
    ok_event(&app, &worker, id, json!({"kind": "operation_checked", "at": "2020-11-11T10:30"})).await;
    ok_event(&app, &lead, id, json!({"kind": "resolved", "at": "2020-11-11T10:35"})).await;
    let d = ok_event(&app, &city, id, json!({"kind": "accepted"})).await;
    assert_eq!(d["status"], "accepted");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_entries WHERE entity = 'incident' AND entity_id = $1 AND action IN ('device_replaced', 'task_done')",
    )
    .bind(id.to_string())
    .fetch_one(app.store.pool())
    .await
    .expect("audit");
    assert_eq!(audited, 2);

    // The page shows the task done and the replacement.
    let page = worker.get(app.url(&format!("/incidents/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("機器交換後の再設定作業") && page.contains("TP-8102"), "{page}");
}

async fn a_terminal_swap_reapplies_the_years_work_and_a_new_password(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let worker_id = app.user_id(Role::ContractorWorker).await;
    let (t, panel) = terminal_with_panel(&app, &lead, 8201).await;

    // This year's エ was applied to the terminal.
    let (s, j) = call(&city, Method::POST, app.url("/api/v1/jobs"), json!({"category": "エ", "origin": "city_order",
        "title": "プリンタ設定の変更", "terminal_ids": [t]})).await;
    assert_eq!(s, 201, "{j}");
    let job = j["id"].as_i64().expect("job");
    let request = request_and_approve(&app, &[job]).await;
    let (s, d) = call(&worker, Method::POST, app.url(&format!("/api/v1/requests/{request}/records")), json!({"records": [{"terminal_id": t,
        "step_order": 1, "outcome": "done", "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]})).await;
    assert_eq!(s, 200, "{d}");

    // An オ still to do on it moves to the replacement.
    let (s, o) = call(&city, Method::POST, app.url("/api/v1/jobs"), json!({"category": "オ", "origin": "city_order",
        "title": "管理者パスワードの変更", "terminal_ids": [t]})).await;
    assert_eq!(s, 201, "{o}");
    let open_job = o["id"].as_i64().expect("job");

    let id = escalated(&app, "キ", t).await;
    // The network contractor's part: told to the City beforehand, or refused.
    let late = json!({"kind": "party_involved", "party": "network_contractor", "at": "2020-11-10T10:00",
        "city_notified_at": "2020-11-10T10:30", "note": "回線の確認"});
    let (s, d) = event(&app, &lead, id, late.clone()).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["city_notified_at".to_string()]), "{d}");
    assert_eq!(event(&app, &worker, id, late).await.0, 403);
    let (s, d) = event(&app, &lead, id, json!({"kind": "party_involved", "party": "lessor", "city_notified_at": "2020-11-10T09:40"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["party".to_string()]));
    let d = ok_event(&app, &lead, id, json!({"kind": "party_involved", "party": "network_contractor", "at": "2020-11-10T10:00",
        "city_notified_at": "2020-11-10T09:40", "note": "回線の確認"})).await;
    let e = d["events"].as_array().and_then(|e| e.last()).expect("event").clone();
    assert_eq!((e["party_label"].as_str(), e["city_notified_at"].as_str()), (Some("ネットワーク保守業者"), Some("2020-11-10 09:40")), "{e}");
    assert!(e["party_contact"].as_str().is_some_and(|c| !c.is_empty()), "the contract's party: {e}");

    let d = ok_event(&app, &worker, id, json!({"kind": "device_replaced", "at": "2020-11-12T10:00",
        "new_asset_number": "JT-8202", "new_serial": "SJT-8202"})).await;
    let new = d["events"].as_array().and_then(|e| e.last()).and_then(|e| e["replacement_id"].as_i64()).expect("new terminal");
    let labels: Vec<String> = d["tasks"].as_array().expect("tasks").iter().map(|t| t["label"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(labels, ["エ プリンタ設定の変更 を交換後の統合端末に再適用", "交換後の統合端末の管理者パスワードを新たに設定（オ）"]);
    assert_eq!(d["tasks"][0]["job_id"].as_i64(), Some(job));

    // The new terminal stands where the old one stood, with its panel; the old one retired.
    let n = get(&app, &city, &format!("/api/v1/terminals/{new}")).await;
    assert_eq!((n["serial"].as_str(), n["room"].as_str(), n["model"].as_str(), n["status"].as_str()), (Some("SJT-8202"), Some("市民課"), Some("端末型式"), Some("in_service")), "{n}");
    assert_eq!(n["touch_panel_id"].as_i64(), Some(panel));
    let o = get(&app, &city, &format!("/api/v1/terminals/{t}")).await;
    assert_eq!((o["status"].as_str(), o["touch_panel_id"].as_i64()), (Some("retired"), None), "{o}");
    let targets: Vec<i64> = sqlx::query_scalar("SELECT terminal_id FROM job_terminals WHERE job_id = $1")
        .bind(open_job)
        .fetch_all(app.store.pool())
        .await
        .expect("targets");
    assert_eq!(targets, [new], "the open job moved to the replacement");
    let kept: Vec<i64> = sqlx::query_scalar("SELECT terminal_id FROM job_terminals WHERE job_id = $1")
        .bind(job)
        .fetch_all(app.store.pool())
        .await
        .expect("targets");
    assert_eq!(kept, [t], "the work done stays where it was done");
    let old_history: Vec<String> = history(&app, "terminal", t).await.into_iter().map(|h| h.0).collect();
    assert_eq!(old_history.last().map(String::as_str), Some("retired"), "{old_history:?}");

    // Both tasks before the recovery, then a check after them.
    for (task, _) in open_tasks(&d) {
        let (s, body) = event(&app, &lead, id, json!({"kind": "resolved"})).await;
        assert_eq!(s, 409, "{body}");
        ok_event(&app, &worker, id, json!({"kind": "task_done", "task_id": task, "at": "2020-11-12T11:00"})).await;
    }
    ok_event(&app, &worker, id, json!({"kind": "operation_checked", "at": "2020-11-12T11:10"})).await;
    let d = ok_event(&app, &lead, id, json!({"kind": "resolved", "at": "2020-11-12T11:15"})).await;
    assert_eq!(d["status"], "resolved");
}

both_engines!(
    a_touch_panel_swap_waits_for_its_re_setup,
    a_terminal_swap_reapplies_the_years_work_and_a_new_password,
);
