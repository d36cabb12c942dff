//! Property: arbitrary names and values (Unicode, `&`, `=`, `+`, `%`, newlines, lists) survive
//! encoding, and a receiver that decodes what was sent and rebuilds the message — the test
//! server's verifier — accepts the signature.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use llapi::config::KeyFile;
use llapi::endpoint::BaseUrl;
use llapi::{Method, Params, Request, Value};
use llapi_test_server::verify::{verify, Verdict};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_]{0,8}",
        "[&=+%\\n\\r #?/~*é🦀\\\\\"]{0,12}",
        any::<String>(),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::Text),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        proptest::collection::vec(text(), 0..4).prop_map(Value::List),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Get),
        Just(Method::Post),
        Just(Method::Put),
        Just(Method::Patch),
        Just(Method::Delete)
    ]
}

fn decode(bytes: &[u8]) -> Vec<(String, Arc<str>)> {
    form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), Arc::from(v.as_ref())))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn receiver_rebuilds_and_verifies(
        method in method(),
        pairs in proptest::collection::vec((text().prop_filter("named", |n| !n.is_empty() && n != "email"), value()), 0..6),
        key in "[!-~][ -~]{0,39}",
        email in "[a-z0-9.+_-]{1,10}@[a-z]{1,8}\\.test",
    ) {
        let params: Params = pairs.into_iter().collect();
        let key_json = serde_json::json!({"email": email, "key": key}).to_string();
        let key_file = KeyFile::parse(Path::new("k"), key_json.as_bytes()).unwrap();
        let request = Request::new(method, "/api/v1/vigiles/x", params.clone()).unwrap();
        let prepared = request.prepare(&BaseUrl::parse("https://v.test").unwrap(), Some(&key_file)).unwrap();
        let received = match &prepared.body {
            Some(body) => decode(&body.to_bytes().unwrap()),
            None => decode(prepared.url.split_once('?').map_or("", |(_, q)| q).as_bytes()),
        };
        // Every value arrives intact.
        for (name, value) in params.iter() {
            let got: Vec<&str> = received.iter().filter(|(n, _)| n == name).map(|(_, v)| &**v).collect();
            let want: Vec<String> = match value {
                Value::List(items) => items.clone(),
                scalar => vec![scalar.scalar_text().unwrap().into_owned()],
            };
            prop_assert_eq!(got, want.iter().map(String::as_str).collect::<Vec<_>>());
        }
        let keys: BTreeMap<String, Vec<u8>> = [(email.clone(), key.trim().as_bytes().to_vec())].into();
        let header = prepared.signature().unwrap().as_bytes().to_vec();
        let verdict = verify(&keys, method.as_str(), "/api/v1/vigiles/x", &received, Some(&header));
        prop_assert_eq!(verdict, Verdict::Valid);
    }
}
