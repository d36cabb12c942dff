//! Each fault kind as a client observes it.

mod support;

use std::time::Duration;

use llapi_test_server::Step;
use support::{server, Client};

const HEARTBEAT: &str = "/api/v1/vigiles/heartbeat";

#[test]
fn status_faults_with_retry_after_then_normal_answers() {
    let server = server();
    let client = Client::new(&server.url());
    server.set_script(vec![
        Step::status(503).retry_after(1).times(2),
        Step::status(403),
    ]);
    for _ in 0..2 {
        let reply = client.send("POST", HEARTBEAT, &[]);
        assert_eq!(reply.status, 503);
        assert_eq!(reply.headers["retry-after"], "1");
        assert_eq!(reply.json()["status_code"], 503);
    }
    let denied = client.send("POST", HEARTBEAT, &[]);
    assert_eq!(denied.status, 403);
    assert_eq!(denied.json()["message"], "Invalid credentials");
    assert_eq!(client.send("POST", HEARTBEAT, &[]).status, 200);

    let log = server.requests();
    let faults: Vec<_> = log.iter().map(|r| r.fault.as_deref()).collect();
    assert_eq!(
        faults,
        [
            Some("status 503"),
            Some("status 503"),
            Some("status 403"),
            None
        ]
    );
    assert!(
        log.iter().all(|r| r.signature_ok),
        "faulted requests were still signed correctly"
    );
    assert!(server.remaining_script().is_empty());
}

#[test]
fn faults_match_method_and_path_prefix() {
    let server = server();
    let client = Client::new(&server.url());
    server.set_script(vec![Step::status(500)
        .on_method("GET")
        .on_path("/api/v1/vigiles/manifests")
        .always()]);
    assert_eq!(client.send("POST", HEARTBEAT, &[]).status, 200);
    assert_eq!(
        client
            .send("POST", "/api/v1/vigiles/manifests", &[("manifest", "{}")])
            .status,
        200
    );
    for _ in 0..3 {
        assert_eq!(
            client.send("GET", "/api/v1/vigiles/manifests", &[]).status,
            500
        );
    }
    server.set_script(Vec::new());
    assert_eq!(
        client.send("GET", "/api/v1/vigiles/manifests", &[]).status,
        200
    );
    server.push_step(Step::status(502));
    assert_eq!(
        client.send("GET", "/api/v1/vigiles/manifests", &[]).status,
        502
    );
}

#[test]
fn reset_drops_the_connection_without_a_response() {
    let server = server();
    let client = Client::new(&server.url());
    server.set_script(vec![Step::reset().on_path("/api/v1/vigiles/manifests")]);
    let err = client
        .try_send("POST", "/api/v1/vigiles/manifests", &[("manifest", "{}")])
        .err()
        .expect("reset is a transport error");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    assert!(
        server.manifests().is_empty(),
        "a reset request is not processed"
    );
    assert_eq!(client.send("POST", HEARTBEAT, &[]).status, 200);
    let log = server.requests();
    assert_eq!(log[0].status, None);
    assert_eq!(log[0].fault.as_deref(), Some("reset"));
}

#[test]
fn delay_then_answer_and_hang_until_client_timeout() {
    let server = server();
    let client = Client::new(&server.url());
    server.set_script(vec![Step::delay(50), Step::hang(5_000)]);
    assert_eq!(client.send("POST", HEARTBEAT, &[]).status, 200);
    assert_eq!(server.requests()[0].fault.as_deref(), Some("delay 50ms"));

    let mut impatient = Client::new(&server.url());
    impatient.http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = impatient
        .try_send("POST", HEARTBEAT, &[])
        .err()
        .expect("hang times out");
    assert!(err.is_timeout(), "{err:?}");
}

#[test]
fn raw_html_body() {
    let server = server();
    let client = Client::new(&server.url());
    server.set_script(vec![Step::body(
        "<html><body>Bad gateway</body></html>",
        "text/html",
    )]);
    let reply = client.send("GET", "/api/v1/vigiles/about", &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "text/html");
    assert_eq!(reply.body, b"<html><body>Bad gateway</body></html>");
    assert_eq!(
        client
            .send("GET", "/api/v1/vigiles/about", &[])
            .content_type,
        "application/json"
    );
}
