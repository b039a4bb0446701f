//! Pseudonymised statistics for crime analysis that do not reveal whose data it is (PDPA):
//! counts of final records by date and station, by charge category, seized-item type (with
//! quantities), arrestee age band and nationality.
//!
//! - Every category comes from a fixed vocabulary ([`categories`]), never from a record's text.
//! - Cells counting fewer than [`MIN_CELL`] are suppressed (count and quantity withheld).
//! - Repeat arrestees are countable by the central side through a keyed hash (HMAC-SHA256 under
//!   the station's secret, kept in the encrypted store) of the national ID, else the passport,
//!   else the name with the birth year implied by the age. Without the secret the pseudonym
//!   cannot be recomputed from a known ID, and it is exported alone, linked to nothing else.
//!
//! Only supervisors and administrators export (the store gives them the secret); each export is
//! written to the audit log with its period, never its content.

pub mod categories;

use banthuek_core::record::Arrestee;
use banthuek_core::{ArrestRecord, Status};
use banthuek_store::{Session, StoreError};
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// Cells counting fewer than this are suppressed.
pub const MIN_CELL: u32 = 5;

/// Format tag of an export, so the central side knows what it reads.
pub const FORMAT: &str = "banthuek.statistics/1";

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the period ends ({to}) before it starts ({from}) / ช่วงเวลาสิ้นสุด ({to}) ก่อนเริ่มต้น ({from})"
    )]
    BadPeriod { from: NaiveDate, to: NaiveDate },
}

/// How dates are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Month,
    /// One bucket for the whole period.
    Period,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Final records.
    Records,
    ChargeCategory,
    SeizedItemType,
    AgeBand,
    Nationality,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Records => "records",
            Dimension::ChargeCategory => "charge_category",
            Dimension::SeizedItemType => "seized_item_type",
            Dimension::AgeBand => "age_band",
            Dimension::Nationality => "nationality",
        }
    }
}

/// One count. A suppressed cell keeps its labels but not its numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    pub date: String,
    pub station: String,
    pub dimension: Dimension,
    pub category: String,
    /// Unit of `quantity` (seized items only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    pub suppressed: bool,
}

/// A pseudonymous arrestee and how many final records in the period name them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pseudonym {
    pub pseudonym: String,
    pub records: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Statistics {
    pub format: &'static str,
    pub station: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub min_cell: u32,
    pub cells: Vec<Cell>,
    pub arrestees: Vec<Pseudonym>,
}

/// The date a record counts under: the arrest date, else the date written, else when it was
/// created in the store.
fn record_date(record: &ArrestRecord, created_at: &str) -> Option<NaiveDate> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
    record
        .arrest
        .as_ref()
        .and_then(|a| a.date.as_deref())
        .and_then(parse)
        .or_else(|| {
            record
                .recorded
                .as_ref()
                .and_then(|r| r.date.as_deref())
                .and_then(parse)
        })
        .or_else(|| parse(created_at))
}

fn bucket(date: NaiveDate, g: Granularity, from: NaiveDate, to: NaiveDate) -> String {
    match g {
        Granularity::Day => date.format("%Y-%m-%d").to_string(),
        Granularity::Month => date.format("%Y-%m").to_string(),
        Granularity::Period => format!("{from}/{to}"),
    }
}

/// The keyed pseudonym of an arrestee, or `None` when nothing identifies them.
pub fn pseudonym(key: &[u8; 32], a: &Arrestee, year: Option<i32>) -> Option<String> {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let basis = if let Some(id) = a
        .national_id
        .as_deref()
        .map(digits)
        .filter(|d| !d.is_empty())
    {
        format!("nid:{id}")
    } else if let Some(pp) = a
        .passport
        .as_deref()
        .map(|p| p.trim().to_uppercase())
        .filter(|p| !p.is_empty())
    {
        format!("passport:{pp}")
    } else {
        let name = [a.first_name.as_deref(), a.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(|n| n.split_whitespace().collect::<String>())
            .collect::<Vec<_>>()
            .join("|");
        if name.is_empty() {
            return None;
        }
        let born = match (year, a.age) {
            (Some(y), Some(age)) => (y - age as i32).to_string(),
            _ => "?".to_owned(),
        };
        format!("name:{}|{born}", name.nfc().collect::<String>())
    };
    // HMAC accepts a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).ok()?;
    mac.update(basis.as_bytes());
    Some(hex::encode(mac.finalize().into_bytes()))
}

#[derive(Default)]
struct Tally {
    count: u32,
    quantity: f64,
}

/// Counts the final records whose date falls in `from..=to` (supervisors and administrators).
/// The export is written to the audit log.
pub fn export(
    session: &mut Session,
    from: NaiveDate,
    to: NaiveDate,
    granularity: Granularity,
) -> Result<Statistics, StatsError> {
    if to < from {
        return Err(StatsError::BadPeriod { from, to });
    }
    let key = session.pseudonym_key()?;
    let station = session.store_id()?;
    let mut tallies: BTreeMap<(String, Dimension, String, Option<String>), Tally> = BTreeMap::new();
    let mut people: BTreeMap<String, u32> = BTreeMap::new();
    let mut counted = 0usize;
    for summary in session.list_records(None)? {
        if !matches!(
            summary.status,
            Status::Signed | Status::Queued | Status::Synced
        ) {
            continue;
        }
        let stored = session.record(&summary.id)?;
        let record = &stored.record;
        let Some(date) = record_date(record, &summary.created_at) else {
            continue;
        };
        if date < from || date > to {
            continue;
        }
        counted += 1;
        let day = bucket(date, granularity, from, to);
        let mut add = |dim: Dimension, cat: String, unit: Option<String>, q: f64| {
            let t = tallies.entry((day.clone(), dim, cat, unit)).or_default();
            t.count += 1;
            t.quantity += q;
        };
        add(Dimension::Records, "all".to_owned(), None, 0.0);
        // A record counts once per charge category and item type, however many lines name it.
        let mut charges: Vec<String> = record
            .charges
            .iter()
            .map(|c| categories::charge_category(c.code.as_deref()))
            .collect();
        charges.sort();
        charges.dedup();
        for c in charges {
            add(Dimension::ChargeCategory, c, None, 0.0);
        }
        let mut items: BTreeMap<(&str, &str), f64> = BTreeMap::new();
        for item in &record.seized_items {
            let key = (
                categories::item_type(item.description.as_deref()),
                categories::unit(item.unit.as_deref()),
            );
            *items.entry(key).or_default() += item.quantity.map(|q| q.0).unwrap_or(0.0);
        }
        for ((kind, unit), q) in items {
            add(
                Dimension::SeizedItemType,
                kind.to_owned(),
                Some(unit.to_owned()),
                q,
            );
        }
        for a in &record.arrestees {
            add(
                Dimension::AgeBand,
                categories::age_band(a.age).to_owned(),
                None,
                0.0,
            );
            add(
                Dimension::Nationality,
                categories::nationality(a.nationality.as_deref()).to_owned(),
                None,
                0.0,
            );
            let year = chrono::Datelike::year(&date);
            if let Some(p) = pseudonym(&key, a, Some(year)) {
                *people.entry(p).or_default() += 1;
            }
        }
    }
    let cells = tallies
        .into_iter()
        .map(|((date, dimension, category, unit), t)| {
            let suppressed = t.count < MIN_CELL;
            let has_quantity = dimension == Dimension::SeizedItemType;
            Cell {
                date,
                station: station.clone(),
                dimension,
                category,
                unit,
                count: (!suppressed).then_some(t.count),
                quantity: (has_quantity && !suppressed).then_some(t.quantity),
                suppressed,
            }
        })
        .collect();
    let arrestees = people
        .into_iter()
        .map(|(pseudonym, records)| Pseudonym { pseudonym, records })
        .collect();
    session.audit_statistics_export(&from.to_string(), &to.to_string(), counted)?;
    tracing::info!(records = counted, "statistics exported");
    Ok(Statistics {
        format: FORMAT,
        station,
        from,
        to,
        granularity,
        min_cell: MIN_CELL,
        cells,
        arrestees,
    })
}

impl Statistics {
    /// CSV: one row per cell, then one row per pseudonymous arrestee (dimension
    /// `repeat_arrestee`, the pseudonym as category, the number of records as count).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("station,date,dimension,category,unit,count,quantity\n");
        for c in &self.cells {
            let count = match c.count {
                Some(n) => n.to_string(),
                None => format!("<{}", self.min_cell),
            };
            let quantity = c.quantity.map(|q| q.to_string()).unwrap_or_default();
            out.push_str(&csv_row(&[
                &c.station,
                &c.date,
                c.dimension.as_str(),
                &c.category,
                c.unit.as_deref().unwrap_or(""),
                &count,
                &quantity,
            ]));
        }
        let period = format!("{}/{}", self.from, self.to);
        for p in &self.arrestees {
            out.push_str(&csv_row(&[
                &self.station,
                &period,
                "repeat_arrestee",
                &p.pseudonym,
                "",
                &p.records.to_string(),
                "",
            ]));
        }
        out
    }
}

fn csv_row(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                (*f).to_owned()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}
