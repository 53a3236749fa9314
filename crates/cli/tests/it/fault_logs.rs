//! Fault logs of incidents (§5(6)ア) through the real server: a log too large or of a
//! refused kind answered with a clear error and nothing stored; an event log stored with
//! its SHA-256 and the medium, with a 障害ログの取得 on the timeline; ward staff and the
//! auditor refused; the page's upload; at the end of the retention `jukiops fault-logs
//! purge` deletes the content, keeps the row and the hash and writes the audit entry.

use jukiops_domain::incidents::{FaultLogRules, check_log};
use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, jukiops_bin, problem_fields};

/// An acknowledged キ incident on a new terminal.
async fn incident(app: &TestApp) -> i64 {
    let lead = app.client(Role::ContractorLead).await;
    let body = json!({"asset_number": "JT-7401", "serial": "S7401", "model": "型式",
        "site_code": "011011", "status": "in_service"});
    let (s, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(s, 201, "{t}");
    let (s, d) = call(&lead, Method::POST, app.url("/api/v1/incidents"), json!({"category": "キ",
        "terminal_id": t["id"], "symptom": "起動しない"})).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().expect("id");
    let (s, _) = call(&lead, Method::POST, app.url(&format!("/api/v1/incidents/{id}/events")),
        json!({"kind": "acknowledged"})).await;
    assert_eq!(s, 201);
    id
}

/// Posts `bytes` as fault log `name` carried on `medium`.
async fn upload(app: &TestApp, c: &reqwest::Client, id: i64, name: &str, medium: &str, bytes: Vec<u8>) -> (u16, Value) {
    let url = format!("{}?medium={}", app.url(&format!("/api/v1/incidents/{id}/logs")),
        urlencode(medium));
    let r = c.post(url).header("X-File-Name", urlencode(name)).body(bytes).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn stored(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM incident_logs").fetch_one(app.store.pool()).await.expect("count")
}

async fn fault_logs_are_bounded_hashed_guarded_and_expire(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let id = incident(&app).await;
    let worker = app.client(Role::ContractorWorker).await;
    let city = app.client(Role::CityStaff).await;
    let ward = app.client(Role::SiteStaff).await;
    let auditor = app.client(Role::Auditor).await;
    let evtx = [&b"ElfFile\0"[..], &[7u8; 120]].concat();

    // Refused, each naming its field, nothing stored or audited.
    let before = app.audit_count().await;
    let max = FaultLogRules::default().max_bytes();
    let (s, body) = upload(&app, &worker, id, "big.txt", "USB-01", vec![b'a'; max + 1]).await;
    assert_eq!((s, problem_fields(&body)), (413, vec!["file".to_string()]), "{body}");
    assert!(body.to_string().contains("4096キロバイト"), "{body}");
    for (name, bytes) in [("tool.exe", b"MZ\x90\0".to_vec()), ("fake.evtx", b"MZ\x90\0".to_vec()),
        ("logs.zip", b"Rar!\x1a\x07".to_vec()), ("bin.txt", b"a\0b".to_vec())] {
        let (s, body) = upload(&app, &worker, id, name, "USB-01", bytes).await;
        assert_eq!((s, problem_fields(&body)), (422, vec!["file".to_string()]), "{name}: {body}");
    }
    let (s, body) = upload(&app, &worker, id, "System.evtx", "", evtx.clone()).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["medium".to_string()]), "{body}");
    // Ward staff, the auditor and the City do not store logs; a missing incident is 404.
    for who in [&ward, &auditor, &city] {
        assert_eq!(upload(&app, who, id, "System.evtx", "USB-01", evtx.clone()).await.0, 403);
    }
    assert_eq!(upload(&app, &worker, 999_999, "System.evtx", "USB-01", evtx.clone()).await.0, 404);
    assert_eq!((stored(&app).await, app.audit_count().await), (0, before), "nothing stored");

    // Stored with its hash and medium, and a 障害ログの取得 on the timeline.
    let (s, log) = upload(&app, &worker, id, "System.evtx", "USBメモリ 管理番号3", evtx.clone()).await;
    assert_eq!(s, 201, "{log}");
    let expected = check_log(FaultLogRules::default(), "System.evtx", &evtx, Some("m")).expect("ok").sha256;
    assert_eq!((&log["sha256"], &log["kind"], &log["medium"], &log["status"]),
        (&json!(expected), &json!("event_log"), &json!("USBメモリ 管理番号3"), &json!("kept")));
    let log_id = log["id"].as_i64().expect("id");
    let (_, d) = call(&city, Method::GET, app.url(&format!("/api/v1/incidents/{id}")), Value::Null).await;
    assert_eq!(d["events"].as_array().and_then(|e| e.last()).map(|e| e["kind"].clone()), Some(json!("log_collected")));

    // Read by the City and the security officer; not by ward staff nor the auditor.
    let download = app.url(&format!("/api/v1/fault-logs/{log_id}"));
    let r = city.get(&download).send().await.expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), evtx);
    let officer = app.client(Role::SecurityOfficer).await;
    assert_eq!(officer.get(&download).send().await.expect("get").status(), 200);
    for who in [&ward, &auditor] {
        assert_eq!(who.get(&download).send().await.expect("get").status(), 403);
        assert_eq!(who.get(app.url(&format!("/api/v1/incidents/{id}/logs"))).send().await.expect("get").status(), 403);
        assert_eq!(who.get(app.url(&format!("/fault-logs/{log_id}"))).send().await.expect("get").status(), 403);
    }
    let html = auditor.get(app.url(&format!("/incidents/{id}"))).send().await.expect("get").text().await.expect("html");
    assert!(!html.contains("href=\"/fault-logs/") && !html.contains(&expected), "the auditor's page lists no logs");

    // The page: listed with its hash, and a text log uploaded by the form.
    let html = worker.get(app.url(&format!("/incidents/{id}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("System.evtx") && html.contains(&expected) && html.contains("保管する"), "{html}");
    let boundary = "----jukiopsLogBoundary";
    let mut form = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"medium\"\r\n\r\nUSB-02\r\n\
        --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"app.log\"\r\n\
        Content-Type: text/plain\r\n\r\n").into_bytes();
    form.extend_from_slice("エラー E123\n".as_bytes());
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = worker.post(app.url(&format!("/incidents/{id}/logs")))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(form).send().await.expect("post");
    assert_eq!(r.status(), 303);
    let (_, logs) = call(&officer, Method::GET, app.url(&format!("/api/v1/incidents/{id}/logs")), Value::Null).await;
    assert_eq!(logs.as_array().map(Vec::len), Some(2), "{logs}");
    assert_eq!(logs[1]["kind"], "text");

    // Nothing past its retention: the command says so and writes nothing.
    let before = app.audit_count().await;
    let out = std::process::Command::new(jukiops_bin())
        .args(["fault-logs", "purge", "--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG").output().expect("run jukiops");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 件"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(app.audit_count().await, before);

    // Past its retention: the command deletes the content, keeps the row, hash and fact.
    sqlx::query("UPDATE incident_logs SET delete_after = '2020-01-01T00:00:00.000000Z' WHERE id = $1")
        .bind(log_id).execute(app.store.pool()).await.expect("age");
    let out = std::process::Command::new(jukiops_bin())
        .args(["fault-logs", "purge", "--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG").output().expect("run jukiops");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said} {}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("1 件"), "{said}");
    let (_, logs) = call(&city, Method::GET, app.url(&format!("/api/v1/incidents/{id}/logs")), Value::Null).await;
    assert_eq!((&logs[0]["status"], &logs[0]["sha256"]), (&json!("deleted"), &json!(expected)));
    assert!(logs[0]["deleted_at"].is_string());
    assert_eq!(logs[1]["status"], "kept", "the other is kept");
    let empty: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM incident_logs WHERE id = $1")
        .bind(log_id).fetch_one(app.store.pool()).await.expect("content");
    assert_eq!(empty, None, "the bytes are gone");
    let (s, body) = call(&city, Method::GET, download, Value::Null).await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["content".to_string()]));
    let r = sqlx::query_scalar::<_, String>(
        "SELECT changes FROM audit_entries WHERE entity = 'fault_log' AND entity_id = $1 AND action = 'delete'")
        .bind(log_id.to_string()).fetch_one(app.store.pool()).await.expect("audit entry");
    assert!(r.contains(&expected), "{r}");
    let html = city.get(app.url(&format!("/incidents/{id}"))).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("削除済み"), "{html}");
}

both_engines!(fault_logs_are_bounded_hashed_guarded_and_expire);
