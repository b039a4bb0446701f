//! Credential renewal against a real receiver: a station renews its credential before it expires
//! without a new enrolment code and keeps the new one; a revoked device cannot renew.

mod common;

use banthuek_sync::fixture::ADMIN;
use banthuek_sync::protocol::codes;
use banthuek_sync::station::{load_enrolment, renew_enrolment_if_due, save_enrolment, RenewError};
use banthuek_sync::{Sender, SyncError};
use chrono::Utc;
use common::*;

#[test]
fn a_credential_is_renewed_before_expiry_without_a_code_and_a_revoked_device_cannot() {
    let s = setup(1, &[]);
    // A credential of 12 s: renewal is due in its last third (4 s).
    let short = enrol(&s.central, &s.station.ca_pem, 12);
    let mut admin = s.station.session(ADMIN).expect("admin");
    save_enrolment(&mut admin, &short).expect("save enrolment");
    let config = test_config();

    assert_eq!(
        renew_enrolment_if_due(&mut admin, &config, Utc::now()).expect("not due"),
        None,
        "nothing to do early in the credential's life"
    );
    // Half its life later (so the two credentials' expiries lie seconds apart).
    std::thread::sleep(std::time::Duration::from_secs(6));
    let later = Utc::now() + chrono::Duration::seconds(4);
    let renewed = renew_enrolment_if_due(&mut admin, &config, later)
        .expect("renew")
        .expect("renewed");
    assert!(renewed > short.credential_expires_at, "a later expiry");
    let stored = load_enrolment(&admin).expect("stored");
    assert_ne!(
        stored.credential, short.credential,
        "the new credential is kept"
    );
    assert_eq!(stored.credential_expires_at, renewed);
    assert_eq!(stored.device_id, short.device_id, "the same device");

    // The old credential would have expired by now; the renewed one still opens sessions.
    let until_old_expires = (short.credential_expires_at - Utc::now())
        .to_std()
        .unwrap_or_default();
    std::thread::sleep(until_old_expires + std::time::Duration::from_millis(500));
    let expired = Sender::new(&short, config.clone())
        .expect("sender")
        .status(&s.ids[0], 1);
    match expired {
        Err(SyncError::Auth { code, .. }) => assert_eq!(code, codes::CREDENTIAL_EXPIRED),
        other => panic!("the old credential has expired, got {other:?}"),
    }
    let mut sender = Sender::new(&stored, config.clone()).expect("sender");
    let mut station = session(&s.station);
    assert_eq!(
        sender
            .drain(&mut station, &mut |_| {})
            .expect("drain")
            .synced,
        1
    );

    // Revoked: no renewal, and the stored credential stays as it was.
    let revoked = std::process::Command::new(central_binary())
        .args(["revoke", "--device", &stored.device_id, "--data"])
        .arg(s.dir.path().join("central"))
        .status()
        .expect("revoke");
    assert!(revoked.success());
    let far = stored.credential_expires_at - chrono::Duration::seconds(1);
    match renew_enrolment_if_due(&mut admin, &config, far) {
        Err(RenewError::Sync(SyncError::Auth { code, .. })) => {
            assert_eq!(code, codes::UNKNOWN_DEVICE)
        }
        other => panic!("a revoked device cannot renew, got {other:?}"),
    }
    assert_eq!(load_enrolment(&admin).expect("stored"), stored);
}
