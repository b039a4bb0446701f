//! National scale in small: 50 simulated stations × 20 final records, sent concurrently through
//! two `banthuek-central` processes on one PostgreSQL (a throwaway cluster on 127.0.0.1), while
//! one receiver is SIGKILLed and restarted and PostgreSQL is stopped as a crash would stop it
//! and started again. Every record must be accepted exactly once, every replay must get the
//! receipt first given, and the database must hold nothing else.
//!
//! The stations are simulated: 50 devices, each enrolled with its own one-time code (half at each
//! receiver) and sending its own 20 records with the station's real sender; the records are made
//! and signed by one fixture station (its CA is every device's station CA), because signing 1,000
//! PDFs for 50 separate stores would cost minutes of CI and test nothing more of the receiver.

mod common;

use banthuek_central::pg_cluster::PgCluster;
use banthuek_sync::fixture::{CentralProcess, Station};
use banthuek_sync::{Enrolment, Sender, SyncEvent};
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const STATIONS: usize = 50;
const RECORDS_PER_STATION: usize = 20;
const RECORDS: usize = STATIONS * RECORDS_PER_STATION;
/// A hang fails the test instead of blocking CI.
const DEADLINE: Duration = Duration::from_secs(600);

fn wait_for(count: &AtomicUsize, at_least: usize, started: Instant) {
    while count.load(Ordering::SeqCst) < at_least {
        assert!(started.elapsed() < DEADLINE, "stuck below {at_least}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_thousand_records_from_fifty_stations_through_two_receivers_under_faults() {
    let pg = PgCluster::start(&[]).expect("a PostgreSQL cluster");
    let dir = tempfile::tempdir().expect("temp dir");
    let station = Station::create(&dir.path().join("station")).expect("station");
    station.queue_records(RECORDS).expect("queue records");
    let items = queued_items(&station);
    assert_eq!(items.len(), RECORDS);

    let data = dir.path().join("central");
    let mut receivers: Vec<CentralProcess> = (0..2)
        .map(|_| {
            CentralProcess::start_on(&central_binary(), &data, Some(&pg.url), &[])
                .expect("start banthuek-central")
        })
        .collect();
    let enrolments: Vec<Enrolment> = (0..STATIONS)
        .map(|i| enrol(&receivers[i % 2], &station.ca_pem, 3600))
        .collect();

    let accepted = AtomicUsize::new(0);
    let started = Instant::now();
    let mut fault_points = Vec::new();
    let queues: Vec<MemoryQueue> = std::thread::scope(|s| {
        let senders: Vec<_> = items
            .chunks(RECORDS_PER_STATION)
            .zip(&enrolments)
            .map(|(chunk, enrolment)| {
                let accepted = &accepted;
                s.spawn(move || {
                    let mut queue = MemoryQueue::new(chunk.to_vec());
                    let mut sender = Sender::new(enrolment, test_config()).expect("sender");
                    sender
                        .drain(&mut queue, &mut |e| {
                            if matches!(e, SyncEvent::Synced { replay: false, .. }) {
                                accepted.fetch_add(1, Ordering::SeqCst);
                            }
                        })
                        .expect("drain");
                    queue
                })
            })
            .collect();
        // Faults while the stations send: a receiver killed, later the database crashed.
        wait_for(&accepted, RECORDS / 4, started);
        fault_points.push(accepted.load(Ordering::SeqCst));
        receivers[1].kill();
        std::thread::sleep(Duration::from_millis(500));
        receivers[1].restart().expect("restart the receiver");
        wait_for(&accepted, RECORDS / 2, started);
        fault_points.push(accepted.load(Ordering::SeqCst));
        pg.restart().expect("restart PostgreSQL");
        senders
            .into_iter()
            .map(|t| t.join().expect("a station's sender"))
            .collect()
    });
    assert!(
        fault_points.iter().all(|&n| n < RECORDS),
        "the faults came mid-run: {fault_points:?}"
    );
    println!(
        "{RECORDS} records from {STATIONS} stations in {:.1} s; faults at {fault_points:?} accepted",
        started.elapsed().as_secs_f64()
    );

    // Each station: all its records synced, none refused, each receipt naming its device.
    let mut station_side = Vec::new();
    for (queue, enrolment) in queues.iter().zip(&enrolments) {
        assert!(queue.rejected.is_empty(), "{:?}", queue.rejected);
        assert_eq!(queue.receipts.len(), RECORDS_PER_STATION);
        for receipt in queue.receipts.values() {
            let signed: banthuek_sync::SignedReceipt =
                serde_json::from_str(receipt).expect("receipt");
            let key = banthuek_sync::protocol::public_key_from_pem(&enrolment.receipt_key_pem)
                .expect("key");
            assert_eq!(
                signed.verify(&key).expect("verifies").device_id,
                enrolment.device_id
            );
        }
        station_side.extend(queue.receipts.clone());
    }
    station_side.sort();

    // The database: exactly one row per record, with the receipt the station holds; nothing else.
    let mut client = pg.client().expect("connect");
    assert_eq!(pg_records(&mut client), station_side);
    let mut count = |sql: &str| -> i64 { client.query_one(sql, &[]).expect(sql).get(0) };
    assert_eq!(count("SELECT count(*) FROM devices"), STATIONS as i64);
    assert_eq!(
        count("SELECT count(*) FROM enrolment_codes WHERE used_at IS NOT NULL AND device_id IN (SELECT device_id FROM devices)"),
        STATIONS as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM records WHERE pdf_sha256 <> encode(sha256(pdf), 'hex')"),
        0,
        "every stored PDF is the one its receipt names"
    );
    assert_eq!(
        count("SELECT count(*) FROM (SELECT device_id FROM records GROUP BY device_id HAVING count(*) <> 20) d"),
        0,
        "each device's 20 records, no more, no fewer"
    );

    // Replays, through both receivers: the receipt first given, and no new row.
    std::thread::scope(|s| {
        for (i, ((chunk, enrolment), first)) in items
            .chunks(RECORDS_PER_STATION)
            .zip(&enrolments)
            .zip(&queues)
            .enumerate()
        {
            let url = receivers[(i + 1) % 2].url.clone();
            s.spawn(move || {
                let mut queue = MemoryQueue::new(chunk.to_vec());
                let other = Enrolment {
                    url,
                    ..enrolment.clone()
                };
                Sender::new(&other, test_config())
                    .expect("sender")
                    .drain(&mut queue, &mut |_| {})
                    .expect("replay");
                assert_eq!(queue.receipts, first.receipts, "identical receipts");
            });
        }
    });
    assert_eq!(
        pg_records(&mut pg.client().expect("connect")).len(),
        RECORDS
    );
}
