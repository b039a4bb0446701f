//! Data classification of a record (ชั้นความลับ) by impact, as the justice IT master plan asks:
//! ไม่จัดชั้น < ลับ < ลับมาก. The level decides who may open a record on the laptop, who may export
//! it, and is printed at the top and bottom of every page.
//!
//! A record about a child (an arrestee under 18) is flagged juvenile. The flag is computed from the
//! record itself, never set by hand, so it cannot be forgotten; a juvenile record is treated as at
//! least ลับ (the Juvenile and Family Court Act forbids making a child's identity public).

use crate::record::ArrestRecord;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Below this age an arrestee is a child or juvenile (เด็กหรือเยาวชน).
pub const JUVENILE_AGE: u32 = 18;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// ไม่จัดชั้น
    #[default]
    Unclassified,
    /// ลับ
    Secret,
    /// ลับมาก
    TopSecret,
}

impl Classification {
    pub const ALL: [Classification; 3] = [
        Classification::Unclassified,
        Classification::Secret,
        Classification::TopSecret,
    ];

    /// The code used in JSON, the database and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Unclassified => "unclassified",
            Classification::Secret => "secret",
            Classification::TopSecret => "top_secret",
        }
    }

    /// The Thai marking as printed on the document.
    pub fn label_th(self) -> &'static str {
        match self {
            Classification::Unclassified => "ไม่จัดชั้น",
            Classification::Secret => "ลับ",
            Classification::TopSecret => "ลับมาก",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Classification::Unclassified => "Unclassified",
            Classification::Secret => "Secret",
            Classification::TopSecret => "Top secret",
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Classification {
    type Err = String;

    /// Accepts the code, the English label or the Thai marking.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        Classification::ALL
            .into_iter()
            .find(|c| {
                t == c.as_str()
                    || t.eq_ignore_ascii_case(c.label_en())
                    || t.eq_ignore_ascii_case(&c.as_str().replace('_', "-"))
                    || t == c.label_th()
            })
            .ok_or_else(|| {
                format!(
                    "unknown classification '{t}': use unclassified, secret or top_secret / \
                     ไม่รู้จักชั้นความลับ '{t}': ใช้ ไม่จัดชั้น ลับ หรือ ลับมาก"
                )
            })
    }
}

/// Titles that only a child carries (under 15).
const CHILD_TITLES: [&str; 2] = ["เด็กชาย", "เด็กหญิง"];

/// True when any arrestee is under 18 (by age, or by a child's title).
pub fn is_juvenile(record: &ArrestRecord) -> bool {
    record.arrestees.iter().any(|a| {
        a.age.is_some_and(|age| age < JUVENILE_AGE)
            || a.title
                .as_deref()
                .is_some_and(|t| CHILD_TITLES.contains(&t.trim()))
    })
}

/// A record's classification as it is enforced and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marking {
    /// The level chosen by the officer or raised by a supervisor.
    pub level: Classification,
    /// An arrestee is under 18.
    pub juvenile: bool,
}

impl Marking {
    pub fn new(level: Classification, record: &ArrestRecord) -> Marking {
        Marking {
            level,
            juvenile: is_juvenile(record),
        }
    }

    /// The level access rules apply: a juvenile record is at least ลับ.
    pub fn effective(self) -> Classification {
        if self.juvenile {
            self.level.max(Classification::Secret)
        } else {
            self.level
        }
    }

    /// The line printed at the top and bottom of every page, e.g. "ลับ · เยาวชน".
    pub fn printed(self) -> String {
        if self.juvenile {
            format!("{} · คดีเด็กและเยาวชน", self.effective().label_th())
        } else {
            self.level.label_th().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_by_impact() {
        assert!(Classification::Unclassified < Classification::Secret);
        assert!(Classification::Secret < Classification::TopSecret);
    }

    #[test]
    fn codes_and_labels_round_trip() {
        for c in Classification::ALL {
            assert_eq!(c.as_str().parse::<Classification>(), Ok(c));
            assert_eq!(c.label_th().parse::<Classification>(), Ok(c));
            assert_eq!(c.label_en().parse::<Classification>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert!("ลับที่สุด".parse::<Classification>().is_err());
    }

    fn with_arrestee(v: serde_json::Value) -> ArrestRecord {
        ArrestRecord::from_value(serde_json::json!({"schema": crate::SCHEMA_ID, "arrestees": [v]}))
            .unwrap()
    }

    #[test]
    fn juvenile_is_computed_from_age_or_child_title() {
        assert!(is_juvenile(&with_arrestee(serde_json::json!({"age": 17}))));
        assert!(!is_juvenile(&with_arrestee(serde_json::json!({"age": 18}))));
        assert!(is_juvenile(&with_arrestee(
            serde_json::json!({"title": "เด็กหญิง"})
        )));
        assert!(!is_juvenile(&ArrestRecord::default()));
    }

    #[test]
    fn a_juvenile_record_is_at_least_secret() {
        let rec = with_arrestee(serde_json::json!({"age": 16}));
        let m = Marking::new(Classification::Unclassified, &rec);
        assert_eq!(m.effective(), Classification::Secret);
        assert!(m.printed().starts_with("ลับ"));
        let m = Marking::new(Classification::TopSecret, &rec);
        assert_eq!(m.effective(), Classification::TopSecret);
    }
}
