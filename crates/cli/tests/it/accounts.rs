//! Accounts under attack: where a sign-in may send the browser, what ends when a password
//! changes, and how guesses sent together are counted.

use jukiops_domain::people::Role;
use serde_json::json;

use crate::both_engines;
use crate::support::{Engine, TestApp, test_password, username};

/// After a correct sign-in the browser goes only to a path of this application: a `next`
/// that a browser would read as another host, or that cannot be a header, sends it home.
async fn sign_in_redirects_only_to_this_application(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let role = Role::CityStaff;
    let cases = [
        ("/\t/evil.example", "/"),
        ("/\n", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/ /evil.example", "/"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ("/jobs?status=done", "/jobs?status=done"),
        ("/terminals", "/terminals"),
    ];
    for (next, expected) in cases {
        let c = app.anonymous();
        let r = c
            .post(app.url("/login"))
            .form(&[
                ("username", username(role).as_str()),
                ("password", test_password(role).as_str()),
                ("next", next),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 303, "next={next:?}");
        assert_eq!(r.headers()["location"], expected, "next={next:?}");
    }
    // The login page itself keeps only a safe `next` in its form.
    let page = app
        .anonymous()
        .get(app.url("/login?next=%2F%09%2Fevil.example"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("text");
    assert!(!html.contains("evil.example"), "{html}");
}

/// A token made for a script ends when its owner's password changes, by the owner or by an
/// administrator's reset: a leaked token must not outlive the credentials it came with.
async fn password_changes_end_api_tokens(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let token = |c: reqwest::Client| {
        let app = &app;
        async move {
            let r = c
                .post(app.url("/api/v1/tokens"))
                .json(&json!({"name": "script"}))
                .send()
                .await
                .expect("token");
            assert_eq!(r.status(), 201);
            let body: serde_json::Value = r.json().await.expect("json");
            body["secret"].as_str().expect("secret").to_string()
        }
    };
    let works = |secret: String| {
        let app = &app;
        async move {
            app.anonymous()
                .get(app.url("/api/v1/me"))
                .bearer_auth(secret)
                .send()
                .await
                .expect("me")
                .status()
        }
    };
    let own = token(lead.clone()).await;
    assert_eq!(works(own.clone()).await, 200);
    let r = lead
        .put(app.url("/api/v1/me/password"))
        .json(&json!({"current": test_password(Role::ContractorLead), "new_password": "a brand new passphrase"}))
        .send()
        .await
        .expect("password");
    assert_eq!(r.status(), 204);
    assert_eq!(works(own).await, 401, "own password change");

    let worker = app.client(Role::ContractorWorker).await;
    let theirs = token(worker).await;
    assert_eq!(works(theirs.clone()).await, 200);
    let admin = app.client(Role::Admin).await;
    let users: serde_json::Value = admin
        .get(app.url("/api/v1/users?per_page=200"))
        .send()
        .await
        .expect("users")
        .json()
        .await
        .expect("json");
    let id = users["items"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|u| u["username"] == username(Role::ContractorWorker))
        })
        .and_then(|u| u["id"].as_i64())
        .expect("worker");
    let r = admin
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .json(&json!({"password": "reset by the administrator"}))
        .send()
        .await
        .expect("reset");
    assert_eq!(r.status(), 200);
    assert_eq!(works(theirs).await, 401, "administrator's reset");
}

/// 100 wrong guesses sent at once against one account: each is counted before its
/// password is checked, so no more than the account's limit reach the check (401); the rest
/// are refused as locked (429) or busy (503), each saying when to retry.
async fn guesses_sent_together_are_counted_before_checking(engine: Engine) {
    let limit = 5;
    let config = jukiops_web::WebConfig {
        accounts: jukiops_web::AccountPolicy {
            max_failures_per_account: limit,
            max_failures_per_address: 1000,
            // Every guess waits its turn here, so that every one is counted.
            max_pending_checks: 200,
            max_pending_per_address: 200,
            ..Default::default()
        },
        ..jukiops_web::WebConfig::default()
    };
    let app = TestApp::spawn_with(engine, config).await;
    let target = username(Role::CityStaff);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(100));
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..100 {
        let (c, url, target, barrier) = (
            app.anonymous(),
            app.url("/api/v1/login"),
            target.clone(),
            barrier.clone(),
        );
        guesses.spawn(async move {
            barrier.wait().await;
            let r = c
                .post(url)
                .json(&json!({"username": target, "password": format!("guess {n}")}))
                .send()
                .await
                .expect("login");
            let retry = r.headers().get("retry-after").is_some();
            (r.status().as_u16(), retry)
        });
    }
    let mut checked = 0;
    while let Some(r) = guesses.join_next().await {
        let (status, retry) = r.expect("task");
        match status {
            401 => checked += 1,
            429 | 503 => assert!(retry, "{status} says when to retry"),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked <= limit,
        "{checked} guesses reached the password check (limit {limit})"
    );
    // The account is locked now, even for its own password.
    let c = app.anonymous();
    let r = c
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": target, "password": test_password(Role::CityStaff)}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 429);
}

/// The current-password check of a password change is guarded like a sign-in: wrong
/// guesses past the account's limit are refused before being checked.
async fn current_password_guesses_are_throttled(engine: Engine) {
    let config = jukiops_web::WebConfig {
        accounts: jukiops_web::AccountPolicy {
            max_failures_per_account: 3,
            ..Default::default()
        },
        ..jukiops_web::WebConfig::default()
    };
    let app = TestApp::spawn_with(engine, config).await;
    let c = app.client(Role::ContractorWorker).await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let r = c
            .put(app.url("/api/v1/me/password"))
            .json(
                &json!({"current": format!("guess {n}"), "new_password": "a brand new passphrase"}),
            )
            .send()
            .await
            .expect("password");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 429, 429]);
}

both_engines!(
    sign_in_redirects_only_to_this_application,
    password_changes_end_api_tokens,
    guesses_sent_together_are_counted_before_checking,
    current_password_guesses_are_throttled,
);
