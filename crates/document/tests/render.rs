//! Rendering checked the way a reader sees it: poppler's text extraction returns every field
//! exactly, nothing lies outside the page's text area, long records flow onto more pages with
//! signature blocks whole, and the embedded record reads back identical.

mod common;

use banthuek_core::record::{ArrestRecord, Arrestee, SeizedItem};
use banthuek_document::{
    read_embedded, render, thai, Digits, DocumentError, RenderOptions, Rendered,
};
use common::*;
use std::path::PathBuf;
use std::process::Command;

fn render_to(record: &ArrestRecord, digits: Digits, name: &str) -> (Rendered, PathBuf) {
    let rendered = render(
        record,
        &RenderOptions {
            digits,
            version: 3,
            ..Default::default()
        },
    )
    .expect("render");
    let path = artifacts().join(name);
    std::fs::write(&path, &rendered.pdf).expect("write pdf");
    (rendered, path)
}

/// Every text value of the record as the document must print it.
fn field_texts(r: &ArrestRecord, d: Digits) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: &Option<String>| {
        if let Some(v) = v {
            out.push(thai::digits(v, d));
        }
    };
    if let Some(rec) = &r.recorded {
        push(&rec.place);
        push(&rec.date.as_deref().map(|x| thai::iso_date_be(x, d)));
        push(&rec.time.as_deref().map(|x| thai::hhmm_th(x, d)));
    }
    if let Some(a) = &r.arrest {
        push(&a.place);
        push(&a.date.as_deref().map(|x| thai::iso_date_be(x, d)));
        push(&a.time.as_deref().map(|x| thai::hhmm_th(x, d)));
        if let Some(w) = &a.warrant {
            push(&w.number);
            push(&w.court);
        }
    }
    for o in &r.officers {
        push(&o.rank);
        push(&o.first_name);
        push(&o.last_name);
        push(&o.position);
        push(&o.unit);
    }
    for a in &r.arrestees {
        push(&a.first_name);
        push(&a.last_name);
        push(&a.title);
        push(&a.national_id);
        push(&a.passport);
        push(&a.nationality);
        push(&a.address);
        push(&a.age.map(|x| x.to_string()));
    }
    for c in &r.charges {
        push(&c.text);
    }
    for s in &r.seized_items {
        push(&s.description);
        push(&s.unit);
        push(&s.quantity.map(|q| format!("{}", q.0)));
    }
    push(&r.circumstances);
    out
}

#[test]
fn pdftotext_returns_every_field_of_every_dev_record() {
    for (id, record) in dev_records() {
        for digits in [Digits::Arabic, Digits::Thai] {
            let (rendered, path) = render_to(&record, digits, &format!("{id}-{digits:?}.pdf"));
            let text = pdftotext(&path, None);
            let flat = squash(&text);
            for field in field_texts(&record, digits) {
                assert!(
                    flat.contains(&squash(&field)),
                    "{id} ({digits:?}): '{field}' missing from pdftotext output:\n{text}"
                );
            }
            // Footer on every page: the speech-recognition note, id, version, hash, page x/y.
            for page in 1..=rendered.layout.pages {
                let page_text = squash(&pdftotext(&path, Some(page)));
                let page_no =
                    thai::digits(&format!("หน้า{}/{}", page, rendered.layout.pages), digits);
                assert!(page_text.contains(&page_no), "{id}: no '{page_no}'");
                assert!(page_text.contains(&squash(banthuek_document::render::FOOTER_NOTE)));
                assert!(page_text.contains(&format!("TEST-{id}")));
                assert!(page_text.contains(&rendered.layout.record_sha256));
                assert!(page_text.contains(&thai::digits("ฉบับที่3", digits)));
            }
            assert!(flat.contains("อนึ่ง"), "{id}: closing paragraph missing");
        }
    }
}

#[test]
fn embedded_record_reads_back_identical_and_matches_the_footer_hash() {
    for (id, record) in dev_records() {
        let rendered = render(&record, &RenderOptions::default()).expect("render");
        let embedded = read_embedded(&rendered.pdf).expect("embedded");
        assert_eq!(embedded.record, record, "{id}");
        assert_eq!(embedded.record_json, record.to_canonical_json().as_bytes());
        assert!(embedded.hash_matches(), "{id}");
        assert_eq!(embedded.layout, rendered.layout);
    }
}

#[test]
fn pdf_is_pdfa_3b_with_the_record_as_associated_file() {
    let (_, record) = dev_records().remove(0);
    let rendered = render(&record, &RenderOptions::default()).expect("render");
    let pdf = String::from_utf8_lossy(&rendered.pdf);
    // krilla validated PDF/A-3b while writing (it refuses to finish otherwise); the file
    // declares it and associates the record with the document.
    assert!(
        pdf.contains("<pdfaid:part>3</pdfaid:part>"),
        "no PDF/A part 3 claim"
    );
    assert!(pdf.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(
        pdf.contains("/AFRelationship/Source"),
        "record not associated as source"
    );
    assert!(pdf.contains("/AF"));
}

/// (xmin, ymin, xmax, ymax, word)
type WordBox = (f32, f32, f32, f32, String);

/// Word boxes from `pdftotext -bbox`: (page width, page height, words) per page.
fn word_boxes(path: &std::path::Path) -> Vec<(f32, f32, Vec<WordBox>)> {
    let (ok, html) = run(Command::new("pdftotext").arg("-bbox").arg(path).arg("-"));
    assert!(ok, "{html}");
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let start = tag.find(&key).expect("attr") + key.len();
        tag[start..]
            .split('"')
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    let mut pages = Vec::new();
    for chunk in html.split("<page ").skip(1) {
        let head = chunk.split('>').next().expect("page tag");
        let mut words = Vec::new();
        for w in chunk.split("<word ").skip(1) {
            let tag = w.split('>').next().expect("word tag");
            let text = w[tag.len() + 1..]
                .split("</word>")
                .next()
                .unwrap_or("")
                .to_owned();
            words.push((
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
                text,
            ));
        }
        pages.push((attr(head, "width"), attr(head, "height"), words));
    }
    pages
}

fn long_record() -> ArrestRecord {
    let (_, mut record) = dev_records().remove(2);
    let base = record.arrestees[0].clone();
    for i in 0..8 {
        record.arrestees.push(Arrestee {
            first_name: Some(format!("ผู้ต้องหาที่{}", i + 3)),
            ..base.clone()
        });
    }
    for i in 0..25 {
        record.seized_items.push(SeizedItem {
            description: Some(format!("ยาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ถุงที่ {}", i + 1)),
            quantity: Some(banthuek_core::record::Quantity(10.0 + i as f64)),
            unit: Some("เม็ด".to_owned()),
            found_at: Some("ใต้เบาะรถยนต์กระบะ".to_owned()),
            ..Default::default()
        });
    }
    let para = "เจ้าหน้าที่ได้รับแจ้งจากสายลับว่ามีการลักลอบขนยาเสพติดผ่านด่านตรวจบ้านป่ายาง จึงได้ตั้งจุดตรวจค้น \
พบรถยนต์กระบะมีพิรุธ จึงเรียกให้หยุดและขอตรวจค้น พบเมทแอมเฟตามีนซุกซ่อนอยู่ใต้เบาะ";
    record.circumstances = Some([para; 12].join("\n"));
    record
}

#[test]
fn long_records_flow_onto_more_pages_without_overflow_or_split_blocks() {
    let record = long_record();
    let (rendered, path) = render_to(&record, Digits::Thai, "long-record.pdf");
    assert!(
        rendered.layout.pages >= 3,
        "{} pages",
        rendered.layout.pages
    );
    let pages = word_boxes(&path);
    assert_eq!(pages.len(), rendered.layout.pages);
    // Text area: 30 mm left, 20 mm right, 15 mm top, 10 mm bottom at most.
    let mm = 72.0 / 25.4;
    for (i, (w, h, words)) in pages.iter().enumerate() {
        assert!(!words.is_empty());
        for (x0, y0, x1, y1, text) in words {
            assert!(
                *x0 >= 30.0 * mm - 1.0 && *x1 <= w - 20.0 * mm + 1.0,
                "page {}: '{text}' overflows horizontally ({x0}..{x1})",
                i + 1
            );
            assert!(
                *y0 >= 15.0 * mm && *y1 <= h - 10.0 * mm,
                "page {}: '{text}' overflows vertically ({y0}..{y1})",
                i + 1
            );
        }
    }
    // Every signature block lies wholly on its page, within the text area, and blocks do not
    // overlap one another.
    let blocks = &rendered.layout.blocks;
    assert_eq!(
        blocks.len(),
        record.arrestees.len() + record.officers.len() + 2
    );
    for b in blocks {
        let [x0, y0, x1, y1] = b.rect;
        assert!(b.page < rendered.layout.pages);
        assert!(x0 >= 30.0 * mm && x1 <= 190.0 * mm && y0 >= 25.0 * mm && y1 <= 282.0 * mm);
        for o in blocks.iter().filter(|o| o.id != b.id && o.page == b.page) {
            let [a0, b0, a1, b1] = o.rect;
            assert!(
                x1 <= a0 || a1 <= x0 || y1 <= b0 || b1 <= y0,
                "{} overlaps {}",
                b.id,
                o.id
            );
        }
    }
    // Each item appears, in order, across the pages.
    let all = squash(&pdftotext(&path, None));
    let mut at = 0;
    for item in &record.seized_items {
        let d = squash(&thai::digits(
            item.description.as_deref().unwrap_or(""),
            Digits::Thai,
        ));
        let found = all[at..].find(&d).map(|p| p + at);
        assert!(found.is_some(), "{d} missing or out of order");
        at = found.unwrap_or(at);
    }
    for page in 1..=rendered.layout.pages {
        let out = artifacts().join(format!("long-record-p{page}"));
        let (ok, msg) = run(Command::new("pdftoppm")
            .args([
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(&path)
            .arg(&out));
        assert!(ok, "{msg}");
    }
}

#[test]
fn thai_words_in_the_keep_list_are_never_split_across_lines() {
    let record = long_record();
    let (_, path) = render_to(&record, Digits::Thai, "long-record-breaks.pdf");
    let text = pdftotext(&path, None);
    for word in ["เมทแอมเฟตามีน", "ป่ายาง", "ปัญญาดี", "อาทิตย์"]
    {
        let printed = squash(&text).matches(word).count();
        // pdftotext may insert a space after a tone mark; compare each line without spaces.
        let whole_in_lines: usize = text.lines().map(|l| squash(l).matches(word).count()).sum();
        assert!(printed > 0, "'{word}' not printed");
        assert_eq!(whole_in_lines, printed, "'{word}' split across lines");
    }
}

#[test]
fn page_images_render() {
    let (_, record) = dev_records().remove(0);
    let (_, path) = render_to(&record, Digits::Thai, "dev-01-page.pdf");
    let out = artifacts().join("record-page1");
    let (ok, msg) = run(Command::new("pdftoppm")
        .args(["-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&out));
    assert!(ok, "{msg}");
    let png = std::fs::read(out.with_extension("png")).expect("png written");
    assert!(png.starts_with(b"\x89PNG"));
    // An A4 page at 100 dpi is 827 × 1170 px: the IHDR width/height.
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    assert_eq!((width, height), (827, 1170));
}

#[test]
fn missing_font_is_a_typed_error() {
    let (_, record) = dev_records().remove(0);
    let dir = tempfile::tempdir().expect("tmp");
    let err = render(
        &record,
        &RenderOptions {
            font_dir: Some(dir.path().to_owned()),
            ..Default::default()
        },
    )
    .err()
    .expect("must fail");
    assert!(matches!(err, DocumentError::MissingFont { .. }), "{err}");
    assert!(err.to_string().contains("ฟอนต์"));
    std::fs::write(dir.path().join("Laksaman.ttf"), b"not a font").expect("write");
    let err = render(
        &record,
        &RenderOptions {
            font_dir: Some(dir.path().to_owned()),
            ..Default::default()
        },
    )
    .err()
    .expect("must fail");
    assert!(matches!(err, DocumentError::BadFont { .. }), "{err}");
}

#[test]
fn the_footer_says_when_values_came_from_the_id_card() {
    let mut record = ArrestRecord::default()
        .with_field("/record_id", "TEST-card")
        .unwrap()
        .with_field("/arrestees/0/first_name", "ฤดี")
        .unwrap();
    let (_, path) = render_to(&record, Digits::Arabic, "footer-dictated.pdf");
    let note = squash(banthuek_document::render::FOOTER_CARD_NOTE);
    assert!(!squash(&pdftotext(&path, Some(1))).contains(&note));
    record.provenance.insert(
        "/arrestees/0/first_name".into(),
        banthuek_core::Provenance::card("Virtual PCD 00 00", "2026-12-05T08:00:00+07:00"),
    );
    let (_, path) = render_to(&record, Digits::Arabic, "footer-card.pdf");
    let text = squash(&pdftotext(&path, Some(1)));
    assert!(text.contains(&note), "{text}");
    assert!(text.contains("เลขที่บันทึกTEST-card"), "{text}");
}
