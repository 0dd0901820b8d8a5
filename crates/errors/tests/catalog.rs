//! Invariants of the table, render -> parse -> classify round trips, real bodies, and
//! classification that never matches by substring.

use std::collections::HashMap;

use instapub_errors::paste::read;
use instapub_errors::{
    classify, fbtrace_id, lookup, placeholder, Action, CatalogError, Entry, GraphError, Host, Id,
    Match, Profile, Source, ENTRIES,
};
use serde_json::Value;

#[test]
fn ids_and_entries_line_up() {
    assert_eq!(Id::ALL.len(), ENTRIES.len());
    for (i, id) in Id::ALL.iter().enumerate() {
        assert_eq!(ENTRIES[i].id, *id);
        assert_eq!(id.entry().id, *id);
        assert_eq!(Id::from_name(id.name()), Some(*id));
    }
}

#[test]
fn the_catalog_covers_the_spec() {
    let seed = ENTRIES.iter().filter(|e| e.source == Source::Seed).count();
    assert_eq!(seed, 37, "every seed row, once");
    let has = |code: i64, subcode: Option<i64>| lookup(code, subcode).is_some();
    for code in [1, 2, 4, 10, 17, 32, 100, 104, 190, 200, 368, 613, 80002] {
        assert!(has(code, None), "generic code {code}");
    }
    for (code, sub) in [(100, 33), (190, 460), (190, 463), (190, 464), (190, 467)] {
        assert!(has(code, Some(sub)), "{code}/{sub}");
    }
    for sub in [
        2207076, 2207077, 2207081, 2207082, 2207083, 2207085, 2207089, 2207045,
    ] {
        let e = instapub_errors::lookup_subcode(sub).map(Id::entry);
        assert_eq!(e.map(|e| e.source), Some(Source::Observed), "{sub}");
    }
}

#[test]
fn every_entry_is_complete() {
    for e in ENTRIES {
        assert_ne!(e.code, 0, "{}: code", e.id);
        assert!(!e.message.is_empty(), "{}: message", e.id);
        assert!(!e.summary.is_empty(), "{}: summary", e.id);
        assert!(!e.solution.is_empty(), "{}: solution", e.id);
        assert!(!e.evidence.is_empty(), "{}: evidence", e.id);
        assert!(
            matches!(e.status, 400 | 403 | 500)
                || (e.source == Source::Sandbox
                    && matches!(e.status, 401 | 404 | 408 | 413 | 414 | 416 | 421 | 431)),
            "{}: status {}",
            e.id,
            e.status
        );
        for name in e.placeholders() {
            assert!(placeholder::ALL.contains(&name), "{}: {{{name}}}", e.id);
        }
        // User title and message come together or not at all.
        assert_eq!(e.user_title.is_some(), e.user_msg.is_some(), "{}", e.id);
        if let Some(o) = e.observed {
            assert!(!o.evidence.is_empty(), "{}: observed evidence", e.id);
        }
    }
}

#[test]
fn field_presence_follows_the_family() {
    for e in ENTRIES {
        match e.code {
            // Instagram publishing subcodes carry user title and message.
            _ if e
                .subcode
                .is_some_and(|s| (2_207_000..2_208_000).contains(&s)) =>
            {
                assert!(e.user_msg.is_some(), "{}", e.id);
                assert_eq!(e.is_transient, Some(false), "{}", e.id);
            }
            // Token and permission errors carry neither user fields nor is_transient.
            190 | 10 | 104 if e.subcode.is_none() || e.code == 190 => {
                assert!(e.user_msg.is_none() && e.is_transient.is_none(), "{}", e.id);
            }
            // Throttle and outage bodies put is_transient first.
            2 | 4 | 17 | 32 | 613 | 80002 => {
                assert!(e.transient_first, "{}", e.id);
                assert_eq!(e.is_transient, Some(true), "{}", e.id);
            }
            _ => {}
        }
    }
}

#[test]
fn duplicate_keys_are_only_documented_variants() {
    let mut seen: HashMap<(i64, Option<i64>), Id> = HashMap::new();
    for e in ENTRIES {
        if let Some(primary) = seen.get(&(e.code, e.subcode)) {
            let note = e.note.unwrap_or_default();
            assert!(
                note.contains(primary.name()) && note.contains("primary"),
                "{} shares {} with {primary} but its note does not say so",
                e.id,
                e.key()
            );
            assert_eq!(lookup(e.code, e.subcode), Some(*primary));
        } else {
            seen.insert((e.code, e.subcode), e.id);
        }
    }
}

fn sample_params(e: &Entry) -> CatalogError {
    let mut err = CatalogError::new(e.id);
    for name in e.placeholders() {
        err = err.with(name, format!("<{name} é/✓>"));
    }
    err
}

#[test]
fn render_parse_classify_round_trips_for_every_entry() {
    for profile in [Profile::Documented, Profile::Observed] {
        for (n, e) in ENTRIES.iter().enumerate() {
            let err = sample_params(e);
            let trace = fbtrace_id(0x0123_4567_89ab_cdef_u128 * (n as u128 + 1), n as u8);
            let env = err.render(profile, trace.clone());
            let json = env.to_json();
            assert!(json.is_ascii(), "{json}");
            let back = GraphError::parse(Some(env.status), json.as_bytes())
                .unwrap_or_else(|err| panic!("{}: {err}: {json}", e.id));
            assert_eq!(back.code, Some(e.code_for(profile)), "{}", e.id);
            assert_eq!(back.subcode, e.subcode);
            assert_eq!(back.fbtrace_id.as_deref(), Some(trace.as_str()));
            assert_eq!(back.message, Some(env.message.clone()));
            assert_eq!(back.user_msg, err.user_message(profile));
            assert_eq!(back.is_transient, e.is_transient);
            let c = back.classify();
            let primary = lookup(e.code, e.subcode).expect("every key has a primary");
            assert_eq!(c.id, Some(primary), "{} under {profile:?}: {json}", e.id);
            assert_eq!(c.action, Some(primary.entry().action));
            // Field order is Meta's.
            let keys = key_order(&json);
            let expected: Vec<&str> = [
                Some("message"),
                Some("type"),
                (e.transient_first && e.is_transient.is_some()).then_some("is_transient"),
                Some("code"),
                e.subcode.map(|_| "error_subcode"),
                (!e.transient_first && e.is_transient.is_some()).then_some("is_transient"),
                e.user_title_for(profile).map(|_| "error_user_title"),
                e.user_msg_for(profile).map(|_| "error_user_msg"),
                Some("fbtrace_id"),
            ]
            .into_iter()
            .flatten()
            .collect();
            assert_eq!(keys, expected, "{}", e.id);
        }
    }
}

/// The keys of the inner error object, in the order they appear in the text.
fn key_order(json: &str) -> Vec<&'static str> {
    let all = [
        "message",
        "type",
        "is_transient",
        "code",
        "error_subcode",
        "error_user_title",
        "error_user_msg",
        "fbtrace_id",
    ];
    let mut found: Vec<(usize, &'static str)> = all
        .iter()
        .filter_map(|k| json.find(&format!("\"{k}\":")).map(|at| (at, *k)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn trace_ids_have_the_modern_shape() {
    for seed in [0u128, 1, u128::MAX, 0xdead_beef] {
        for extra in [0u8, 7, 255] {
            let id = fbtrace_id(seed, extra);
            assert!(instapub_errors::envelope::is_fbtrace_id(&id), "{id}");
        }
    }
    assert_ne!(fbtrace_id(1, 0), fbtrace_id(2, 0));
}

#[test]
fn real_bodies_parse_classify_and_render_byte_for_byte() {
    let fixtures: Vec<Value> =
        serde_json::from_str(include_str!("fixtures/real-envelopes.json")).expect("fixtures");
    assert!(fixtures.len() >= 30);
    for f in &fixtures {
        let id = Id::from_name(f["entry"].as_str().expect("entry")).expect("known entry");
        let profile: Profile = f["profile"]
            .as_str()
            .expect("profile")
            .parse()
            .expect("profile");
        let host: Host = f["host"]
            .as_str()
            .unwrap_or("graph.facebook.com")
            .parse()
            .expect("host");
        let status = f["status"].as_u64().expect("status") as u16;
        let body = f["body"].as_str().expect("body");
        let parsed = GraphError::parse(Some(status), body.as_bytes()).expect("parses");
        // Where several entries share a code, the message places the body (as explain does).
        let found = read(body);
        assert_eq!(found.len(), 1, "{body}");
        assert_eq!(found[0].classify().id, Some(id), "{body}");
        let mut err = CatalogError::new(id);
        for (k, v) in f["params"].as_object().expect("params") {
            err = err.with(k, v.as_str().expect("string"));
        }
        let trace = parsed.fbtrace_id.clone().unwrap_or_default();
        let env = err.render_on(profile, host, trace);
        assert_eq!(env.status, status, "{id}");
        let wire = match f["wire"].as_str() {
            Some("instagram_flat") => env.to_instagram_oauth_json(),
            _ => env.to_json(),
        };
        assert_eq!(wire, body, "{id} from {}", f["source"]);
    }
    // Every entry added from public threads (issue 27) renders to a real body.
    for id in [
        Id::MediaPostedBeforeConversion,
        Id::MessageOutsideWindow,
        Id::NotThreadOwner,
        Id::NoMatchingUser,
        Id::UnsupportedRequestMethod,
        Id::NotInstagramBusiness,
        Id::UnauthorizedSourceIp,
        Id::AppValidationFailed,
        Id::RecipientUnavailable,
        Id::MessengerOutsideWindow,
        Id::UploadAttachmentFailed,
        Id::ApiAccessDeactivated,
        Id::PagePublicMetadataAccess,
        Id::AppCapabilityMissing,
        Id::InstagramInvalidScope,
    ] {
        assert!(
            fixtures.iter().any(|f| f["entry"] == id.name()),
            "{id} has no real body"
        );
        let e = id.entry();
        assert_eq!(e.source, Source::Observed, "{id}");
        let dated = e.evidence.contains("undated")
            || e.evidence
                .as_bytes()
                .windows(5)
                .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[0] == b'2' && w[4] == b'-');
        assert!(
            e.evidence.contains("REAL (") && dated,
            "{id}: provenance with a date"
        );
    }
}

#[test]
fn observed_profile_switches_the_documented_variants() {
    let e = Id::SpamRestricted.entry();
    assert_eq!(e.status_for(Profile::Documented), 400);
    assert_eq!(e.status_for(Profile::Observed), 403);
    let e = Id::UnsupportedImageFormat.entry();
    assert_eq!(e.code_for(Profile::Documented), 36001);
    assert_eq!(e.code_for(Profile::Observed), 1);
    assert_eq!(
        e.message_for(Profile::Observed),
        "An unknown error occurred"
    );
    // Entries without observed differences are the same in both.
    let e = Id::NotReady.entry();
    assert_eq!(e.message_for(Profile::Observed), e.message);
}

#[test]
fn classification_never_matches_by_substring() {
    // The message, title, URL and trace id are full of other codes' digits; the fields win.
    let body = r#"{"error":{"message":"(#190) 2207051 36001 2207004","type":"OAuthException",
        "code":9007,"error_subcode":2207027,"error_user_msg":"see https://x.test/2207020/190,",
        "fbtrace_id":"A2207051x36001y190z2207"}}"#;
    let parsed = GraphError::parse(Some(400), body.as_bytes()).expect("parses");
    assert_eq!(parsed.classify().id, Some(Id::NotReady));
    // postiz's "190," and "36001" substring rules would misfire on this body.
    let body = r#"{"error":{"message":"Upload of 36001.jpg failed (id 190,4)","code":-1,"error_subcode":2207001}}"#;
    let parsed = GraphError::parse(None, body.as_bytes()).expect("parses");
    assert_eq!(parsed.classify().id, Some(Id::ServerError));
    // A body with no code at all is unknown, whatever digits it holds.
    let parsed = GraphError::parse(None, br#"{"error":{"message":"code 2207027"}}"#).expect("ok");
    assert_eq!(parsed.classify().matched, Match::Unknown);
}

#[test]
fn classification_falls_back_in_order() {
    // Exact.
    let c = classify(Some(4), Some(2207051));
    assert_eq!((c.matched, c.id), (Match::Exact, Some(Id::SpamRestricted)));
    assert_eq!(c.action, Some(Action::UserMustActInApp));
    // Code 4 alone is a throttle, not spam.
    let c = classify(Some(4), None);
    assert_eq!(c.id, Some(Id::AppRateLimit));
    // Known subcode under another code (real 2207005 with code 1, Threads' 2207052 with 1).
    let c = classify(Some(1), Some(2207052));
    assert_eq!(
        (c.matched, c.id),
        (Match::Subcode, Some(Id::MediaFetchFailed))
    );
    // Unknown subcode: the code's own entry.
    let c = classify(Some(190), Some(459_999));
    assert_eq!(
        (c.matched, c.id),
        (Match::Code, Some(Id::InvalidAccessToken))
    );
    // 190/458 has its own entry: the user revoked the app.
    let c = classify(Some(190), Some(458));
    assert_eq!(
        (c.matched, c.id),
        (Match::Exact, Some(Id::AppNotAuthorized))
    );
    // Unknown code in a known family.
    let c = classify(Some(341), None);
    assert_eq!((c.matched, c.id), (Match::Family, None));
    assert!(matches!(c.action, Some(Action::Throttled { .. })));
    let c = classify(Some(24), Some(2207999));
    assert_eq!(c.matched, Match::Family);
    // Nothing known.
    let c = classify(Some(123_456), None);
    assert_eq!((c.matched, c.action), (Match::Unknown, None));
}

#[test]
fn container_status_text_gives_its_subcode() {
    use instapub_errors::parse_status_text as p;
    assert_eq!(
        p("Error: Media upload has failed with error code 2207026"),
        Some(2207026)
    );
    assert_eq!(
        p("status_code=ERROR status=Error: Media upload has failed with error code 2207076"),
        Some(2207076)
    );
    assert_eq!(p("ERROR CODE 2207082."), Some(2207082));
    assert_eq!(p("2207085"), Some(2207085));
    // Digits that are not after "error code" are not codes.
    assert_eq!(p("Error: upload 2207026 failed"), None);
    assert_eq!(
        p("Error: Media upload has failed with error code 2207026abc"),
        None
    );
    assert_eq!(p("Finished: 17889455560051444"), None);
    assert_eq!(p(""), None);
    assert_eq!(p("error code "), None);
}

#[test]
fn lenient_parsing_of_odd_bodies() {
    // Numbers as strings, extra fields, missing fields.
    let body = br#"{"error":{"code":"190","error_subcode":" 463 ","is_transient":"false","extra":{"a":1},"message":7}}"#;
    let g = GraphError::parse(Some(400), body).expect("parses");
    assert_eq!(
        (g.code, g.subcode, g.is_transient),
        (Some(190), Some(463), Some(false))
    );
    assert_eq!(g.message.as_deref(), Some("7"));
    assert_eq!(g.classify().id, Some(Id::TokenExpired));
    assert_eq!(g.raw.as_bytes(), body);
    // The resumable-upload failure shape.
    let body = br#"{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false}"}}"#;
    let g = GraphError::parse(None, body).expect("parses");
    assert_eq!(g.error_type.as_deref(), Some("ProcessingFailedError"));
    assert_eq!(g.is_transient, Some(false));
    // Not errors.
    use instapub_errors::ParseError as E;
    assert_eq!(GraphError::parse(None, b""), Err(E::Empty));
    assert_eq!(GraphError::parse(None, b"  \n"), Err(E::Empty));
    assert!(matches!(
        GraphError::parse(None, b"<html>"),
        Err(E::NotJson(_))
    ));
    assert_eq!(
        GraphError::parse(None, br#"{"id":"1"}"#),
        Err(E::NotAnEnvelope)
    );
    assert_eq!(
        GraphError::parse(None, br#"{"error":"x"}"#),
        Err(E::NotAnEnvelope)
    );
    let big = vec![b' '; instapub_errors::parse::MAX_BODY + 1];
    assert!(matches!(GraphError::parse(None, &big), Err(E::TooLarge(_))));
}

#[test]
fn escaping_matches_graph() {
    let env = CatalogError::new(Id::MediaFetchFailed)
        .with(placeholder::URI, "https://a.test/ä/😀\"q\"")
        .render(Profile::Documented, "Aaaaaaaaaaaaaaaaaaaaaaa");
    let json = env.to_json();
    assert!(
        json.contains(r#"https:\/\/a.test\/\u00e4\/\ud83d\ude00\"q\""#),
        "{json}"
    );
    let back = GraphError::parse(None, json.as_bytes()).expect("parses");
    assert_eq!(
        back.user_msg.as_deref(),
        Some("The media could not be fetched from this uri: https://a.test/ä/😀\"q\"")
    );
}

#[test]
fn unfilled_placeholders_stay_visible() {
    let msg = CatalogError::new(Id::MediaNotFound).user_message(Profile::Documented);
    assert_eq!(
        msg.as_deref(),
        Some("The media with {media-id} cannot be found")
    );
}

#[test]
fn action_kind_is_the_serialized_tag() {
    for e in ENTRIES {
        let v = serde_json::to_value(e.action).expect("serializes");
        assert_eq!(v["kind"], e.action.kind(), "{}", e.id);
    }
}

#[test]
fn upload_errors_render_in_metas_rupload_shape() {
    let env = CatalogError::new(Id::UploadUnauthorized)
        .render(Profile::Documented, "Aaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(
        env.to_upload_json(),
        r#"{"debug_info":{"retriable":false,"type":"ProcessingFailedError","message":"{\"success\":false,\"error\":{\"message\":\"unauthorized user request\"}}"}}"#
    );
    let back = GraphError::parse(Some(400), env.to_upload_json().as_bytes()).expect("parses");
    assert_eq!(back.is_transient, Some(false));
    assert_eq!(back.error_type.as_deref(), Some("ProcessingFailedError"));
}

#[test]
fn www_authenticate_names_the_rfc_6750_error_and_keeps_a_safe_message() {
    let token = CatalogError::new(Id::InvalidAccessToken).render(Profile::Documented, "A");
    let header = token.www_authenticate();
    assert_eq!(
        header,
        format!(
            r#"OAuth "Facebook Platform" "invalid_token" "{}""#,
            token.message
        )
    );
    // Quotes, backslashes and anything not printable ASCII are dropped; at most 200 kept.
    let odd = CatalogError::new(Id::NonexistingField)
        .with(placeholder::FIELD, "ä\"q\"\\")
        .with(placeholder::NODE_TYPE, "User")
        .render(Profile::Documented, "A");
    let header = odd.www_authenticate();
    let message = header
        .strip_prefix(r#"OAuth "Facebook Platform" ""#)
        .and_then(|rest| rest.split_once(r#"" ""#))
        .map(|(_, m)| m.trim_end_matches('"'))
        .expect("the header's shape");
    assert!(message.len() <= 200, "{message}");
    assert!(
        message
            .chars()
            .all(|c| (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\'),
        "{message}"
    );
    assert!(message.contains("(q)"), "{message}");
    let long = CatalogError::new(Id::NonexistingField)
        .with(placeholder::FIELD, "x".repeat(500))
        .with(placeholder::NODE_TYPE, "User")
        .render(Profile::Documented, "A");
    let header = long.www_authenticate();
    assert!(header.contains(&"x".repeat(100)), "{header}");
    assert!(header.len() <= 200 + 48, "{}", header.len());
}

#[test]
fn graph_instagram_com_speaks_its_dialect_for_generic_errors_only() {
    use instapub_errors::{ErrorType, Host, OnInstagram, Profile};
    for e in ENTRIES {
        let facebook = e.message_on(Profile::Documented, Host::Facebook);
        let instagram = e.message_on(Profile::Documented, Host::Instagram);
        assert_eq!(facebook, e.message, "{}", e.id);
        match e.on_instagram {
            OnInstagram::Dialect => {
                assert_eq!(e.error_type_on(Host::Instagram), ErrorType::IGApiException);
                assert!(!instagram.starts_with("(#"), "{}: {instagram}", e.id);
                // Only the prefix goes: the rest of the text is Graph's.
                assert!(facebook.ends_with(instagram), "{}", e.id);
            }
            OnInstagram::AsFacebook { evidence } => {
                assert!(!evidence.is_empty(), "{} says where it was seen", e.id);
                assert_eq!(instagram, facebook, "{}", e.id);
                assert_eq!(e.error_type_on(Host::Instagram), e.error_type, "{}", e.id);
            }
            OnInstagram::Seen { evidence, .. } => {
                assert!(!evidence.is_empty(), "{} says where it was seen", e.id);
                assert_eq!(e.error_type_on(Host::Instagram), ErrorType::IGApiException);
            }
        }
        // The publishing subcodes keep Graph's envelope on both hosts.
        if e.subcode
            .is_some_and(|s| (2_207_000..2_208_000).contains(&s))
        {
            assert!(
                matches!(e.on_instagram, OnInstagram::AsFacebook { .. }),
                "{}",
                e.id
            );
        }
    }
    // What traffic showed, as rendered.
    let body = CatalogError::new(Id::ParameterRequired)
        .with(instapub_errors::placeholder::PARAM, "video_url")
        .render_on(Profile::Documented, Host::Instagram, "A")
        .to_json();
    assert!(body.starts_with(
        r#"{"error":{"message":"The parameter video_url is required","type":"IGApiException","code":100,"#
    ), "{body}");
}
