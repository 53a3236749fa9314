//! The list tools (issue 13, item 2), through the one shared component: a search that
//! treats full-width as half-width and looks in site names, sorting both ways, filters,
//! page sizes, a bad query naming its parameter, and CSV (UTF-8 with BOM) and .xlsx exports
//! that hold exactly what the filter shows; who may read and export each list.

use calamine::{Data, Reader, Xlsx};
use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::{Chain, call};
use crate::support::{Engine, TestApp, problem_fields, username};

pub(crate) async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Value) {
    call(c, Method::GET, app.url(path), Value::Null).await
}

/// The answer's status, content type and bytes.
pub(crate) async fn download(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let r = c.get(app.url(path)).send().await.expect("send");
    let status = r.status().as_u16();
    let ctype = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ctype, r.bytes().await.expect("body").to_vec())
}

/// The rows of a CSV export (its BOM checked and removed), the header first.
pub(crate) fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect()
}

/// The cells of the first sheet of an .xlsx export, as text, the header first.
pub(crate) fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

pub(crate) fn codes(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn sites_are_searched_sorted_paged_and_exported(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    for (code, name) in [
        ("JT-0001", "試験センター第一"),
        ("JT-0002", "試験センター第二"),
        ("ZZ-0003", "別館"),
    ] {
        let (status, body) = call(
            &lead,
            Method::POST,
            app.url("/api/v1/sites"),
            json!({"code": code, "name": name}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    // Full-width letters, digits and dash find the half-width code; so does a long vowel mark.
    let (status, page) = get(&lead, &app, "/api/v1/sites?q=ＪＴ－０００１").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "code"), ["JT-0001"]);
    assert_eq!(page["total"], 1);
    let (_, page) = get(&lead, &app, "/api/v1/sites?q=jtー0002").await;
    assert_eq!(codes(&page, "code"), ["JT-0002"]);
    // The site's name is searched; every word must be found (a full-width space parts them).
    let (_, page) = get(&lead, &app, "/api/v1/sites?q=センター").await;
    assert_eq!(codes(&page, "code"), ["JT-0001", "JT-0002"]);
    let (_, page) = get(&lead, &app, "/api/v1/sites?q=試験　第二").await;
    assert_eq!(codes(&page, "code"), ["JT-0002"]);
    // A wildcard typed is a character, not "anything".
    let (_, page) = get(&lead, &app, "/api/v1/sites?q=%25").await;
    assert_eq!(page["total"], 0, "{page}");

    // The terminal list's own search normalises alike.
    let body = json!({"asset_number": "JT-T-0001", "serial": "S_1", "model": "型式", "site_code": "JT-0001"});
    let (status, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(status, 201, "{t}");
    let (_, page) = get(&lead, &app, "/api/v1/terminals?q=ｊｔーｔ－０００１").await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0001"]);
    let (_, page) = get(&lead, &app, "/api/v1/terminals?q=s_1").await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0001"]);
    let (_, page) = get(&lead, &app, "/api/v1/terminals?q=s%251").await;
    assert_eq!(page["total"], 0, "{page}");

    // Sorting both ways, on the contract's sites and these.
    let (_, all) = get(&lead, &app, "/api/v1/sites?per_page=200&sort=code&dir=asc").await;
    let asc = codes(&all, "code");
    assert!(asc.len() > 3, "{asc:?}");
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    let (_, all) = get(&lead, &app, "/api/v1/sites?per_page=200&sort=code&dir=desc").await;
    let mut desc = codes(&all, "code");
    desc.reverse();
    assert_eq!(desc, asc);
    let (_, page) = get(&lead, &app, "/api/v1/sites?sort=name&dir=desc&q=センター").await;
    assert_eq!(codes(&page, "code"), ["JT-0002", "JT-0001"]);

    // Page size: 20 a page, and the second page goes on where the first ended.
    let (_, first) = get(&lead, &app, "/api/v1/sites?per_page=20&sort=code").await;
    assert_eq!(first["per_page"], 20);
    let first = codes(&first, "code");
    assert_eq!(first, asc[..first.len().min(20)]);
    if asc.len() > 20 {
        let (_, second) = get(&lead, &app, "/api/v1/sites?per_page=20&page=2&sort=code").await;
        assert_eq!(codes(&second, "code")[0], asc[20]);
    }

    // A query the list does not offer is refused naming its parameter.
    let (status, body) = get(&lead, &app, "/api/v1/sites?sort=password").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["sort"]);
    assert!(body["detail"].as_str().unwrap_or_default().contains("password"), "{body}");
    let (status, body) = get(&lead, &app, "/api/v1/sites?per_page=30&dir=up").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["dir", "per_page"]);
    let r = lead.get(app.url("/sites?sort=password")).send().await.expect("page");
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap_or_default().contains("並べ替えの項目"));

    // The exports hold what the filter shows, headed in Japanese.
    let (status, ctype, bytes) = download(&lead, &app, "/api/v1/sites?q=ｊｔ&format=csv").await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/csv"), "{ctype}");
    let rows = csv_rows(&bytes);
    assert_eq!(rows[0][..2], ["拠点コード", "拠点名"]);
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(exported, ["JT-0001", "JT-0002"]);
    assert_eq!(rows[1][1], "試験センター第一");
    let (status, ctype, bytes) = download(&lead, &app, "/sites?q=センター&sort=code&dir=desc&format=xlsx").await;
    assert_eq!(status, 200);
    assert!(ctype.contains("spreadsheetml"), "{ctype}");
    let rows = xlsx_rows(bytes);
    assert_eq!(rows[0][0], "拠点コード");
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(exported, ["JT-0002", "JT-0001"]);
    // The terminals column is a number in Excel.
    assert_eq!(rows[1][4], "0");
    assert_eq!(rows[2][4], "1");

    // The page: the search kept in the box, sorted headings marked, links keeping the query.
    let html = lead
        .get(app.url("/sites?q=ＪＴ－０００１&sort=name&dir=desc"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("JT-0001") && !html.contains("JT-0002"), "{html}");
    assert!(html.contains(r#"value="ＪＴ－０００１""#), "the search stays in the box");
    assert!(html.contains(r#"aria-sort="descending""#), "{html}");
    assert!(html.contains(r#"aria-sort="none""#));
    assert!(html.contains("format=csv") && html.contains("format=xlsx"));
    assert!(html.contains("sort=name&amp;dir=desc") || html.contains("sort=name&dir=desc"));
}

async fn requests_are_filtered_by_status_and_searched_by_number_and_contents(engine: Engine) {
    let chain = Chain::set_up(engine).await;
    let app = &chain.app;
    let (status, j) = call(
        &chain.city,
        Method::POST,
        app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "二つ目", "terminal_ids": [chain.places[3].1]}),
    )
    .await;
    assert_eq!(status, 201, "{j}");
    let contents = "第二の依頼として、区役所の統合端末を点検してください。点検の結果は報告書にまとめること。\n詳細は別紙。";
    let (status, d) = call(
        &chain.city,
        Method::POST,
        app.url("/api/v1/requests"),
        json!({"request_number": "R2-102", "issued_on": "2020-10-02", "period_from": "2020-10-05",
            "period_to": "2020-10-12", "site_ids": [chain.places[3].0], "contents": contents,
            "job_ids": [j["id"]]}),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    let second = d["request"]["id"].as_i64().expect("id");
    let url = app.url(&format!("/api/v1/requests/{second}/cancel"));
    let (status, d) = call(&chain.city, Method::POST, url, json!({})).await;
    assert_eq!(status, 200, "{d}");

    let auditor = app.client(Role::Auditor).await;
    let (_, all) = get(&auditor, app, "/api/v1/requests?sort=request_number&dir=asc").await;
    assert_eq!(codes(&all, "request_number"), ["R2-101", "R2-102"]);
    let (_, all) = get(&auditor, app, "/api/v1/requests?sort=request_number&dir=desc").await;
    assert_eq!(codes(&all, "request_number"), ["R2-102", "R2-101"]);
    // The subject is the first line of the contents, shortened.
    let subject = all["items"][0]["subject"].as_str().unwrap_or_default();
    assert!(subject.starts_with("第二の依頼として") && subject.ends_with('…'), "{subject}");
    assert!(subject.chars().count() <= 41, "{subject}");

    let (_, page) = get(&auditor, app, "/api/v1/requests?status=cancelled").await;
    assert_eq!(codes(&page, "request_number"), ["R2-102"]);
    let (_, page) = get(&auditor, app, "/api/v1/requests?status=issued").await;
    assert!(!codes(&page, "request_number").contains(&"R2-102".to_string()), "{page}");
    let (_, page) = get(&auditor, app, "/api/v1/requests?q=Ｒ２－１０１").await;
    assert_eq!(codes(&page, "request_number"), ["R2-101"]);
    let (_, page) = get(&auditor, app, "/api/v1/requests?q=点検　報告書").await;
    assert_eq!(codes(&page, "request_number"), ["R2-102"]);
    let (_, page) = get(&auditor, app, "/api/v1/requests?issued_from=2020-10-02").await;
    assert_eq!(codes(&page, "request_number"), ["R2-102"]);
    let (status, body) = get(&auditor, app, "/api/v1/requests?status=lost&issued_to=10/1").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["status", "issued_to"]);

    // The auditor exports what the filter shows.
    let (status, _, bytes) = download(&auditor, app, "/requests?status=cancelled&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][..2], ["番号", "件名・概要"]);
    assert_eq!(rows[1][0], "R2-102");
    assert_eq!(rows[1][5], "取消");
    let (status, _, bytes) = download(&auditor, app, "/api/v1/requests?q=R2&format=xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(xlsx_rows(bytes).len(), 3);

    // The page shows the subject column and the status filter.
    let html = auditor
        .get(app.url("/requests?status=cancelled"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("件名・概要") && html.contains("第二の依頼として"), "{html}");
    assert!(!html.contains(">R2-101<"), "filtered out");
    assert!(html.contains(r#"<option value="cancelled" selected>"#), "{html}");

    // Who may not read the requests may not export them either.
    let admin = app.client(Role::Admin).await;
    let (status, _, _) = download(&admin, app, "/api/v1/requests?format=csv").await;
    assert_eq!(status, 403);
    let (status, _, _) = download(&admin, app, "/requests?format=csv").await;
    assert_eq!(status, 403);
}

async fn the_audit_trail_is_filtered_by_person_record_action_and_dates(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    for code in ["AU-1", "AU-2"] {
        let (status, body) = call(
            &lead,
            Method::POST,
            app.url("/api/v1/sites"),
            json!({"code": code, "name": format!("監査{code}")}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let auditor = app.client(Role::Auditor).await;
    let who = username(Role::ContractorLead);
    let filter = format!("actor={who}&entity=site&action=create");
    let (status, page) = get(&auditor, &app, &format!("/api/v1/audit?{filter}")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 2, "{page}");
    for e in page["items"].as_array().expect("items") {
        assert_eq!((e["actor"].as_str(), e["entity"].as_str(), e["action"].as_str()),
            (Some(who.as_str()), Some("site"), Some("create")));
    }
    let (_, all) = get(&auditor, &app, "/api/v1/audit?per_page=200").await;
    assert!(all["total"].as_i64() > Some(2), "other entries are left out by the filter");
    // Newest first by default; oldest first when asked.
    let seqs = |p: &Value| -> Vec<i64> {
        p["items"].as_array().expect("items").iter().filter_map(|e| e["seq"].as_i64()).collect()
    };
    let (_, page) = get(&auditor, &app, &format!("/api/v1/audit?{filter}")).await;
    let newest = seqs(&page);
    assert!(newest[0] > newest[1]);
    let (_, page) = get(&auditor, &app, &format!("/api/v1/audit?{filter}&sort=seq&dir=asc")).await;
    let mut oldest = seqs(&page);
    oldest.reverse();
    assert_eq!(oldest, newest);
    // Dates are days in Japan: today holds them, a day long past holds none.
    let today = chrono::Utc::now()
        .with_timezone(&jukiops_domain::time::jst())
        .date_naive();
    let (_, page) = get(&auditor, &app, &format!("/api/v1/audit?{filter}&from={today}&to={today}")).await;
    assert_eq!(page["total"], 2, "{page}");
    let (_, page) = get(&auditor, &app, &format!("/api/v1/audit?{filter}&to=2020-01-01")).await;
    assert_eq!(page["total"], 0, "{page}");
    // Searching the changes.
    let (_, page) = get(&auditor, &app, "/api/v1/audit?q=監査AU-2").await;
    assert_eq!(page["total"], 1, "{page}");
    let (status, body) = get(&auditor, &app, "/api/v1/audit?entity=nothing&from=yesterday").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["entity", "from"]);

    // The export of the filter, in Japanese and Japan time.
    let (status, _, bytes) = download(&auditor, &app, &format!("/audit?{filter}&format=csv")).await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][..4], ["番号", "日時", "実行者", "対象"]);
    assert_eq!(rows[1][3], "拠点");
    assert!(rows[1][1].starts_with(&today.to_string()), "{rows:?}");
    let (status, _, bytes) = download(&auditor, &app, &format!("/api/v1/audit?{filter}&format=xlsx")).await;
    assert_eq!(status, 200);
    assert_eq!(xlsx_rows(bytes).len(), 3);

    // The page offers the people and actions the trail names.
    let html = auditor
        .get(app.url(&format!("/audit?{filter}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains(&format!(r#"<option value="{who}" selected>"#)), "{html}");
    assert!(html.contains("全2件"), "{html}");

    // A worker may not read the trail, nor export it.
    let worker = app.client(Role::ContractorWorker).await;
    for path in ["/api/v1/audit", "/api/v1/audit?format=csv", "/audit", "/audit?format=xlsx"] {
        let (status, _, _) = download(&worker, &app, path).await;
        assert_eq!(status, 403, "{path}");
    }
}

async fn users_and_touch_panels_share_the_tools(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let auditor = app.client(Role::Auditor).await;
    let (status, page) = get(&auditor, &app, "/api/v1/users?role=auditor").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "username"), [username(Role::Auditor)]);
    let (_, page) = get(&auditor, &app, "/api/v1/users?q=ＣＩＴＹ－ｓｔａｆｆ").await;
    assert_eq!(codes(&page, "username"), [username(Role::CityStaff)]);
    let (_, page) = get(&auditor, &app, "/api/v1/users?sort=username&dir=desc").await;
    let names = codes(&page, "username");
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
    let (status, _, bytes) = download(&auditor, &app, "/users?role=admin&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows[0][..3], ["ログインID", "氏名", "ロール"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][2], "システム管理者");
    let worker = app.client(Role::ContractorWorker).await;
    let (status, _, _) = download(&worker, &app, "/api/v1/users?format=csv").await;
    assert_eq!(status, 403);

    let lead = app.client(Role::ContractorLead).await;
    for (n, model) in [(1, "TP-A"), (2, "TP-B")] {
        let (status, body) = call(
            &lead,
            Method::POST,
            app.url("/api/v1/touch-panels"),
            json!({"asset_number": format!("P-000{n}"), "serial": format!("SN{n}"), "model": model}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, page) = get(&lead, &app, "/api/v1/touch-panels?q=ｐ－０００２").await;
    assert_eq!(codes(&page, "asset_number"), ["P-0002"]);
    let (_, page) = get(&lead, &app, "/api/v1/touch-panels?sort=model&dir=desc&status=in_service").await;
    assert_eq!(codes(&page, "asset_number"), ["P-0002", "P-0001"]);
    let (status, _, bytes) = download(&auditor, &app, "/touch-panels?q=TP-A&format=xlsx").await;
    assert_eq!(status, 200);
    let rows = xlsx_rows(bytes);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "P-0001");
    let admin = app.client(Role::Admin).await;
    let (status, _, _) = download(&admin, &app, "/api/v1/touch-panels?format=xlsx").await;
    assert_eq!(status, 403);
}

both_engines!(
    sites_are_searched_sorted_paged_and_exported,
    requests_are_filtered_by_status_and_searched_by_number_and_contents,
    the_audit_trail_is_filtered_by_person_record_action_and_dates,
    users_and_touch_panels_share_the_tools,
);
