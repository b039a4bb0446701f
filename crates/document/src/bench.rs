//! `banthuek bench document`: render and sign a three-page record, medians over many runs.

use crate::error::{DocumentError, Result};
use crate::fonts::FontSet;
use crate::pki::{create_station_ca, issue_user_cert, CertRole, SigningIdentity};
use crate::render::{render_with_fonts, RenderOptions};
use crate::sign::{sign_pdf_with, SignRequest};
use banthuek_core::record::{
    Arrest, ArrestBasis, ArrestRecord, Arrestee, ArresteeStatement, Charge, Officer, OfficerRole,
    Quantity, Recorded, Right, SeizedItem,
};
use serde::Serialize;
use std::time::Instant;

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub iterations: usize,
    pub pages: usize,
    pub render_p50_ms: f64,
    pub sign_p50_ms: f64,
    pub render_and_sign_p50_ms: f64,
    pub rendered_bytes: usize,
    pub signed_bytes: usize,
}

/// A complete, signable record whose printout runs to `pages` pages: `narrative_paragraphs`
/// paragraphs of circumstances are added until it does.
pub fn sample_record(narrative_paragraphs: usize) -> ArrestRecord {
    let officer = |rank: &str, first: &str, last: &str, position: &str, role| Officer {
        rank: Some(rank.to_owned()),
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
        position: Some(position.to_owned()),
        unit: Some("สถานีตำรวจภูธรเมืองเชียงใหม่".to_owned()),
        role: Some(role),
        ..Default::default()
    };
    let paragraph = "เจ้าหน้าที่ได้รับแจ้งจากสายลับว่ามีการลักลอบจำหน่ายยาเสพติดบริเวณหน้าตลาดวโรรส \
จึงได้เดินทางไปตรวจสอบ พบผู้ต้องหามีท่าทางพิรุธ จึงแสดงตัวเป็นเจ้าพนักงานตำรวจและขอตรวจค้น \
พบยาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ซุกซ่อนอยู่ในกระเป๋ากางเกงด้านขวา";
    ArrestRecord {
        record_id: Some("CM-2569-000123".to_owned()),
        recorded: Some(Recorded {
            place: Some("สถานีตำรวจภูธรเมืองเชียงใหม่".to_owned()),
            date: Some("2026-11-24".to_owned()),
            time: Some("16:00".to_owned()),
            ..Default::default()
        }),
        arrest: Some(Arrest {
            date: Some("2026-11-24".to_owned()),
            time: Some("14:30".to_owned()),
            place: Some(
                "บริเวณหน้าตลาดวโรรส ถนนช้างม่อย ตำบลช้างม่อย อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่".to_owned(),
            ),
            basis: Some(ArrestBasis::InTheAct),
            ..Default::default()
        }),
        officers: vec![
            officer(
                "ร.ต.อ.",
                "สมศักดิ์",
                "รักชาติ",
                "รองสารวัตรสืบสวน",
                OfficerRole::Leader,
            ),
            officer("ส.ต.อ.", "วีระพงษ์", "ทองดี", "ผู้บังคับหมู่", OfficerRole::Recorder),
        ],
        arrestees: vec![Arrestee {
            title: Some("นาย".to_owned()),
            first_name: Some("สมชาย".to_owned()),
            last_name: Some("ใจดี".to_owned()),
            age: Some(35),
            nationality: Some("ไทย".to_owned()),
            national_id: Some("1103700456783".to_owned()),
            address: Some("บ้านเลขที่ 12 หมู่ 3 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่".to_owned()),
            ..Default::default()
        }],
        charges: vec![Charge {
            text: Some(
                "มียาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ไว้ในครอบครองเพื่อจำหน่ายโดยไม่ได้รับอนุญาต"
                    .to_owned(),
            ),
            ..Default::default()
        }],
        seized_items: vec![
            SeizedItem {
                description: Some("ยาบ้า".to_owned()),
                quantity: Some(Quantity(200.0)),
                unit: Some("เม็ด".to_owned()),
                found_at: Some("กระเป๋ากางเกงด้านขวา".to_owned()),
                ..Default::default()
            },
            SeizedItem {
                description: Some("โทรศัพท์มือถือ".to_owned()),
                quantity: Some(Quantity(1.0)),
                unit: Some("เครื่อง".to_owned()),
                ..Default::default()
            },
        ],
        circumstances: Some(vec![paragraph; narrative_paragraphs.max(1)].join("\n")),
        rights_notified: vec![
            Right::Silence,
            Right::StatementAsEvidence,
            Right::Lawyer,
            Right::NotifyRelative,
        ],
        arrestee_statement: Some(ArresteeStatement::Confessed),
        ..Default::default()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Renders and signs a three-page record `iterations` times (fonts loaded once, as the app does).
pub fn bench_document(iterations: usize) -> Result<BenchReport> {
    let fonts = FontSet::load(&FontSet::default_dir())?;
    let opts = RenderOptions {
        digits: crate::thai::Digits::Thai,
        ..Default::default()
    };
    // Grow the narrative until the printout is three pages long.
    let mut paragraphs = 1;
    let record = loop {
        let record = sample_record(paragraphs);
        let pages = render_with_fonts(&record, &opts, &fonts)?.layout.pages;
        if pages >= 3 || paragraphs > 200 {
            break record;
        }
        paragraphs += 1;
    };
    let ca = create_station_ca("สถานีตำรวจภูธรเมืองเชียงใหม่")?;
    let user = issue_user_cert(&ca, "ส.ต.อ. วีระพงษ์ ทองดี", CertRole::Officer)?;
    let identity =
        SigningIdentity::new(user.key.clone(), vec![user.cert.clone(), ca.cert.clone()])?;
    let (mut render_ms, mut sign_ms, mut total_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut pages, mut rendered_bytes, mut signed_bytes) = (0, 0, 0);
    for _ in 0..iterations.max(1) {
        let t0 = Instant::now();
        let rendered = render_with_fonts(&record, &opts, &fonts)?;
        let t1 = Instant::now();
        let signed = sign_pdf_with(
            &rendered.pdf,
            &identity,
            &SignRequest {
                block: Some("recorder"),
                now: None,
            },
            &fonts,
        )?;
        let t2 = Instant::now();
        render_ms.push((t1 - t0).as_secs_f64() * 1e3);
        sign_ms.push((t2 - t1).as_secs_f64() * 1e3);
        total_ms.push((t2 - t0).as_secs_f64() * 1e3);
        pages = rendered.layout.pages;
        rendered_bytes = rendered.pdf.len();
        signed_bytes = signed.len();
    }
    if pages < 3 {
        return Err(DocumentError::Render(format!(
            "benchmark record has {pages} pages, wanted 3"
        )));
    }
    Ok(BenchReport {
        iterations: iterations.max(1),
        pages,
        render_p50_ms: median(render_ms),
        sign_p50_ms: median(sign_ms),
        render_and_sign_p50_ms: median(total_ms),
        rendered_bytes,
        signed_bytes,
    })
}
