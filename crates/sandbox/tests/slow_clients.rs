//! Slow and oversized clients do not stop the sandbox from answering others.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{Graph, Reply};
use instapub_sandbox::Sandbox;
use tokio::io::AsyncWriteExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_do_not_block_others() {
    let sb = Sandbox::start().await;
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    // 200 connections that send half a request line and then nothing.
    let mut idle = Vec::new();
    for _ in 0..200 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(
            b"POST /v25.0/me/media HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n",
        )
        .await
        .unwrap();
        idle.push(s);
    }
    let g = Graph::new(sb.base_url(), sb.access_token());
    for _ in 0..20 {
        let r = tokio::time::timeout(
            Duration::from_secs(5),
            g.get(&format!("/{}", sb.user_id()), &[]),
        )
        .await
        .expect("answered while slow clients hold connections");
        r.expect_ok();
    }
    // A body far over the limit is refused with an envelope, and the server goes on.
    let big = vec![b'x'; 3 * 1024 * 1024];
    let r = g
        .raw(
            reqwest::Client::new()
                .post(format!("{}/{}/media", sb.base_url(), sb.user_id()))
                .bearer_auth(sb.access_token())
                .body(big),
        )
        .await;
    r.expect_error(413, 1, None);
    g.get(&format!("/{}", sb.user_id()), &[]).await.expect_ok();
    drop(idle);
}

/// Issue 16, defect 7: a client that never finishes its headers is disconnected after the
/// header timeout, and one whose body stalls gets a 408 envelope after the idle timeout;
/// everyone else is answered meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_timed_out() {
    use tokio::io::AsyncReadExt;
    let sb = Sandbox::builder()
        .header_read_timeout(Duration::from_millis(800))
        .body_idle_timeout(Duration::from_millis(800))
        .start()
        .await
        .unwrap();
    let addr = sb.base_url().trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /v25.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(
            format!(
                "POST /v25.0/{}/media HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nimage_url=",
                sb.user_id()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let g = Graph::new(sb.base_url(), sb.access_token());
    g.get(&format!("/{}", sb.user_id()), &[]).await.expect_ok();
    // Every half-sent connection is closed by the server within the timeout (and a margin).
    for mut s in slow {
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("the server closed the connection")
            .unwrap_or(0);
        assert_eq!(n, 0, "{}", String::from_utf8_lossy(&buf[..n]));
    }
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stalled.read_to_end(&mut answer))
        .await
        .expect("the stalled body was answered")
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains(r#""code":100"#), "{text}");
    // A new client: the first one's idle keep-alive connection outlived the header timeout
    // (the server closes idle connections then, as it should).
    Graph::new(sb.base_url(), sb.access_token())
        .get(&format!("/{}", sb.user_id()), &[])
        .await
        .expect_ok();
}

/// Issue 16, defect 6: an over-long URI and too many or too large headers are answered with
/// envelopes, not hyper's empty 414/431.
#[tokio::test]
async fn oversized_heads_get_envelopes() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v25.0/{}", sb.base_url(), sb.user_id());
    let long = format!("{url}?fields={}", "a".repeat(40 * 1024));
    let r = Reply::read(http.get(&long).send().await.unwrap()).await;
    r.expect_error(414, 100, None);
    let mut many = http.get(&url);
    // Between our limit (100) and hyper's (128): ours answers, with an envelope.
    for i in 0..120 {
        many = many.header(format!("x-h{i}"), "1");
    }
    let r = Reply::read(many.send().await.unwrap()).await;
    r.expect_error(431, 100, None);
    let r = Reply::read(
        http.get(&url)
            .header("cookie", "c".repeat(70 * 1024))
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.expect_error(431, 100, None);
}
