//! `record classify`, `policy`, `purge`, `stats export` and `audit report` driven as a user
//! would: the real binary, a real encrypted store in a temporary home, passwords from the
//! environment.

use std::process::Command;

mod common;
use common::{stderr, stdout, Station};
const ARRESTEE_FIRST: &str = "ชื่อจริงเฉพาะคดี";
const ARRESTEE_LAST: &str = "นามสกุลเฉพาะคดี";
const ADDRESS: &str = "บ้านเลขที่ 77/12 หมู่บ้านทดสอบลับ";

/// The station every test here starts from.
fn station() -> Station {
    Station::new(&[
        ("somsak", "officer"),
        ("wichai", "officer"),
        ("boss", "supervisor"),
    ])
}

fn complete(age: u32) -> serde_json::Value {
    serde_json::json!({
        "schema": "banthuek.arrest-record/1",
        "recorded": {"place": "สถานีตำรวจภูธรเมืองเชียงใหม่", "date": "2025-01-10", "time": "14:30"},
        "arrest": {"date": "2025-01-10", "time": "10:15", "place": "หน้าตลาดวโรรส", "basis": "in_the_act"},
        "officers": [{"rank": "ร.ต.อ.", "first_name": "สมศักดิ์", "last_name": "ใจดี", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": ARRESTEE_FIRST, "last_name": ARRESTEE_LAST, "age": age,
                       "national_id": "1101700203450", "nationality": "ไทย", "address": ADDRESS}],
        "charges": [{"text": "มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง", "code": "drug-possession"}],
        "seized_items": [{"description": "ยาบ้า", "quantity": 20, "unit": "เม็ด"}],
        "arrestee_statement": "denied"
    })
}

#[test]
fn classification_decides_who_opens_and_who_exports() {
    let h = station();
    let id = h.new_record("somsak", &complete(35));
    let out = h.ok("somsak", &["record", "classify", &id, "ลับ"]);
    assert!(out.contains("secret"), "{out}");

    // Another officer opening the secret record: refused, in English and Thai, and audited.
    let refused = h.run("wichai", &["record", "show", &id]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains("may not open") && err.contains("ไม่มีสิทธิ์เปิด"),
        "{err}"
    );
    assert!(!stdout(&refused).contains(ARRESTEE_FIRST));
    // Nor export it.
    assert!(!h
        .run("wichai", &["record", "export", &id, "--json"])
        .status
        .success());
    // The supervisor may not lower it.
    let lowered = h.run("boss", &["record", "classify", &id, "unclassified"]);
    assert!(!lowered.status.success());
    assert!(
        stderr(&lowered).contains("never lowered"),
        "{}",
        stderr(&lowered)
    );
    // Raised to top secret: the author still opens it but may not export; the supervisor may.
    h.ok("boss", &["record", "classify", &id, "top_secret"]);
    assert!(h
        .ok("somsak", &["record", "show", &id])
        .contains(ARRESTEE_FIRST));
    let export = h.run("somsak", &["record", "export", &id, "--json"]);
    assert!(!export.status.success());
    assert!(
        stderr(&export).contains("may not export"),
        "{}",
        stderr(&export)
    );
    let json = h.ok("boss", &["record", "export", &id, "--json"]);
    assert!(json.contains(ARRESTEE_FIRST));

    // The PDF carries the marking at the top and bottom of its page.
    let pdf = h.path().join("record.pdf");
    h.ok("boss", &["record", "pdf", &id, "-o", pdf.to_str().unwrap()]);
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let text = stdout(&out);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.first().copied(), Some("ลับมาก"), "{text}");
    assert_eq!(lines.last().copied(), Some("ลับมาก"), "{text}");

    // The access report shows the refusal, the opening and the exports; officers may not read it.
    // `--user` of `audit report` names whose acts to show, so the acting administrator is `--as`.
    let out = h
        .cmd(
            None,
            &[
                "audit", "report", "--as", "admin", "--record", &id, "--json",
            ],
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["chain"]["first_bad"], serde_json::Value::Null);
    let seen: Vec<(String, String)> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["user"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("wichai", "denied"),
        ("somsak", "opened"),
        ("boss", "exported"),
        ("boss", "changed"),
    ] {
        assert!(
            seen.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not in {seen:?}"
        );
    }
    let only_wichai = h
        .cmd(
            None,
            &["audit", "report", "--user", "wichai", "--as", "admin"],
        )
        .output()
        .unwrap();
    assert!(only_wichai.status.success(), "{}", stderr(&only_wichai));
    let text = stdout(&only_wichai);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|l| l.split('\t').nth(2) == Some("wichai")),
        "{text}"
    );
    let refused = h
        .cmd(None, &["audit", "report", "--as", "somsak"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("may not read the access report"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn policy_purge_and_statistics_from_the_command_line() {
    let h = station();
    // Five final records (signed by the officer, countersigned by the supervisor), one juvenile.
    let mut ids = Vec::new();
    for age in [35, 36, 40, 41, 16] {
        let id = h.new_record("somsak", &complete(age));
        h.ok("somsak", &["record", "sign", &id]);
        h.ok("boss", &["record", "approve", &id]);
        ids.push(id);
    }

    // Policy: shown, set by an administrator only, validated.
    assert!(h.ok("admin", &["policy", "show"]).contains("keep"));
    assert!(!h
        .run("boss", &["policy", "set", "retention.drafts_days", "30"])
        .status
        .success());
    assert!(!h
        .run("admin", &["policy", "set", "retention.drafts_days", "soon"])
        .status
        .success());
    h.ok("admin", &["policy", "set", "retention.drafts_days", "30"]);
    h.ok("admin", &["policy", "set", "retention.signed_days", "365"]);
    let policy: serde_json::Value =
        serde_json::from_str(&h.ok("admin", &["policy", "show", "--json"])).unwrap();
    assert_eq!(policy["drafts_days"], 30);
    assert_eq!(policy["signed_days"], 365);
    assert_eq!(policy["sync_audio"], false);

    // Nothing has been acknowledged by the central system: even years later nothing goes.
    let dry: serde_json::Value = serde_json::from_str(&h.ok(
        "admin",
        &["purge", "--dry-run", "--json", "--as-of", "2040-01-01"],
    ))
    .unwrap();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["items"].as_array().unwrap().len(), 0);
    let out = h.ok("admin", &["purge", "--as-of", "2040-01-01"]);
    assert!(out.contains("nothing to purge"), "{out}");
    assert!(!h.run("somsak", &["purge", "--dry-run"]).status.success());
    for id in &ids {
        assert!(h
            .ok("boss", &["record", "show", id])
            .contains(ARRESTEE_FIRST));
    }
    h.ok("admin", &["audit", "verify"]);

    // Statistics: CSV to a file and JSON, without anything personal.
    let csv_path = h.path().join("stats.csv");
    h.ok(
        "boss",
        &[
            "stats",
            "export",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--csv",
            "-o",
            csv_path.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.contains(",2025-01-10,records,all,,5,"), "{csv}");
    assert!(csv.contains(",2025-01-10,age_band,15-17,,<5,"), "{csv}");
    assert!(
        csv.contains(",2025-01-10,seized_item_type,methamphetamine_pills,เม็ด,5,100"),
        "{csv}"
    );
    let json = h.ok(
        "boss",
        &[
            "stats",
            "export",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--json",
        ],
    );
    let stats: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(stats["format"], "banthuek.statistics/1");
    // The same national ID in all five: one pseudonym counted five times.
    assert_eq!(stats["arrestees"].as_array().unwrap().len(), 1);
    assert_eq!(stats["arrestees"][0]["records"], 5);
    for text in [&csv, &json] {
        for secret in [
            ARRESTEE_FIRST,
            ARRESTEE_LAST,
            ADDRESS,
            "77/12",
            "1101700203450",
            "1-1017-00203-45-0",
            "สมศักดิ์",
            "หน้าตลาดวโรรส",
        ] {
            assert!(!text.contains(secret), "export contains '{secret}'");
        }
        for id in &ids {
            assert!(!text.contains(id.as_str()), "export contains a record id");
        }
    }
    // Officers get no statistics.
    assert!(!h
        .run(
            "somsak",
            &[
                "stats",
                "export",
                "--from",
                "2025-01-01",
                "--to",
                "2025-01-31"
            ]
        )
        .status
        .success());
}
