//! One 作業依頼書 walked through the UI in headless Chromium, from its issue by the City to
//! its acceptance: the procedure written, submitted and approved, the work recorded per
//! terminal, the result reported and accepted, each step by the role that owns it.

use fantoccini::{Client, Locator};
use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::browser::{ChromeDriver, SCENARIO, text_of, wait_for_path};
use crate::support::{Engine, TestApp, test_password, username};

/// Sets a form field's value directly (date and time inputs ignore typed text in some locales).
pub(crate) async fn fill(client: &Client, css: &str, value: &str) {
    let el = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    client
        .execute(
            "arguments[0].value = arguments[1];",
            vec![serde_json::to_value(&el).expect("element"), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("set {css}: {e}"));
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Waits until the element at `css` shows `needle` (a form post redirects back to the same
/// path, so the path alone does not say the new page has loaded).
pub(crate) async fn wait_for_text(client: &Client, css: &str, needle: &str) {
    let started = std::time::Instant::now();
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && el.text().await.is_ok_and(|t| t.contains(needle))
        {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "{css} never showed {needle}: {}",
            text_of(client, "main").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn sign_in(client: &Client, app: &TestApp, role: Role) {
    client.goto(&app.url("/login")).await.expect("login page");
    fill(client, "#username", &username(role)).await;
    fill(client, "#password", &test_password(role)).await;
    click(client, "form[action='/login'] button[type='submit']").await;
    wait_for_path(client, "/", None).await;
}

async fn sign_out(client: &Client) {
    click(client, "header form[action='/logout'] button").await;
    wait_for_path(client, "/login", None).await;
}

/// Opens the request page as `role`.
async fn as_role(client: &Client, app: &TestApp, role: Role, path: &str) {
    sign_in(client, app, role).await;
    client.goto(&app.url(path)).await.expect("open the request");
    wait_for_path(client, path, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_from_issue_to_acceptance_in_chromium() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    // Fixtures through the API: two terminals and one イ job from a J-LIS notice.
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    for (n, code) in ["011011", "011029"].iter().enumerate() {
        let t = json!({"asset_number": format!("B-{n}"), "serial": format!("BS-{n}"), "model": "型式", "site_code": code});
        assert_eq!(
            lead.post(app.url("/api/v1/terminals"))
                .json(&t)
                .send()
                .await
                .expect("terminal")
                .status(),
            201
        );
    }
    let notice: Value = city.post(app.url("/api/v1/notices"))
        .json(&json!({"received_on": "2020-10-01", "jlis_reference": "J-LIS-B-1", "title": "OS更新", "body": "本文", "kind": "os_security_update"}))
        .send().await.expect("notice").json().await.expect("json");
    let job: Value = city.post(app.url("/api/v1/jobs"))
        .json(&json!({"category": "イ", "origin": "notice", "notice_id": notice["id"], "title": "OSセキュリティ更新", "all_terminals": true}))
        .send().await.expect("job").json().await.expect("json");
    assert!(job["id"].is_i64(), "{job}");

    let driver = ChromeDriver::start().await;
    let client = driver.connect().await;
    client
        .set_window_size(1280, 1024)
        .await
        .expect("window size");
    tokio::time::timeout(SCENARIO, scenario(&app, &client))
        .await
        .unwrap_or_else(|_| panic!("the browser scenario took longer than {SCENARIO:?}"));
    client.close().await.expect("close");
    drop(driver);
}

async fn scenario(app: &TestApp, client: &Client) {
    // The City issues the request.
    as_role(client, app, Role::CityStaff, "/requests").await;
    fill(client, "input[name='request_number']", "R2-B01").await;
    for (name, date) in [
        ("issued_on", "2020-10-01"),
        ("period_from", "2020-10-05"),
        ("period_to", "2020-10-07"),
    ] {
        fill(client, &format!("input[name='{name}']"), date).await;
    }
    click(client, "input[name='job_ids']").await;
    for site in client
        .find_all(Locator::Css("input[name='site_ids']"))
        .await
        .expect("sites")
        .iter()
        .take(2)
    {
        site.click().await.expect("site");
    }
    fill(
        client,
        "textarea[name='contents']",
        "OSセキュリティ更新プログラムの適用",
    )
    .await;
    click(client, "form[method='post'][action='/requests'] button[type='submit']").await;
    let started = std::time::Instant::now();
    let path = loop {
        let url = client.current_url().await.expect("url");
        if url.path().starts_with("/requests/") {
            break url.path().to_string();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still on {url}: {}",
            text_of(client, "main").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(text_of(client, "main dl").await.contains("発行済"));
    sign_out(client).await;

    // The lead writes the procedure and submits it.
    as_role(client, app, Role::ContractorLead, &path).await;
    // The steps are rows of inputs: 行を追加 shows one more row, keeping what was typed.
    let rows = [
        ("更新プログラムを適用する", "更新履歴に表示される"),
        ("再起動する", "ログイン画面が表示される"),
    ];
    let blank_rows = client
        .find_all(Locator::Css("#procedure-form input[name='action']"))
        .await
        .expect("rows")
        .len();
    fill(client, "#procedure-form input[name='action']", rows[0].0).await;
    click(client, "#procedure-form button[name='add_row']").await;
    loop {
        let n = client
            .find_all(Locator::Css("#procedure-form input[name='action']"))
            .await
            .expect("rows")
            .len();
        if n > blank_rows {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for (name, nth) in [("action", 0), ("expected_result", 1)] {
        let inputs = client
            .find_all(Locator::Css(&format!("#procedure-form input[name='{name}']")))
            .await
            .expect("inputs");
        assert_eq!(
            inputs[0].prop("value").await.expect("value").as_deref(),
            Some(if nth == 0 { rows[0].0 } else { "" }),
            "what was typed is kept"
        );
        for (i, row) in rows.iter().enumerate() {
            let v = if nth == 0 { row.0 } else { row.1 };
            client
                .execute(
                    "arguments[0].value = arguments[1];",
                    vec![serde_json::to_value(&inputs[i]).expect("element"), json!(v)],
                )
                .await
                .expect("set");
        }
    }
    click(client, "#procedure-form .actions button[type='submit']").await;
    wait_for_text(client, "main", "第1版").await;
    click(client, "form[action$='/submit'] button[type='submit']").await;
    wait_for_text(client, "main", "提出済").await;
    sign_out(client).await;

    // The City approves it.
    as_role(client, app, Role::CityStaff, &path).await;
    click(client, "button[name='verdict'][value='approve']").await;
    // A confirmation page first (no JavaScript needed), then the approval.
    wait_for_text(client, "main", "実行の確認").await;
    click(client, ".confirm button[type='submit']").await;
    wait_for_text(client, "main dl", "手順書承認済").await;
    wait_for_text(client, "main", "承認しました。").await;
    sign_out(client).await;

    // The worker records both steps on both terminals at once.
    as_role(client, app, Role::ContractorWorker, &path).await;
    // At a phone's width (390 px) the page keeps to the screen and each label of the form
    // sits above its input, which takes the form's width.
    client.set_window_size(390, 844).await.expect("phone width");
    let layout = client
        .execute(
            "const f = document.querySelector('#record-form');
             const l = [...f.querySelectorAll('label')].find(x => x.textContent.startsWith('開始日時'));
             const i = l.querySelector('input');
             const lr = l.getBoundingClientRect(), ir = i.getBoundingClientRect(), fr = f.getBoundingClientRect();
             return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                     below: ir.top >= lr.top + 10, left: Math.abs(ir.left - lr.left) < 2,
                     wide: ir.width >= fr.width * 0.8, fits: fr.right <= window.innerWidth};",
            vec![],
        )
        .await
        .expect("layout");
    assert!(
        layout["scroll"].as_f64() <= layout["inner"].as_f64()
            && layout["below"] == true
            && layout["left"] == true
            && layout["wide"] == true
            && layout["fits"] == true,
        "{layout}"
    );
    if let Ok(dir) = std::env::var("JUKIOPS_SCREENSHOTS") {
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/request_390.png"), png).expect("write");
        client.execute("document.querySelector('#record-form').scrollIntoView()", vec![]).await.expect("scroll");
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(format!("{dir}/request_390_form.png"), png).expect("write");
    }
    client.set_window_size(1280, 1024).await.expect("desktop width");
    for css in ["input[name='terminal_id']", "input[name='step_order']"] {
        for el in client
            .find_all(Locator::Css(css))
            .await
            .expect("checkboxes")
        {
            el.click().await.expect("check");
        }
    }
    fill(client, "input[name='started_at']", "2020-10-05T09:00").await;
    fill(client, "input[name='ended_at']", "2020-10-05T09:40").await;
    click(client, "#record-form button[type='submit']").await;
    wait_for_text(client, "main dl", "作業中").await;
    let records = client
        // Grouped by site, a row per terminal, its steps folded inside (one item each).
        .find_all(Locator::Css("details.record-group > table > tbody > tr li"))
        .await
        .expect("rows");
    assert_eq!(
        records.len(),
        4,
        "2 terminals x 2 steps: {}",
        text_of(client, "main").await
    );
    sign_out(client).await;

    // The lead reports; the City accepts.
    as_role(client, app, Role::ContractorLead, &path).await;
    click(client, "form[action$='/report'] button[type='submit']").await;
    wait_for_text(client, "main dl", "結果報告済").await;
    sign_out(client).await;
    as_role(client, app, Role::CityStaff, &path).await;
    click(client, "form[action^='/reports/'] button[value='approve']").await;
    wait_for_text(client, "main", "結果報告を受理し").await;
    click(client, ".confirm button[type='submit']").await;
    wait_for_text(client, "main dl", "完了").await;
    let facts = text_of(client, "main dl").await;
    assert!(facts.contains("完了"), "{facts}");
}
