//! Audit anchoring, both sides, with a real receiver process: every upload carries the station's
//! audit-chain head, the receipt signs it, the receiver refuses a head older than (or forking
//! from) the newest it holds for the device, and the station's check finds the newest audit
//! entries deleted once a record has synced — which the hash chain alone cannot see.

mod common;

use banthuek_sync::fixture::ADMIN;
use banthuek_sync::protocol::{self, codes, AuditAnchor};
use banthuek_sync::station::{check_audit_anchor, save_enrolment, AnchorCheck};
use banthuek_sync::Sender;
use common::*;

#[test]
fn receipts_anchor_the_audit_chain_and_a_rolled_back_chain_is_caught_on_both_sides() {
    let s = setup(3, &[]);
    let mut admin = s.station.session(ADMIN).expect("admin");
    save_enrolment(&mut admin, &s.enrolment).expect("save enrolment");
    drop(admin);
    let mut session = session(&s.station);
    let items = queued_items(&s.station);
    let head = items[0]
        .audit_anchor
        .clone()
        .expect("the items carry the head");
    assert_eq!(
        session.audit_head().expect("head"),
        Some((head.sequence, head.hash.clone()))
    );
    let mut sender = Sender::new(&s.enrolment, test_config()).expect("sender");

    // The first record: its receipt signs the head it was sent with.
    let mut first = MemoryQueue::new(vec![items[0].clone()]);
    sender.drain(&mut first, &mut |_| {}).expect("drain");
    let key = protocol::public_key_from_pem(&s.enrolment.receipt_key_pem).expect("key");
    let signed: banthuek_sync::SignedReceipt =
        serde_json::from_str(first.receipts.values().next().expect("receipt")).expect("json");
    assert_eq!(
        signed.verify(&key).expect("verifies").audit_anchor,
        Some(head.clone())
    );

    // A laptop whose chain went back (an older copy restored), or whose chain was rewritten.
    let earlier = session
        .audit_hash_at(1)
        .expect("entry 1")
        .map(|hash| AuditAnchor { sequence: 1, hash })
        .expect("entry 1 exists");
    let forked = AuditAnchor {
        sequence: head.sequence,
        hash: "0".repeat(64),
    };
    for (anchor, what) in [(earlier, "older"), (forked, "forked")] {
        let mut item = items[1].clone();
        item.audit_anchor = Some(anchor);
        let mut queue = MemoryQueue::new(vec![item]);
        sender.drain(&mut queue, &mut |_| {}).expect("drain");
        assert_eq!(queue.rejected.len(), 1, "{what} anchor refused");
        assert!(
            queue.rejected[0].1.contains(codes::AUDIT_ROLLBACK),
            "{what}: {}",
            queue.rejected[0].1
        );
    }
    assert_eq!(central_records(&s.dir.path().join("central")).len(), 1);

    // The station's own outbox: the rest go with the (now later) head; the first is a replay.
    let report = sender.drain(&mut session, &mut |_| {}).expect("drain");
    assert_eq!(report.synced, 3);
    let newest = match check_audit_anchor(&session).expect("check") {
        AnchorCheck::Holds(anchor) => anchor,
        other => panic!("the chain holds its anchor, got {other:?}"),
    };
    assert!(newest.sequence >= head.sequence);

    // Deleting the newest audit entries (from the anchored one on) leaves a chain that is whole
    // by its own hashes, but no longer reaches the anchor the receiver signed.
    let conn = session.connection_for_tests();
    conn.execute_batch("DROP TRIGGER audit_no_delete;")
        .expect("drop trigger");
    conn.execute("DELETE FROM audit WHERE seq >= ?1", [newest.sequence])
        .expect("delete entries");
    assert!(session.audit_verify().expect("verify").is_whole());
    assert_eq!(
        check_audit_anchor(&session).expect("check"),
        AnchorCheck::Truncated {
            anchor: newest.clone(),
            head: newest.sequence - 1
        }
    );
}
