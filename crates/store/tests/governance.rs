//! Data governance in the store: classification rules, access enforced on every read path,
//! retention purge, and the access report — on real SQLCipher files.

mod common;

use banthuek_core::{Classification, Role, Status};
use banthuek_store::{AccessKind, PurgeStage, Store, StoreError, VersionSource};
use chrono::{Duration, Utc};
use common::*;
use std::path::Path;

fn setup(home: &Path) -> banthuek_store::Session {
    let (mut admin, _) = Store::init(home, "admin", PASSWORD, opts()).unwrap();
    for (name, role) in [
        ("somsak", Role::Officer),
        ("wichai", Role::Officer),
        ("boss", Role::Supervisor),
    ] {
        admin.add_user(name, role, PASSWORD, None, None).unwrap();
    }
    admin
}

fn unlock(home: &Path, user: &str) -> banthuek_store::Session {
    Store::open_with(home, opts())
        .unwrap()
        .unlock(user, PASSWORD)
        .unwrap()
}

fn last_action(s: &banthuek_store::Session) -> (String, String) {
    let e = s.audit_entries(None).unwrap().pop().unwrap();
    (e.actor, e.action)
}

/// Officer creates, edits once, signs; the supervisor approves and countersigns; the central
/// system acknowledges. Returns the record id.
fn synced_record(
    officer: &mut banthuek_store::Session,
    boss: &mut banthuek_store::Session,
    audio: &[u8],
) -> String {
    let id = officer
        .create_record(complete_record(), VersionSource::Machine, "dictated")
        .unwrap();
    officer.put_audio(&id, "audio/wav", audio).unwrap();
    officer
        .save_version(&id, complete_record(), VersionSource::Edited, "reviewed")
        .unwrap();
    officer.submit(&id, None, Some(b"%PDF officer")).unwrap();
    boss.approve(&id, None).unwrap();
    boss.countersign(&id, b"%PDF countersigned").unwrap();
    let key = format!("{id}:2");
    boss.outbox_mark_synced(&key, "{\"receipt_id\":\"r1\"}")
        .unwrap();
    id
}

#[test]
fn officer_chooses_supervisor_raises_and_nobody_lowers() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup(dir.path()));
    let mut somsak = unlock(dir.path(), "somsak");
    let mut wichai = unlock(dir.path(), "wichai");
    let mut boss = unlock(dir.path(), "boss");
    let id = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    assert_eq!(
        somsak.classification(&id).unwrap().level,
        Classification::Unclassified
    );

    // The author chooses, and may change their own choice while it is a draft.
    somsak
        .set_classification(&id, Classification::TopSecret)
        .unwrap();
    somsak
        .set_classification(&id, Classification::Secret)
        .unwrap();
    let c = somsak.classification(&id).unwrap();
    assert_eq!(c.level, Classification::Secret);
    assert_eq!(c.set_by.as_deref(), Some("somsak"));
    assert_eq!(c.printed, "ลับ");
    // Another officer may not classify it.
    assert!(matches!(
        wichai.set_classification(&id, Classification::TopSecret),
        Err(StoreError::NotPermitted { .. })
    ));

    somsak.submit(&id, None, Some(b"%PDF officer")).unwrap();
    // The officer can no longer change it once submitted.
    assert!(matches!(
        somsak.set_classification(&id, Classification::TopSecret),
        Err(StoreError::Workflow(_))
    ));
    // The supervisor tries to lower it: refused, typed, in both languages.
    let err = boss
        .set_classification(&id, Classification::Unclassified)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::ClassificationLowered { from, to, .. } if *from == Classification::Secret && *to == Classification::Unclassified),
        "{err}"
    );
    assert!(err.to_string().contains("ลดลงไม่ได้"), "{err}");
    assert_eq!(
        boss.classification(&id).unwrap().level,
        Classification::Secret
    );
    // Raising is allowed, and audited.
    boss.set_classification(&id, Classification::TopSecret)
        .unwrap();
    assert_eq!(
        last_action(&boss),
        ("boss".into(), "classification_changed".into())
    );
    // Returned to the officer: they may not go below what the supervisor raised it to.
    boss.return_record(&id, Some("แก้ไข")).unwrap();
    assert!(matches!(
        somsak.set_classification(&id, Classification::Secret),
        Err(StoreError::ClassificationLowered { .. })
    ));
    somsak.submit(&id, None, Some(b"%PDF officer")).unwrap();
    boss.approve(&id, None).unwrap();
    boss.countersign(&id, b"%PDF countersigned").unwrap();
    // Countersigned: the printed marking is sealed.
    assert!(matches!(
        boss.set_classification(&id, Classification::TopSecret),
        Err(StoreError::ClassificationSealed { .. })
    ));
    let list = boss.list_records(None).unwrap();
    assert_eq!(list[0].classification, Classification::TopSecret);
}

#[test]
fn a_secret_record_opens_only_for_its_officer_supervisors_and_admins() {
    let dir = tempfile::tempdir().unwrap();
    let admin = setup(dir.path());
    let mut somsak = unlock(dir.path(), "somsak");
    let wichai = unlock(dir.path(), "wichai");
    let boss = unlock(dir.path(), "boss");
    let open_id = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    let secret_id = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    let audio_id = somsak.put_audio(&secret_id, "audio/wav", b"RIFF").unwrap();
    somsak
        .set_classification(&secret_id, Classification::Secret)
        .unwrap();

    // Unclassified: every account opens it.
    assert!(wichai.open_record(&open_id).is_ok());
    // Secret: the other officer is refused on every path that reads content.
    let err = wichai.open_record(&secret_id).unwrap_err();
    assert!(
        matches!(&err, StoreError::AccessDenied { user, level, .. } if user == "wichai" && *level == Classification::Secret),
        "{err}"
    );
    assert!(err.to_string().contains("ไม่มีสิทธิ์เปิด"), "{err}");
    assert_eq!(
        last_action(&wichai),
        ("wichai".into(), "access_denied".into())
    );
    assert!(matches!(
        wichai.record(&secret_id),
        Err(StoreError::AccessDenied { .. })
    ));
    assert!(matches!(
        wichai.record_json(&secret_id, 1),
        Err(StoreError::AccessDenied { .. })
    ));
    assert!(matches!(
        wichai.history(&secret_id),
        Err(StoreError::AccessDenied { .. })
    ));
    assert!(matches!(
        wichai.audio(&audio_id),
        Err(StoreError::AccessDenied { .. })
    ));
    assert!(matches!(
        wichai.list_audio(&secret_id),
        Err(StoreError::AccessDenied { .. })
    ));
    assert!(!wichai.may_open(&secret_id).unwrap());
    // The author, the supervisor and the administrator open it.
    for s in [&somsak, &boss, &admin] {
        assert_eq!(s.open_record(&secret_id).unwrap().id, secret_id);
        assert!(s.may_open(&secret_id).unwrap());
    }
    let opened = boss
        .audit_entries(Some(&secret_id))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "record_opened")
        .count();
    assert_eq!(opened, 3);
    // The audit details name no one from the record (PDPA).
    let log = serde_json::to_string(&admin.audit_entries(None).unwrap()).unwrap();
    assert!(!log.contains(ARRESTEE_FIRST) && !log.contains(NATIONAL_ID));
}

#[test]
fn a_juvenile_record_is_flagged_and_protected_without_anyone_choosing() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup(dir.path()));
    let mut somsak = unlock(dir.path(), "somsak");
    let wichai = unlock(dir.path(), "wichai");
    let record = complete_record()
        .with_field("/arrestees/0/age", "16")
        .unwrap();
    let id = somsak
        .create_record(record, VersionSource::Typed, "new")
        .unwrap();
    let c = somsak.classification(&id).unwrap();
    assert!(c.juvenile);
    assert_eq!(c.level, Classification::Unclassified);
    assert_eq!(c.effective, Classification::Secret);
    assert!(c.printed.contains("เยาวชน"), "{}", c.printed);
    assert!(somsak.list_records(None).unwrap()[0].juvenile);
    assert!(matches!(
        wichai.open_record(&id),
        Err(StoreError::AccessDenied { .. })
    ));
}

#[test]
fn top_secret_export_is_for_supervisors_and_admins() {
    let dir = tempfile::tempdir().unwrap();
    let mut admin = setup(dir.path());
    let mut somsak = unlock(dir.path(), "somsak");
    let mut boss = unlock(dir.path(), "boss");
    let id = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    somsak.authorize_export(&id, "json").unwrap();
    somsak
        .set_classification(&id, Classification::TopSecret)
        .unwrap();
    // The author may still read it on screen, not carry it off the laptop.
    assert!(somsak.open_record(&id).is_ok());
    let err = somsak.authorize_export(&id, "pdf").unwrap_err();
    assert!(
        matches!(&err, StoreError::AccessDenied { what, .. } if *what == "export"),
        "{err}"
    );
    boss.authorize_export(&id, "pdf").unwrap();
    admin.authorize_export(&id, "json").unwrap();
    let exports: Vec<_> = admin
        .audit_entries(Some(&id))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "record_exported")
        .map(|e| (e.actor, e.detail["kind"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        exports,
        [
            ("somsak".to_owned(), "json".to_owned()),
            ("boss".to_owned(), "pdf".to_owned()),
            ("admin".to_owned(), "json".to_owned())
        ]
    );
}

#[test]
fn purge_keeps_what_policy_says_and_leaves_the_audit_chain_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut admin = setup(dir.path());
    let mut somsak = unlock(dir.path(), "somsak");
    let mut boss = unlock(dir.path(), "boss");
    // Audio large enough that its removal shows in the file size: 2 MB that do not compress.
    let audio: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let synced = synced_record(&mut somsak, &mut boss, &audio);
    // Queued but never acknowledged, and a draft: never purged, however old.
    let pending = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    somsak
        .put_audio(&pending, "audio/wav", b"RIFF pending")
        .unwrap();
    somsak.submit(&pending, None, Some(b"%PDF")).unwrap();
    boss.approve(&pending, None).unwrap();
    boss.countersign(&pending, b"%PDF cs").unwrap();
    let draft = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();

    // No policy: nothing goes.
    let r = admin
        .purge(Utc::now() + Duration::days(3650), false)
        .unwrap();
    assert!(r.items.is_empty());
    // Officers may not purge.
    assert!(matches!(
        somsak.purge(Utc::now(), true),
        Err(StoreError::NotPermitted { .. })
    ));

    admin.set_policy("retention.drafts_days", "30").unwrap();
    admin.set_policy("retention.signed_days", "365").unwrap();
    assert!(matches!(
        admin.set_policy("retention.drafts_days", "soon"),
        Err(StoreError::BadPolicy { .. })
    ));
    let p = admin.retention_policy().unwrap();
    assert_eq!((p.drafts_days, p.signed_days), (Some(30), Some(365)));

    // Before M days: nothing due.
    assert!(admin
        .purge(Utc::now() + Duration::days(29), true)
        .unwrap()
        .items
        .is_empty());
    // Dry run after M days: lists the drafts stage, changes nothing, writes no audit entry.
    let entries_before = admin.audit_entries(None).unwrap().len();
    let dry = admin.purge(Utc::now() + Duration::days(31), true).unwrap();
    assert_eq!(dry.items.len(), 1);
    let item = &dry.items[0];
    assert_eq!(
        (item.record_id.as_str(), item.stage, item.kept_version),
        (synced.as_str(), PurgeStage::Drafts, Some(2))
    );
    assert_eq!((item.versions, item.audio, item.artifacts), (1, 1, 1));
    assert!(item.bytes >= audio.len() as u64);
    assert_eq!(admin.audit_entries(None).unwrap().len(), entries_before);
    assert_eq!(admin.list_audio(&synced).unwrap().len(), 1);

    // The real thing: audio, draft and officer-signed PDF go; final version and countersigned
    // PDF stay; the file shrinks by the audio; the chain and the version check stay sound.
    let done = admin.purge(Utc::now() + Duration::days(31), false).unwrap();
    assert_eq!(done.items, dry.items);
    assert!(done.audit_chain_whole);
    let after = done.file_bytes_after.unwrap();
    assert!(
        done.file_bytes_before - after >= audio.len() as u64 * 9 / 10,
        "{} -> {after}",
        done.file_bytes_before
    );
    assert!(admin.list_audio(&synced).unwrap().is_empty());
    assert!(admin.record_version(&synced, 1).is_err());
    assert_eq!(admin.record(&synced).unwrap().version, 2);
    assert_eq!(admin.record(&synced).unwrap().status, Status::Synced);
    assert!(admin.artifact(&synced, 2, "signed_pdf").unwrap().is_none());
    assert_eq!(
        admin
            .artifact(&synced, 2, "countersigned_pdf")
            .unwrap()
            .as_deref(),
        Some(&b"%PDF countersigned"[..])
    );
    assert_eq!(admin.verify_versions().unwrap(), Vec::<String>::new());
    let secure: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA secure_delete", [], |r| r.get(0))
        .unwrap();
    assert_eq!(secure, 1);
    let free: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(free, 0);
    // Running again purges nothing more at this stage.
    assert!(admin
        .purge(Utc::now() + Duration::days(31), false)
        .unwrap()
        .items
        .is_empty());

    // After N days the rest goes; only the audit log and a tombstone remain.
    let done = admin
        .purge(Utc::now() + Duration::days(366), false)
        .unwrap();
    assert_eq!(done.items.len(), 1);
    assert_eq!(done.items[0].stage, PurgeStage::Record);
    assert!(matches!(admin.record(&synced), Err(StoreError::Purged(_))));
    // The purge rewrote the file (VACUUM): still its owner's alone.
    assert_private_home(dir.path());
    assert!(admin
        .outbox_rows()
        .unwrap()
        .iter()
        .all(|r| r.record_id != synced));
    let chain = admin.audit_verify().unwrap();
    assert!(chain.is_whole(), "{chain:?}");
    let about: Vec<_> = admin
        .audit_entries(Some(&synced))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(about.first().map(String::as_str), Some("record_created"));
    assert_eq!(
        about.iter().filter(|a| *a == "record_purged").count(),
        2,
        "{about:?}"
    );
    assert_eq!(admin.verify_versions().unwrap(), Vec::<String>::new());
    // The unacknowledged record and the draft are whole.
    assert_eq!(admin.list_audio(&pending).unwrap().len(), 1);
    assert_eq!(admin.record(&pending).unwrap().status, Status::Queued);
    assert_eq!(admin.record(&draft).unwrap().status, Status::Draft);
    // Outside a purge the delete guards still hold.
    for sql in [
        format!("DELETE FROM versions WHERE record_id = '{pending}'"),
        format!("DELETE FROM audio WHERE record_id = '{pending}'"),
        format!("DELETE FROM records WHERE id = '{draft}'"),
    ] {
        assert!(
            admin.connection_for_tests().execute(&sql, []).is_err(),
            "{sql}"
        );
    }
}

#[test]
fn the_access_report_shows_who_did_what_for_admins_only() {
    let dir = tempfile::tempdir().unwrap();
    let admin = setup(dir.path());
    let mut somsak = unlock(dir.path(), "somsak");
    let wichai = unlock(dir.path(), "wichai");
    let mut boss = unlock(dir.path(), "boss");
    let id = synced_record(&mut somsak, &mut boss, b"RIFF");
    let other = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    somsak
        .set_classification(&other, Classification::Secret)
        .unwrap();
    boss.open_record(&id).unwrap();
    boss.authorize_export(&id, "pdf").unwrap();
    assert!(wichai.open_record(&other).is_err());

    assert!(matches!(
        boss.access_report(None, None),
        Err(StoreError::NotPermitted { .. })
    ));
    let report = admin.access_report(None, Some(&id)).unwrap();
    assert!(report.chain.is_whole());
    let kinds: Vec<(String, AccessKind)> = report
        .events
        .iter()
        .map(|e| (e.user.clone(), e.kind))
        .collect();
    for expected in [
        ("somsak", AccessKind::Changed),
        ("somsak", AccessKind::Signed),
        ("boss", AccessKind::Signed),
        ("boss", AccessKind::Synced),
        ("boss", AccessKind::Opened),
        ("boss", AccessKind::Exported),
    ] {
        assert!(
            kinds.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} missing from {kinds:?}"
        );
    }
    assert!(report
        .events
        .iter()
        .all(|e| e.record_id.as_deref() == Some(id.as_str())));
    let wichai_only = admin.access_report(Some("wichai"), None).unwrap();
    assert!(wichai_only.events.iter().all(|e| e.user == "wichai"));
    assert!(wichai_only
        .events
        .iter()
        .any(|e| e.kind == AccessKind::Denied && e.record_id.as_deref() == Some(other.as_str())));
}

#[test]
fn sync_audio_is_off_unless_policy_allows_and_never_for_top_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut admin = setup(dir.path());
    let mut somsak = unlock(dir.path(), "somsak");
    let plain = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    let top = somsak
        .create_record(complete_record(), VersionSource::Typed, "new")
        .unwrap();
    somsak
        .set_classification(&top, Classification::TopSecret)
        .unwrap();
    let child = somsak
        .create_record(
            complete_record()
                .with_field("/arrestees/0/age", "15")
                .unwrap(),
            VersionSource::Typed,
            "new",
        )
        .unwrap();
    assert!(!admin.may_sync_audio(&plain).unwrap());
    admin.set_policy("sync.audio", "on").unwrap();
    assert!(admin.may_sync_audio(&plain).unwrap());
    assert!(!admin.may_sync_audio(&top).unwrap());
    assert!(!admin.may_sync_audio(&child).unwrap());
}

#[test]
fn a_version_2_file_is_migrated_and_its_records_are_unclassified() {
    let dir = tempfile::tempdir().unwrap();
    let (admin, _) = Store::init_at_schema(dir.path(), "admin", PASSWORD, opts(), 2).unwrap();
    let id = "3f1e1f0e-6a0c-4d4e-9a55-0c1c1e0b7a12";
    let json = serde_json::to_string(&banthuek_core::ArrestRecord {
        record_id: Some(id.into()),
        ..complete_record()
    })
    .unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json.as_bytes()));
    admin
        .connection_for_tests()
        .execute_batch(&format!(
            "INSERT INTO records VALUES ('{id}', '2025-01-10T07:30:00.000Z', 'admin');
             INSERT INTO versions VALUES ('{id}', 1, 'admin', '2025-01-10T07:30:00.000Z', 'draft', 'machine', '{json}', '{sha}');
             INSERT INTO record_events (record_id, version, action, from_status, to_status, actor, at)
                 VALUES ('{id}', 1, 'create', NULL, 'draft', 'admin', '2025-01-10T07:30:00.000Z');"
        ))
        .unwrap();
    drop(admin);
    let s = unlock(dir.path(), "admin");
    let version: u32 = s
        .connection_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let c = s.classification(id).unwrap();
    assert_eq!(c.level, Classification::Unclassified);
    assert!(!c.juvenile);
    assert!(s.audit_verify().unwrap().is_whole());
    assert!(s
        .connection_for_tests()
        .execute(
            &format!("DELETE FROM versions WHERE record_id = '{id}'"),
            []
        )
        .is_err());
}
