//! The log of work that is not on the equipment (§6(4)): recorded by the contractor's
//! people, read by those who read the jobs, each fact bounded by the contract, audited in
//! Japanese, kept within its contract year.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

async fn post(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn entry(worked_on: &str, minutes: i64) -> Value {
    json!({"worked_on": worked_on, "kind": "inquiry", "minutes": minutes,
        "summary": "中央区役所からの操作方法の問い合わせに回答"})
}

async fn the_contractor_logs_work_the_contract_bounds(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let worker = app.client(Role::ContractorWorker).await;
    let url = app.url("/api/v1/work-log");

    // A day of the period, by the worker for themselves.
    let (status, e) = post(&worker, url.clone(), entry("2020-11-16", 45)).await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["kind_label"], "問い合わせ対応");
    assert_eq!(e["person_id"], app.user_id(Role::ContractorWorker).await);

    // The lead logs a meeting for the worker, about a request that does not exist: refused.
    let lead = app.client(Role::ContractorLead).await;
    let mut meeting = entry("2020-11-17", 60);
    meeting["kind"] = json!("打合せ");
    meeting["person_id"] = json!(app.user_id(Role::ContractorWorker).await);
    meeting["request_id"] = json!(999_999);
    let (status, body) = post(&lead, url.clone(), meeting.clone()).await;
    assert_eq!((status, problem_fields(&body)), (422, vec!["request_id".to_string()]));
    meeting["request_id"] = Value::Null;
    let (status, m) = post(&lead, url.clone(), meeting).await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["kind"], "meeting");

    // What the contract bounds: the day in the period, the minutes of one day, a person of
    // the contractor, a kind of the list; every refusal names its field.
    let cases = [
        (entry("2020-09-30", 30), "worked_on"),
        (entry("2021-04-01", 30), "worked_on"),
        (entry("2020-11-16", 0), "minutes"),
        (entry("2020-11-16", 24 * 60 + 1), "minutes"),
        (json!({"worked_on": "2020-11-16", "kind": "walk", "minutes": 10, "summary": "x"}), "kind"),
        (json!({"worked_on": "2020-11-16", "kind": "other", "minutes": 10, "summary": " "}), "summary"),
        (
            json!({"worked_on": "2020-11-16", "kind": "other", "minutes": 10, "summary": "x",
                "person_id": app.user_id(Role::CityStaff).await}),
            "person_id",
        ),
    ];
    for (body, field) in cases {
        let (status, problem) = post(&lead, url.clone(), body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(problem_fields(&problem), [field], "{body}");
    }

    // Read by the City, filtered by day and kind; recorded by nobody else.
    let city = app.client(Role::CityStaff).await;
    let list: Value = city
        .get(app.url("/api/v1/work-log?from=2020-11-17&kind=meeting"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["id"], m["id"]);
    let (status, _) = post(&city, url.clone(), entry("2020-11-16", 10)).await;
    assert_eq!(status, 403);

    // The trail names the entry in Japanese.
    let history = app
        .client(Role::Auditor)
        .await
        .get(app.url(&format!("/api/v1/audit/work_log/{}", e["id"])))
        .send()
        .await
        .expect("history");
    assert_eq!(history.status(), 200);
    let audit_page = app
        .client(Role::Auditor)
        .await
        .get(app.url("/audit"))
        .send()
        .await
        .expect("audit")
        .text()
        .await
        .expect("text");
    assert!(audit_page.contains("機器以外の作業の記録"), "entity label");
    assert!(audit_page.contains("作業時間(分)"), "field label");
}

async fn the_page_records_and_keeps_what_was_typed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let form = [
        ("worked_on", "2020-12-01"),
        ("kind", "research"),
        ("minutes", "90"),
        ("summary", "J-LISの手順書を読み、手順を確認した"),
        ("person_id", ""),
        ("request_id", ""),
    ];
    let r = lead
        .post(app.url("/work-log"))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    let page = lead
        .get(app.url("/work-log"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("J-LISの手順書を読み"), "listed");
    assert!(page.contains("調査"), "kind in Japanese");

    // A refused form comes back with the message, the field and what was typed.
    let mut bad = form;
    bad[0] = ("worked_on", "2019-12-01");
    let r = lead
        .post(app.url("/work-log"))
        .form(&bad)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("text");
    assert!(html.contains("履行期間"), "the reason");
    assert!(html.contains("J-LISの手順書を読み、手順を確認した"), "kept");
}

async fn entries_of_another_year_are_not_listed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let worker = app.client(Role::ContractorWorker).await;
    let (status, _) = post(&worker, app.url("/api/v1/work-log"), entry("2020-11-16", 30)).await;
    assert_eq!(status, 201);
    sqlx::query(
        "INSERT INTO contracts (name, fiscal_year, period_start, period_end, source, source_sha256, loaded_at) \
         VALUES ('別の契約', 2019, '2019-04-01', '2020-03-31', '', '', '2019-04-01T00:00:00Z')",
    )
    .execute(app.store.pool())
    .await
    .expect("contract");
    sqlx::query("UPDATE work_log SET contract_id = (SELECT id FROM contracts WHERE fiscal_year = 2019)")
        .execute(app.store.pool())
        .await
        .expect("move");
    let list: Value = worker
        .get(app.url("/api/v1/work-log"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 0, "{list}");
}

both_engines!(
    the_contractor_logs_work_the_contract_bounds,
    the_page_records_and_keeps_what_was_typed,
    entries_of_another_year_are_not_listed,
);
