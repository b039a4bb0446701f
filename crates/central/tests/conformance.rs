//! The receiver against its OpenAPI document (docs/sync-openapi.yaml), from outside: a real
//! `banthuek-central` process on 127.0.0.1 over TLS. Every error is the documented JSON with a
//! documented status; the session is checked from the headers before any of the body is read;
//! refusals are logged without personal data; and schemathesis (`--checks all`, bounded) finds
//! nothing.

mod common;

use banthuek_sync::protocol::{self, codes, ErrorBody, SessionResponse};
use std::io::{BufRead as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A receiver whose log (stderr, default filter) goes to a file the test reads.
struct Receiver {
    child: Child,
    data: PathBuf,
    log: PathBuf,
    url: String,
    fingerprint: String,
    _dir: tempfile::TempDir,
}

impl Receiver {
    fn start() -> Receiver {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("central");
        let log = dir.path().join("central.log");
        let mut child = Command::new(common::central_binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            .env_remove("BANTHUEK_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start banthuek-central");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut line = || lines.next().expect("a start-up line").expect("stdout");
        let url = line().trim_start_matches("listening on ").to_owned();
        let fingerprint = line().trim_start_matches("certificate sha256 ").to_owned();
        Receiver {
            child,
            data,
            log,
            url,
            fingerprint,
            _dir: dir,
        }
    }

    fn agent(&self) -> ureq::Agent {
        let tls = banthuek_sync::tls::PinnedTls::new(Some(&self.fingerprint)).expect("tls");
        ureq::AgentBuilder::new()
            .tls_config(tls.config.clone())
            .timeout(Duration::from_secs(30))
            .build()
    }

    fn code(&self) -> String {
        let out = Command::new(common::central_binary())
            .args(["enrol-code", "--json", "--data"])
            .arg(&self.data)
            .output()
            .expect("enrol-code");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("code json");
        value["code"].as_str().expect("code").to_owned()
    }

    /// Enrols a device with a fresh station CA and opens a session: its access token.
    fn session_token(&self) -> String {
        let ca = banthuek_document::pki::create_station_ca("สถานีทดสอบ").expect("station CA");
        let pem = banthuek_document::pki::cert_to_pem(&ca.cert).expect("pem");
        let enrolment = banthuek_sync::enrol(
            &self.url,
            &self.code(),
            "conformance-laptop",
            &pem,
            Some(&self.fingerprint),
            &common::test_config(),
        )
        .expect("enrol");
        let response = self
            .agent()
            .post(&format!("{}/v1/session", self.url))
            .set("Authorization", &format!("Bearer {}", enrolment.credential))
            .call()
            .expect("session");
        let session: SessionResponse =
            serde_json::from_str(&response.into_string().expect("body")).expect("session json");
        session.access_token
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).expect("read the log")
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    content_type: String,
    allow: Option<String>,
    body: String,
}

impl Answer {
    /// The documented error body, checked: JSON with a code and both reasons.
    fn error(&self) -> ErrorBody {
        assert!(
            self.content_type.starts_with("application/json"),
            "status {} answered {:?}: {}",
            self.status,
            self.content_type,
            self.body
        );
        let body: ErrorBody = serde_json::from_str(&self.body).expect("an ErrorBody");
        assert!(!body.reason.is_empty() && !body.reason_th.is_empty());
        body
    }
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> Answer {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no HTTP answer: {e}"),
    };
    Answer {
        status: response.status(),
        content_type: response.header("content-type").unwrap_or("").to_owned(),
        allow: response.header("allow").map(str::to_owned),
        body: response.into_string().expect("body"),
    }
}

/// Sends `head` (request line and headers, no body) over a fresh TLS connection and returns the
/// status line and the rest of the answer, or panics if none comes within 15 s.
fn send_head_only(r: &Receiver, head: &str) -> (String, String) {
    let addr = r.url.trim_start_matches("https://");
    let tcp = std::net::TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let tls = banthuek_sync::tls::PinnedTls::new(Some(&r.fingerprint)).expect("tls");
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(tls.config.clone(), name).expect("tls client");
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    stream.write_all(head.as_bytes()).expect("send head");
    stream.flush().expect("flush");
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                got.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&got);
                if let Some((headers, body)) = text.split_once("\r\n\r\n") {
                    let length = headers
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break;
                    }
                }
            }
            Err(e) => {
                assert!(
                    !got.is_empty(),
                    "no answer while the body was withheld (the receiver waits for it): {e}"
                );
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let (status, rest) = text.split_once("\r\n").expect("a status line");
    (status.to_owned(), rest.to_owned())
}

#[test]
fn the_session_is_checked_before_the_body_is_read() {
    let r = Receiver::start();
    // 60 MB announced, nothing sent: an answer can only come from the headers.
    let head = "POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                Idempotency-Key: a:1\r\nContent-Length: 62914560\r\n\r\n";
    let (status, rest) = send_head_only(&r, head);
    assert!(status.contains(" 401 "), "{status}");
    assert!(rest.contains(codes::SESSION_INVALID), "{rest}");
    let forged = head.replace(
        "Host: 127.0.0.1\r\n",
        "Host: 127.0.0.1\r\nAuthorization: Bearer 00ff00ff\r\n",
    );
    let (status, _) = send_head_only(&r, &forged);
    assert!(status.contains(" 401 "), "{status}");

    // With a session, a body declared larger than the limit is refused before it is read.
    let token = r.session_token();
    let oversized = head.replace(
        "Host: 127.0.0.1\r\n",
        &format!("Host: 127.0.0.1\r\nAuthorization: bearer {token}\r\n"),
    );
    let oversized = oversized.replace("62914560", &(65 * 1024 * 1024).to_string());
    let (status, rest) = send_head_only(&r, &oversized);
    assert!(status.contains(" 413 "), "{status}");
    assert!(rest.contains(codes::TOO_LARGE), "{rest}");
    assert!(
        rest.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{rest}"
    );
}

#[test]
fn every_refusal_is_the_documented_json_and_is_logged_without_personal_data() {
    let r = Receiver::start();
    let agent = r.agent();
    let url = |path: &str| format!("{}{path}", r.url);
    let token = r.session_token();
    let bearer = format!("Bearer {token}");

    // An unknown path and a wrong method: JSON, 405 with Allow.
    let a = answer(agent.get(&url("/v1/nothing-here")).call());
    assert_eq!((a.status, a.error().code.as_str()), (404, codes::NOT_FOUND));
    let a = answer(agent.request("PATCH", &url("/v1/records")).call());
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (405, codes::METHOD_NOT_ALLOWED)
    );
    assert_eq!(a.allow.as_deref(), Some("POST"));

    // The status query: the session first, then the version, which must be a u32 from 1.
    let a = answer(agent.get(&url("/v1/records/r/versions/abc")).call());
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (401, codes::SESSION_INVALID)
    );
    for bad in ["abc", "0", "4294967296", "-1"] {
        let a = answer(
            agent
                .get(&url(&format!("/v1/records/r/versions/{bad}")))
                .set("Authorization", &bearer)
                .call(),
        );
        assert_eq!(
            (a.status, a.error().code.as_str()),
            (400, codes::BAD_REQUEST),
            "version {bad}"
        );
    }
    // The scheme name is case-insensitive (RFC 9110).
    let a = answer(
        agent
            .get(&url("/v1/records/r/versions/4294967295"))
            .set("Authorization", &format!("bEaReR {token}"))
            .call(),
    );
    assert_eq!((a.status, a.error().code.as_str()), (404, codes::NOT_FOUND));

    // Uploads: a missing key header, version 0 and a version past u32 are bad requests.
    let upload = |key: Option<&str>, body: &str| {
        let mut request = agent
            .post(&url("/v1/records"))
            .set("Authorization", &bearer)
            .set("Content-Type", "application/json");
        if let Some(key) = key {
            request = request.set(protocol::IDEMPOTENCY_HEADER, key);
        }
        answer(request.send_string(body))
    };
    let body = |version: &str| {
        format!(
            r#"{{"idempotency_key":"r:{version}","record_id":"r","version":{version},"record":{{}},"pdf_base64":"","pdf_sha256":""}}"#
        )
    };
    let a = upload(None, &body("1"));
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (400, codes::BAD_REQUEST)
    );
    let a = upload(Some("r:0"), &body("0"));
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (400, codes::BAD_REQUEST)
    );
    let a = upload(Some("r:4294967296"), &body("4294967296"));
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (400, codes::BAD_REQUEST)
    );
    let a = upload(Some("r:1"), "not json");
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (400, codes::BAD_REQUEST)
    );

    // A refused record that quotes a person: the log names the code, never the person.
    let name = "สมศักดิ์ ลับเฉพาะ";
    let record =
        format!(r#"{{"record_id":"r","arrestees":[{{"full_name":"{name}"}}],"schema":7}}"#);
    let pdf = b"%PDF-1.7 not really";
    let refused = format!(
        r#"{{"idempotency_key":"r:1","record_id":"r","version":1,"record":{record},"pdf_base64":"{}","pdf_sha256":"{}"}}"#,
        base64_encode(pdf),
        protocol::sha256_hex(pdf)
    );
    let a = upload(Some("r:1"), &refused);
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (422, codes::SCHEMA_INVALID)
    );

    // Enrolment: an empty station CA is 422 with its own code; an unknown code 403.
    let enrol = |ca: &str, code: &str| {
        answer(
            agent
                .post(&url("/v1/enrol"))
                .set("Content-Type", "application/json")
                .send_string(
                    &serde_json::json!({"code": code, "device_name": "x", "station_ca_pem": ca})
                        .to_string(),
                ),
        )
    };
    let a = enrol("", "AAAA-BBBB-CCCC");
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (422, codes::STATION_CA_INVALID)
    );
    let ca = banthuek_document::pki::create_station_ca("สถานีอื่น").expect("ca");
    let pem = banthuek_document::pki::cert_to_pem(&ca.cert).expect("pem");
    let a = enrol(&pem, "AAAA-BBBB-CCCC");
    assert_eq!((a.status, a.error().code.as_str()), (403, codes::BAD_CODE));
    // An enrolment body is small; a large one is refused by its declared length, unread.
    let (status, rest) = send_head_only(
        &r,
        "POST /v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 307200\r\n\r\n",
    );
    assert!(
        status.contains(" 413 ") && rest.contains(codes::TOO_LARGE),
        "{status}{rest}"
    );

    // A forged credential.
    let a = answer(
        agent
            .post(&url("/v1/session"))
            .set("Authorization", "Bearer bt1.e30.AAAA")
            .call(),
    );
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (401, codes::UNKNOWN_DEVICE)
    );

    let log = r.log_text();
    for code in [
        codes::SESSION_INVALID,
        codes::UNKNOWN_DEVICE,
        codes::BAD_CODE,
        codes::SCHEMA_INVALID,
        codes::STATION_CA_INVALID,
        codes::METHOD_NOT_ALLOWED,
        codes::TOO_LARGE,
    ] {
        assert!(
            log.lines()
                .any(|l| l.contains("request refused") && l.contains(code)),
            "no log line for {code}:\n{log}"
        );
    }
    assert!(!log.contains(name), "the log quotes the record:\n{log}");
    assert!(!log.contains(&token), "the log holds a session token");
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// schemathesis's command, or `None` when BANTHUEK_SKIP_SCHEMATHESIS is set. Found via
/// BANTHUEK_SCHEMATHESIS or the project's .venv (scripts/setup-deps.sh installs it there);
/// missing otherwise is a test failure, not a silent skip.
fn schemathesis() -> Option<PathBuf> {
    if std::env::var_os("BANTHUEK_SKIP_SCHEMATHESIS").is_some() {
        eprintln!("BANTHUEK_SKIP_SCHEMATHESIS set: skipping the schemathesis run");
        return None;
    }
    let path = std::env::var_os("BANTHUEK_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv/bin/st"));
    assert!(
        path.is_file(),
        "schemathesis not found at {} (run scripts/setup-deps.sh, set BANTHUEK_SCHEMATHESIS, \
         or BANTHUEK_SKIP_SCHEMATHESIS to skip)",
        path.display()
    );
    Some(path)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every operation of docs/sync-openapi.yaml, with an enrolled device's session, under every
/// schemathesis check. Bounded (examples per operation, one worker, a fixed seed) so that CI
/// stays cheap; the schemathesis.toml beside this file says which answers a schema-valid but
/// unsignable upload or enrolment may get, and why.
#[test]
fn schemathesis_finds_no_failure_against_the_openapi_document() {
    let Some(st) = schemathesis() else {
        return;
    };
    let r = Receiver::start();
    let token = r.session_token();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis.toml");
    let report = r.data.with_file_name("schemathesis-report");
    // schemathesis keeps a cache in its working directory: the receiver's temporary one.
    let out = Command::new(st)
        .current_dir(r.data.parent().expect("temp dir"))
        .arg("--config-file")
        .arg(&config)
        .arg("--no-color")
        .arg("run")
        .arg(workspace().join("docs/sync-openapi.yaml"))
        .args(["--url", &r.url])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all", "--tls-verify", "false"])
        .args(["--max-examples", "40", "--seed", "15", "--workers", "1"])
        .args(["--generation-database", "none", "--report-dir"])
        .arg(&report)
        .output()
        .expect("run schemathesis");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The summary, for the CI log.
    eprintln!("{text}");
    assert!(out.status.success(), "schemathesis reported failures");
    assert!(
        !r.log_text().contains("internal error"),
        "the receiver logged an internal error:\n{}",
        r.log_text()
    );
}
