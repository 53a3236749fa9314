//! Each person's inbox (issue 13, item 1): what waits for them moves from one side's inbox
//! to the other's as the chain goes on, each item linking to where it is acted on; the menu
//! shows the count; readers have nothing waiting.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

/// The count and the first item's link of `kind` in `who`'s inbox.
pub(crate) async fn waiting(app: &TestApp, who: &reqwest::Client, kind: &str) -> (u64, Option<String>) {
    let (status, inbox) = call(who, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    assert_eq!(status, 200, "{inbox}");
    let group = inbox["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["kind"] == kind)
        .cloned()
        .unwrap_or(Value::Null);
    (
        group["count"].as_u64().unwrap_or(0),
        group["items"][0]["href"].as_str().map(String::from),
    )
}

async fn what_waits_moves_from_one_side_to_the_other(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let auditor = app.client(Role::Auditor).await;
    let (_, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "I-1", "serial": "IS-1", "model": "型式", "site_code": "011011"})).await;
    let (_, j) = call(&city, Method::POST, app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "変更", "terminal_ids": [t["id"]]})).await;
    let (status, d) = call(&city, Method::POST, app.url("/api/v1/requests"), json!({"request_number": "R2-IN",
        "issued_on": "2020-10-01", "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [t["site_id"]],
        "contents": "作業", "job_ids": [j["id"]]})).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");
    let page = format!("/requests/{rid}");

    assert_eq!(waiting(&app, &lead, "procedure_to_write").await, (1, Some(page.clone())));
    assert_eq!(waiting(&app, &city, "procedure_to_decide").await.0, 0);
    let (_, d) = call(&lead, Method::PUT, app.url(&format!("{}/procedure", page.replace("/requests", "/api/v1/requests"))),
        json!({"steps": [{"action": "変更する", "expected_result": "完了"}]})).await;
    let v1 = d["procedures"][0]["id"].as_i64().expect("v1");
    assert_eq!(waiting(&app, &lead, "procedure_to_write").await.0, 1, "a draft is still to be submitted");
    call(&lead, Method::POST, app.url(&format!("/api/v1/procedures/{v1}/submit")), json!({})).await;
    assert_eq!(waiting(&app, &lead, "procedure_to_write").await.0, 0);
    assert_eq!(waiting(&app, &city, "procedure_to_decide").await, (1, Some(page.clone())));

    // The worker's question waits for the City; answered, it waits for the contractor's lead.
    let (_, q) = call(&worker, Method::POST, app.url(&format!("/api/v1/requests/{rid}/questions")),
        json!({"subject": "手順の確認", "body": "内容"})).await;
    assert_eq!(waiting(&app, &city, "question_to_answer").await.0, 1);
    assert_eq!(waiting(&app, &lead, "question_to_answer").await.0, 0, "not the lead's to answer");
    let qid = q["questions"][0]["id"].as_i64().expect("question");
    call(&city, Method::POST, app.url(&format!("/api/v1/questions/{qid}/answer")), json!({"answer": "回答"})).await;
    assert_eq!(waiting(&app, &city, "question_to_answer").await.0, 0);
    assert_eq!(waiting(&app, &lead, "question_to_close").await.0, 1);
    assert_eq!(waiting(&app, &worker, "question_to_close").await.0, 1, "the worker who asked");

    // The pages: the inbox lists it with its link, the menu shows the count, the dashboard
    // starts with it; the auditor has nothing waiting.
    let html = city.get(app.url("/inbox")).send().await.expect("inbox").text().await.expect("html");
    // The template escapes the link's slashes (&#x2f;), as it does every value.
    let link = format!("href=\"{}\"", page.replace('/', "&#x2f;"));
    assert!(html.contains(&link) && html.contains("R2-IN 作業手順書 第1版"), "{html}");
    assert!(html.contains("受信箱 <span class=\"badge count\""), "the menu counts what waits");
    let dashboard = city.get(app.url("/")).send().await.expect("dashboard").text().await.expect("html");
    assert!(dashboard.contains("承認待ちの作業手順書"), "the dashboard's first card");
    let (status, inbox) = call(&auditor, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    assert_eq!((status, inbox["total"].as_u64()), (200, Some(0)), "{inbox}");
    let html = auditor.get(app.url("/inbox")).send().await.expect("inbox").text().await.expect("html");
    assert!(html.contains("いま対応を待っているものはありません"));
}

both_engines!(what_waits_moves_from_one_side_to_the_other);
