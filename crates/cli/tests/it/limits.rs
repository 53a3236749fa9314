//! Answers the layers make themselves (a body past the limit, a request past the timeout)
//! carry the same security headers and Japanese problem as every other answer.

use std::time::Duration;

use jukiops_domain::people::Role;
use jukiops_web::WebConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both_engines;
use crate::support::{Engine, TestApp};

fn assert_guarded(headers: &str) {
    let lower = headers.to_ascii_lowercase();
    for h in [
        "content-security-policy: default-src 'self'",
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "x-request-id:",
        "content-type: application/problem+json",
    ] {
        assert!(lower.contains(h), "missing {h} in\n{headers}");
    }
}

async fn limit_answers_carry_the_security_headers(engine: Engine) {
    let config = WebConfig {
        request_timeout: Duration::from_secs(1),
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(engine, config).await;
    let c = app.client(Role::CityStaff).await;
    let big = vec![b'a'; 6 * 1024 * 1024];
    let r = c
        .post(app.url("/api/v1/notices"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 413);
    let headers = format!("{:?}", r.headers()).replace("\": \"", ": ");
    assert_guarded(&headers.replace('"', ""));
    let body = r.text().await.expect("text");
    assert!(body.contains("大きすぎます"), "{body}");

    // A body that never finishes arriving: the timeout answers, guarded too.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"username\":"
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = s.read(&mut buf).await.expect("read");
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered within the timeout");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert_guarded(&text);
}

both_engines!(limit_answers_carry_the_security_headers);
