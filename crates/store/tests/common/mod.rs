//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use banthuek_core::ArrestRecord;
use banthuek_store::{KdfParams, LockoutPolicy, StoreOptions};

pub const ARRESTEE_FIRST: &str = "ประยุทธ์ทดสอบ";
pub const ARRESTEE_LAST: &str = "นามสกุลลับเฉพาะ";
pub const NATIONAL_ID: &str = "1101700203450";
pub const PASSWORD: &str = "correct horse battery";

/// Cheap Argon2 so a test run does not spend minutes in key derivation; the default cost is
/// measured by `banthuek bench store`.
pub fn opts() -> StoreOptions {
    StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: LockoutPolicy::default(),
    }
}

/// A record that meets every signing rule.
pub fn complete_record() -> ArrestRecord {
    ArrestRecord::from_value(serde_json::json!({
        "schema": "banthuek.arrest-record/1",
        "recorded": {"place": "สถานีตำรวจภูธรเมืองเชียงใหม่", "date": "2025-01-10", "time": "14:30"},
        "arrest": {"date": "2025-01-10", "time": "10:15", "place": "หน้าตลาดวโรรส", "basis": "in_the_act"},
        "officers": [{"rank": "ร.ต.อ.", "first_name": "สมศักดิ์", "last_name": "ใจดี", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": ARRESTEE_FIRST, "last_name": ARRESTEE_LAST,
                       "age": 35, "national_id": NATIONAL_ID}],
        "charges": [{"text": "มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง"}],
        "seized_items": [{"description": "ยาบ้า", "quantity": 200, "unit": "เม็ด"}],
        "rights_notified": ["silence", "lawyer"],
        "arrestee_statement": "denied"
    }))
    .expect("fixture fits the schema")
}

/// The store's home is 0700 and every file in it 0600 (the store writes nothing else there).
pub fn assert_private_home(home: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(home), 0o700, "{}", home.display());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(home).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    assert!(names.iter().any(|n| n == "banthuek.db"), "{names:?}");
    assert!(names.iter().any(|n| n == "keyslots.json"), "{names:?}");
}
