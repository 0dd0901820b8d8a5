//! Property tests: no input makes the parsers panic, and any placeholder text survives a
//! render -> parse round trip.

use instapub_errors::{parse_status_text, CatalogError, GraphError, Id, Profile};
use proptest::prelude::*;
use serde_json::Value;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::hash_map(
                prop_oneof![
                    Just("error".to_owned()),
                    Just("code".to_owned()),
                    Just("error_subcode".to_owned()),
                    Just("is_transient".to_owned()),
                    Just("message".to_owned()),
                    Just("debug_info".to_owned()),
                    ".*"
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let body = serde_json::to_vec(&v).expect("serializes");
        if let Ok(g) = GraphError::parse(Some(400), &body) {
            let _ = g.classify();
        }
        let wrapped = serde_json::to_vec(&serde_json::json!({ "error": v })).expect("serializes");
        if let Ok(g) = GraphError::parse(None, &wrapped) {
            let _ = g.classify();
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = GraphError::parse(None, &bytes);
        let _ = parse_status_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn placeholder_values_round_trip(uri in ".*", trace in "A[A-Za-z0-9_-]{22}") {
        let err = CatalogError::new(Id::MediaFetchFailed).with("uri", uri.clone());
        let json = err.render(Profile::Documented, trace.clone()).to_json();
        let back = GraphError::parse(Some(400), json.as_bytes()).expect("own output parses");
        prop_assert_eq!(back.user_msg.clone(), err.user_message(Profile::Documented));
        prop_assert_eq!(back.fbtrace_id.clone(), Some(trace));
        prop_assert_eq!(back.classify().id, Some(Id::MediaFetchFailed));
    }
}
