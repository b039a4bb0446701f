//! `banthuek init / user / record / audit` driven as a user would: the real binary, a real
//! encrypted store in a temporary home, passwords from the environment.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::PASSWORD;
const ARRESTEE: &str = "ประยุทธ์ทดสอบ";

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = home.run_new_pw(None, &["init", "--admin", "admin"], PASSWORD);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("RECOVERY KEY"), "{text}");
        home.ok(
            "admin",
            &[
                "user",
                "add",
                "somsak",
                "--role",
                "officer",
                "--full-name",
                "สมศักดิ์ ใจดี",
                "--rank",
                "ร.ต.อ.",
            ],
            Some(PASSWORD),
        );
        home.ok(
            "admin",
            &["user", "add", "boss", "--role", "supervisor"],
            Some(PASSWORD),
        );
        home
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self, user: Option<&str>, args: &[&str]) -> Command {
        common::banthuek(self.path(), user, args)
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        self.cmd(Some(user), args).output().unwrap()
    }

    fn run_pw(&self, user: &str, args: &[&str], password: &str) -> Output {
        self.cmd(Some(user), args)
            .env("BANTHUEK_PASSWORD", password)
            .output()
            .unwrap()
    }

    fn run_new_pw(&self, user: Option<&str>, args: &[&str], new: &str) -> Output {
        self.cmd(user, args)
            .env("BANTHUEK_NEW_PASSWORD", new)
            .output()
            .unwrap()
    }

    /// Runs and requires success; returns stdout.
    fn ok(&self, user: &str, args: &[&str], new_password: Option<&str>) -> String {
        let out = match new_password {
            Some(p) => self.run_new_pw(Some(user), args, p),
            None => self.run(user, args),
        };
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn new_record(&self, json: &serde_json::Value) -> String {
        let file = self.path().join("in.json");
        std::fs::write(&file, json.to_string()).unwrap();
        self.ok(
            "somsak",
            &["record", "new", "--from-json", file.to_str().unwrap()],
            None,
        )
        .trim()
        .to_owned()
    }

    fn record_ids(&self) -> Vec<String> {
        let list: serde_json::Value =
            serde_json::from_str(&self.ok("admin", &["record", "list", "--json"], None)).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    }

    fn db_bytes(&self) -> Vec<u8> {
        std::fs::read(self.path().join("banthuek.db")).unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn complete() -> serde_json::Value {
    serde_json::json!({
        "schema": "banthuek.arrest-record/1",
        "recorded": {"place": "สถานีตำรวจภูธรเมืองเชียงใหม่", "date": "2025-01-10", "time": "14:30"},
        "arrest": {"date": "2025-01-10", "time": "10:15", "place": "หน้าตลาดวโรรส", "basis": "in_the_act"},
        "officers": [{"rank": "ร.ต.อ.", "first_name": "สมศักดิ์", "last_name": "ใจดี", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": ARRESTEE, "last_name": "สมมติ", "age": 35,
                       "national_id": "1101700203450"}],
        "charges": [{"text": "มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง"}],
        "arrestee_statement": "denied"
    })
}

#[test]
fn officer_and_supervisor_take_a_record_from_draft_to_approved() {
    let h = Home::new();
    let users = h.ok("admin", &["user", "list"], None);
    assert!(
        users.contains("somsak\tofficer\tร.ต.อ. สมศักดิ์ ใจดี"),
        "{users}"
    );

    let id = h.new_record(&complete());
    let shown: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "show", &id, "--json"], None)).unwrap();
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["version"], 1);
    assert_eq!(shown["record"]["record_id"], id.as_str());

    let out = h.ok(
        "somsak",
        &[
            "record",
            "edit",
            &id,
            "--set",
            "/arrest/time=10:20",
            "--set",
            "/arrestees/0/age=36",
            "--reason",
            "เวลาจับผิด",
        ],
        None,
    );
    assert!(out.contains("version 2"), "{out}");
    let exported: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "export", &id, "--json"], None)).unwrap();
    assert_eq!(exported["arrest"]["time"], "10:20");
    assert_eq!(exported["arrestees"][0]["age"], 36);
    // The app's save rule: what a person changes is typed (edited only when a machine had put
    // the value there).
    assert_eq!(exported["provenance"]["/arrest/time"]["source"], "typed");
    let first: serde_json::Value = serde_json::from_str(&h.ok(
        "somsak",
        &["record", "export", &id, "--json", "--version", "1"],
        None,
    ))
    .unwrap();
    assert_eq!(first["arrest"]["time"], "10:15");

    h.ok("somsak", &["record", "submit", &id], None);
    let refused = h.run("somsak", &["record", "approve", &id]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("may not approve"),
        "{}",
        stderr(&refused)
    );
    h.ok(
        "boss",
        &["record", "return", &id, "--comment", "ตรวจเวลาอีกครั้ง"],
        None,
    );
    h.ok(
        "somsak",
        &["record", "submit", &id, "--comment", "แก้แล้ว"],
        None,
    );
    h.ok(
        "boss",
        &["record", "approve", &id, "--comment", "ถูกต้อง"],
        None,
    );

    // Approval countersigns: the record is final and queued for the central system.
    let queued = h.ok("boss", &["record", "list", "--status", "queued"], None);
    assert!(queued.contains(&id), "{queued}");
    assert!(h
        .ok("boss", &["record", "list", "--status", "draft"], None)
        .trim()
        .is_empty());
    let history = h.ok("boss", &["record", "history", &id], None);
    for needle in [
        "version 1",
        "version 2 by somsak (typed): เวลาจับผิด",
        "submit draft → submitted",
        "return submitted → returned",
        "approve submitted → approved (version 2) by boss: ถูกต้อง",
        "countersign approved → signed",
        "queue signed → queued",
    ] {
        assert!(history.contains(needle), "missing '{needle}' in\n{history}");
    }
    let verify = h.run("admin", &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));

    // The final PDF carries the officer's and the supervisor's signatures, both valid against
    // the station CA.
    let pdf = h.path().join("final.pdf");
    let ca = h.path().join("ca.pem");
    h.ok(
        "boss",
        &["record", "pdf", &id, "-o", pdf.to_str().unwrap()],
        None,
    );
    h.ok("admin", &["ca", "export", "-o", ca.to_str().unwrap()], None);
    let report: serde_json::Value = serde_json::from_str(&h.ok(
        "boss",
        &[
            "verify",
            pdf.to_str().unwrap(),
            "--trust",
            ca.to_str().unwrap(),
            "--json",
        ],
        None,
    ))
    .unwrap();
    let signatures = report["signatures"].as_array().expect("signatures listed");
    assert_eq!(signatures.len(), 2, "{report}");
    assert_eq!(report["is_final"], true, "{report}");
}

/// `record edit` saves through the app's rule (`banthuek_dictation::save_edit`): an edit made
/// from an older version takes in what changed since; the same field changed meanwhile is
/// refused with the app's message, and nothing is written.
#[test]
fn an_edit_of_a_stale_version_is_merged_or_refused_as_in_the_app() {
    let h = Home::new();
    let id = h.new_record(&complete());
    let edit = |args: &[&str]| {
        let mut all = vec!["record", "edit", id.as_str()];
        all.extend_from_slice(args);
        h.run("somsak", &all)
    };
    // Version 2 changes the time (another save, as dictation would).
    let out = edit(&["--set", "/arrest/time=11.40", "--reason", "time"]);
    assert!(stdout(&out).contains("version 2"), "{}", stderr(&out));

    // An edit of another field made from version 1: merged, the time kept.
    let out = edit(&[
        "--based-on",
        "1",
        "--set",
        "/arrest/place=ตลาดต้นลำไย",
        "--reason",
        "place",
    ]);
    assert!(stdout(&out).contains("version 3"), "{}", stderr(&out));
    let exported: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "export", &id, "--json"], None)).unwrap();
    assert_eq!(exported["arrest"]["place"], "ตลาดต้นลำไย");
    assert_eq!(
        exported["arrest"]["time"], "11:40",
        "the Thai 11.40 read as the app reads it, and not lost to the stale edit"
    );

    // The time again, from version 1: it changed since, so the edit is refused, in both
    // languages, naming the field; nothing is saved.
    let out = edit(&[
        "--based-on",
        "1",
        "--set",
        "/arrest/time=09:00",
        "--reason",
        "stale",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("changed meanwhile")
            && err.contains("/arrest/time")
            && err.contains("ช่องนี้เพิ่งได้ค่าใหม่"),
        "{err}"
    );
    let history: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "history", &id, "--json"], None)).unwrap();
    assert_eq!(history["versions"].as_array().map(Vec::len), Some(3));

    // Nothing changed: no version.
    let out = edit(&["--set", "/arrest/place=ตลาดต้นลำไย", "--reason", "same"]);
    assert!(stdout(&out).contains("nothing changed"), "{}", stderr(&out));
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let h = Home::new();
    let id = h.new_record(&complete());

    // JSON that does not fit the schema: the error names the field, no record is made.
    let mut bad = complete();
    bad["arrestees"][0]["age"] = serde_json::json!("สามสิบห้า");
    let file = h.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = h.run(
        "somsak",
        &["record", "new", "--from-json", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("/arrestees/0/age"),
        "{}",
        stderr(&out)
    );
    // A value that does not fit its field is kept as typed, as the app keeps it, and listed
    // with what the field expects; signing refuses it, saving does not.
    let out = h.run(
        "somsak",
        &[
            "record",
            "edit",
            &id,
            "--set",
            "/arrest/date=yesterday",
            "--reason",
            "x",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/arrest/date: kept as typed \"yesterday\""),
        "{}",
        stderr(&out)
    );
    let exported: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "export", &id, "--json"], None)).unwrap();
    assert!(exported["arrest"].get("date").is_none(), "{exported}");
    assert_eq!(
        exported["provenance"]["/arrest/date"]["as_typed"], "yesterday",
        "{exported}"
    );
    assert_eq!(h.record_ids(), std::slice::from_ref(&id));
    // Typed again as officers write a date, it fits and is no longer kept aside.
    h.ok(
        "somsak",
        &[
            "record",
            "edit",
            &id,
            "--set",
            "/arrest/date=10/1/2568",
            "--reason",
            "x",
        ],
        None,
    );
    let exported: serde_json::Value =
        serde_json::from_str(&h.ok("somsak", &["record", "export", &id, "--json"], None)).unwrap();
    assert_eq!(exported["arrest"]["date"], "2025-01-10");
    assert!(exported["provenance"]["/arrest/date"]
        .get("as_typed")
        .is_none());

    // An unknown record id.
    let out = h.run(
        "somsak",
        &["record", "show", "00000000-0000-4000-8000-000000000000"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no record with id 00000000-0000-4000-8000-000000000000"),
        "{}",
        stderr(&out)
    );

    // A move the role may not make, and a move from the wrong status.
    let out = h.run("boss", &["record", "submit", &id]);
    assert!(
        stderr(&out).contains("supervisor may not submit"),
        "{}",
        stderr(&out)
    );
    let out = h.run("boss", &["record", "approve", &id]);
    assert!(
        stderr(&out).contains("cannot approve a record that is draft"),
        "{}",
        stderr(&out)
    );
    let out = h.run_new_pw(
        Some("somsak"),
        &["user", "add", "eve", "--role", "admin"],
        PASSWORD,
    );
    assert!(!out.status.success());

    // Wrong passwords: counted, the account locks, and the attempts reach the audit log. An
    // unknown account gets the very same answers (issue 15; hardening_cli.rs compares them).
    let before = h.db_bytes();
    for left in (1..5).rev() {
        let out = h.run_pw("somsak", &["record", "list"], "not the password");
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("wrong user name or password")
                && stderr(&out).contains(&format!("{left} attempts left")),
            "{}",
            stderr(&out)
        );
    }
    let out = h.run_pw("somsak", &["record", "list"], "not the password");
    assert!(stderr(&out).contains("is locked"), "{}", stderr(&out));
    let out = h.run("somsak", &["record", "list"]);
    assert!(
        stderr(&out).contains("is locked"),
        "right password while locked: {}",
        stderr(&out)
    );
    assert_eq!(
        h.db_bytes(),
        before,
        "refused logins must not touch the database"
    );
    let log = h.ok("admin", &["audit", "log", "--json"], None);
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let failed = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login_failed" && e["actor"] == "somsak")
        .count();
    assert_eq!(failed, 6);
    assert!(
        !log.to_string().contains(ARRESTEE),
        "no personal data in the audit log"
    );
}

#[test]
fn a_foreign_or_corrupted_database_is_named_and_never_overwritten() {
    let h = Home::new();
    let db = h.path().join("banthuek.db");
    std::fs::remove_file(&db).unwrap();
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .status();
    match status {
        Ok(s) => assert!(s.success()),
        Err(e) if std::env::var_os("BANTHUEK_SKIP_SQLITE3").is_some() => {
            eprintln!("sqlite3 missing ({e}); skipped because BANTHUEK_SKIP_SQLITE3 is set");
            return;
        }
        Err(e) => panic!("the sqlite3 command is needed (apt-get install sqlite3): {e}"),
    }
    let before = h.db_bytes();
    let out = h.run("admin", &["record", "list"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&db.display().to_string()) && err.contains("plain, unencrypted SQLite"),
        "{err}"
    );
    assert_eq!(h.db_bytes(), before);

    std::fs::write(&db, vec![0xA5u8; 16384]).unwrap();
    let out = h.run("admin", &["record", "list"]);
    let err = stderr(&out);
    assert!(
        err.contains(&db.display().to_string())
            && err.contains("not this station's Banthuek store"),
        "{err}"
    );
    assert!(
        !err.contains("ERROR CORE"),
        "SQLCipher's own log leaked: {err}"
    );
    assert_eq!(h.db_bytes(), vec![0xA5u8; 16384]);

    let out = h.run_new_pw(None, &["init", "--admin", "again"], PASSWORD);
    assert!(
        stderr(&out).contains("refusing to overwrite"),
        "{}",
        stderr(&out)
    );
    assert_eq!(h.db_bytes(), vec![0xA5u8; 16384]);
}

#[test]
fn the_encrypted_file_is_unreadable_to_plain_sqlite3() {
    let h = Home::new();
    h.new_record(&complete());
    let db = h.path().join("banthuek.db");
    match Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT count(*) FROM sqlite_master;")
        .output()
    {
        Ok(out) => {
            assert!(
                !out.status.success(),
                "plain sqlite3 read the store: {}",
                stdout(&out)
            );
            assert!(stderr(&out).contains("not a database"), "{}", stderr(&out));
        }
        Err(e) if std::env::var_os("BANTHUEK_SKIP_SQLITE3").is_some() => {
            eprintln!("sqlite3 missing ({e}); skipped because BANTHUEK_SKIP_SQLITE3 is set");
        }
        Err(e) => panic!("the sqlite3 command is needed (apt-get install sqlite3): {e}"),
    }
}

#[test]
fn audit_verify_exits_1_naming_the_first_bad_entry() {
    let h = Home::new();
    h.new_record(&complete());
    {
        let s = banthuek_store::Store::open(h.path())
            .unwrap()
            .unlock("admin", PASSWORD)
            .unwrap();
        let conn = s.connection_for_tests();
        conn.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
        conn.execute("UPDATE audit SET detail_json = '{}' WHERE seq = 4", [])
            .unwrap();
    }
    let out = h.run("admin", &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("broken at entry 4"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn passwords_change_and_an_admin_recovers_with_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let h = Home { dir };
    let out = h.run_new_pw(None, &["init", "--admin", "admin"], PASSWORD);
    let key = stdout(&out).lines().last().unwrap().trim().to_owned();
    h.ok(
        "admin",
        &["user", "passwd", "admin"],
        Some("a new password 1"),
    );
    assert!(!h.run("admin", &["user", "list"]).status.success());
    assert!(h
        .run_pw("admin", &["user", "list"], "a new password 1")
        .status
        .success());
    let out = h
        .cmd(None, &["user", "recover", "admin"])
        .env("BANTHUEK_RECOVERY_KEY", &key)
        .env("BANTHUEK_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(h.run("admin", &["user", "list"]).status.success());
    let out = h
        .cmd(None, &["user", "recover", "admin"])
        .env(
            "BANTHUEK_RECOVERY_KEY",
            "00000000-00000000-00000000-00000000-00000000-00000000-00000000-00000000",
        )
        .env("BANTHUEK_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("wrong recovery key"),
        "{}",
        stderr(&out)
    );
}
