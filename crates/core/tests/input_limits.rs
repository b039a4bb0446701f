//! Limits where a record enters (issue 15): its size, the length of each text, control and
//! bidirectional characters (refused naming the field), quantities and ages positive and
//! bounded, and a record file with a UTF-8 byte-order mark read as if it had none.

use banthuek_core::record::ArrestRecord;
use banthuek_core::rules::{check_input, record_text, InputProblem, MAX_RECORD_BYTES};

fn complete() -> serde_json::Value {
    serde_json::json!({"schema":"banthuek.arrest-record/1",
      "recorded":{"place":"สถานีตำรวจภูธรเมืองเชียงใหม่","date":"2026-11-24","time":"16:00"},
      "arrest":{"date":"2026-11-24","time":"14:30","place":"หน้าตลาดวโรรส"},
      "officers":[{"rank":"ร.ต.อ.","first_name":"สมศักดิ์","last_name":"รักชาติ"}],
      "arrestees":[{"title":"นาย","first_name":"สมชาย","last_name":"ใจดี","age":35}],
      "charges":[{"text":"มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง"}],
      "seized_items":[{"description":"ยาบ้า","quantity":200,"unit":"เม็ด"}],
      "circumstances":"ขณะออกตรวจ\nพบผู้ต้องหา\tจึงทำการจับกุม"})
}

fn problems(pointer: &str, value: serde_json::Value) -> Vec<InputProblem> {
    let mut v = complete();
    *v.pointer_mut(pointer).unwrap() = value;
    check_input(&ArrestRecord::from_value(v).unwrap())
}

#[test]
fn a_plain_record_has_no_problem_and_line_breaks_are_allowed_in_the_narrative() {
    assert_eq!(
        check_input(&ArrestRecord::from_value(complete()).unwrap()),
        vec![]
    );
}

#[test]
fn control_and_direction_characters_are_refused_naming_the_field() {
    for (c, code) in [
        ('\u{0}', "U+0000"),
        ('\u{7}', "U+0007"),
        ('\u{202E}', "U+202E"),
        ('\u{2067}', "U+2067"),
        ('\u{200F}', "U+200F"),
        ('\u{FEFF}', "U+FEFF"),
        ('\n', "U+000A"),
    ] {
        let got = problems("/arrestees/0/first_name", format!("สม{c}ชาย").into());
        assert_eq!(
            got,
            vec![InputProblem::Character {
                field: "/arrestees/0/first_name".into(),
                code_point: code.into()
            }]
        );
        assert!(got[0].to_string().contains("/arrestees/0/first_name"));
    }
    // Thai combining marks and zero-width spaces between Thai words are text, not controls.
    assert_eq!(problems("/charges/0/text", "ลัก\u{200B}ทรัพย์".into()), vec![]);
}

#[test]
fn quantities_and_ages_are_positive_and_bounded() {
    for q in [-5.0, 0.0, 1e20, 1e308] {
        let got = problems("/seized_items/0/quantity", serde_json::json!(q));
        assert!(
            matches!(&got[..], [InputProblem::OutOfRange { field, .. }] if field == "/seized_items/0/quantity"),
            "{q}: {got:?}"
        );
    }
    assert_eq!(
        problems("/seized_items/0/quantity", serde_json::json!(2.5)),
        vec![]
    );
    // The schema allows 0 to 130; an age of 0 is refused here.
    let got = problems("/arrestees/0/age", serde_json::json!(0));
    assert!(
        matches!(&got[..], [InputProblem::OutOfRange { field, .. }] if field == "/arrestees/0/age"),
        "{got:?}"
    );
    assert_eq!(problems("/arrestees/0/age", serde_json::json!(130)), vec![]);
}

#[test]
fn texts_and_records_have_a_length_limit() {
    let got = problems("/charges/0/text", "ก".repeat(1_001).into());
    assert!(
        matches!(&got[..], [InputProblem::TooLong { field, .. }] if field == "/charges/0/text")
    );
    assert_eq!(
        problems("/circumstances", "ก".repeat(20_000).into()),
        vec![]
    );
    let mut v = complete();
    v["charges"] = serde_json::json!(vec![serde_json::json!({"text": "ก".repeat(1000)}); 200]);
    let got = check_input(&ArrestRecord::from_value(v).unwrap());
    assert!(
        matches!(&got[..], [InputProblem::TooLarge { .. }]),
        "{got:?}"
    );
}

#[test]
fn a_record_file_may_start_with_a_bom_and_may_not_be_huge() {
    let text = complete().to_string();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(text.as_bytes());
    assert_eq!(record_text(&with_bom).unwrap(), text);
    assert!(ArrestRecord::from_json_str(record_text(&with_bom).unwrap()).is_ok());
    let huge = vec![b' '; MAX_RECORD_BYTES + 1];
    assert!(record_text(&huge).unwrap_err().contains("more than"));
}
