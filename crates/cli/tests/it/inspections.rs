//! カ and waived deliverables through the real server (R3.3, R8.4): the City's template
//! (built-in until edited), one checklist per terminal of a カ job (a second replaces
//! the first), findings raising a linked エ job once, and the City's waiver per job.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::jobs::{get, post, terminal};
use crate::support::{Engine, TestApp, problem_fields};


async fn put(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.put(url).json(&body).send().await.expect("put");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn fields(body: &Value) -> String {
    problem_fields(body).join(",")
}

/// A checklist for the two-item template below; `lock` is `pass` or `fail`.
fn checklist(terminal: i64, inspector: i64, lock: &str, note: Option<&str>) -> Value {
    json!({"terminal_id": terminal, "inspected_on": "2020-11-10", "inspector_id": inspector,
        "answers": [{"item_id": "screen_lock", "value": lock, "note": note},
                    {"item_id": "remarks", "value": "特になし"}]})
}

/// A requested カ job on `terminal` with a failed 画面ロック recorded by `worker` under
/// the built-in template; returns the job's id.
pub async fn inspection_job_with_finding(app: &TestApp, terminal: i64, worker: i64) -> i64 {
    let city = app.client(Role::CityStaff).await;
    let (s, j) = post(&city, app.url("/api/v1/jobs"),
        json!({"category": "カ", "origin": "city_order", "title": "年次点検", "terminal_ids": [terminal]})).await;
    assert_eq!(s, 201, "{j}");
    let jid = j["id"].as_i64().expect("id");
    crate::support::request_and_approve(app, &[jid]).await;
    let answers: Vec<Value> = [
        "location",
        "wiring",
        "seal_label",
        "os_patches",
        "touch_panel_calibration",
        "clock",
        "peripherals",
        "no_unneeded_software",
    ]
    .iter()
    .map(|id| json!({"item_id": id, "value": "pass"}))
    .chain([
        json!({"item_id": "screen_lock", "value": "fail", "note": "ロックが無効"}),
        json!({"item_id": "antivirus_definitions", "value": "2020-11-01"}),
    ])
    .collect();
    let lead = app.client(Role::ContractorLead).await;
    let (s, r) = post(&lead, app.url(&format!("/api/v1/jobs/{jid}/inspections")),
        json!({"terminal_id": terminal, "inspected_on": "2020-11-10", "inspector_id": worker, "answers": answers})).await;
    assert_eq!(s, 201, "{r}");
    jid
}

async fn inspection_checklists_findings_and_follow_ups(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t1 = terminal(&app, "T-1", "in_service").await;
    let t2 = terminal(&app, "T-2", "in_service").await;
    let t3 = terminal(&app, "T-3", "in_service").await;

    // The built-in template until the City edits it; bad templates name the field.
    let url = app.url("/api/v1/inspection/template");
    let (s, t) = get(&worker, url.clone()).await;
    assert_eq!((s, t["items"][0]["id"].as_str()), (200, Some("location")));
    let before = app.audit_count().await;
    for (body, field) in [
        (json!({"items": []}), "items"),
        (
            json!({"items": [{"id": "Bad", "label": "x", "kind": "pass_fail"}]}),
            "items[0].id",
        ),
        (
            json!({"items": [{"id": "a", "label": "x", "kind": "maybe"}]}),
            "items[0].kind",
        ),
    ] {
        let (s, r) = put(&city, url.clone(), body).await;
        assert_eq!((s, fields(&r)), (422, field.to_string()), "{r}");
    }
    assert_eq!(app.audit_count().await, before, "nothing written");
    let template = json!({"items": [
        {"id": "screen_lock", "label": "画面ロック", "kind": "pass_fail"},
        {"id": "remarks", "label": "特記事項", "kind": "text"}]});
    let (s, _) = put(&lead, url.clone(), template.clone()).await;
    assert_eq!(s, 403, "the City edits the template");
    let (s, t) = put(&city, url.clone(), template).await;
    assert_eq!(
        (s, t["items"].as_array().map(Vec::len)),
        (200, Some(2)),
        "{t}"
    );

    // A カ job on two terminals, requested by the City.
    let (s, j) = post(&city, app.url("/api/v1/jobs"),
        json!({"category": "カ", "origin": "city_order", "title": "年次点検", "terminal_ids": [t1, t2]})).await;
    assert_eq!(s, 201, "{j}");
    let jid = j["id"].as_i64().expect("id");
    crate::support::request_and_approve(&app, &[jid]).await;
    let me = app.user_id(Role::ContractorWorker).await;
    let url = app.url(&format!("/api/v1/jobs/{jid}/inspections"));

    // Bad checklists are refused, naming the field, and nothing is written.
    let before = app.audit_count().await;
    for (body, field, status) in [
        (checklist(t1, me, "fail", None), "answers[0].note", 422),
        (checklist(t1, me, "maybe", None), "answers[0].value", 422),
        (checklist(t3, me, "pass", None), "terminal_id", 422),
        (
            checklist(t1, app.user_id(Role::CityStaff).await, "pass", None),
            "inspector_id",
            422,
        ),
        (
            json!({"terminal_id": t1, "inspected_on": "11/10", "inspector_id": me,
            "answers": [{"item_id": "screen_lock", "value": "pass"}]}),
            "inspected_on",
            422,
        ),
        (
            json!({"terminal_id": t1, "inspected_on": "2020-11-10", "inspector_id": me, "answers": []}),
            "answers",
            422,
        ),
    ] {
        let (s, r) = post(&worker, url.clone(), body.clone()).await;
        assert_eq!((s, fields(&r)), (status, field.to_string()), "{body}: {r}");
    }
    let (s, _) = post(&city, url.clone(), checklist(t1, me, "pass", None)).await;
    assert_eq!(s, 403, "the contractor records the inspection");
    assert_eq!(app.audit_count().await, before, "nothing written");

    // One per terminal; a second replaces the first; the job starts.
    let (s, r) = post(&worker, url.clone(), checklist(t1, me, "pass", None)).await;
    assert_eq!(s, 201, "{r}");
    let (_, j) = get(&city, app.url(&format!("/api/v1/jobs/{jid}"))).await;
    assert_eq!(j["status"], "in_progress");
    let (s, r) = post(
        &worker,
        url.clone(),
        checklist(t1, me, "fail", Some("ロックが無効")),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["inspections"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r["not_inspected"][0]["id"], t2);
    assert_eq!(r["findings"][0]["job_title"], "年次点検の指摘: 画面ロック");
    let (_, h) = get(
        &city,
        app.url(&format!(
            "/api/v1/audit/inspection/{}",
            r["inspections"][0]["id"]
        )),
    )
    .await;
    let actions: Vec<&str> = h["items"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"replace"),
        "{h}"
    );

    // A finding raises one エ job on that terminal, linked back.
    let fu = app.url(&format!("/api/v1/jobs/{jid}/inspections/{t1}/follow-up"));
    let (s, _) = post(&worker, fu.clone(), json!({"item_id": "screen_lock"})).await;
    assert_eq!(s, 403);
    let (s, r) = post(&city, fu.clone(), json!({"item_id": "remarks"})).await;
    assert_eq!((s, fields(&r)), (422, "item_id".into()), "{r}");
    let (s, r) = post(
        &city,
        app.url(&format!("/api/v1/jobs/{jid}/inspections/{t2}/follow-up")),
        json!({"item_id": "screen_lock"}),
    )
    .await;
    assert_eq!(s, 404, "{r}");
    let (s, f) = post(&city, fu.clone(), json!({"item_id": "screen_lock"})).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(
        (
            f["category"].as_str(),
            f["origin"].as_str(),
            f["title"].as_str()
        ),
        (
            Some("エ"),
            Some("city_order"),
            Some("年次点検の指摘: 画面ロック")
        )
    );
    assert_eq!(f["terminals"][0]["id"], t1);
    let (s, r) = post(&city, fu, json!({"item_id": "screen_lock"})).await;
    assert_eq!((s, fields(&r)), (409, "item_id".into()), "{r}");
    let (s, r) = get(&lead, url.clone()).await;
    assert_eq!(
        (s, &r["findings"][0]["follow_up_job_id"]),
        (200, &f["id"]),
        "{r}"
    );
    let (s, _) = get(
        &lead,
        app.url(&format!("/api/v1/jobs/{}/inspections", f["id"])),
    )
    .await;
    assert_eq!(s, 404, "only カ jobs have inspections");
}

async fn the_city_waives_deliverables(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let t1 = terminal(&app, "T-1", "in_service").await;
    let (_, j) = post(&city, app.url("/api/v1/jobs"),
        json!({"category": "エ", "origin": "city_order", "title": "設定変更", "terminal_ids": [t1]})).await;
    let url = app.url(&format!("/api/v1/jobs/{}/waiver", j["id"]));
    let before = app.audit_count().await;
    for (body, field) in [
        (
            json!({"scope": "some", "decided_on": "2020-11-01"}),
            "scope",
        ),
        (
            json!({"scope": "part", "decided_on": "2020-11-01"}),
            "deliverables",
        ),
        (
            json!({"scope": "all", "deliverables": ["作業報告書"], "decided_on": "2020-11-01"}),
            "deliverables",
        ),
        (json!({"scope": "all", "decided_on": ""}), "decided_on"),
    ] {
        let (s, r) = post(&city, url.clone(), body).await;
        assert_eq!((s, fields(&r)), (422, field.to_string()), "{r}");
    }
    let (s, _) = post(
        &lead,
        url.clone(),
        json!({"scope": "all", "decided_on": "2020-11-01"}),
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(app.audit_count().await, before, "nothing written");
    let (s, _) = post(
        &city,
        app.url("/api/v1/jobs/999999/waiver"),
        json!({"scope": "all", "decided_on": "2020-11-01"}),
    )
    .await;
    assert_eq!(s, 404);
    let (s, w) = post(&city, url.clone(), json!({"scope": "part", "deliverables": ["作業写真", "作業写真"], "decided_on": "2020-11-01", "reason": "前回と同じ"})).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["deliverables"], json!(["作業写真"]));
    let (s, w) = post(
        &city,
        url,
        json!({"scope": "all", "decided_on": "2020-11-02"}),
    )
    .await;
    assert_eq!((s, w["scope"].as_str()), (200, Some("all")), "{w}");
    let (_, h) = get(&city, app.url(&format!("/api/v1/audit/job/{}", j["id"]))).await;
    let waives = h["items"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|e| e["action"] == "waive")
        .count();
    assert_eq!(waives, 2, "{h}");
}

both_engines!(
    inspection_checklists_findings_and_follow_ups,
    the_city_waives_deliverables
);
