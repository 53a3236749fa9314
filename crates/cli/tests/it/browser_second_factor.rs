//! The first sign-in and the second factor walked in headless Chromium under the default
//! policy: the security officer changes the password set for them, enrols the second
//! factor from the QR code's secret (the codes computed here with totp-rs), keeps the
//! recovery codes, signs in again with a code, then with a recovery code, which works once.

use fantoccini::{Client, Locator};
use jukiops_domain::people::Role;

use crate::browser::{ChromeDriver, SCENARIO, text_of, wait_for_path};
use crate::browser_request::{click, fill, wait_for_text};
use crate::support::{Engine, TestApp, fresh_code, test_password, username};

const NEW_PASSWORD: &str = "the officer's own passphrase";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_enrolment_and_sign_in_in_chromium() {
    let app = TestApp::spawn_secure(Engine::Sqlite, jukiops_web::WebConfig::default()).await;
    let driver = ChromeDriver::start().await;
    let client = driver.connect().await;
    client
        .set_window_size(1280, 1024)
        .await
        .expect("window size");
    tokio::time::timeout(SCENARIO, scenario(&app, &client))
        .await
        .unwrap_or_else(|_| panic!("the browser scenario took longer than {SCENARIO:?}"));
    client.close().await.expect("close the browser session");
    drop(driver);
}

async fn sign_in(client: &Client, app: &TestApp, password: &str) {
    client.goto(&app.url("/login")).await.expect("login page");
    fill(client, "#username", &username(Role::SecurityOfficer)).await;
    fill(client, "#password", password).await;
    click(client, "form[action='/login'] button[type='submit']").await;
}

async fn give_code(client: &Client, code: &str) {
    wait_for_path(client, "/login/second-factor", None).await;
    fill(client, "#code", code).await;
    click(
        client,
        "form[action='/login/second-factor'] button[type='submit']",
    )
    .await;
}

async fn log_out(client: &Client) {
    click(client, "header form[action='/logout'] button").await;
    wait_for_path(client, "/login", None).await;
}

async fn scenario(app: &TestApp, client: &Client) {
    // The first sign-in: the setup page, before anything else.
    sign_in(client, app, &test_password(Role::SecurityOfficer)).await;
    wait_for_path(client, "/account/setup", None).await;
    client.goto(&app.url("/audit")).await.expect("open /audit");
    wait_for_path(client, "/account/setup", None).await;
    fill(client, "#current", &test_password(Role::SecurityOfficer)).await;
    fill(client, "#new_password", NEW_PASSWORD).await;
    click(
        client,
        "form[action='/account/password'] button[type='submit']",
    )
    .await;
    wait_for_text(client, "main", "二要素認証の登録").await;

    // The QR code (drawn by the server) and the secret beside it.
    let qr = client
        .find(Locator::Css("img.qr"))
        .await
        .expect("QR code")
        .attr("src")
        .await
        .expect("src")
        .expect("a src");
    assert!(qr.starts_with("data:image/svg+xml;base64,"), "{qr}");
    let secret = text_of(client, "#totp-secret").await;
    assert!(secret.len() >= 32, "base32 secret: {secret}");
    let mut last = 0;
    fill(client, "#code", "000000").await;
    click(
        client,
        "form[action='/account/second-factor'] button[type='submit']",
    )
    .await;
    wait_for_text(client, "main", "確認コードが違います").await;
    let code = fresh_code(&secret, &mut last).await;
    fill(client, "#code", &code).await;
    click(
        client,
        "form[action='/account/second-factor'] button[type='submit']",
    )
    .await;
    wait_for_text(client, "main h1", "二要素認証を登録しました").await;
    let mut codes = Vec::new();
    for el in client
        .find_all(Locator::Css("ul.recovery-codes code"))
        .await
        .expect("codes")
    {
        codes.push(el.text().await.expect("code"));
    }
    assert_eq!(codes.len(), 10, "{codes:?}");
    click(client, "main a.button").await;
    wait_for_path(client, "/", None).await;
    assert_eq!(text_of(client, "main h1").await, "ダッシュボード");
    log_out(client).await;

    // Signing in now takes a code.
    sign_in(client, app, NEW_PASSWORD).await;
    let code = fresh_code(&secret, &mut last).await;
    give_code(client, &code).await;
    wait_for_path(client, "/", None).await;
    assert_eq!(text_of(client, "main h1").await, "ダッシュボード");
    let account = {
        client.goto(&app.url("/account")).await.expect("account");
        text_of(client, "main").await
    };
    assert!(account.contains("登録済みです"), "{account}");
    assert!(
        account.contains("確認コード"),
        "the sign-in's step: {account}"
    );
    log_out(client).await;

    // A recovery code, once.
    sign_in(client, app, NEW_PASSWORD).await;
    give_code(client, &codes[0]).await;
    wait_for_path(client, "/", None).await;
    log_out(client).await;
    sign_in(client, app, NEW_PASSWORD).await;
    give_code(client, &codes[0]).await;
    wait_for_text(client, "main", "既に使われています").await;
    assert_eq!(
        client.current_url().await.expect("url").path(),
        "/login/second-factor",
        "a used recovery code does not sign in"
    );
    let code = fresh_code(&secret, &mut last).await;
    give_code(client, &code).await;
    wait_for_path(client, "/", None).await;
}
