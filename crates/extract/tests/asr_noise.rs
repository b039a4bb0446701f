//! The transcripts of issue #13, as a small Thai speech model prints them: each value comes back
//! right, or is flagged below the confirmation threshold with what was heard — never a confident
//! guess.

use banthuek_core::record::LOW_CONFIDENCE;
use banthuek_extract::{extract, ExtractOptions, Extraction};
use chrono::NaiveDate;

fn run(t: &str) -> Extraction {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    extract(t, &ExtractOptions::new(today))
}

fn confidence(out: &Extraction, pointer: &str) -> f64 {
    out.record
        .provenance
        .get(pointer)
        .and_then(|p| p.confidence)
        .unwrap_or_else(|| panic!("no provenance for {pointer}"))
}

fn arrest_time(out: &Extraction) -> Option<&str> {
    out.record.arrest.as_ref().and_then(|a| a.time.as_deref())
}

fn arrest_date(out: &Extraction) -> Option<&str> {
    out.record.arrest.as_ref().and_then(|a| a.date.as_deref())
}

#[test]
fn minutes_in_words_and_periods_after_the_hour_are_read() {
    for (said, want) in [
        ("สิบห้านาฬิกาสี่สิบห้านาที", "15:45"),
        ("9. นาลิกา 15 นาที", "09:15"),
        ("ยี่สิบนาฬิกา สี่สิบนาที", "20:40"),
        ("14. นาลิกา", "14:00"),
        ("ยี่สิบนาฬิกา สีสิบนาทิ", "20:40"),
    ] {
        let out = run(&format!(
            "ได้จับกุมตัว นายสมชาย ใจดี เมื่อวันที่ 5 ตุลาคม 2569 เวลา {said} ที่ตลาด"
        ));
        assert_eq!(arrest_time(&out), Some(want), "{said}");
    }
}

#[test]
fn unreadable_minutes_are_never_a_confident_full_hour() {
    // Minutes misheard into words that are not a number ("หร้า"): the hour alone must not pass
    // as sure, and the note says what was heard.
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี เมื่อวันที่ 5 ตุลาคม 2569 เวลาสิบห้านาฬิกา สี่สิบหร้านาที ที่ตลาด");
    assert_eq!(arrest_time(&out), Some("15:00"));
    assert!(confidence(&out, "/arrest/time") < LOW_CONFIDENCE);
    assert!(out.needs_confirmation.iter().any(|p| p == "/arrest/time"));
    let note = out.record.provenance["/arrest/time"].extra["note"]
        .as_str()
        .unwrap_or("");
    assert!(note.contains("สี่สิบหร้านาที"), "{note}");
    // Six o'clock with neither morning nor evening.
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี เมื่อวันที่ 5 ตุลาคม 2569 เวลาหกโมง ที่ตลาด");
    assert_eq!(arrest_time(&out), Some("06:00"));
    assert!(confidence(&out, "/arrest/time") < LOW_CONFIDENCE);
}

#[test]
fn long_quantities_in_words_and_periods_after_numbers() {
    let out = run("ของกลาง ยาบ้า ห้าหมื่นแปดพันหนึ่งร้อยยี่สิบเอ็ด เม็ด");
    let item = &out.record.seized_items[0];
    assert_eq!(item.quantity.map(|q| q.0), Some(58121.0));
    assert!(confidence(&out, "/seized_items/0/quantity") >= LOW_CONFIDENCE);

    let out = run("ของกลาง อาวุธปืนพก จำนวน 1. กระบอก กระสุนปืน 7 นัด");
    let items = &out.record.seized_items;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].unit.as_deref(), Some("กระบอก"));
    assert_eq!(items[1].description.as_deref(), Some("กระสุนปืน"));
    assert_eq!(items[1].quantity.map(|q| q.0), Some(7.0));

    // Number words that do not read as one number: flagged, with what was heard.
    let out = run("ของกลาง ยาบ้า ห้าร้อยหมื่นสาม เม็ด");
    assert!(confidence(&out, "/seized_items/0/quantity") < LOW_CONFIDENCE);
}

#[test]
fn a_lone_sentence_fills_its_section() {
    let out = run("ยาบ้า จำนวน สองร้อย เม็ด");
    assert_eq!(
        out.record.seized_items[0].quantity.map(|q| q.0),
        Some(200.0)
    );
    let out = run("ของกลาง โทรศัพท์มือถือ 1 เครื่อง");
    assert_eq!(out.record.seized_items[0].unit.as_deref(), Some("เครื่อง"));
    let out = run("ข้อหา ลักทรัพย์");
    assert_eq!(out.record.charges[0].text.as_deref(), Some("ลักทรัพย์"));
}

#[test]
fn arrest_dates_in_every_form_fill_the_arrest() {
    for (said, want) in [
        ("จับกุมเมื่อวันจันทร์ที่ 7 ตุลาคม พ.ศ. 2567", "2024-10-07"),
        ("จับกุมเมื่อวันที่ สิบ ธันวาคม 2567", "2024-12-10"),
        ("จับกุมเมื่อวันที่ ยี่สิบ ธันวาคม 2567", "2024-12-20"),
        ("จับกุมเมื่อวันที่ สามสิบ ธันวาคม 2567", "2024-12-30"),
        ("จับกุมเมื่อวันที่ ห้ามีนาคม 2567", "2024-03-05"),
        ("จับกุมเมื่อวันที่ 20 ธันวาคม ค.ศ. 2024", "2024-12-20"),
    ] {
        let out = run(said);
        assert_eq!(arrest_date(&out), Some(want), "{said}");
        assert!(
            out.record.recorded.is_none(),
            "{said}: not the day of writing"
        );
    }
    // A weekday that is not the date's: flagged.
    let out = run("จับกุมเมื่อวันอังคารที่ 7 ตุลาคม พ.ศ. 2567");
    assert_eq!(arrest_date(&out), Some("2024-10-07"));
    assert!(confidence(&out, "/arrest/date") < LOW_CONFIDENCE);
}

#[test]
fn glued_names_are_split_or_flagged() {
    let out = run("ได้จับกุมตัว นางสาวกาญจนาพรหมมา อายุ 30 ปี");
    let a = &out.record.arrestees[0];
    assert_eq!(a.title.as_deref(), Some("นางสาว"));
    assert_eq!(a.first_name.as_deref(), Some("กาญจนา"));
    assert_eq!(a.last_name.as_deref(), Some("พรหมมา"));

    // นาคสวัสดิ์ is not in the family-name list: split after the known given name, flagged.
    let out = run("ได้จับกุมตัว นายธีรศักดิ์นาคสวัสดิ์ อายุ 30 ปี");
    let a = &out.record.arrestees[0];
    assert_eq!(a.first_name.as_deref(), Some("ธีรศักดิ์"));
    assert_eq!(a.last_name.as_deref(), Some("นาคสวัสดิ์"));
    assert!(confidence(&out, "/arrestees/0/first_name") < LOW_CONFIDENCE);

    // Officers too, after a rank said in full.
    let out = run("ผู้จับกุม พันตำรวจโท กาญจนาพรหมมา ได้จับกุมตัว นายสมชาย ใจดี");
    let o = &out.record.officers[0];
    assert_eq!(o.rank.as_deref(), Some("พ.ต.ท."));
    assert_eq!(o.last_name.as_deref(), Some("พรหมมา"));
}

#[test]
fn an_age_whose_words_do_not_all_read_is_flagged() {
    for said in ["อายุ สามสิบ หร้า ปี", "อายุ สามสิบหร้าปี"]
    {
        let out = run(&format!("ได้จับกุมตัว นายสมชาย ใจดี {said} สัญชาติไทย"));
        assert_eq!(out.record.arrestees[0].age, Some(30), "{said}");
        assert!(
            confidence(&out, "/arrestees/0/age") < LOW_CONFIDENCE,
            "{said}"
        );
    }
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี อายุ 35. ปี สัญชาติไทย");
    assert_eq!(out.record.arrestees[0].age, Some(35));
    assert!(confidence(&out, "/arrestees/0/age") >= LOW_CONFIDENCE);
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี อายุ สามสิบห้าปี สัญชาติไทย");
    assert_eq!(out.record.arrestees[0].age, Some(35));
    assert!(confidence(&out, "/arrestees/0/age") >= LOW_CONFIDENCE);
}

#[test]
fn house_numbers_and_ids_in_words() {
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี อายุ สามสิบห้า ปี เลขประจำตัวประชาชน หนึ่ง หนึ่ง ศูนย์ สาม เจ็ด ศูนย์ ศูนย์ สี่ ห้า หก เจ็ด แปด สาม ที่อยู่ ห้า หมู่ สิบเอ็ด ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่");
    let a = &out.record.arrestees[0];
    assert_eq!(a.age, Some(35));
    assert_eq!(a.national_id.as_deref(), Some("1103700456783"));
    let out = run("ได้จับกุมตัว นายสมชาย ใจดี เลขประจำตัวประชาชน หนึ่ง ขีด หนึ่งศูนย์สามเจ็ด ขีด ศูนย์ศูนย์สี่ห้าหก ขีด เจ็ดแปด ขีด สาม");
    assert_eq!(
        out.record.arrestees[0].national_id.as_deref(),
        Some("1103700456783")
    );
    assert_eq!(
        a.address.as_deref(),
        Some("5 หมู่ 11 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่")
    );
}

#[test]
fn sections_in_any_order() {
    let out = run("ข้อหา ลักทรัพย์ ได้จับกุมตัว นายสมชาย ใจดี อายุ 35 ปี เมื่อวันที่ 5 ตุลาคม 2569 เวลา 14.30 น. ที่ตลาดสด โดยผู้จับกุม ร.ต.อ. สมศักดิ์ รักชาติ ของกลาง ยาบ้า 20 เม็ด");
    let r = &out.record;
    assert_eq!(r.charges[0].text.as_deref(), Some("ลักทรัพย์"));
    assert_eq!(r.arrestees[0].age, Some(35));
    assert_eq!(arrest_date(&out), Some("2026-10-05"));
    assert_eq!(arrest_time(&out), Some("14:30"));
    assert_eq!(r.officers[0].rank.as_deref(), Some("ร.ต.อ."));
    assert_eq!(r.officers[0].last_name.as_deref(), Some("รักชาติ"));
    assert_eq!(r.seized_items[0].quantity.map(|q| q.0), Some(20.0));
}
