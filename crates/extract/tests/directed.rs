//! Field-directed dictation and voice commands.

use banthuek_core::ArrestRecord;
use banthuek_extract::commands::{recognise, VoiceCommand};
use banthuek_extract::directed::{fill_field, spoken_field, FieldContext, Utterance};
use chrono::NaiveDate;

fn utter(text: &str) -> Utterance<'_> {
    Utterance {
        text,
        today: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
        char_offset: 100,
        audio_ms: Some([5000, 7000]),
    }
}

#[test]
fn each_field_is_read_by_its_type() {
    let rec = ArrestRecord::default();
    let r = fill_field(&rec, "/arrest/time", &utter("บ่ายสองโมงครึ่ง")).unwrap();
    assert_eq!(
        r.record.arrest.as_ref().and_then(|a| a.time.as_deref()),
        Some("14:30")
    );
    let r = fill_field(&r.record, "/arrest/date", &utter("เมื่อวานนี้")).unwrap();
    assert_eq!(
        r.record.arrest.as_ref().and_then(|a| a.date.as_deref()),
        Some("2026-11-23")
    );
    let r = fill_field(&r.record, "/arrestees/0/age", &utter("สามสิบห้าปี")).unwrap();
    assert_eq!(r.record.arrestees[0].age, Some(35));
    let r = fill_field(
        &r.record,
        "/arrestees/0/national_id",
        &utter("1 1037 00456 78 3"),
    )
    .unwrap();
    assert_eq!(
        r.record.arrestees[0].national_id.as_deref(),
        Some("1103700456783")
    );
    assert!(r.suggestion.is_none());
    let r = fill_field(&r.record, "/officers/0/rank", &utter("ร้อยตำรวจโทหญิง")).unwrap();
    assert_eq!(r.record.officers[0].rank.as_deref(), Some("ร.ต.ท.หญิง"));
    let r = fill_field(&r.record, "/arrestees/0/title", &utter("น.ส.")).unwrap();
    assert_eq!(r.record.arrestees[0].title.as_deref(), Some("นางสาว"));
    let r = fill_field(&r.record, "/arrestee_statement", &utter("ผู้ต้องหาให้การปฏิเสธ")).unwrap();
    assert_eq!(r.value, "denied");
    // Only the selected field changed: the provenance is the utterance's.
    let p = &r.record.provenance["/arrestee_statement"];
    assert_eq!(
        p.transcript_span,
        Some([100, 100 + "ผู้ต้องหาให้การปฏิเสธ".chars().count() as u64])
    );
    assert_eq!(p.audio_ms, Some([5000, 7000]));
}

/// What the base model wrote in the desktop app's real-window test for "สิบสี่นาฬิกาสามสิบนาที":
/// the tone mark of สี่ dropped, สิบ written with the final ป that sounds the same, and นาฬิกา
/// misspelt. All are snapped back; the value is filled and left for the officer to confirm.
#[test]
fn a_time_with_asr_misspellings_is_still_read() {
    let heard = [
        ("สิบสี นาลิกา 30 นาที", "14:30"),
        ("สิปสี นาลีกา 30 นาที", "14:30"),
        ("ยิสิป นาลิกา สิปห้า นาที", "20:15"),
        ("ตีสี สิบห้านาที", "04:15"),
    ];
    for (transcript, meant) in heard {
        let r = fill_field(&ArrestRecord::default(), "/arrest/time", &utter(transcript)).unwrap();
        assert_eq!(
            r.record.arrest.as_ref().and_then(|a| a.time.as_deref()),
            Some(meant),
            "{transcript}"
        );
    }
}

#[test]
fn a_bad_id_is_kept_with_proposals_and_nonsense_is_refused() {
    let rec = ArrestRecord::default();
    let r = fill_field(&rec, "/arrestees/0/national_id", &utter("1103700456784")).unwrap();
    let s = r.suggestion.expect("proposal");
    assert!(s.proposals.contains(&"1103700456783".to_string()));
    assert!(fill_field(&rec, "/arrest/time", &utter("ไม่ทราบ")).is_err());
    assert!(fill_field(&rec, "/arrestees/0/national_id", &utter("12345")).is_err());
}

#[test]
fn saying_the_field_name_first_selects_it() {
    let rec = ArrestRecord::default();
    let u = "ข้อหา ลักทรัพย์ในเวลากลางคืน";
    let (ptr, at) = spoken_field(&rec, u, FieldContext::default()).expect("field");
    let r = fill_field(&rec, &ptr, &utter(&u[at..])).unwrap();
    assert_eq!(
        r.record.charges[0].text.as_deref(),
        Some("ลักทรัพย์ในเวลากลางคืน")
    );
    let (ptr, _) =
        spoken_field(&r.record, "ข้อหา รับของโจร", FieldContext::default()).expect("field");
    assert_eq!(ptr, "/charges/1/text");
}

#[test]
fn voice_commands_only_as_whole_utterances() {
    assert_eq!(recognise("ถัดไปครับ"), Some(VoiceCommand::NextField));
    assert_eq!(recognise("ย้อนกลับ"), Some(VoiceCommand::PreviousField));
    assert_eq!(recognise("ลบคำล่าสุด"), Some(VoiceCommand::DeleteLastWord));
    assert_eq!(recognise("ขึ้นบรรทัดใหม่"), Some(VoiceCommand::NewLine));
    assert_eq!(recognise("หยุดบันทึก"), Some(VoiceCommand::StopRecording));
    assert_eq!(recognise("สถานที่บันทึก สถานีตำรวจ หยุดบันทึก"), None);
}
