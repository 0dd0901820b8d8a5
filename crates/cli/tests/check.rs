//! `instapub check` as a process, against the committed media fixtures.

use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!(
        "{}/../media/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_instapub"))
        .arg("check")
        .args(args)
        .output()
        .expect("instapub runs")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

#[test]
fn an_acceptable_image_and_reel_exit_0() {
    let o = check(&[
        &fixture("jpeg_square.jpg"),
        "--caption",
        "Hello #world @friend",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("✓ accepted"));
    let o = check(&[
        &fixture("mp4_reel_valid.mp4"),
        "--as",
        "reel",
        "--thumb-offset",
        "3499",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn every_violation_is_reported_as_the_envelope_instagram_would_send() {
    let mentions: String = (0..21).map(|i| format!("@u{i} ")).collect();
    let o = check(&[&fixture("png_rgb.png"), "--caption", &mentions, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["accepted"], false);
    let input = &v["inputs"][0];
    assert_eq!(input["facts"]["format"], "png");
    let subcodes: Vec<i64> = input["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|x| {
            x["envelope"]["error"]["error_subcode"]
                .as_i64()
                .expect("subcode")
        })
        .collect();
    assert_eq!(subcodes, vec![2207040, 2207005, 2207009]);
    let format = &input["violations"][1];
    assert_eq!(format["status"], 400);
    assert_eq!(
        format["envelope"]["error"]["error_user_msg"],
        "The image format png is not supported. Supported formats are: JPEG."
    );
}

#[test]
fn videos_carousels_and_thumb_offsets() {
    let o = check(&[&fixture("mkv_h264.mkv"), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(
        v["inputs"][0]["violations"][0]["envelope"]["error"]["error_subcode"],
        2207026
    );
    let o = check(&[
        &fixture("mp4_reel_valid.mp4"),
        "--thumb-offset",
        "3500",
        "--json",
    ]);
    let v = json(&o);
    assert_eq!(
        v["inputs"][0]["violations"][0]["envelope"]["error"]["error_subcode"],
        2207057
    );
    let square = fixture("jpeg_square.jpg");
    let o = check(&[&square, "--as", "carousel", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        json(&o)["request"][0]["envelope"]["error"]["error_subcode"],
        2207028
    );
    let o = check(&[&square, &square, "--as", "carousel"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn unusable_inputs_exit_2_with_a_clear_message() {
    for (input, says) in [
        (
            "/nonexistent/photo.jpg",
            "cannot open /nonexistent/photo.jpg",
        ),
        (&fixture("empty.bin") as &str, "is empty"),
        (&fixture("truncated.jpg") as &str, "cannot read"),
        ("http://127.0.0.1:9/x.jpg", "cannot download"),
    ] {
        let o = check(&[input]);
        assert_eq!(o.status.code(), Some(2), "{input}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{input}: {err}");
    }
}
