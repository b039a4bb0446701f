//! Fixed vocabularies that statistics are counted in. Every value that leaves in an export comes
//! from one of these lists (or is a number), never from the record's own text: a name typed into
//! the wrong field, an address in a description, cannot reach the export.

/// Age bands of arrestees; the first two are children and juveniles.
pub fn age_band(age: Option<u32>) -> &'static str {
    match age {
        None => "unknown",
        Some(0..=14) => "0-14",
        Some(15..=17) => "15-17",
        Some(18..=24) => "18-24",
        Some(25..=34) => "25-34",
        Some(35..=44) => "35-44",
        Some(45..=59) => "45-59",
        Some(_) => "60+",
    }
}

/// Nationality words as dictated → a code. Anything else counts as "other".
const NATIONALITIES: &[(&str, &[&str])] = &[
    ("thai", &["ไทย", "thai"]),
    (
        "myanmar",
        &["เมียนมา", "เมียนมาร์", "พม่า", "myanmar", "burmese"],
    ),
    ("cambodian", &["กัมพูชา", "เขมร", "cambodian"]),
    ("lao", &["ลาว", "lao", "laotian"]),
    ("vietnamese", &["เวียดนาม", "vietnamese"]),
    ("chinese", &["จีน", "chinese"]),
    ("malaysian", &["มาเลเซีย", "malaysian"]),
    ("indian", &["อินเดีย", "indian"]),
];

pub fn nationality(text: Option<&str>) -> &'static str {
    let Some(t) = text.map(|t| t.trim().to_lowercase()) else {
        return "unknown";
    };
    if t.is_empty() {
        return "unknown";
    }
    let t = t.strip_prefix("สัญชาติ").unwrap_or(&t).trim().to_owned();
    NATIONALITIES
        .iter()
        .find(|(_, words)| words.iter().any(|w| t == *w))
        .map(|(code, _)| *code)
        .unwrap_or("other")
}

/// Seized-item types by keywords in the description (first match wins, so specific before
/// general). Anything else counts as "other".
const ITEM_TYPES: &[(&str, &[&str])] = &[
    ("methamphetamine_crystal", &["ไอซ์", "ยาไอซ์"]),
    (
        "methamphetamine_pills",
        &["ยาบ้า", "เมทแอมเฟตามีน", "แอมเฟตามีน"],
    ),
    ("heroin", &["เฮโรอีน"]),
    ("cannabis", &["กัญชา"]),
    ("kratom", &["กระท่อม"]),
    ("ketamine", &["เคตามีน"]),
    ("ecstasy", &["ยาอี", "เอ็กซ์ตาซี"]),
    ("ammunition", &["กระสุน"]),
    ("firearm", &["ปืน"]),
    ("knife", &["มีด", "ดาบ"]),
    ("phone", &["โทรศัพท์", "มือถือ"]),
    ("computer", &["คอมพิวเตอร์", "โน้ตบุ๊ก", "แท็บเล็ต"]),
    ("cash", &["เงินสด", "ธนบัตร"]),
    ("motorcycle", &["รถจักรยานยนต์", "มอเตอร์ไซค์"]),
    ("car", &["รถยนต์", "รถกระบะ"]),
    ("gambling_equipment", &["ไพ่", "ลูกเต๋า", "โพยหวย", "สลาก"]),
    ("scale", &["ตาชั่ง", "เครื่องชั่ง"]),
    ("drug_equipment", &["อุปกรณ์เสพ", "ถาดฟอยล์", "หลอดดูด", "บ้อง"]),
];

pub fn item_type(description: Option<&str>) -> &'static str {
    let Some(d) = description else {
        return "unknown";
    };
    ITEM_TYPES
        .iter()
        .find(|(_, words)| words.iter().any(|w| d.contains(w)))
        .map(|(code, _)| *code)
        .unwrap_or("other")
}

/// Units of measure as listed in the extraction lexicon; any other unit text counts as "other".
const UNITS: &str = include_str!("../../../assets/lexicons/classifiers.tsv");

pub fn unit(text: Option<&str>) -> &'static str {
    let Some(t) = text.map(str::trim) else {
        return "none";
    };
    UNITS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(str::trim)
        .find(|u| !u.is_empty() && *u == t)
        .unwrap_or("other")
}

/// The charge category: the group of a charge-catalogue id ("drug-sale" → "drug"). A charge that
/// matched no catalogue entry is "uncatalogued"; its text is never used.
pub fn charge_category(code: Option<&str>) -> String {
    match code.map(str::trim) {
        Some(c)
            if !c.is_empty()
                && c.len() <= 40
                && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-') =>
        {
            c.split('-').next().unwrap_or(c).to_owned()
        }
        _ => "uncatalogued".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_never_becomes_a_category() {
        assert_eq!(nationality(Some("สัญชาติไทย")), "thai");
        assert_eq!(nationality(Some("นายสมชาย บ้านเลขที่ 9")), "other");
        assert_eq!(
            item_type(Some("ยาบ้า จำนวน 200 เม็ด")),
            "methamphetamine_pills"
        );
        assert_eq!(item_type(Some("กระเป๋าของนายสมชาย")), "other");
        assert_eq!(unit(Some("เม็ด")), "เม็ด");
        assert_eq!(unit(Some("0812345678")), "other");
        assert_eq!(charge_category(Some("drug-sale")), "drug");
        assert_eq!(charge_category(Some("นายสมชาย")), "uncatalogued");
        assert_eq!(age_band(Some(17)), "15-17");
        assert_eq!(age_band(Some(18)), "18-24");
    }
}
