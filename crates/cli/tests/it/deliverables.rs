//! The register of deliverables (issue 15 item 1) through the real server: the contract's
//! table scheduled with due dates from the business calendar (a monthly report due after the
//! month, the March one by 31 March 2021 and the business day before when the City closes
//! the 31st), a submission kept exactly as submitted, returned with a comment and submitted
//! again, accepted; a waiver with its reason; the City's instruction within the period; the
//! inboxes; bad files and wrong roles refused with nothing written.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_engines;
use crate::chain_rules::call;
use crate::inbox::waiting;
use crate::support::{Engine, TestApp, problem_fields};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

async fn register(app: &TestApp, c: &reqwest::Client) -> Vec<Value> {
    let (s, d) = call(c, Method::GET, app.url("/api/v1/deliverables"), Value::Null).await;
    assert_eq!(s, 200, "{d}");
    d.as_array().expect("list").clone()
}

fn find<'a>(all: &'a [Value], title: &str) -> &'a Value {
    all.iter().find(|d| d["title"] == title).unwrap_or_else(|| panic!("{title}"))
}

async fn submit(app: &TestApp, c: &reqwest::Client, id: i64, name: &str, bytes: &[u8]) -> (u16, Value) {
    let r = c
        .post(app.url(&format!("/api/v1/deliverables/{id}/submissions")))
        .header("X-File-Name", name)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn register_with_due_dates_submissions_and_decisions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;

    // The contract's table: five at the start, two monthly for October to March.
    let all = register(&app, &city).await;
    assert_eq!(all.len(), 17, "{all:?}");
    let start = find(&all, "業務責任者指定通知書");
    assert_eq!((start["due_on"].as_str(), start["due_rule"].as_str()), (Some("2020-10-01"), Some("業務着手と同時")));
    let october = find(&all, "業務報告書（2020年10月分）");
    assert_eq!(october["due_on"], "2020-11-09", "5 business days after 31 October, 3 November a holiday");
    assert_eq!((october["status"].as_str(), october["overdue"].as_bool()), (Some("draft"), Some(true)));
    let march = find(&all, "業務報告書（2021年3月分）");
    assert_eq!(march["due_on"], "2021-03-31", "a Wednesday: by the day itself");
    assert_eq!(call(&worker, Method::GET, app.url("/api/v1/deliverables"), Value::Null).await.0, 403);

    // The City closes 31 March: the report is due the business day before.
    let (s, body) = call(&city, Method::PUT, app.url("/api/v1/calendar/overrides/2021-03-31"),
        json!({"is_open": false, "reason": "庁舎の電気設備点検"})).await;
    assert!(s < 300, "{body}");
    let all = register(&app, &city).await;
    assert_eq!(find(&all, "業務報告書（2021年3月分）")["due_on"], "2021-03-30");

    // A bad file or the wrong role: refused, nothing written.
    let id = october["id"].as_i64().expect("id");
    let before = app.audit_count().await;
    let (s, d) = submit(&app, &lead, id, "report.pdf", b"not a pdf").await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["file".to_string()]), "{d}");
    assert_eq!(submit(&app, &worker, id, "report.pdf", PDF).await.0, 403);
    assert_eq!(submit(&app, &city, id, "report.pdf", PDF).await.0, 403);
    assert_eq!(app.audit_count().await, before);

    // Submitted, kept exactly as submitted.
    let (s, sub) = submit(&app, &lead, id, "%E6%A5%AD%E5%8B%99%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf", PDF).await;
    assert_eq!(s, 201, "{sub}");
    assert_eq!((sub["version"].as_i64(), sub["file_name"].as_str()), (Some(1), Some("業務報告書.pdf")));
    assert_eq!(sub["sha256"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(submit(&app, &lead, id, "again.pdf", PDF).await.0, 409, "waits for the City");
    assert_eq!(waiting(&app, &city, "deliverable_to_decide").await, (1, Some(format!("/deliverables/{id}"))));

    // Returned with a comment (required), then submitted again and accepted.
    let decide = app.url(&format!("/api/v1/deliverables/{id}/decision"));
    let (s, d) = call(&city, Method::POST, decide.clone(), json!({"verdict": "return"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["comment".to_string()]));
    assert_eq!(call(&lead, Method::POST, decide.clone(), json!({"verdict": "accept"})).await.0, 403);
    let (s, d) = call(&city, Method::POST, decide.clone(), json!({"verdict": "return", "comment": "件数の集計を追記してください"})).await;
    assert_eq!((s, d["status"].as_str()), (200, Some("returned")), "{d}");
    let (n, href) = waiting(&app, &lead, "deliverable_owed").await;
    assert!(n >= 1 && href.is_some());
    let owed: Value = call(&lead, Method::GET, app.url("/api/v1/inbox"), Value::Null).await.1;
    assert!(owed.to_string().contains("業務報告書（2020年10月分）（差戻し）"), "{owed}");
    let second = b"%PDF-1.4\n% second version\n%%EOF\n";
    let (s, sub2) = submit(&app, &lead, id, "report-v2.pdf", second).await;
    assert_eq!((s, sub2["version"].as_i64()), (201, Some(2)));
    let (s, d) = call(&city, Method::POST, decide.clone(), json!({"verdict": "accept"})).await;
    assert_eq!((s, d["status"].as_str()), (200, Some("accepted")));
    assert_eq!(call(&city, Method::POST, decide, json!({"verdict": "accept"})).await.0, 409);
    assert_eq!(d["submissions"][0]["verdict"], "return");
    assert_eq!(d["submissions"][0]["comment"], "件数の集計を追記してください");
    // The first version is still there, byte for byte.
    let first = d["submissions"][0]["id"].as_i64().expect("first");
    let r = lead.get(app.url(&format!("/api/v1/deliverable-submissions/{first}"))).send().await.expect("get");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap_or("").starts_with("attachment"));
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), PDF);

    // A waiver by the City with its reason; nothing to submit afterwards.
    let november = find(&all, "業務報告書（2020年11月分）")["id"].as_i64().expect("id");
    let waiver = app.url(&format!("/api/v1/deliverables/{november}/waiver"));
    assert_eq!(call(&lead, Method::POST, waiver.clone(), json!({"reason": "x"})).await.0, 403);
    let (s, d) = call(&city, Method::POST, waiver.clone(), json!({"reason": ""})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["reason".to_string()]));
    let (s, d) = call(&city, Method::POST, waiver, json!({"reason": "11月は作業がなかったため"})).await;
    assert_eq!((s, d["status"].as_str(), d["overdue"].as_bool()), (200, Some("waived"), Some(false)), "{d}");
    assert_eq!(submit(&app, &lead, november, "r.pdf", PDF).await.0, 409);

    // The City asks for a progress report within the period.
    let url = app.url("/api/v1/deliverables");
    let (s, d) = call(&city, Method::POST, url.clone(), json!({"code": "progress_report", "due_on": "2021-04-10"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["due_on".to_string()]));
    let (s, d) = call(&city, Method::POST, url.clone(), json!({"code": "business_report", "due_on": "2020-12-10"})).await;
    assert_eq!((s, problem_fields(&d)), (422, vec!["code".to_string()]));
    assert_eq!(call(&lead, Method::POST, url.clone(), json!({"code": "progress_report", "due_on": "2020-12-10"})).await.0, 403);
    let (s, d) = call(&city, Method::POST, url, json!({"code": "progress_report", "due_on": "2020-12-10", "note": "12月の進捗"})).await;
    assert_eq!((s, d["title"].as_str(), d["due_on"].as_str()), (201, Some("進捗報告書"), Some("2020-12-10")), "{d}");
    assert_eq!(register(&app, &city).await.len(), 18);

    // Every step audited under the deliverable.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_entries WHERE entity = 'deliverable' AND entity_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(app.store.pool())
    .await
    .expect("audit");
    assert_eq!(actions, ["create", "submit", "return", "submit", "accept"]);

    // The pages, in Japanese, with the forms each side needs.
    let html = city.get(app.url("/deliverables")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("期限超過") && html.contains("提出の指示"), "{html}");
    let html = lead.get(app.url(&format!("/deliverables/{november}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("11月は作業がなかったため") && !html.contains("提出するファイル"));
    let march = find(&all, "業務報告書（2021年3月分）")["id"].as_i64().expect("id");
    let html = lead.get(app.url(&format!("/deliverables/{march}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("提出するファイル"), "{html}");
}

both_engines!(register_with_due_dates_submissions_and_decisions);
