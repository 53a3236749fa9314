//! The requests list says what each request waits on (issue 13, item 1), read from the
//! chain's records and filterable; its search finds requests by their sites' names and
//! codes as typed (full-width as half-width); and a bad query on a list page is answered on
//! the page itself, naming the field.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::Chain;
use crate::lists::{codes, csv_rows, download, get};
use crate::support::{Engine, problem_fields};

/// The request numbers the list shows for `waiting`, and what R2-101 and R2-102 wait on.
async fn waiting(c: &Chain, filter: &str) -> Vec<String> {
    let (status, page) = get(&c.city, &c.app, &format!("/api/v1/requests?waiting={filter}&sort=request_number")).await;
    assert_eq!(status, 200, "{page}");
    codes(&page, "request_number")
}

async fn waits(c: &Chain, number: &str) -> Value {
    let (_, page) = get(&c.city, &c.app, &format!("/api/v1/requests?q={number}")).await;
    page["items"][0]["waiting"].clone()
}

async fn requests_say_what_they_wait_on(engine: Engine) {
    let c = Chain::set_up(engine).await;
    // R2-101's procedure is approved: it waits on nothing.
    assert_eq!(waits(&c, "R2-101").await, json!([]));

    // R2-102: a procedure submitted and a question open at once.
    let (status, j) = c
        .post(&c.city, "/api/v1/jobs", json!({"category": "オ", "origin": "city_order", "title": "二つ目", "terminal_ids": [c.places[3].1]}))
        .await;
    assert_eq!(status, 201, "{j}");
    let (status, d) = c
        .post(&c.city, "/api/v1/requests", json!({"request_number": "R2-102", "issued_on": "2020-10-02",
            "period_from": "2020-10-05", "period_to": "2020-10-12", "site_ids": [c.places[3].0],
            "contents": "二件目の依頼", "job_ids": [j["id"]]}))
        .await;
    assert_eq!(status, 201, "{d}");
    let second = d["request"]["id"].as_i64().expect("id");
    let url = c.app.url(&format!("/api/v1/requests/{second}/procedure"));
    let (status, d) = crate::chain_rules::call(&c.lead, reqwest::Method::PUT, url,
        json!({"steps": [{"action": "作業する", "expected_result": "完了する"}]})).await;
    assert_eq!(status, 200, "{d}");
    let procedure = d["procedures"][0]["id"].as_i64().expect("procedure");
    assert_eq!(waits(&c, "R2-102").await, json!([]), "a draft waits on no one");
    assert_eq!(c.post(&c.lead, &format!("/api/v1/procedures/{procedure}/submit"), json!({})).await.0, 204);
    let (status, q) = c
        .post(&c.worker, &format!("/api/v1/requests/{second}/questions"), json!({"subject": "鍵の受け取り", "body": "鍵はどこで受け取るか"}))
        .await;
    assert_eq!(status, 201, "{q}");
    assert_eq!(waits(&c, "R2-102").await, json!(["procedure_submitted", "question_open"]));
    assert_eq!(waiting(&c, "procedure_submitted").await, ["R2-102"]);
    assert_eq!(waiting(&c, "question_open").await, ["R2-102"]);
    assert!(waiting(&c, "report_submitted").await.is_empty());

    // Returned: the contractor's turn.
    let (status, body) = c
        .post(&c.city, &format!("/api/v1/procedures/{procedure}/decision"), json!({"verdict": "return", "comment": "手順を詳しく"}))
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(waiting(&c, "procedure_returned").await, ["R2-102"]);
    assert!(waiting(&c, "procedure_submitted").await.is_empty());

    // R2-101: work recorded and reported, then the report returned.
    let records: Vec<Value> = (0..3)
        .map(|n| c.record(c.places[n].1, "2020-10-05", &format!("1{n}:00"), &format!("1{n}:30")))
        .collect();
    let (status, body) = c.post(&c.lead, &format!("/api/v1/requests/{}/records", c.request), json!({"records": records})).await;
    assert_eq!(status, 200, "{body}");
    let (status, d) = c.post(&c.lead, &format!("/api/v1/requests/{}/report", c.request), json!({})).await;
    assert!(status < 300, "{d}");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    assert_eq!(waiting(&c, "report_submitted").await, ["R2-101"]);
    let (status, body) = c
        .post(&c.city, &format!("/api/v1/reports/{report}/decision"), json!({"verdict": "return", "comment": "写真を添付してください"}))
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(waiting(&c, "report_returned").await, ["R2-101"]);
    assert!(waiting(&c, "report_submitted").await.is_empty());

    // The page says it in Japanese, offers the filter, and the export carries the column.
    let html = c.city.get(c.app.url("/requests?waiting=report_returned")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("結果報告の差戻し(再提出待ち)"), "{html}");
    assert!(html.contains(r#"<option value="report_returned" selected>"#), "{html}");
    assert!(!html.contains(">R2-102<"), "filtered out");
    let (status, _, bytes) = download(&c.city, &c.app, "/requests?waiting=question_open&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0][6].as_str(), rows[1][0].as_str()), ("対応待ち", "R2-102"));
    assert_eq!(rows[1][6], "作業手順書の差戻し(再提出待ち)・疑義の回答待ち");

    // A cancelled request waits on nothing, its open question notwithstanding.
    assert_eq!(c.post(&c.city, &format!("/api/v1/requests/{second}/cancel"), json!({})).await.0, 200);
    assert!(waiting(&c, "question_open").await.is_empty());
    assert_eq!(waits(&c, "R2-102").await, json!([]));

    let (status, body) = get(&c.city, &c.app, "/api/v1/requests?waiting=everything").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["waiting"]);
}

async fn requests_are_found_by_their_sites(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let (status, s) = c
        .post(&c.lead, "/api/v1/sites", json!({"code": "JT-0001", "name": "試験センター"}))
        .await;
    assert_eq!(status, 201, "{s}");
    let body = json!({"asset_number": "JT-T-1", "serial": "JS-1", "model": "型式", "site_code": "JT-0001"});
    let (status, t) = c.post(&c.lead, "/api/v1/terminals", body).await;
    assert_eq!(status, 201, "{t}");
    let (status, j) = c
        .post(&c.city, "/api/v1/jobs", json!({"category": "オ", "origin": "city_order", "title": "試験", "terminal_ids": [t["id"]]}))
        .await;
    assert_eq!(status, 201, "{j}");
    let (status, d) = c
        .post(&c.city, "/api/v1/requests", json!({"request_number": "R2-201", "issued_on": "2020-10-02",
            "period_from": "2020-10-05", "period_to": "2020-10-12", "site_ids": [s["id"]],
            "contents": "試験の依頼", "job_ids": [j["id"]]}))
        .await;
    assert_eq!(status, 201, "{d}");
    for q in ["ＪＴ－０００１", "jtー0001", "試験センター", "ｾﾝﾀｰ"] {
        let (status, page) = get(&c.city, &c.app, &format!("/api/v1/requests?q={q}")).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(codes(&page, "request_number"), ["R2-201"], "{q}");
    }
    // R2-101's sites are the contract's own: found by one of their names, R2-201 not.
    let site = c.get(&c.city, &format!("/api/v1/sites/{}", c.places[0].0)).await;
    let name = site["name"].as_str().expect("name").to_string();
    let (_, page) = get(&c.city, &c.app, &format!("/api/v1/requests?q={name}")).await;
    assert_eq!(codes(&page, "request_number"), ["R2-101"], "{name}");
}

async fn a_bad_list_query_is_answered_on_the_list_page(engine: Engine) {
    let c = Chain::set_up(engine).await;
    for (path, named) in [
        ("/requests?sort=password", "並べ替えの項目「password」"),
        ("/requests?per_page=7", "1ページの件数"),
        ("/requests?issued_from=2020/10/01", "発行日(から)"),
        ("/requests?waiting=x&format=csv", "対応待ち"),
        ("/sites?dir=up", "並べ替えの向き"),
        ("/audit?from=yesterday", "期間"),
    ] {
        let who = if path.starts_with("/audit") { c.app.client(Role::Auditor).await } else { c.city.clone() };
        let r = who.get(c.app.url(path)).send().await.expect("page");
        assert_eq!(r.status().as_u16(), 422, "{path}");
        let ctype = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(ctype.starts_with("text/html"), "{path}: {ctype}");
        let html = r.text().await.expect("html");
        assert!(html.contains(r#"id="list-errors""#) && html.contains(named), "{path}: {html}");
        // The list is still there, read without the refused parameter.
        assert!(html.contains(r#"role="search""#) && html.contains("<table"), "{path}");
    }
    let html = c.city.get(c.app.url("/requests?per_page=7")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("R2-101"), "{html}");
}

/// A request's records are grouped by site, one row per terminal, counts in the summaries;
/// the corrected ones likewise, folded away.
async fn records_are_grouped_by_site_and_terminal(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let records: Vec<Value> = (0..3)
        .map(|n| c.record(c.places[n].1, "2020-10-05", &format!("1{n}:00"), &format!("1{n}:30")))
        .collect();
    let path = format!("/api/v1/requests/{}/records", c.request);
    let (status, body) = c.post(&c.lead, &path, json!({"records": records})).await;
    assert_eq!(status, 200, "{body}");
    // Terminal 0 recorded again: a correction.
    let again = c.record(c.places[0].1, "2020-10-06", "09:00", "09:20");
    let (status, body) = c.post(&c.lead, &path, json!({"records": [again]})).await;
    assert_eq!(status, 200, "{body}");
    let html = c.lead.get(c.app.url(&format!("/requests/{}", c.request))).send().await.expect("page").text().await.expect("html");
    let groups = html.matches(r#"<details class="record-group">"#).count();
    assert_eq!(groups, 4, "three sites, and one in the corrected records: {html}");
    assert!(html.contains("記録3件(3拠点)"), "{html}");
    assert!(html.contains("(統合端末1台・記録1件)"), "{html}");
    assert!(html.contains("訂正前の記録(1件)"), "{html}");
    for n in 0..3 {
        assert!(html.contains(&format!("<td>C-{n}</td>")), "a row per terminal: {html}");
    }
    let site = c.get(&c.city, &format!("/api/v1/sites/{}", c.places[0].0)).await;
    let name = site["name"].as_str().expect("name");
    assert!(html.contains(&format!("<summary>{name}(統合端末1台・記録1件)</summary>")), "{html}");
}

both_engines!(
    records_are_grouped_by_site_and_terminal,
    requests_say_what_they_wait_on,
    requests_are_found_by_their_sites,
    a_bad_list_query_is_answered_on_the_list_page,
);
