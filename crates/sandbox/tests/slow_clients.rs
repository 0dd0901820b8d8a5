//! Slow and oversized clients do not stop the sandbox from answering others.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::Graph;
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
        s.write_all(b"POST /v25.0/me/media HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n")
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
