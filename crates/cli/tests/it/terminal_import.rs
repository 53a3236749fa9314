//! The CSV import in two steps (issue 13, item 5): the page first shows what the file would
//! do, row by row, writing nothing; only 取り込む on that preview imports it. The API takes
//! `preview=true` for the same check.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

/// A multipart body of text fields and at most one file (`file`).
fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----jukiopsImport7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The value of the hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!(r#"name="{name}" value=""#)).unwrap_or_else(|| panic!("{name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').expect("quote")].replace("&#x2f;", "/").replace("&#x3d;", "=").replace("&#x2b;", "+")
}

async fn terminal_count(app: &TestApp, who: &reqwest::Client) -> u64 {
    let (_, page) = call(who, Method::GET, app.url("/api/v1/terminals"), Value::Null).await;
    page["total"].as_u64().expect("total")
}

async fn the_page_previews_before_it_imports(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let (status, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "P-1", "serial": "PS-1", "model": "型式", "site_code": "011011"})).await;
    assert_eq!(status, 201, "{t}");
    let csv = "資産番号,製造番号,機種,拠点コード,設置場所\r\nP-1,PS-1,型式,011011,市民課\r\nP-2,PS-2,型式,011029,\r\nP-3,PS-3,型式,011029,\r\n";
    let (before_terminals, before_audit) = (terminal_count(&app, &lead).await, app.audit_total().await);

    // The API's preview says what would happen and writes nothing.
    let r = lead.post(app.url("/api/v1/terminals/import?preview=true")).header("content-type", "text/csv")
        .body(csv).send().await.expect("preview");
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.expect("json");
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(2), Some(1)), "{report}");
    let rows: Vec<(u64, &str, &str)> = report["rows"].as_array().expect("rows").iter()
        .map(|r| (r["row"].as_u64().expect("row"), r["asset_number"].as_str().expect("no"), r["outcome"].as_str().expect("outcome")))
        .collect();
    assert_eq!(rows, [(2, "P-1", "updated"), (3, "P-2", "created"), (4, "P-3", "created")]);
    assert_eq!((terminal_count(&app, &lead).await, app.audit_total().await), (before_terminals, before_audit));

    // The page: the file first gives the preview, nothing written.
    let (ct, body) = multipart(&[], Some(csv.as_bytes()));
    let r = lead.post(app.url("/terminals/import")).header("content-type", ct).body(body).send().await.expect("upload");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("取込内容の確認") && html.contains("新規 <strong>2件</strong>"), "{html}");
    assert!(html.contains("<td>更新</td>") && html.contains("<td>新規</td>"), "{html}");
    assert_eq!((terminal_count(&app, &lead).await, app.audit_total().await), (before_terminals, before_audit));

    // 取り込む carries the same file back, confirmed: now it is imported, with its audit entry.
    let carried = hidden(&html, "csv");
    let (ct, body) = multipart(&[("csv", &carried), ("confirmed", "1")], None);
    let r = lead.post(app.url("/terminals/import")).header("content-type", ct).body(body).send().await.expect("confirm");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("取り込みました: 新規 2件、更新 1件"), "{html}");
    assert_eq!(terminal_count(&app, &lead).await, before_terminals + 2);
    assert!(app.audit_total().await > before_audit, "the import is audited");

    // A carried file that is not base64 is refused as no file, naming nothing written.
    let (ct, body) = multipart(&[("csv", "%%%"), ("confirmed", "1")], None);
    let r = lead.post(app.url("/terminals/import")).header("content-type", ct).body(body).send().await.expect("bad");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("html").contains("CSVファイルを選んでください"));
    // A worker may not import at all.
    let worker = app.client(Role::ContractorWorker).await;
    let (ct, body) = multipart(&[], Some(csv.as_bytes()));
    let r = worker.post(app.url("/terminals/import")).header("content-type", ct).body(body).send().await.expect("worker");
    assert_eq!(r.status(), 403);
}

both_engines!(the_page_previews_before_it_imports);
