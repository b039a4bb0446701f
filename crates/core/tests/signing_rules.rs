use banthuek_core::record::*;
use banthuek_core::rules::{
    check_signable, national_id_check_digit, national_id_is_valid, RuleViolation,
};
use chrono::NaiveDate;
use proptest::prelude::*;

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(16, 0, 0)
        .unwrap()
}

fn complete() -> ArrestRecord {
    let json = r#"{"schema":"banthuek.arrest-record/1",
      "recorded":{"place":"สถานีตำรวจภูธรเมืองเชียงใหม่","date":"2026-11-24","time":"16:00"},
      "arrest":{"date":"2026-11-24","time":"14:30","place":"หน้าตลาดวโรรส"},
      "officers":[{"rank":"ร.ต.อ.","first_name":"สมศักดิ์","last_name":"รักชาติ"}],
      "arrestees":[{"title":"นาย","first_name":"สมชาย","last_name":"ใจดี","national_id":"1103700456783"}],
      "charges":[{"text":"มียาเสพติดให้โทษประเภท 1 ไว้ในครอบครอง"}]}"#;
    ArrestRecord::from_json_str(json).unwrap()
}

#[test]
fn a_complete_record_may_be_signed() {
    assert_eq!(check_signable(&complete(), now()), vec![]);
}

#[test]
fn national_ids_of_the_dev_set_pass_and_altered_ones_fail() {
    for id in [
        "1103700456783",
        "3100601234565",
        "5701100987651",
        "1409900543216",
        "8100200112231",
    ] {
        assert!(national_id_is_valid(id), "{id}");
        let mut wrong: Vec<char> = id.chars().collect();
        wrong[12] = char::from_digit((wrong[12].to_digit(10).unwrap() + 1) % 10, 10).unwrap();
        assert!(!national_id_is_valid(&wrong.iter().collect::<String>()));
    }
    for bad in [
        "",
        "110370045678",
        "11037004567830",
        "110370045678x",
        "๑๑๐๓๗๐๐๔๕๖๗๘๓",
    ] {
        assert!(!national_id_is_valid(bad), "{bad}");
    }
}

proptest! {
    #[test]
    fn the_computed_check_digit_always_validates(first in proptest::collection::vec(0u32..10, 12)) {
        let check = national_id_check_digit(&first).unwrap();
        let id: String = first.iter().chain(std::iter::once(&check)).map(|d| char::from_digit(*d, 10).unwrap()).collect();
        prop_assert!(national_id_is_valid(&id));
    }
}

#[test]
fn each_rule_names_its_field() {
    let mut r = complete();
    r.arrestees[0].last_name = None;
    r.arrestees[0].national_id = Some("1103700456784".into());
    r.arrest.as_mut().unwrap().date = Some("2026-11-25".into());
    r.charges.clear();
    let v = check_signable(&r, now());
    assert!(v.contains(&RuleViolation::Missing {
        field: "/arrestees/0/last_name".into()
    }));
    assert!(v.contains(&RuleViolation::BadNationalId {
        field: "/arrestees/0/national_id".into()
    }));
    assert!(v.contains(&RuleViolation::FutureDate {
        field: "/arrest/date".into()
    }));
    assert!(v.contains(&RuleViolation::Missing {
        field: "/charges/0/text".into()
    }));
    assert_eq!(v.len(), 4, "{v:?}");
}

#[test]
fn a_later_time_today_is_in_the_future() {
    let mut r = complete();
    r.arrest.as_mut().unwrap().time = Some("16:01".into());
    assert_eq!(
        check_signable(&r, now()),
        vec![RuleViolation::FutureDate {
            field: "/arrest/date".into()
        }]
    );
}

#[test]
fn warrant_arrests_need_the_warrant() {
    let mut r = complete();
    r.arrest.as_mut().unwrap().basis = Some(ArrestBasis::Warrant);
    let v = check_signable(&r, now());
    assert!(v.iter().any(|x| x.field() == "/arrest/warrant/number"));
    assert!(v.iter().any(|x| x.field() == "/arrest/warrant/court"));
}

#[test]
fn low_confidence_dictated_values_block_until_confirmed() {
    let mut r = complete();
    let mut p = Provenance {
        source: Source::Dictated,
        confidence: Some(0.42),
        ..Provenance::typed()
    };
    r.provenance.insert("/arrest/time".into(), p.clone());
    assert_eq!(
        check_signable(&r, now()),
        vec![RuleViolation::Unconfirmed {
            field: "/arrest/time".into()
        }]
    );
    p.extra.insert("confirmed".into(), true.into());
    r.provenance.insert("/arrest/time".into(), p);
    assert_eq!(check_signable(&r, now()), vec![]);
    // A confident dictated value needs no confirmation.
    let sure = Provenance {
        source: Source::Dictated,
        confidence: Some(0.97),
        ..Provenance::typed()
    };
    r.provenance.insert("/arrest/place".into(), sure);
    assert_eq!(check_signable(&r, now()), vec![]);
}

#[test]
fn the_empty_record_lists_every_required_field() {
    let v = check_signable(&ArrestRecord::default(), now());
    for f in [
        "/recorded/place",
        "/recorded/date",
        "/arrest/time",
        "/officers/0/first_name",
        "/arrestees/0/first_name",
        "/charges/0/text",
    ] {
        assert!(v.iter().any(|x| x.field() == f), "{f} missing from {v:?}");
    }
}
