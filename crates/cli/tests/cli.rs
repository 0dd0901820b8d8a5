//! Runs the `instapub` binary as a process and checks its output and exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn instapub(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args(args)
        .output()
        .expect("instapub runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

#[test]
fn explain_a_subcode_says_what_to_do() {
    let o = instapub(&["explain", "2207027"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for part in [
        "9007/2207027",
        "NotReady",
        "What happened",
        "What the program should do",
        "Retry the same request: yes",
        "What to tell the user",
        "The media is not ready for publishing, please wait for a moment",
        "Where this comes from",
        r#"{"error":{"message":"Media ID is not available","type":"OAuthException","code":9007,"error_subcode":2207027,"is_transient":false,"#,
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn explain_accepts_every_input_form() {
    let forms: &[(&str, &str, &str)] = &[
        ("36000/2207004", "code_subcode", "ImageTooLarge"),
        ("2207004", "subcode", "ImageTooLarge"),
        ("463", "subcode", "TokenExpired"),
        ("4", "code", "AppRateLimit"),
        ("-2/2207020", "code_subcode", "ContainerExpired"),
        ("BuilderNotFound", "name", "BuilderNotFound"),
        (
            "Error: Media upload has failed with error code 2207026",
            "paste",
            "UnsupportedVideoFormat",
        ),
        (
            r#"{"error":{"message":"x","type":"OAuthException","code":4,"error_subcode":2207051}}"#,
            "paste",
            "SpamRestricted",
        ),
    ];
    for (input, read_as, id) in forms {
        let o = instapub(&["explain", input, "--json"]);
        assert_eq!(o.status.code(), Some(0), "{input}");
        let v = json(&o);
        assert_eq!(v["schema"], "instapub.explain/1");
        assert_eq!(v["read_as"], *read_as, "{input}");
        let f = &v["findings"][0];
        assert_eq!(f["entry"]["id"], *id, "{input}");
        assert_eq!(v["known"], true);
        assert!(f["action"].as_str().is_some_and(|a| !a.is_empty()));
    }
}

#[test]
fn explain_reads_api_instagram_com_errors() {
    // api.instagram.com's flat shape (its code exchange), and a Facebook Login answer.
    let o = instapub(&[
        "explain",
        r#"{"error_type": "OAuthException", "code": 400, "error_message": "Matching code was not found or was already used"}"#,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["read_as"], "paste");
    assert_eq!(v["findings"][0]["shape"], "instagram_flat");
    assert_eq!(v["findings"][0]["entry"]["id"], "InstagramCodeNotFound");
    assert_eq!(
        v["findings"][0]["received"]["message"],
        "Matching code was not found or was already used"
    );
    let o = instapub(&["explain", "100/36009"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("AuthCodeUsed"), "{}", stdout(&o));
}

/// The example envelope of an explain report, parsed.
fn example_envelope(report: &serde_json::Value) -> serde_json::Value {
    let text = report["findings"][0]["example_envelope"]
        .as_str()
        .expect("an example envelope");
    serde_json::from_str(text).expect("the example envelope is JSON")
}

#[test]
fn explain_shows_graph_instagram_coms_dialect() {
    // A generic error: IGApiException, no "(#100) " prefix, and where that was seen.
    let o = instapub(&[
        "explain",
        "ParameterRequired",
        "--host",
        "graph.instagram.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report = json(&o);
    assert_eq!(report["findings"][0]["host"], "graph.instagram.com");
    let envelope = example_envelope(&report);
    assert_eq!(envelope["error"]["type"], "IGApiException");
    assert_eq!(
        envelope["error"]["message"],
        "The parameter {param} is required"
    );
    let text = stdout(&instapub(&[
        "explain",
        "ParameterRequired",
        "--host",
        "graph.instagram.com",
    ]));
    assert!(text.contains("On graph.instagram.com"), "{text}");
    assert!(text.contains("restfb/restfb#1558"), "{text}");
    // A publishing error reads the same on both hosts.
    let o = instapub(&["explain", "2207027", "--host", "instagram", "--json"]);
    let envelope = example_envelope(&json(&o));
    assert_eq!(envelope["error"]["type"], "OAuthException");
    // An IGApiException body is read as that host's without being told.
    let body = r#"{"error":{"message":"Unknown path components: /impressions/day","type":"IGApiException","code":2500,"fbtrace_id":"A7OjVVCXwSdfpIERKqntSKo"}}"#;
    let report = json(&instapub(&["explain", body, "--json"]));
    assert_eq!(report["findings"][0]["host"], "graph.instagram.com");
    assert_eq!(
        report["findings"][0]["entry"]["id"],
        "UnknownPathComponents"
    );
    // A host nobody has is a usage error.
    let o = instapub(&["explain", "100", "--host", "graph.example.com"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_reads_files_and_stdin() {
    let body = r#"{"error":{"message":"Only photo or video can be accepted as media type.","type":"OAuthException","code":9004,"error_subcode":2207052,"is_transient":false,"error_user_title":"Error","error_user_msg":"No se pudo","fbtrace_id":"AlpttEYXJ6vKWCf1NCKRVks"}}"#;
    let dir = std::env::temp_dir().join(format!("instapub-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("body.json");
    std::fs::write(&file, body).expect("write");
    let o = instapub(&["explain", file.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("MediaFetchFailed"), "{text}");
    // The received (localised) user message is what to tell the user.
    assert!(text.contains("No se pudo"), "{text}");
    assert!(text.contains("AlpttEYXJ6vKWCf1NCKRVks"), "{text}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_instapub"))
        .args(["explain", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("writes");
    let o = child.wait_with_output().expect("finishes");
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["read_as"], "paste");
    let f = &v["findings"][0];
    assert_eq!(f["received"]["fbtrace_id"], "AlpttEYXJ6vKWCf1NCKRVks");
    assert_eq!(f["classification"]["match"], "exact");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn explain_is_honest_about_unknown_codes() {
    // Unknown code in a known family: an answer, exit 1.
    let o = instapub(&["explain", "341"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("not in the catalog") && text.contains("rate limit"),
        "{text}"
    );
    // Nothing known at all.
    let o = instapub(&["explain", "777777", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["known"], false);
    assert_eq!(v["findings"][0]["classification"]["match"], "unknown");
    // Unknown subcode with a known code: the code's generic entry, flagged as such, and
    // exit 1 (issue 16: the subcode is not in the catalog).
    let o = instapub(&["explain", "190/459"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Matched by code only"));
    assert!(stdout(&o).contains("Subcode 459 is not in the catalog"));
    // Subcode only, unknown: no "(none)" wording.
    let o = instapub(&[
        "explain",
        r#"{"error":{"message":"x","error_subcode":9999999}}"#,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("Subcode 9999999 is not in the catalog"),
        "{}",
        stdout(&o)
    );
    // Entry names in any case; a missing file is named as such.
    assert_eq!(
        instapub(&["explain", "imagetoolarge"]).status.code(),
        Some(0)
    );
    let o = instapub(&["explain", "/nonexistent/body.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file"));
    // A code shared by several entries lists them.
    let o = instapub(&["explain", "24"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.contains("2207006") && text.contains("2207008"),
        "{text}"
    );
}

#[test]
fn explain_rejects_unreadable_input_with_status_2() {
    for input in ["hello there", "{\"error\":", "{\"id\":\"1\"}", "12/ab"] {
        let o = instapub(&["explain", input]);
        assert_eq!(o.status.code(), Some(2), "{input}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("instapub: cannot read"), "{input}: {err}");
    }
    let o = instapub(&["explain", "2207027", "--profile", "wild"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn codes_lists_the_catalog_in_three_forms() {
    let o = instapub(&["codes"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("2207042") && text.contains("PublishingQuotaReached"));
    let rows = text
        .lines()
        .filter(|l| {
            let mut words = l.split_whitespace();
            words.next().is_some_and(|w| w.parse::<u16>().is_ok())
                && words.next().is_some_and(|w| w.parse::<i64>().is_ok())
        })
        .count();
    assert_eq!(rows, instapub_errors::ENTRIES.len());

    let o = instapub(&["codes", "--json"]);
    let v = json(&o);
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(instapub_errors::ENTRIES.len())
    );
    assert_eq!(v[0]["subcode"], 2207003);

    let o = instapub(&["codes", "--markdown"]);
    assert_eq!(o.status.code(), Some(0));
    let md = stdout(&o);
    assert!(md.contains("| 400 | 9007 | 2207027 | `NotReady` |"), "{md}");
}

#[test]
fn docs_codes_md_is_current() {
    let o = instapub(&["codes", "--markdown"]);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/CODES.md");
    if std::env::var_os("INSTAPUB_BLESS").is_some() {
        std::fs::write(path, &o.stdout).expect("write docs/CODES.md");
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == o.stdout,
        "docs/CODES.md is stale: run `INSTAPUB_BLESS=1 cargo test -p instapub --test cli docs_codes_md_is_current`"
    );
}

/// Two log lines a user pastes: a Node SDK's exception and a Python repr.
const TWO_LOG_LINES: &str = concat!(
    r#"2026-09-12 08:14:03 ERROR publish failed: StatusCodeError: 400 - {"error":{"message":"User access is restricted","type":"OAuthException","code":25,"error_subcode":2207050,"is_transient":false,"error_user_title":"User is restricted","error_user_msg":"The Instagram account is restricted.","fbtrace_id":"AdHA39nXVwnOZT5aiIGyzDv"}}"#,
    "\n",
    r#"2026-09-12 08:15:41 WARN insights: {'error': {'message': 'Invalid parameter', 'type': 'OAuthException', 'code': 100, 'error_data': {'blame_field_specs': [['']]}, 'error_subcode': 2108006, 'is_transient': False, 'error_user_title': 'Media posted before business account conversion', 'error_user_msg': "The media was posted before the most recent time that the user's account was converted to a business account from a personal account.", 'fbtrace_id': 'AsEo4TGbJgj894OcT7XaCFL'}}"#,
    "\n"
);

#[test]
fn explain_reads_every_error_in_a_pasted_log() {
    let o = instapub(&["explain", TWO_LOG_LINES, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["read_as"], "paste");
    let f = v["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["entry"]["id"], "AccountRestricted");
    assert_eq!(f[0]["http_status"]["value"], 400);
    assert_eq!(f[0]["http_status"]["from"], "StatusCodeError: 400");
    assert_eq!(f[1]["entry"]["id"], "MediaPostedBeforeConversion");
    assert_eq!(f[1]["format"], "python_repr");
    let text = stdout(&instapub(&["explain", TWO_LOG_LINES]));
    assert!(text.starts_with("Found 2 errors in the paste."), "{text}");
    assert!(text.contains("── 2 of 2"), "{text}");
}

#[test]
fn explain_says_what_a_cut_took_and_what_a_localised_text_means() {
    // Guzzle cuts bodies at 120 bytes (Dymantic/laravel-instagram-feed#60).
    let cut = "resulted in a `403 Forbidden` response:\n{\"error\":{\"message\":\"Application does not have permission for this action\",\"type\":\"IGApiException\",\"code\":10,\"fbtrace_id (truncated...)";
    let o = instapub(&["explain", cut, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let f = &json(&o)["findings"][0];
    assert_eq!(f["cut"], true);
    assert_eq!(f["entry"]["id"], "PermissionDenied");
    assert_eq!(f["http_status"]["value"], 403);
    assert!(f["lost_to_cut"]
        .as_array()
        .expect("lost")
        .contains(&serde_json::json!("error_subcode")));
    let text = stdout(&instapub(&["explain", cut]));
    assert!(text.contains("A subcode may have been lost"), "{text}");
    // Spanish user texts around an English message (gitroomhq/postiz-app#1129).
    let localised = r#"{"error":{"message":"Only photo or video can be accepted as media type.","type":"OAuthException","code":9004,"error_subcode":2207052,"is_transient":false,"error_user_title":"Se ha producido un error al descargar el contenido multimedia. El URI de este contenido no cumple nuestros requisitos.","error_user_msg":"No se ha podido recuperar el contenido multimedia de este URI: https:\/\/postiz.kerigma.tv\/a.jpg.Consulta la secci\u00f3n de limitaciones de nuestro documento de desarrollo para obtener m\u00e1s informaci\u00f3n.","fbtrace_id":"AlpttEYXJ6vKWCf1NCKRVks"}}"#;
    let f = &json(&instapub(&["explain", localised, "--json"]))["findings"][0];
    let fields: Vec<&str> = f["localised"]
        .as_array()
        .expect("localised")
        .iter()
        .filter_map(|l| l["field"].as_str())
        .collect();
    assert_eq!(fields, ["error_user_title", "error_user_msg"]);
    assert_eq!(
        f["localised"][0]["catalog"],
        instapub_errors::Id::MediaFetchFailed
            .entry()
            .user_title
            .expect("a title")
    );
    let text = stdout(&instapub(&["explain", localised]));
    assert!(text.contains("error_user_title was localised"), "{text}");
    // A localised message, and a (#551) that differs from the code (a Chinese developer's
    // notes, find_string id 15416556506).
    let chinese = r#"{"error":{"message":"(#551) 用户暂时收不到消息。","type":"OAuthException","code":200,"error_subcode":1545041,"fbtrace_id":"AxTByfgzd8fqNieOe1cQIz2"}}"#;
    let f = &json(&instapub(&["explain", chinese, "--json"]))["findings"][0];
    assert_eq!(f["entry"]["id"], "RecipientUnavailable");
    assert_eq!(f["classification"]["match"], "subcode");
    assert_eq!(f["code_in_message"], 551);
    assert_eq!(f["localised"][0]["field"], "message");
    assert_eq!(
        f["localised"][0]["catalog"],
        "(#551) This person isn't available right now."
    );
}

#[test]
fn explain_json_keys_are_all_documented() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/explain-json.md"
    ))
    .expect("docs/explain-json.md");
    let pastes: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../errors/tests/fixtures/pastes.json"))
            .expect("fixtures");
    let mut inputs: Vec<String> = pastes
        .iter()
        .map(|p| p["paste"].as_str().expect("paste").to_owned())
        .collect();
    inputs.extend(["2207027", "24", "190/459", "NotReady"].map(String::from));
    for input in &inputs {
        let v = json(&instapub(&["explain", input, "--json"]));
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for f in v["findings"].as_array().expect("findings") {
            keys.extend(f.as_object().expect("finding").keys().map(String::as_str));
        }
        for key in keys {
            assert!(
                doc.contains(&format!("| `{key}` |")),
                "`{key}` is not documented"
            );
        }
    }
}
