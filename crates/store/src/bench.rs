//! `banthuek bench store`: the figures the issue asks for, as medians.

use crate::{KdfParams, Store, StoreOptions, VersionSource};
use banthuek_core::{ArrestRecord, Role};
use serde::Serialize;
use std::time::Instant;

#[derive(Debug, Clone, Serialize)]
pub struct StoreBench {
    pub saves: usize,
    pub save_version_p50_ms: f64,
    pub save_version_p90_ms: f64,
    pub records_listed: usize,
    pub list_p50_ms: f64,
    pub unlocks: usize,
    pub unlock_p50_ms: f64,
    /// A refused login: a known account with a wrong password, and a name that is no account.
    /// The two should match (the same Argon2id work), so the time does not tell which names
    /// exist.
    pub wrong_password_p50_ms: f64,
    pub unknown_name_p50_ms: f64,
    pub kdf: KdfParams,
    pub db_bytes: u64,
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A realistic draft: one officer, one arrestee, a charge, seized items, a narrative.
pub fn sample_record(n: usize) -> ArrestRecord {
    let json = serde_json::json!({
        "schema": banthuek_core::SCHEMA_ID,
        "recorded": {"place": "สถานีตำรวจภูธรเมืองเชียงใหม่", "date": "2026-11-24", "time": "14:30"},
        "arrest": {"date": "2026-11-24", "time": "10:15", "place": "บริเวณหน้าตลาดวโรรส ถนนช้างม่อย", "basis": "in_the_act"},
        "officers": [{"rank": "ร.ต.อ.", "first_name": "สมศักดิ์", "last_name": "ใจดี", "position": "รองสารวัตรสืบสวน", "unit": "สถานีตำรวจภูธรเมืองเชียงใหม่", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": format!("ทดสอบ{n}"), "last_name": "สมมติ", "age": 35, "nationality": "ไทย"}],
        "charges": [{"text": "มียาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ไว้ในครอบครองโดยผิดกฎหมาย"}],
        "seized_items": [{"description": "ยาบ้า", "quantity": 200, "unit": "เม็ด", "found_at": "กระเป๋ากางเกงด้านขวา"}],
        "circumstances": "ขณะเจ้าหน้าที่ตำรวจออกตรวจพื้นที่ พบผู้ต้องหามีพฤติการณ์น่าสงสัย จึงขอตรวจค้น พบของกลางดังกล่าว".repeat(3),
        "rights_notified": ["silence", "statement_as_evidence", "lawyer", "notify_relative"],
        "arrestee_statement": "denied"
    });
    serde_json::from_value(json).unwrap_or_default()
}

/// Fills a fresh store in `home` with `records` records, times `saves` version saves, listing
/// all records, and `unlocks` unlocks with `kdf` (the default is what stations get).
pub fn bench_store(
    home: &std::path::Path,
    records: usize,
    saves: usize,
    unlocks: usize,
    kdf: KdfParams,
) -> crate::Result<StoreBench> {
    let opts = StoreOptions {
        kdf,
        // Room for the refused logins timed below without a lockout.
        policy: crate::LockoutPolicy {
            max_failed_attempts: 2 * unlocks as u32 + 10,
            lockout_secs: 1,
        },
    };
    let (mut admin, _) = Store::init(home, "bench-admin", "bench-password", opts)?;
    admin.add_user("bench-officer", Role::Officer, "bench-password", None, None)?;
    drop(admin);
    let locked = Store::open_with(home, opts)?;
    let mut unlock_ms = Vec::with_capacity(unlocks.max(1));
    let t = Instant::now();
    let mut s = locked.unlock("bench-officer", "bench-password")?;
    unlock_ms.push(ms(t));
    for _ in 1..unlocks {
        let t = Instant::now();
        s = locked.unlock("bench-officer", "bench-password")?;
        unlock_ms.push(ms(t));
    }
    // Refused logins, interleaved (first one, then the other first) so that both see the same
    // machine load.
    let (mut wrong_ms, mut unknown_ms) = (Vec::new(), Vec::new());
    for i in 0..unlocks.max(1) {
        let mut pair = [
            ("bench-officer", &mut wrong_ms),
            ("bench-nobody", &mut unknown_ms),
        ];
        if i % 2 == 1 {
            pair.reverse();
        }
        for (user, times) in pair {
            let t = Instant::now();
            // Refused: the wrong password, or no such account.
            let _refused = locked.unlock(user, "not-the-password");
            times.push(ms(t));
        }
    }
    let mut ids = Vec::with_capacity(records);
    for i in 0..records {
        ids.push(s.create_record(sample_record(i), VersionSource::Machine, "machine draft")?);
    }
    let mut save_ms = Vec::with_capacity(saves);
    for i in 0..saves {
        let id = &ids[i % ids.len().max(1)];
        let rec = sample_record(i + 1);
        let t = Instant::now();
        s.save_version(id, rec, VersionSource::Edited, "bench edit")?;
        save_ms.push(ms(t));
    }
    let mut list_ms = Vec::new();
    let mut listed = 0;
    for _ in 0..5 {
        let t = Instant::now();
        listed = s.list_records(None)?.len();
        list_ms.push(ms(t));
    }
    let db_bytes = std::fs::metadata(home.join(crate::db::FILE_NAME))
        .map(|m| m.len())
        .unwrap_or(0);
    Ok(StoreBench {
        saves,
        save_version_p50_ms: percentile(save_ms.clone(), 0.5),
        save_version_p90_ms: percentile(save_ms, 0.9),
        records_listed: listed,
        list_p50_ms: percentile(list_ms, 0.5),
        unlocks: unlock_ms.len(),
        unlock_p50_ms: percentile(unlock_ms, 0.5),
        wrong_password_p50_ms: percentile(wrong_ms, 0.5),
        unknown_name_p50_ms: percentile(unknown_ms, 0.5),
        kdf,
        db_bytes,
    })
}
