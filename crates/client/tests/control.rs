//! The typed control-plane client against a real sandbox: every call does what it says there.

#![allow(clippy::unwrap_used)]

use instapub_client::{CallError, Control, Graph};
use instapub_sandbox::Sandbox;
use serde_json::json;

#[tokio::test]
async fn hosts_files_stages_accounts_faults_and_the_clock() {
    let sb = Sandbox::start().await;
    let control = Control::new(&format!("{}/v25.0", sb.base_url()), sb.admin_key()).unwrap();

    let url = control
        .host_file("note.txt", "text/plain", b"hello".to_vec())
        .await
        .unwrap();
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.headers()["content-type"], "text/plain");
    assert_eq!(served.bytes().await.unwrap().as_ref(), b"hello");

    let (id, token) = control.create_account("control_client").await.unwrap();
    assert_eq!(
        sb.account(&id)
            .await
            .unwrap()
            .map(|a| a.username)
            .as_deref(),
        Some("control_client")
    );
    let short = control
        .create_token(&id, &["instagram_basic"], Some(60))
        .await
        .unwrap();
    let graph = Graph::new(sb.base_url(), &short).unwrap();
    graph.node(&id, "username").await.unwrap();

    // A fault on the next status read of this account, then the clock past the token's life.
    control
        .add_fault(json!({"match": {"endpoint": "user_read", "user_id": id}, "error": {"code": 2}, "times": 1}))
        .await
        .unwrap();
    let Err(CallError::Graph(e)) = Graph::new(sb.base_url(), &token)
        .unwrap()
        .node(&id, "username")
        .await
    else {
        panic!("the fault did not fire");
    };
    assert_eq!(e.code, Some(2));
    let before = sb.now_ms() / 1000;
    let now = control.advance_clock(120).await.unwrap();
    assert!(now >= before + 120);
    let Err(CallError::Graph(e)) = graph.node(&id, "username").await else {
        panic!("the token outlived the clock");
    };
    assert_eq!(e.code, Some(190));

    let log = control.requests().await.unwrap();
    assert!(log.len() >= 3, "{log:?}");
    control.reset().await.unwrap();
    assert!(sb.account(&id).await.unwrap().is_none());

    // A wrong key is the control plane's own error, not a success.
    let wrong = Control::new(sb.base_url(), "nope").unwrap();
    assert!(matches!(
        wrong.create_account("x").await,
        Err(CallError::Graph(_))
    ));
}
