//! The same create sent by 12 clients at the same moment (issue 10, item 8): one is
//! created, every other answer is 409 naming the field the database's unique index
//! protects, whether the duplicate was seen before writing or by the index while writing;
//! never a 500. A work record sent again replaces the earlier one, so 12 identical records
//! all succeed, one after the other, and one record remains.

use std::sync::Arc;

use jukiops_domain::people::Role;
use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

const SENDS: usize = 12;

/// Sends `SENDS` requests built by `make(i)` at the same moment (each task waits for all the
/// others at a barrier before sending); returns every status with its body.
async fn at_once<F>(make: F) -> Vec<(u16, Value)>
where
    F: Fn(usize) -> reqwest::RequestBuilder,
{
    let barrier = Arc::new(Barrier::new(SENDS));
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..SENDS {
        let (request, barrier) = (make(i), barrier.clone());
        sends.spawn(async move {
            barrier.wait().await;
            let r = request.send().await.expect("send");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let mut answers = Vec::with_capacity(SENDS);
    while let Some(answer) = sends.join_next().await {
        answers.push(answer.expect("task"));
    }
    answers
}

/// Exactly one `ok` answer; every other one 409 naming `field` in Japanese.
fn one_and_conflicts(what: &str, answers: &[(u16, Value)], ok: u16, field: &str) {
    let mut created = 0;
    for (status, body) in answers {
        match status {
            s if *s == ok => created += 1,
            409 => {
                assert_eq!(problem_fields(body), [field], "{what}: {body}");
                let message = body["errors"][0]["message"].as_str().unwrap_or_default();
                assert!(!message.is_ascii(), "{what}: a Japanese message: {body}");
            }
            other => panic!("{what}: unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1, "{what}: {answers:?}");
}

async fn post(c: &reqwest::Client, url: String, body: Value) -> Value {
    let r = c.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert!((200..300).contains(&status), "{status}: {body}");
    body
}

async fn users(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.client(Role::Admin).await;
    let answers = at_once(|_| {
        admin.post(app.url("/api/v1/users")).json(&json!({"username": "same-name",
            "display_name": "同時 登録", "role": "contractor_worker", "password": "long-enough-password"}))
    })
    .await;
    one_and_conflicts("users", &answers, 201, "username");
}

async fn notices(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let answers = at_once(|_| {
        city.post(app.url("/api/v1/notices")).json(&json!({"received_on": "2020-10-01",
            "jlis_reference": "J-LIS-SAME", "title": "通知", "body": "本文", "kind": "settings_change"}))
    })
    .await;
    one_and_conflicts("notices", &answers, 201, "jlis_reference");
}

/// A terminal at the first ward office and a City order (オ) on every terminal.
async fn terminal_and_job(app: &TestApp) -> (Value, i64) {
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let t = post(
        &lead,
        app.url("/api/v1/terminals"),
        json!({"asset_number": "D-1", "serial": "DS-1", "model": "型式", "site_code": "011011"}),
    )
    .await;
    let job = post(
        &city,
        app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "管理者パスワードの変更", "all_terminals": true}),
    )
    .await;
    (t, job["id"].as_i64().expect("job"))
}

fn request_body(number: &str, site_id: &Value, job_id: i64) -> Value {
    json!({"request_number": number, "issued_on": "2020-10-01", "period_from": "2020-10-05",
        "period_to": "2020-10-07", "site_ids": [site_id], "contents": "管理者パスワードの変更", "job_ids": [job_id]})
}

async fn work_requests(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (t, job) = terminal_and_job(&app).await;
    let city = app.client(Role::CityStaff).await;
    let body = request_body("R-SAME", &t["site_id"], job);
    let answers = at_once(|_| city.post(app.url("/api/v1/requests")).json(&body)).await;
    one_and_conflicts("work requests", &answers, 201, "request_number");
}

async fn sites(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let answers = at_once(|_| {
        lead.post(app.url("/api/v1/sites"))
            .json(&json!({"code": "same", "name": "新拠点", "postal_code": "060-8612"}))
    })
    .await;
    one_and_conflicts("sites", &answers, 201, "code");
}

/// The same touch panel attached to the same terminal by 12 clients: one attaches it, the
/// others are told it is attached already. Sent to 12 different terminals, each attach
/// moves the panel on from the terminal before, as it does one after the other: every one
/// succeeds and the panel ends on exactly one terminal.
async fn touch_panel_attachment(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let mut terminals = Vec::new();
    for n in 0..=SENDS {
        let body = json!({"asset_number": format!("A-{n:02}"), "serial": format!("AS-{n:02}"),
            "model": "型式", "site_code": "011011"});
        let t = post(&lead, app.url("/api/v1/terminals"), body).await;
        terminals.push(t["id"].as_i64().expect("terminal"));
    }
    let panel = post(
        &lead,
        app.url("/api/v1/touch-panels"),
        json!({"asset_number": "P-SAME", "serial": "PS-SAME", "model": "パネル", "status": "spare"}),
    )
    .await;
    let attach = |terminal: i64| {
        lead.put(app.url(&format!("/api/v1/terminals/{terminal}/touch-panel")))
            .json(&json!({"touch_panel_id": panel["id"]}))
    };
    let answers = at_once(|_| attach(terminals[0])).await;
    one_and_conflicts("touch panel, same terminal", &answers, 200, "terminal_id");

    let answers = at_once(|i| attach(terminals[i + 1])).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "touch panel, different terminals: {body}");
    }
    let attached: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM touch_panels WHERE terminal_id IS NOT NULL")
            .fetch_one(app.store.pool())
            .await
            .expect("count");
    assert_eq!(attached, 1);
}

/// 12 identical records of one step on one terminal, the first records of the request: each
/// corrects the one before, as a record sent again does; one record is current, and each
/// earlier version stays, naming the version that replaced it.
async fn work_records(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (t, job) = terminal_and_job(&app).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let d = post(
        &city,
        app.url("/api/v1/requests"),
        request_body("R-REC", &t["site_id"], job),
    )
    .await;
    let rid = d["request"]["id"].as_i64().expect("request");
    let steps = json!({"steps": [{"action": "管理者パスワードを変更する", "expected_result": "新しいパスワードでログインできる"}]});
    let r = lead
        .put(app.url(&format!("/api/v1/requests/{rid}/procedure")))
        .json(&steps)
        .send()
        .await
        .expect("procedure");
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.expect("json");
    let v1 = d["procedures"][0]["id"].as_i64().expect("v1");
    post(
        &lead,
        app.url(&format!("/api/v1/procedures/{v1}/submit")),
        json!({}),
    )
    .await;
    post(
        &city,
        app.url(&format!("/api/v1/procedures/{v1}/decision")),
        json!({"verdict": "approve", "comment": "承認"}),
    )
    .await;
    let people = app.store.contractor_people().await.expect("people");
    let worker_id = people
        .iter()
        .find(|p| p.username == "contractor-worker")
        .expect("worker")
        .id;
    let record = json!({"records": [{"terminal_id": t["id"], "step_order": 1, "outcome": "done",
        "performer_id": worker_id, "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"}]});
    let url = app.url(&format!("/api/v1/requests/{rid}/records"));
    let answers = at_once(|_| worker.post(url.clone()).json(&record)).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "work records: {body}");
    }
    let rows: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, replaced_by FROM work_records WHERE request_id = $1 ORDER BY id")
            .bind(rid)
            .fetch_all(app.store.pool())
            .await
            .expect("versions");
    assert_eq!(rows.len(), 12, "every version stays");
    let current: Vec<_> = rows.iter().filter(|(_, by)| by.is_none()).collect();
    assert_eq!(current.len(), 1, "{rows:?}");
    for pair in rows.windows(2) {
        assert_eq!(pair[0].1, Some(pair[1].0), "each names its successor: {rows:?}");
    }
}

/// The same two new terminals imported by 12 clients at once. An import creates what is
/// new and leaves what is there: every import that ran after the first answers 200 with
/// nothing changed. On PostgreSQL, one that met the first's rows in the unique index while
/// writing is refused as a whole, 409 naming the field (the refusal ends the transaction:
/// the import must not go on to its next row, which answered 500 when it did); one whose
/// check of a row ran just after the first import's commit is refused 422 naming the row's
/// field, as for any row already registered.
async fn terminal_import(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let csv =
        "資産番号,製造番号,機種,拠点コード\r\nI-1,IS-1,型式,011011\r\nI-2,IS-2,型式,011011\r\n";
    let answers = at_once(|_| {
        lead.post(app.url("/api/v1/terminals/import"))
            .header("content-type", "text/csv")
            .body(csv)
    })
    .await;
    let mut created = 0;
    for (status, body) in &answers {
        match status {
            200 => created += body["created"].as_i64().expect("created"),
            409 => assert!(
                matches!(problem_fields(body).as_slice(), [f] if f == "asset_number" || f == "serial"),
                "{body}"
            ),
            422 => assert!(
                problem_fields(body)
                    .iter()
                    .all(|f| f.ends_with("].asset_number") || f.ends_with("].serial")),
                "{body}"
            ),
            other => panic!("terminal import: unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 2, "{answers:?}");
}

both_engines!(
    terminal_import,
    users,
    notices,
    work_requests,
    sites,
    touch_panel_attachment,
    work_records,
);
