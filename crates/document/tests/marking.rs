//! The classification marking: printed at the top and the bottom of every page of a multi-page
//! record, checked with poppler's text extraction page by page.

mod common;

use banthuek_core::classification::{Classification, Marking};
use banthuek_core::record::{ArrestRecord, Quantity, SeizedItem};
use banthuek_document::{render, RenderOptions};
use common::*;
use std::process::Command;

fn long_record(age: u32) -> ArrestRecord {
    let mut record = ArrestRecord::from_value(serde_json::json!({
        "schema": banthuek_core::SCHEMA_ID,
        "record_id": "TEST-marking",
        "recorded": {"place": "สถานีตำรวจภูธรเมืองเชียงใหม่", "date": "2025-01-10", "time": "14:30"},
        "arrest": {"date": "2025-01-10", "time": "10:15", "place": "หน้าตลาดวโรรส", "basis": "in_the_act"},
        "officers": [{"rank": "ร.ต.อ.", "first_name": "สมศักดิ์", "last_name": "ใจดี", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": "ทดสอบ", "last_name": "ระบบ", "age": age}],
        "charges": [{"text": "มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง"}],
        "circumstances": (["เจ้าหน้าที่ได้รับแจ้งว่ามีการลักลอบขนยาเสพติดผ่านด่านตรวจ จึงตั้งจุดตรวจค้น"; 30].join("\n"))
    }))
    .expect("fixture fits the schema");
    for i in 0..30 {
        record.seized_items.push(SeizedItem {
            description: Some(format!("เมทแอมเฟตามีน ถุงที่ {}", i + 1)),
            quantity: Some(Quantity(10.0)),
            unit: Some("เม็ด".to_owned()),
            ..Default::default()
        });
    }
    record
}

/// The first and last non-empty lines of one page, as laid out.
fn first_and_last_lines(pdf: &std::path::Path, page: usize) -> (String, String) {
    let p = page.to_string();
    let (ok, text) = run(Command::new("pdftotext")
        .args(["-layout", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-"));
    assert!(ok, "pdftotext failed: {text}");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (
        lines.first().copied().unwrap_or_default().to_owned(),
        lines.last().copied().unwrap_or_default().to_owned(),
    )
}

#[test]
fn every_page_is_marked_at_top_and_bottom() {
    for (name, age, level, expected) in [
        ("marking-secret.pdf", 30, Classification::Secret, "ลับ"),
        (
            "marking-top-secret.pdf",
            30,
            Classification::TopSecret,
            "ลับมาก",
        ),
        (
            "marking-unclassified.pdf",
            30,
            Classification::Unclassified,
            "ไม่จัดชั้น",
        ),
        (
            "marking-juvenile.pdf",
            16,
            Classification::Unclassified,
            "ลับ · คดีเด็กและเยาวชน",
        ),
    ] {
        let record = long_record(age);
        let marking = Marking::new(level, &record);
        assert_eq!(marking.printed(), expected);
        let rendered = render(
            &record,
            &RenderOptions {
                marking: Some(marking),
                ..Default::default()
            },
        )
        .expect("render");
        assert!(
            rendered.layout.pages >= 2,
            "{name}: {} pages",
            rendered.layout.pages
        );
        let path = artifacts().join(name);
        std::fs::write(&path, &rendered.pdf).expect("write pdf");
        for page in 1..=rendered.layout.pages {
            let (first, last) = first_and_last_lines(&path, page);
            assert_eq!(squash(&first), squash(expected), "{name} page {page} top");
            assert_eq!(squash(&last), squash(expected), "{name} page {page} bottom");
        }
    }
}

#[test]
fn no_marking_unless_asked() {
    let record = long_record(30);
    let rendered = render(&record, &RenderOptions::default()).expect("render");
    let path = artifacts().join("marking-none.pdf");
    std::fs::write(&path, &rendered.pdf).expect("write pdf");
    let (first, _) = first_and_last_lines(&path, 1);
    assert!(
        !first.contains("ลับ") && !first.contains("ไม่จัดชั้น"),
        "{first}"
    );
}
