//! Every request of the reference client's vectors signs and encodes identically.

#[path = "support/vectors.rs"]
mod vectors;

use std::path::Path;

use llapi::config::KeyFile;
use llapi::endpoint::BaseUrl;
use llapi::{Method, Params, Request, Value};
use serde_json::Value as Json;

fn params_of(case: &vectors::Case) -> Params {
    case.params
        .iter()
        .map(|(name, v)| {
            let value = match v {
                Json::String(s) => Value::Text(s.clone()),
                Json::Bool(b) => Value::Bool(*b),
                Json::Number(n) => Value::Int(n.as_i64().unwrap()),
                Json::Array(items) => Value::List(
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap().to_owned())
                        .collect(),
                ),
                other => panic!("{}: unexpected value {other}", case.name),
            };
            (name.clone(), value)
        })
        .collect()
}

#[test]
fn all_57_vectors_reproduce_exactly() {
    let base = BaseUrl::parse("https://vigiles.example.test").unwrap();
    for case in vectors::cases() {
        let key_file =
            KeyFile::parse(Path::new("k"), vectors::key_file_json(&case).as_bytes()).unwrap();
        let method: Method = case.method.parse().unwrap();
        let request = Request::new(method, case.resource.clone(), params_of(&case)).unwrap();
        let prepared = request.prepare(&base, Some(&key_file)).unwrap();
        let msg = String::from_utf8(prepared.hmac_message().unwrap()).unwrap();
        assert_eq!(msg, case.hmac_msg, "{}: hmac_msg", case.name);
        assert_eq!(
            prepared.signature(),
            Some(case.signature.as_str()),
            "{}: signature",
            case.name
        );
        let (path, query) = vectors::split_url(&prepared.url);
        let (want_path, want_query) = vectors::split_url(&case.url);
        assert_eq!(path, want_path, "{}: url path", case.name);
        assert_eq!(query, want_query, "{}: query pairs", case.name);
        match (&prepared.body, &case.body) {
            (Some(body), Some(want)) => {
                let bytes = body.to_bytes().unwrap();
                assert_eq!(
                    bytes.len() as u64,
                    body.len(),
                    "{}: content length",
                    case.name
                );
                let got = vectors::decode(std::str::from_utf8(&bytes).unwrap());
                assert_eq!(got, vectors::decode(want), "{}: body pairs", case.name);
            }
            (None, None) => {}
            (got, want) => panic!("{}: body {got:?} vs {want:?}", case.name),
        }
    }
}
