//! Answers the layers make themselves (a body past the limit, a request past the timeout)
//! carry the same security headers and Japanese problem as every other answer.

use std::time::Duration;

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
    // A body announced past the limit is refused before it is read.
    let addr = app.base.trim_start_matches("http://").to_string();
    let head = format!(
        "POST /api/v1/notices HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{{\"title\":",
        6 * 1024 * 1024
    );
    let text = answer_to(&addr, &head).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert_guarded(&text);
    assert!(text.contains("大きすぎます"), "{text}");

    // A body that never finishes arriving: the timeout answers, guarded too.
    let head = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"username\":"
    );
    let text = answer_to(&addr, &head).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert_guarded(&text);
}

/// Sends `request` (a head and the start of a body) and reads the answer's head and body
/// as far as the server sends them.
async fn answer_to(addr: &str, request: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_string)
                    })
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered in time");
    String::from_utf8_lossy(&answer).into_owned()
}

both_engines!(limit_answers_carry_the_security_headers);
