//! Real HTTP round trips against the test server, one test per endpoint group.

mod support;

use std::io::Read;

use base64::Engine;
use serde_json::json;
use support::{server, vigiles_manifest, Client, EMAIL};

const MANIFESTS: &str = "/api/v1/vigiles/manifests";

#[test]
fn heartbeat_and_credentials() {
    let server = server();
    let client = Client::new(&server.url());
    assert_eq!(
        client.ok("POST", "/api/v1/vigiles/heartbeat", &[]),
        json!({"ok": true})
    );
    assert_eq!(
        client.ok("POST", "/api/v1/heartbeat", &[]),
        json!({"ok": true})
    );
    let about = client.ok("GET", "/api/v1/vigiles/about", &[]);
    assert!(about["app_version"].is_string() && about["database_version"].is_string());

    let wrong_key = Client::with_key(&server.url(), EMAIL, "other-key");
    let reply = wrong_key.send("POST", "/api/v1/vigiles/heartbeat", &[]);
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.json(),
        json!({"status_code": 403, "message": "Invalid credentials"})
    );
    let stranger = Client::with_key(&server.url(), "nobody@example.com", support::KEY);
    assert_eq!(
        stranger
            .send("POST", "/api/v1/vigiles/heartbeat", &[])
            .status,
        403
    );
    let unsigned = client
        .http
        .post(format!("{}/api/v1/vigiles/heartbeat", server.url()))
        .body("email=user%40example.com");
    assert_eq!(unsigned.send().unwrap().status(), 403);

    let log = server.requests();
    assert_eq!(log.len(), 6);
    assert!(log[0].signature_ok && log[0].status == Some(200));
    assert_eq!(log[0].param("email"), Some(EMAIL));
    assert!(!log[3].signature_ok && log[3].status == Some(403));
}

#[test]
fn configured_vulnerable_packages_get_findings() {
    let config =
        llapi_test_server::ServerConfig::with_credential(EMAIL, support::KEY).vulnerable("zlib");
    let server = llapi_test_server::TestServer::start(config).unwrap();
    let client = Client::new(&server.url());
    let result = client.ok(
        "POST",
        MANIFESTS,
        &[("manifest", &vigiles_manifest(&[("zlib", "1.3")]))],
    );
    assert_eq!(result["cves"]["zlib"].as_array().unwrap().len(), 3);
}

#[test]
fn unknown_path_is_json_404() {
    let server = server();
    let client = Client::new(&server.url());
    let reply = client.send("GET", "/api/v1/vigiles/nothing-here", &[]);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["status_code"], 404);
}

#[test]
fn upload_reports_synthetic_findings_and_stores_verbatim() {
    let server = server();
    let client = Client::new(&server.url());
    let manifest = vigiles_manifest(&[
        ("busybox", "1.36.1"),
        ("zlib", "1.3 +&=%\u{e9}"),
        ("openssl", "3.2.1"),
    ]);
    let result = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", &manifest),
            ("filter_results", "False"),
            ("upload_only", "False"),
            ("group_token", "G1"),
            ("folder_token", "F1"),
            ("export_format", "csv"),
        ],
    );
    let token = result["manifest_token"].as_str().unwrap();
    assert_eq!(result["group_token"], "G1");
    assert_eq!(result["folder_token"], "F1");
    assert!(result["date"].as_str().unwrap().ends_with('Z'));
    assert!(result["report_path"]
        .as_str()
        .unwrap()
        .starts_with("/cves/reports/"));
    assert_eq!(result["counts"]["unfixed"], 2);
    assert_eq!(result["counts"]["unapplied"], 2);
    assert_eq!(result["counts"]["fixed"], 2);
    assert_eq!(
        result["counts"]["cvss_counts"]["high"],
        json!({"unfixed": 4, "fixed": 0})
    );
    assert_eq!(result["cves"]["busybox"].as_array().unwrap().len(), 3);
    assert!(result["cves"].get("zlib").is_none());
    let entry = &result["cves"]["openssl"][0];
    for field in ["cve_id", "version", "cvss", "vector", "status", "fixedby"] {
        assert!(entry.get(field).is_some(), "{field} missing");
    }
    let gz = base64::engine::general_purpose::STANDARD
        .decode(result["exported_report"].as_str().unwrap())
        .unwrap();
    let mut csv = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut csv)
        .unwrap();
    assert!(
        csv.starts_with("package,version,cve_id")
            && csv.contains(entry["cve_id"].as_str().unwrap())
    );

    let stored = server.manifests();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].token, token);
    assert_eq!(stored[0].bytes(), manifest.as_bytes());
    assert_eq!(stored[0].param("group_token"), Some("G1"));
    assert_eq!(stored[0].param("export_format"), Some("csv"));
    assert!(stored[0].param("manifest").is_none());

    let only = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", "{}"),
            ("upload_only", "True"),
            ("product_token", "P1"),
        ],
    );
    assert_eq!(only["product_token"], "P1");
    assert!(only.get("report_path").is_none() && only.get("counts").is_none());

    let missing = client.send("POST", MANIFESTS, &[("upload_only", "True")]);
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["status_code"], 400);
}

#[test]
fn manifest_list_info_reports_and_delete() {
    let server = server();
    let client = Client::new(&server.url());
    let manifest = vigiles_manifest(&[("busybox", "1.36.1")]);
    let a = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", &manifest),
            ("group_token", "G1"),
            ("folder_token", "F1"),
        ],
    );
    let b = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", "{}"),
            ("group_token", "G2"),
            ("manifest_name", "other"),
        ],
    );
    let a_token = a["manifest_token"].as_str().unwrap();
    let b_token = b["manifest_token"].as_str().unwrap();

    assert_eq!(
        client.ok("GET", MANIFESTS, &[]).as_array().unwrap().len(),
        2
    );
    let by_folder = client.ok("GET", MANIFESTS, &[("folder_token", "F1")]);
    assert_eq!(by_folder.as_array().unwrap().len(), 1);
    assert_eq!(by_folder[0]["manifest_token"], a_token);
    assert_eq!(by_folder[0]["manifest_name"], "core-image-test");
    let by_group = client.ok("GET", MANIFESTS, &[("group_token", "G2")]);
    assert_eq!(by_group[0]["manifest_name"], "other");

    let info = client.ok("GET", &format!("{MANIFESTS}/{a_token}"), &[]);
    assert_eq!(
        info["manifest_data"]["packages"]["busybox"]["version"],
        "1.36.1"
    );
    assert_eq!(info["group_token"], "G1");
    let raw = client.send(
        "GET",
        &format!("{MANIFESTS}/{a_token}"),
        &[("send_file", "True")],
    );
    assert_eq!(raw.body, manifest.as_bytes());

    let cdx = client.ok(
        "GET",
        &format!("{MANIFESTS}/{a_token}"),
        &[("sbom_format", "cyclonedx"), ("sbom_version", "1.5")],
    );
    assert_eq!(cdx["manifest_data"]["specVersion"], "1.5");
    assert_eq!(cdx["manifest_data"]["components"][0]["name"], "busybox");
    let spdx = client.send(
        "GET",
        &format!("{MANIFESTS}/{a_token}"),
        &[("send_file", "True"), ("sbom_format", "spdx")],
    );
    assert_eq!(spdx.json()["packages"][0]["versionInfo"], "1.36.1");
    let xml = client.send(
        "GET",
        &format!("{MANIFESTS}/{a_token}"),
        &[
            ("send_file", "True"),
            ("sbom_format", "cyclonedx"),
            ("file_format", "xml"),
        ],
    );
    assert!(String::from_utf8(xml.body)
        .unwrap()
        .contains("<name>busybox</name>"));
    let unsupported = client.send(
        "GET",
        &format!("{MANIFESTS}/{a_token}"),
        &[("sbom_format", "spdx"), ("file_format", "rdfxml")],
    );
    assert_eq!(unsupported.status, 400);

    let reports = client.ok("GET", &format!("{MANIFESTS}/{a_token}/reports"), &[]);
    assert_eq!(reports["reports"].as_array().unwrap().len(), 1);
    let rescan = client.ok(
        "POST",
        &format!("{MANIFESTS}/{a_token}/reports"),
        &[
            ("manifest", a_token),
            ("rescan_only", "False"),
            ("filtered", "True"),
        ],
    );
    assert_eq!(
        rescan["cves"]["busybox"].as_array().unwrap().len(),
        2,
        "filtered drops the fixed CVE"
    );
    let latest = client.ok(
        "GET",
        &format!("{MANIFESTS}/{a_token}/reports/latest"),
        &[("filtered", "False"), ("with_field", "description")],
    );
    assert_eq!(latest["report_token"], rescan["report_token"]);
    assert_eq!(latest["group_path"], "/vigiles/groups/G1");
    assert!(latest["cves"]["busybox"][0]["description"].is_string());
    assert_eq!(
        client.ok("GET", &format!("{MANIFESTS}/{a_token}/reports"), &[])["reports"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let unconfirmed = client.ok(
        "DELETE",
        &format!("{MANIFESTS}/{b_token}"),
        &[("confirmed", "False")],
    );
    assert_eq!(unconfirmed["success"], false);
    let deleted = client.ok(
        "DELETE",
        &format!("{MANIFESTS}/{b_token}"),
        &[("confirmed", "True")],
    );
    assert_eq!(deleted["success"], true);
    assert_eq!(
        client
            .send("GET", &format!("{MANIFESTS}/{b_token}"), &[])
            .status,
        404
    );
    assert_eq!(server.manifests().len(), 1);
}

#[test]
fn reports_download_compare_custom_scores_and_bulk_moves() {
    let server = server();
    let client = Client::new(&server.url());
    let first = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", &vigiles_manifest(&[("busybox", "1")])),
            ("group_token", "G1"),
        ],
    );
    let second = client.ok(
        "POST",
        MANIFESTS,
        &[
            ("manifest", &vigiles_manifest(&[("openssl", "3")])),
            ("group_token", "G1"),
        ],
    );
    let report = |v: &serde_json::Value| {
        v["report_path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let (r1, r2) = (report(&first), report(&second));

    let csv = client.send(
        "GET",
        &format!("/api/v1/vigiles/reports/{r1}"),
        &[("filtered", "False"), ("format", "csv")],
    );
    assert_eq!(csv.status, 200);
    assert!(String::from_utf8(csv.body).unwrap().contains("busybox"));
    let pdf = client.send(
        "GET",
        &format!("/api/v1/vigiles/reports/{r1}"),
        &[("format", "pdf")],
    );
    assert!(pdf.body.starts_with(b"%PDF"));
    let vex = client.send(
        "GET",
        &format!("/api/v1/vigiles/reports/{r1}"),
        &[
            ("format", "cyclonedx-vex"),
            ("sbom_format", "json"),
            ("sbom_version", "1.6"),
        ],
    );
    assert_eq!(vex.json()["specVersion"], "1.6");
    assert_eq!(
        client
            .send(
                "GET",
                &format!("/api/v1/vigiles/reports/{r1}"),
                &[("format", "doc")]
            )
            .status,
        400
    );

    let diff = client.ok(
        "GET",
        "/api/v1/vigiles/reports/compare",
        &[
            ("token_one", &r1),
            ("token_two", &r2),
            ("filtered", "False"),
        ],
    );
    assert_eq!(diff["resolved"].as_array().unwrap().len(), 3);
    assert_eq!(diff["new"].as_array().unwrap().len(), 3);

    let token = first["manifest_token"].as_str().unwrap();
    let scores = format!("{MANIFESTS}/{token}/custom_scores");
    let set = client.ok(
        "POST",
        &scores,
        &[
            ("package_name", "busybox"),
            ("cve_id", "CVE-2099-1"),
            ("custom_score", "4.2"),
        ],
    );
    assert_eq!(set["success"], true);
    assert_eq!(
        client
            .send("POST", &scores, &[("package_name", "busybox")])
            .status,
        400
    );

    let tokens = [token, second["manifest_token"].as_str().unwrap()];
    let bulk = "/api/v1/vigiles/manifests/bulk-options/move";
    let no_target = client.send(
        "POST",
        bulk,
        &[("sbom_tokens", tokens[0]), ("copy", "False")],
    );
    assert_eq!(no_target.status, 400);
    let moved = client.ok(
        "POST",
        bulk,
        &[
            ("sbom_tokens", tokens[0]),
            ("sbom_tokens", tokens[1]),
            ("copy", "False"),
            ("include_history", "False"),
            ("target_group_token", "G9"),
        ],
    );
    assert_eq!(moved["success"], true);
    assert_eq!(
        client
            .ok("GET", MANIFESTS, &[("group_token", "G9")])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let copied = client.ok(
        "POST",
        bulk,
        &[
            ("sbom_tokens", tokens[0]),
            ("copy", "True"),
            ("include_history", "True"),
            ("target_group_token", "G3"),
        ],
    );
    let copy_token = copied["manifest_tokens"][0].as_str().unwrap();
    assert_ne!(copy_token, tokens[0]);
    assert_eq!(server.manifests().len(), 3);
    assert_eq!(
        client.ok("GET", &format!("{MANIFESTS}/{copy_token}/reports"), &[])["reports"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn groups_folders_and_cves() {
    let server = server();
    let client = Client::new(&server.url());
    let group = client.ok(
        "POST",
        "/api/v1/vigiles/groups",
        &[("group_name", "Team"), ("description", "d")],
    );
    let g = group["token"].as_str().unwrap();
    let sub = client.ok(
        "POST",
        "/api/v1/vigiles/groups",
        &[("group_name", "Sub"), ("group_token", g)],
    );
    let info = client.ok(
        "GET",
        &format!("/api/v1/vigiles/groups/{g}"),
        &[("subgroups", "True")],
    );
    assert_eq!(info["subgroups"][0]["token"], sub["token"]);
    assert_eq!(
        client
            .ok(
                "GET",
                "/api/v1/vigiles/groups",
                &[("include_private_workspaces", "True")]
            )
            .as_array()
            .unwrap()
            .len(),
        3
    );
    client.ok(
        "PATCH",
        "/api/v1/vigiles/groups/archive",
        &[("tokens", sub["token"].as_str().unwrap())],
    );
    assert_eq!(
        client
            .ok("GET", "/api/v1/vigiles/groups/archived", &[])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let members = format!("/api/v1/vigiles/groups/{g}/members");
    client.ok(
        "POST",
        &members,
        &[
            ("member_email", "a@b.c"),
            ("role", "viewer"),
            ("allow_access_to_subgroups", "False"),
        ],
    );
    client.ok("PUT", &format!("{members}/a@b.c"), &[("new_role", "admin")]);
    let listed = client.ok("GET", &members, &[]);
    assert_eq!(
        listed["group_members"][1],
        json!({"email": "a@b.c", "role": "admin", "allow_access_to_subgroups": false})
    );
    client.ok("DELETE", &format!("{members}/a@b.c"), &[]);
    assert_eq!(
        client
            .send("DELETE", &format!("{members}/a@b.c"), &[])
            .status,
        404
    );

    let settings = format!("/api/v1/vigiles/groups/{g}/settings");
    client.ok(
        "PATCH",
        &settings,
        &[
            ("vuln_identifiers", "PURL"),
            ("vuln_identifiers", "CPE"),
            ("report_dep_vulns", "on"),
        ],
    );
    let current = client.ok("GET", &settings, &[]);
    assert_eq!(current["vuln_identifiers"], json!(["PURL", "CPE"]));
    assert_eq!(current["report_dep_vulns"], "on");
    assert_eq!(
        client
            .send("PATCH", &settings, &[("vuln_identifiers", "SWID")])
            .status,
        400
    );
    client.ok("POST", MANIFESTS, &[("manifest", "{}"), ("group_token", g)]);
    assert_eq!(
        client
            .ok(
                "GET",
                &format!("/api/v1/vigiles/groups/{g}/activity_log"),
                &[("group_token", g)]
            )
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let folder = client.ok(
        "POST",
        "/api/v1/vigiles/folders",
        &[("folder_name", "Builds"), ("group_token", g)],
    );
    let f = folder["token"].as_str().unwrap();
    client.ok(
        "POST",
        "/api/v1/vigiles/folders",
        &[("folder_name", "Nightly"), ("folder_token", f)],
    );
    assert_eq!(
        client.ok("GET", "/api/v1/vigiles/folders", &[("folder_token", f)])[0]["name"],
        "Nightly"
    );
    assert_eq!(
        client
            .ok("GET", "/api/v1/vigiles/folders", &[("group_token", g)])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    client.ok("PATCH", "/api/v1/vigiles/folders/archive", &[("tokens", f)]);
    assert_eq!(
        client
            .ok(
                "GET",
                "/api/v1/vigiles/folders",
                &[("group_token", g), ("archived_only", "True")]
            )
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        client
            .send("POST", "/api/v1/vigiles/folders", &[("folder_name", "x")])
            .status,
        400
    );

    client.ok("DELETE", &format!("/api/v1/vigiles/groups/{g}"), &[]);
    assert_eq!(
        client
            .send("GET", &format!("/api/v1/vigiles/groups/{g}"), &[])
            .status,
        404
    );

    let ids = client.ok(
        "GET",
        "/api/v1/vigiles/cves",
        &[
            ("ids_only", "True"),
            ("product", "openssl"),
            ("version", ""),
        ],
    );
    assert_eq!(ids.as_array().unwrap().len(), 3);
    assert_eq!(
        client.ok(
            "GET",
            "/api/v1/vigiles/cves",
            &[("ids_only", "True"), ("product", "zlib"), ("version", "")]
        ),
        json!([])
    );
    let cve = ids[0].as_str().unwrap();
    let info = client.ok(
        "GET",
        &format!("/api/v1/vigiles/cves/{cve}"),
        &[("fields", "impact"), ("fields", "description")],
    );
    assert_eq!(info.as_object().unwrap().len(), 3);
    let status_path = format!("/api/v1/vigiles/cves/{cve}/vuln-status");
    client.ok(
        "POST",
        &status_path,
        &[
            ("scope", "manifest"),
            ("package", "openssl"),
            ("status", "not_affected"),
            ("manifest_tokens", "M1"),
        ],
    );
    assert_eq!(
        client
            .send(
                "POST",
                &status_path,
                &[
                    ("scope", "x"),
                    ("package", "openssl"),
                    ("status", "not_affected")
                ]
            )
            .status,
        400
    );
    let status = client.ok(
        "GET",
        &status_path,
        &[
            ("manifest_token", "M1"),
            ("package_name", "openssl"),
            ("package_version", "3"),
        ],
    );
    assert_eq!(status["status"], "not_affected");

    let product = client.ok("POST", "/api/v1/vigiles/products", &[("name", "Legacy")]);
    let p = product["token"].as_str().unwrap();
    assert_eq!(
        client.ok("GET", &format!("/api/v1/vigiles/products/{p}"), &[])["name"],
        "Legacy"
    );
}

#[test]
fn large_and_concurrent_uploads() {
    let server = server();
    let client = Client::new(&server.url());
    // ~20 MB of text that percent-encodes to roughly twice its size.
    let line = "{\"k\": \"a b&c=d+e%f/g?h\\u00e9 \u{e9}\u{1f600}\"},\n";
    let big = line.repeat(20 * 1024 * 1024 / line.len());
    let result = client.ok(
        "POST",
        MANIFESTS,
        &[("manifest", &big), ("upload_only", "True")],
    );
    let stored = server.manifests();
    assert_eq!(stored[0].token, result["manifest_token"]);
    assert_eq!(stored[0].bytes(), big.as_bytes());

    let url = server.url();
    let handles: Vec<_> = (0..4)
        .map(|worker| {
            let url = url.clone();
            std::thread::spawn(move || {
                let client = Client::new(&url);
                (0..5)
                    .map(|i| {
                        let manifest = vigiles_manifest(&[("busybox", &format!("{worker}.{i}"))]);
                        client.ok("POST", MANIFESTS, &[("manifest", &manifest)])["manifest_token"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut tokens: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 20);
    assert_eq!(server.manifests().len(), 21);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.signature_ok && r.status == Some(200)));
}

/// Reads one HTTP response (status, body) from a raw connection.
fn read_response(reader: &mut impl std::io::BufRead) -> (u16, Vec<u8>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, body)
}

#[test]
fn keep_alive_connection_serves_pipelined_requests() {
    use std::io::Write;
    let server = server();
    let pairs = vec![(
        "email".to_string(),
        llapi_test_server::verify::Text::from(EMAIL),
    )];
    let sig = llapi_test_server::verify::signature(
        support::KEY.as_bytes(),
        "POST",
        "/api/v1/vigiles/heartbeat",
        &pairs,
    );
    let request = format!(
        "POST /api/v1/vigiles/heartbeat HTTP/1.1\r\nHost: t\r\nX-Auth-Signature: {sig}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 24\r\n\r\nemail=user%40example.com"
    );
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream
        .write_all(format!("{request}{request}").as_bytes())
        .unwrap();
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    for _ in 0..2 {
        assert_eq!(
            read_response(&mut reader),
            (200, br#"{"ok":true}"#.to_vec())
        );
    }
    stream
        .write_all(request.replace(&sig, "bad").as_bytes())
        .unwrap();
    assert_eq!(read_response(&mut reader).0, 403);
    assert_eq!(server.requests().len(), 3);
}
