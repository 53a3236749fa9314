//! Inbox notices by e-mail (issue 13, item 1): `jukiops mail send` hands each person with an
//! address one message naming what newly waits for them, through a relay (here a small SMTP
//! server on 127.0.0.1 that records what it is given); a second round sends nothing new; a
//! relay that refuses leaves the items to be sent next time; an address is checked.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, jukiops_bin, problem_fields, username};

/// One message the relay was given.
#[derive(Debug, Clone)]
struct Received {
    to: String,
    data: String,
}

/// An SMTP relay on 127.0.0.1 that takes every message (or, with `refuse`, none) and keeps
/// what it was given.
fn fake_relay(refuse: bool) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut out = stream.try_clone().expect("clone");
            let mut lines = BufReader::new(stream);
            let _ = out.write_all(b"220 relay.test ESMTP\r\n");
            let mut to = String::new();
            let mut line = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let cmd = line.trim_end().to_ascii_uppercase();
                let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                    b"250 relay.test\r\n"
                } else if cmd.starts_with("RCPT TO") && refuse {
                    b"550 5.7.1 relaying denied\r\n"
                } else if cmd.starts_with("RCPT TO") {
                    to = line.trim_end()[8..].trim().trim_matches(['<', '>']).to_string();
                    b"250 OK\r\n"
                } else if cmd == "DATA" {
                    let _ = out.write_all(b"354 go ahead\r\n");
                    let mut data = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).unwrap_or(0) == 0 || line == ".\r\n" {
                            break;
                        }
                        data.push_str(&line);
                    }
                    keep.lock().expect("lock").push(Received {
                        to: to.clone(),
                        data,
                    });
                    b"250 queued\r\n"
                } else if cmd == "QUIT" {
                    let _ = out.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 OK\r\n"
                };
                let _ = out.write_all(reply);
            }
        }
    });
    (port, got)
}

/// Runs `jukiops mail send` on `db_url` through the relay at `port`.
fn mail_send(db_url: &str, port: u16) -> (bool, String, String) {
    let out = Command::new(jukiops_bin())
        .args([
            "mail",
            "send",
            "--database-url",
            db_url,
            "--smtp-relay",
            &format!("127.0.0.1:{port}"),
            "--mail-from",
            "jukiops@city.example.jp",
            "--public-url",
            "https://jukiops.city.example.jp/",
        ])
        .env_remove("JUKIOPS_CONFIG")
        .output()
        .expect("run jukiops");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn waiting_items_are_mailed_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.client(Role::Admin).await;
    let city = app.client(Role::CityStaff).await;
    let lead_id = app.user_id(Role::ContractorLead).await;

    // An address is checked and named on refusal; a good one is kept.
    let (status, body) = call(&admin, Method::PATCH, app.url(&format!("/api/v1/users/{lead_id}")),
        json!({"email": "lead at example"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["email"], "{body}");
    assert!(body.to_string().contains("メールアドレス"), "{body}");
    let (status, body) = call(&admin, Method::PATCH, app.url(&format!("/api/v1/users/{lead_id}")),
        json!({"email": "lead@contractor.example.jp"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "lead@contractor.example.jp", "{body}");

    // Without a relay configured the command says so and fails.
    let out = Command::new(jukiops_bin())
        .args(["mail", "send", "--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("smtp_relay"));

    // The City issues a request: writing its procedure now waits for the lead.
    let lead = app.client(Role::ContractorLead).await;
    let (_, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "M-1", "serial": "MS-1", "model": "型式", "site_code": "011011"})).await;
    let (_, j) = call(&city, Method::POST, app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "変更", "terminal_ids": [t["id"]]})).await;
    let (status, d) = call(&city, Method::POST, app.url("/api/v1/requests"), json!({"request_number": "R2-M1",
        "issued_on": "2020-10-01", "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [t["site_id"]],
        "contents": "作業", "job_ids": [j["id"]]})).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");

    // A relay that refuses: the command fails, and the item is still to be told.
    let (port, got) = fake_relay(true);
    let (ok, out, err) = mail_send(&app.db.url, port);
    assert!(!ok, "{out}{err}");
    assert!(out.contains("失敗 1 通"), "{out}{err}");
    assert!(got.lock().expect("lock").is_empty());

    // The lead's inbox: the procedure to write, and the year's deliverables past their date.
    let (_, inbox) = call(&lead, Method::GET, app.url("/api/v1/inbox"), Value::Null).await;
    let waiting = inbox["total"].as_u64().expect("total");
    assert!(waiting > 1, "{inbox}");
    let (port, got) = fake_relay(false);
    let (ok, out, err) = mail_send(&app.db.url, port);
    assert!(ok, "{out}{err}");
    assert!(out.contains("送信 1 通"), "{out}");
    let messages = got.lock().expect("lock").clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].to, "lead@contractor.example.jp");
    let mail = mailparse::parse_mail(messages[0].data.as_bytes()).expect("a mail reader reads it");
    let subject = mail.headers.iter().find(|h| h.get_key() == "Subject").expect("subject").get_value();
    assert!(subject.contains(&format!("対応待ちの項目が{waiting}件")), "{subject}");
    let from = mail.headers.iter().find(|h| h.get_key() == "From").expect("from").get_value();
    assert!(from.contains("jukiops@city.example.jp"), "{from}");
    let text = mail.get_body().expect("body");
    assert!(text.contains("作業手順書"), "{text}");
    assert!(text.contains("R2-M1"), "{text}");
    assert!(text.contains(&format!("https://jukiops.city.example.jp/requests/{rid}")), "{text}");
    assert!(text.contains("業務報告書（2020年10月分）"), "the overdue deliverables too: {text}");

    // Nothing new: the next round sends nothing.
    let (ok, out, err) = mail_send(&app.db.url, port);
    assert!(ok, "{out}{err}");
    assert!(out.contains("送信 0 通"), "{out}");
    assert_eq!(got.lock().expect("lock").len(), 1);

    // An address removed at the command line: no more mail for that person.
    let out = Command::new(jukiops_bin())
        .args(["user", "email", &username(Role::ContractorLead), "", "--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (status, body) = call(&admin, Method::GET, app.url("/api/v1/users?per_page=100"), Value::Null).await;
    assert_eq!(status, 200, "{body}");
    let lead_row = body["items"].as_array().expect("items").iter().find(|u| u["id"] == lead_id).expect("the lead").clone();
    assert!(lead_row.get("email").is_some_and(Value::is_null), "{lead_row}");
    let (ok, out, _) = mail_send(&app.db.url, port);
    assert!(ok && out.contains("宛先 0 人"), "{out}");
}

both_engines!(waiting_items_are_mailed_once);
