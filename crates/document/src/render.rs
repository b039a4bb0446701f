//! The standard บันทึกการจับกุม layout on A4, drawn with krilla as PDF/A-3b with the record JSON
//! embedded as an associated file and the signature-block positions embedded beside it.

use crate::error::{DocumentError, Result};
use crate::fonts::{text_width, FontFile, FontSet};
use crate::layout::{BlockRole, Layout, SignatureBlock, LAYOUT_FILE, RECORD_FILE};
use crate::linebreak::LineBreaker;
use crate::thai::{digits, hhmm_th, iso_date_be, Digits};
use banthuek_core::record::{
    ArrestBasis, ArrestRecord, ArresteeStatement, OfficerRole, Right, SeizedItem,
};
use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
/// Thai official documents: 3 cm left, 2 cm right.
const LEFT: f32 = 30.0 * MM;
const RIGHT: f32 = 20.0 * MM;
const TOP: f32 = 20.0 * MM;
/// The body ends above the footer.
const BODY_BOTTOM: f32 = PAGE_H - 30.0 * MM;
const BODY_W: f32 = PAGE_W - LEFT - RIGHT;
const SIZE: f32 = 16.0;
const TITLE_SIZE: f32 = 20.0;
const FOOTER_SIZE: f32 = 10.0;
const SIGN_SIZE: f32 = crate::layout::NAME_SIZE;
/// The name under a signing line: its baseline, below the line's baseline.
const NAME_BELOW_LINE: f32 = 18.0;
/// Height of the area of a signature block where a signature appearance goes.
const SIGN_AREA_H: f32 = 16.0 * MM;
const PARA_INDENT: f32 = 15.0 * MM;

/// The note printed on every page (DESIGN.md, evidence integrity).
pub const FOOTER_NOTE: &str = "ร่างบันทึกนี้จัดทำด้วยระบบรู้จำเสียงพูด และเจ้าพนักงานผู้บันทึกได้ตรวจทานแล้ว";

/// Added to the footer when values were read from the national ID card (provenance `card`).
pub const FOOTER_CARD_NOTE: &str = "ข้อมูลผู้ต้องหาบางส่วนอ่านจากบัตรประจำตัวประชาชน";

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub digits: Digits,
    /// Version of the record being printed (the store's version counter).
    pub version: u32,
    /// Where Laksaman.ttf and Laksaman-Bold.ttf are; `None`: [`FontSet::default_dir`].
    pub font_dir: Option<PathBuf>,
    /// Creation time written into the PDF; `None`: now.
    pub created: Option<DateTime<Utc>>,
    /// Classification printed at the top and bottom of every page; `None`: no marking (a
    /// rendering outside the store, e.g. a preview of a dictation).
    pub marking: Option<banthuek_core::Marking>,
    /// The name printed under the recorder's signature line: the account that signs the record
    /// (rank and full name, as on its signing certificate). `None`: the record's recorder
    /// officer, for an unsigned preview. The supervisor's name is never printed on the page: the
    /// countersignature's appearance names the supervisor who countersigned.
    pub recorder_name: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            digits: Digits::Thai,
            version: 1,
            font_dir: None,
            created: None,
            marking: None,
            recorder_name: None,
        }
    }
}

/// A rendered record: the PDF and where its signature blocks are.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub layout: Layout,
}

/// Renders `record` as a PDF/A-3b arrest record.
pub fn render(record: &ArrestRecord, opts: &RenderOptions) -> Result<Rendered> {
    let dir = opts.font_dir.clone().unwrap_or_else(FontSet::default_dir);
    let fonts = FontSet::load(&dir)?;
    render_with_fonts(record, opts, &fonts)
}

/// As [`render`], with fonts already loaded (the benchmark and the app load them once).
pub fn render_with_fonts(
    record: &ArrestRecord,
    opts: &RenderOptions,
    fonts: &FontSet,
) -> Result<Rendered> {
    let record_json = record.to_canonical_json();
    let record_sha256 = hex::encode(Sha256::digest(record_json.as_bytes()));
    let paragraphs = content(record, opts.digits, opts.recorder_name.as_deref());
    let breaker = LineBreaker::for_record(record);
    let measurer = Measurer::new(fonts)?;
    let flows = flow(&paragraphs, &breaker, &measurer);
    let pages = paginate(flows);
    let page_count = pages.len();

    let mut blocks = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        for placed in page {
            if let Flow::Signatures(row) = &placed.flow {
                for (col, block) in row.iter().enumerate() {
                    let x = LEFT + col as f32 * BODY_W / 2.0;
                    let rect = block.sign_rect(&measurer, x, placed.top);
                    blocks.push(SignatureBlock {
                        id: block.id.clone(),
                        role: block.role,
                        label: block.label.clone(),
                        signer_name: block.name.clone(),
                        name_in_signature: block.name_in_signature(),
                        page: index,
                        rect,
                        line: block
                            .name_in_signature()
                            .then(|| block.line_span(&measurer, x))
                            .map(|(x0, x1)| [x0, x1]),
                    });
                }
            }
        }
    }
    let layout = Layout {
        format: crate::layout::LAYOUT_FORMAT.to_owned(),
        record_id: record.record_id.clone(),
        version: opts.version,
        record_sha256: record_sha256.clone(),
        digits: opts.digits,
        pages: page_count,
        blocks,
    };
    let layout_json =
        serde_json::to_vec(&layout).map_err(|e| DocumentError::Render(format!("layout: {e}")))?;

    let created = opts.created.unwrap_or_else(Utc::now);
    let when = krilla_date(created);
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| DocumentError::Render(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let title = match &record.record_id {
        Some(id) => format!("บันทึกการจับกุม {id}"),
        None => "บันทึกการจับกุม".to_owned(),
    };
    doc.set_metadata(
        Metadata::new()
            .title(title)
            .language("th".to_owned())
            .creator("Banthuek".to_owned())
            .creation_date(when),
    );
    for (index, page) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| DocumentError::Render("page size".to_owned()))?;
        let mut pdf_page = doc.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for placed in page {
            draw_flow(&mut surface, fonts, &measurer, placed);
        }
        let footer = Footer {
            record_id: record.record_id.as_deref(),
            version: opts.version,
            sha256: &record_sha256,
            page: index + 1,
            pages: page_count,
            digits: opts.digits,
            from_card: record
                .provenance
                .values()
                .any(|p| p.source == banthuek_core::Source::Card),
        };
        footer.draw(&mut surface, fonts, &measurer);
        if let Some(marking) = opts.marking {
            draw_marking(&mut surface, fonts, &measurer, &marking.printed());
        }
        surface.finish();
        pdf_page.finish();
    }
    let embed = |path: &str, mime: &str, description: &str, kind, data: Vec<u8>| EmbeddedFile {
        path: path.to_owned(),
        mime_type: MimeType::new(mime),
        description: Some(description.to_owned()),
        association_kind: kind,
        data: data.into(),
        modification_date: Some(when),
        compress: Some(true),
        location: None,
    };
    doc.embed_file(embed(
        RECORD_FILE,
        "application/json",
        "Arrest record, exchange format v1 / ข้อมูลบันทึกการจับกุม",
        AssociationKind::Source,
        record_json.into_bytes(),
    ))
    .ok_or_else(|| DocumentError::Render("duplicate embedded file".to_owned()))?;
    doc.embed_file(embed(
        LAYOUT_FILE,
        "application/json",
        "Signature block positions / ตำแหน่งช่องลงนาม",
        AssociationKind::Supplement,
        layout_json,
    ))
    .ok_or_else(|| DocumentError::Render("duplicate embedded file".to_owned()))?;
    let pdf = doc
        .finish()
        .map_err(|e| DocumentError::Render(format!("{e:?}")))?;
    Ok(Rendered { pdf, layout })
}

fn krilla_date(t: DateTime<Utc>) -> krilla::metadata::DateTime {
    krilla::metadata::DateTime::new(t.year().clamp(0, 9999) as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

// ---------------------------------------------------------------------------------------------
// Content: what the record says, in the order of the standard form.

enum Para {
    Title(String),
    Heading(String),
    /// Body text; `first` and `rest` are the left indents of the first and later lines.
    Body {
        text: String,
        first: f32,
        rest: f32,
    },
    Gap(f32),
    Signatures(Vec<BlockSpec>),
}

#[derive(Clone)]
struct BlockSpec {
    id: String,
    role: BlockRole,
    label: String,
    name: Option<String>,
    position: Option<String>,
}

const BLANK: &str = "....................";

fn or_blank(v: &Option<String>) -> String {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => BLANK.to_owned(),
    }
}

fn body(text: String) -> Para {
    Para::Body {
        text,
        first: 0.0,
        rest: 0.0,
    }
}

fn indented(text: String) -> Para {
    Para::Body {
        text,
        first: PARA_INDENT,
        rest: 0.0,
    }
}

fn item(n: usize, text: String, d: Digits) -> Para {
    Para::Body {
        text: format!("{}. {text}", digits(&n.to_string(), d)),
        first: 6.0 * MM,
        rest: 12.0 * MM,
    }
}

fn officer_name(o: &banthuek_core::record::Officer) -> String {
    let parts: Vec<&str> = [&o.rank, &o.first_name, &o.last_name]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    if parts.is_empty() {
        BLANK.to_owned()
    } else {
        parts.join(" ")
    }
}

fn quantity(item: &SeizedItem, d: Digits) -> String {
    match item.quantity {
        Some(q) if q.0.fract() == 0.0 => digits(&format!("{}", q.0 as i64), d),
        Some(q) => digits(&q.0.to_string(), d),
        None => BLANK.to_owned(),
    }
}

fn right_text(r: Right) -> &'static str {
    match r {
        Right::Silence => "ผู้ถูกจับมีสิทธิที่จะให้การหรือไม่ให้การก็ได้",
        Right::StatementAsEvidence => "ถ้อยคำของผู้ถูกจับอาจใช้เป็นพยานหลักฐานในการพิจารณาคดีได้",
        Right::Lawyer => "ผู้ถูกจับมีสิทธิพบและปรึกษาทนายความหรือผู้ซึ่งจะเป็นทนายความ",
        Right::LawyerPresent => "ผู้ถูกจับมีสิทธิให้ทนายความหรือผู้ซึ่งตนไว้วางใจเข้าฟังการสอบปากคำ",
        Right::NotifyRelative => "ผู้ถูกจับมีสิทธิแจ้งให้ญาติหรือผู้ซึ่งตนไว้วางใจทราบถึงการถูกจับและสถานที่ที่ถูกควบคุม",
        Right::Visit => "ผู้ถูกจับมีสิทธิได้รับการเยี่ยมหรือติดต่อกับญาติได้ตามสมควร",
        Right::MedicalCare => "ผู้ถูกจับมีสิทธิได้รับการรักษาพยาบาลโดยเร็วเมื่อเกิดการเจ็บป่วย",
    }
}

fn when_th(iso: &str, d: Digits) -> String {
    match chrono::NaiveDateTime::parse_from_str(&iso[..iso.len().min(16)], "%Y-%m-%dT%H:%M") {
        Ok(t) => format!(
            "วันที่ {} เวลา {}",
            crate::thai::date_be(t.date(), d),
            crate::thai::time_th(t.time(), d)
        ),
        Err(_) => digits(iso, d),
    }
}

fn content(r: &ArrestRecord, d: Digits, recorder_name: Option<&str>) -> Vec<Para> {
    let mut out = vec![Para::Title("บันทึกการจับกุม".to_owned()), Para::Gap(4.0)];
    let recorded = r.recorded.clone().unwrap_or_default();
    out.push(body(format!("สถานที่บันทึก {}", or_blank(&recorded.place))));
    out.push(body(format!(
        "วันที่ {} เวลา {}",
        recorded
            .date
            .as_deref()
            .map(|x| iso_date_be(x, d))
            .unwrap_or_else(|| BLANK.to_owned()),
        recorded
            .time
            .as_deref()
            .map(|x| hhmm_th(x, d))
            .unwrap_or_else(|| BLANK.to_owned()),
    )));

    out.push(Para::Heading("เจ้าพนักงานผู้จับกุม".to_owned()));
    if r.officers.is_empty() {
        out.push(item(1, BLANK.to_owned(), d));
    }
    for (i, o) in r.officers.iter().enumerate() {
        let mut text = officer_name(o);
        if let Some(p) = &o.position {
            text.push_str(&format!(" ตำแหน่ง {p}"));
        }
        if let Some(u) = &o.unit {
            text.push_str(&format!(" สังกัด {u}"));
        }
        match o.role {
            Some(OfficerRole::Leader) => text.push_str(" (หัวหน้าชุดจับกุม)"),
            Some(OfficerRole::Recorder) => text.push_str(" (ผู้บันทึก)"),
            Some(OfficerRole::Member) | None => {}
        }
        out.push(item(i + 1, digits(&text, d), d));
    }

    out.push(Para::Heading("ได้ร่วมกันจับกุมตัวผู้ถูกจับ".to_owned()));
    if r.arrestees.is_empty() {
        out.push(item(1, BLANK.to_owned(), d));
    }
    for (i, a) in r.arrestees.iter().enumerate() {
        let mut text = format!(
            "{}{} {}",
            a.title.as_deref().unwrap_or(""),
            or_blank(&a.first_name),
            or_blank(&a.last_name)
        );
        if let Some(age) = a.age {
            text.push_str(&format!(" อายุ {age} ปี"));
        }
        if let Some(v) = &a.nationality {
            text.push_str(&format!(" สัญชาติ{v}"));
        }
        if let Some(v) = &a.ethnicity {
            text.push_str(&format!(" เชื้อชาติ{v}"));
        }
        if let Some(v) = &a.national_id {
            text.push_str(&format!(" เลขประจำตัวประชาชน {v}"));
        }
        if let Some(v) = &a.passport {
            text.push_str(&format!(" หนังสือเดินทางเลขที่ {v}"));
        }
        if let Some(v) = &a.address {
            text.push_str(&format!(" ที่อยู่ {v}"));
        }
        if let Some(v) = &a.phone {
            text.push_str(&format!(" โทรศัพท์ {v}"));
        }
        out.push(item(i + 1, digits(&text, d), d));
    }

    let arrest = r.arrest.clone().unwrap_or_default();
    out.push(Para::Heading("วัน เวลา และสถานที่จับกุม".to_owned()));
    out.push(indented(format!(
        "จับกุมเมื่อวันที่ {} เวลาประมาณ {} ที่ {}",
        arrest
            .date
            .as_deref()
            .map(|x| iso_date_be(x, d))
            .unwrap_or_else(|| BLANK.to_owned()),
        arrest
            .time
            .as_deref()
            .map(|x| hhmm_th(x, d))
            .unwrap_or_else(|| BLANK.to_owned()),
        digits(&or_blank(&arrest.place), d)
    )));
    let basis = match arrest.basis {
        Some(ArrestBasis::InTheAct) => Some("เป็นความผิดซึ่งหน้า".to_owned()),
        Some(ArrestBasis::Warrant) => {
            let w = arrest.warrant.clone().unwrap_or_default();
            let mut t = format!(
                "ตามหมายจับของ{} ที่ {}",
                or_blank(&w.court),
                or_blank(&w.number)
            );
            if let Some(date) = &w.date {
                t.push_str(&format!(" ลงวันที่ {}", iso_date_be(date, d)));
            }
            Some(digits(&t, d))
        }
        Some(ArrestBasis::Other) => Some("ตามเหตุอื่นที่กฎหมายบัญญัติ".to_owned()),
        None => None,
    };
    if let Some(basis) = basis {
        out.push(indented(format!("เหตุที่จับ {basis}")));
    }

    out.push(Para::Heading("ข้อกล่าวหา".to_owned()));
    if r.charges.is_empty() {
        out.push(item(1, BLANK.to_owned(), d));
    }
    for (i, c) in r.charges.iter().enumerate() {
        out.push(item(i + 1, digits(&or_blank(&c.text), d), d));
    }

    out.push(Para::Heading("ของกลาง".to_owned()));
    if r.seized_items.is_empty() {
        out.push(indented("ไม่มี".to_owned()));
    }
    for (i, s) in r.seized_items.iter().enumerate() {
        let mut text = format!(
            "{} จำนวน {} {}",
            digits(&or_blank(&s.description), d),
            quantity(s, d),
            s.unit.as_deref().unwrap_or("")
        );
        if let Some(at) = &s.found_at {
            text.push_str(&format!(" พบที่ {}", digits(at, d)));
        }
        out.push(item(i + 1, text.trim_end().to_owned(), d));
    }

    out.push(Para::Heading("พฤติการณ์ในการจับกุม".to_owned()));
    for para in or_blank(&r.circumstances).split('\n') {
        out.push(indented(digits(para, d)));
    }

    out.push(Para::Heading("การแจ้งข้อกล่าวหาและสิทธิ".to_owned()));
    out.push(indented(
        "เจ้าพนักงานผู้จับกุมได้แจ้งข้อกล่าวหาให้ผู้ถูกจับทราบแล้ว และได้แจ้งสิทธิตามกฎหมายให้ผู้ถูกจับทราบ ดังนี้".to_owned(),
    ));
    if r.rights_notified.is_empty() {
        out.push(item(1, BLANK.to_owned(), d));
    }
    for (i, right) in r.rights_notified.iter().enumerate() {
        out.push(item(i + 1, right_text(*right).to_owned(), d));
    }

    out.push(Para::Heading("คำให้การของผู้ถูกจับ".to_owned()));
    out.push(indented(
        match r.arrestee_statement {
            Some(ArresteeStatement::Confessed) => "ผู้ถูกจับให้การรับสารภาพตลอดข้อกล่าวหา",
            Some(ArresteeStatement::Denied) => "ผู้ถูกจับให้การปฏิเสธตลอดข้อกล่าวหา",
            Some(ArresteeStatement::Silent) => "ผู้ถูกจับไม่ให้การ",
            Some(ArresteeStatement::Partial) => "ผู้ถูกจับให้การรับสารภาพบางส่วน",
            None => BLANK,
        }
        .to_owned(),
    ));

    if let Some(c) = &r.custody {
        out.push(Para::Heading(
            "การบันทึกภาพและเสียงและการแจ้งการจับ (พ.ร.บ.ป้องกันและปราบปรามการทรมานฯ พ.ศ. ๒๕๖๕ มาตรา ๒๒–๒๓)"
                .to_owned(),
        ));
        match c.recording_started {
            Some(true) => out.push(indented(
                "ได้บันทึกภาพและเสียงอย่างต่อเนื่องขณะจับกุมจนส่งตัวให้พนักงานสอบสวน".to_owned(),
            )),
            Some(false) => out.push(indented(format!(
                "ไม่ได้บันทึกภาพและเสียงขณะจับกุม เนื่องจาก {}",
                digits(&or_blank(&c.recording_not_possible_reason), d)
            ))),
            None => {}
        }
        if let Some(t) = &c.prosecutor_notified_at {
            out.push(indented(format!("แจ้งพนักงานอัยการ {}", when_th(t, d))));
        }
        if let Some(t) = &c.district_chief_notified_at {
            out.push(indented(format!("แจ้งนายอำเภอ {}", when_th(t, d))));
        }
        if let Some(v) = &c.condition {
            out.push(indented(format!(
                "สภาพร่างกายและจิตใจของผู้ถูกจับ {}",
                digits(v, d)
            )));
        }
        if let Some(v) = &c.handed_to {
            out.push(indented(format!("ส่งตัวผู้ถูกจับให้ {}", digits(v, d))));
        }
    }

    out.push(Para::Gap(6.0));
    out.push(indented(
        "อนึ่ง ในการจับกุมครั้งนี้ เจ้าพนักงานผู้จับกุมมิได้ทำร้าย ขู่เข็ญ หลอกลวง หรือบังคับผู้ถูกจับแต่อย่างใด \
และมิได้ทำให้ทรัพย์สินของผู้ใดเสียหาย สูญหาย หรือเสื่อมค่า ได้อ่านบันทึกนี้ให้ผู้ถูกจับฟังแล้ว \
ผู้ถูกจับรับว่าถูกต้อง จึงให้ลงลายมือชื่อไว้เป็นหลักฐาน และได้มอบสำเนาบันทึกการจับกุมให้แก่ผู้ถูกจับไว้แล้ว"
            .to_owned(),
    ));
    out.push(Para::Gap(10.0));

    let mut blocks = Vec::new();
    for (i, a) in r.arrestees.iter().enumerate() {
        blocks.push(BlockSpec {
            id: format!("arrestee-{i}"),
            role: BlockRole::Arrestee,
            label: "ผู้ถูกจับ".to_owned(),
            name: Some(digits(
                &format!(
                    "{}{} {}",
                    a.title.as_deref().unwrap_or(""),
                    or_blank(&a.first_name),
                    or_blank(&a.last_name)
                ),
                d,
            )),
            position: None,
        });
    }
    for (i, o) in r.officers.iter().enumerate() {
        blocks.push(BlockSpec {
            id: format!("officer-{i}"),
            role: BlockRole::Officer,
            label: "ผู้จับกุม".to_owned(),
            name: Some(digits(&officer_name(o), d)),
            position: o.position.clone(),
        });
    }
    // The recorder: the officer marked as recorder, else the first officer. The officer's
    // electronic signature goes here, and the name printed is the signer's when known.
    let recorder = r
        .officers
        .iter()
        .find(|o| o.role == Some(OfficerRole::Recorder))
        .or_else(|| r.officers.first());
    let recorder_officer_name = recorder.map(officer_name);
    let (name, position) = match recorder_name {
        Some(signer) => {
            // The officer's position is printed only when the signer is that officer.
            let same = recorder_officer_name.as_deref().map(str::trim) == Some(signer.trim());
            let position = recorder.filter(|_| same).and_then(|o| o.position.clone());
            (signer.to_owned(), position)
        }
        None => (
            recorder_officer_name.unwrap_or_else(|| BLANK.to_owned()),
            recorder.and_then(|o| o.position.clone()),
        ),
    };
    blocks.push(BlockSpec {
        id: "recorder".to_owned(),
        role: BlockRole::Recorder,
        label: "ผู้บันทึก".to_owned(),
        name: Some(digits(&name, d)),
        position,
    });
    // No name under the supervisor's line: the countersignature's appearance names the
    // supervisor who countersigned, and a placeholder would stay on the page beside it.
    blocks.push(BlockSpec {
        id: "supervisor".to_owned(),
        role: BlockRole::Supervisor,
        label: "ผู้ตรวจบันทึก".to_owned(),
        name: None,
        position: Some("หัวหน้าผู้รับรอง".to_owned()),
    });
    for row in blocks.chunks(2) {
        out.push(Para::Signatures(row.to_vec()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Flow: paragraphs broken into lines, then lines placed on pages.

struct Measurer<'a> {
    regular: rustybuzz::Face<'a>,
    bold: rustybuzz::Face<'a>,
}

impl<'a> Measurer<'a> {
    fn new(fonts: &'a FontSet) -> Result<Self> {
        Ok(Measurer {
            regular: fonts.regular.face()?,
            bold: fonts.bold.face()?,
        })
    }

    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        text_width(if bold { &self.bold } else { &self.regular }, text, size)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

enum Flow {
    Line {
        text: String,
        bold: bool,
        size: f32,
        x: f32,
        align: Align,
        height: f32,
    },
    Gap(f32),
    Signatures(Vec<BlockSpec>),
}

fn line_height(size: f32) -> f32 {
    size * 1.3
}

const BLOCK_H: f32 = SIGN_AREA_H + 2.0 * 18.0 + 8.0;

impl Flow {
    fn height(&self) -> f32 {
        match self {
            Flow::Line { height, .. } => *height,
            Flow::Gap(h) => *h,
            Flow::Signatures(_) => BLOCK_H,
        }
    }
}

fn flow(paras: &[Para], breaker: &LineBreaker, m: &Measurer<'_>) -> Vec<Flow> {
    let mut out = Vec::new();
    for p in paras {
        let (text, bold, size, first, rest, align) = match p {
            Para::Title(t) => (t, true, TITLE_SIZE, 0.0, 0.0, Align::Center),
            Para::Heading(t) => {
                out.push(Flow::Gap(4.0));
                (t, true, SIZE, 0.0, 0.0, Align::Left)
            }
            Para::Body { text, first, rest } => (text, false, SIZE, *first, *rest, Align::Left),
            Para::Gap(h) => {
                out.push(Flow::Gap(*h));
                continue;
            }
            Para::Signatures(row) => {
                out.push(Flow::Signatures(row.clone()));
                continue;
            }
        };
        let measure = |s: &str| m.width(s, bold, size);
        for (i, line) in breaker
            .wrap(text, BODY_W - first, BODY_W - rest, &measure)
            .into_iter()
            .enumerate()
        {
            out.push(Flow::Line {
                text: line,
                bold,
                size,
                x: if i == 0 { first } else { rest },
                align,
                height: line_height(size),
            });
        }
    }
    out
}

struct Placed {
    top: f32,
    flow: Flow,
}

/// Places flows top to bottom, starting a new page when the next line or signature row does not
/// fit; a signature row is never split, and a gap at the top of a page is dropped.
fn paginate(flows: Vec<Flow>) -> Vec<Vec<Placed>> {
    let mut pages = vec![Vec::new()];
    let mut y = TOP;
    for f in flows {
        let h = f.height();
        if y + h > BODY_BOTTOM {
            pages.push(Vec::new());
            y = TOP;
            if matches!(f, Flow::Gap(_)) {
                continue;
            }
        }
        if let Some(page) = pages.last_mut() {
            page.push(Placed { top: y, flow: f });
        }
        y += h;
    }
    pages
}

fn baseline(top: f32, size: f32) -> f32 {
    // Laksaman's marks reach about 0.95 em above the baseline.
    top + size * 1.0
}

fn draw_text(s: &mut Surface<'_>, font: &FontFile, size: f32, x: f32, y: f32, text: &str) {
    s.draw_text(
        Point::from_xy(x, y),
        font.krilla.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

fn draw_flow(s: &mut Surface<'_>, fonts: &FontSet, m: &Measurer<'_>, placed: &Placed) {
    match &placed.flow {
        Flow::Line {
            text,
            bold,
            size,
            x,
            align,
            ..
        } => {
            let font = if *bold { &fonts.bold } else { &fonts.regular };
            let x = match align {
                Align::Left => LEFT + x,
                Align::Center => LEFT + (BODY_W - m.width(text, *bold, *size)) / 2.0,
            };
            draw_text(s, font, *size, x, baseline(placed.top, *size), text);
        }
        Flow::Gap(_) => {}
        Flow::Signatures(row) => {
            for (col, block) in row.iter().enumerate() {
                let x = LEFT + col as f32 * BODY_W / 2.0;
                block.draw(s, fonts, m, x, placed.top);
            }
        }
    }
}

const COL_W: f32 = BODY_W / 2.0;
const SIGN_WORD: &str = "ลงชื่อ";

impl BlockSpec {
    /// The rectangle (PDF user space: x0, y0, x1, y1, origin bottom left) where a signature
    /// appearance goes: the dotted line between "ลงชื่อ" and the role.
    /// A block with no name to print (the supervisor's) leaves its name line to the signature.
    fn name_in_signature(&self) -> bool {
        self.name.is_none()
    }

    fn sign_rect(&self, m: &Measurer<'_>, x: f32, top: f32) -> [f32; 4] {
        let (x0, x1) = self.line_span(m, x);
        if self.name_in_signature() {
            // Down over the name line, for the signer's name, and as wide as the column allows
            // around the line's centre, where the page centres the other names.
            let bottom = top
                + SIGN_AREA_H
                + NAME_BELOW_LINE
                + crate::layout::NAME_BASELINE_ABOVE_RECT_BOTTOM;
            let centre = (x0 + x1) / 2.0;
            let half = (centre - x).min(x + COL_W - centre);
            return [centre - half, PAGE_H - bottom, centre + half, PAGE_H - top];
        }
        [x0, PAGE_H - (top + SIGN_AREA_H + 2.0), x1, PAGE_H - top]
    }

    fn line_span(&self, m: &Measurer<'_>, x: f32) -> (f32, f32) {
        let x0 = x + m.width(SIGN_WORD, false, SIZE) + 4.0;
        // A gutter of 14 pt keeps the role word clear of the next column's "ลงชื่อ".
        let x1 = x + COL_W - m.width(&self.label, false, SIZE) - 18.0;
        (x0, x1)
    }

    fn draw(&self, s: &mut Surface<'_>, fonts: &FontSet, m: &Measurer<'_>, x: f32, top: f32) {
        let base = top + SIGN_AREA_H;
        let (x0, x1) = self.line_span(m, x);
        draw_text(s, &fonts.regular, SIZE, x, base, SIGN_WORD);
        draw_text(s, &fonts.regular, SIZE, x1 + 4.0, base, &self.label);
        let mut pb = PathBuilder::new();
        pb.move_to(x0, base + 2.0);
        pb.line_to(x1, base + 2.0);
        if let Some(path) = pb.finish() {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                width: 0.6,
                dash: Some(StrokeDash {
                    array: vec![1.0, 2.0],
                    offset: 0.0,
                }),
                ..Default::default()
            }));
            s.draw_path(&path);
            s.set_stroke(None);
            s.set_fill(Some(Default::default()));
        }
        let centre = (x0 + x1) / 2.0;
        let mut y = base + NAME_BELOW_LINE;
        let name = self.name.as_ref().map(|n| format!("( {n} )"));
        for (text, size) in [(name, SIGN_SIZE), (self.position.clone(), SIGN_SIZE)] {
            let Some(text) = text else {
                y += 18.0;
                continue;
            };
            let width = m.width(&text, false, size).min(COL_W - 4.0);
            let left = (centre - width / 2.0).max(x).min(x + COL_W - width);
            draw_text(s, &fonts.regular, size, left, y, &text);
            y += 18.0;
        }
    }
}

const MARKING_SIZE: f32 = 12.0;

/// The classification, centred at the top and the bottom of the page, clear of body and footer
/// (as the Thai rules on official secrets place it).
fn draw_marking(s: &mut Surface<'_>, fonts: &FontSet, m: &Measurer<'_>, text: &str) {
    let x = (PAGE_W - m.width(text, true, MARKING_SIZE)) / 2.0;
    for baseline in [13.0 * MM, PAGE_H - 5.0 * MM] {
        draw_text(s, &fonts.bold, MARKING_SIZE, x, baseline, text);
    }
}

struct Footer<'a> {
    record_id: Option<&'a str>,
    version: u32,
    sha256: &'a str,
    page: usize,
    pages: usize,
    digits: Digits,
    from_card: bool,
}

impl Footer<'_> {
    fn draw(&self, s: &mut Surface<'_>, fonts: &FontSet, m: &Measurer<'_>) {
        let mut y = BODY_BOTTOM + 8.0 * MM;
        let page = digits(&format!("หน้า {}/{}", self.page, self.pages), self.digits);
        let id = self.record_id.unwrap_or("-");
        let lines = [
            FOOTER_NOTE.to_owned(),
            format!(
                "เลขที่บันทึก {id} ฉบับที่ {}{}",
                digits(&self.version.to_string(), self.digits),
                if self.from_card {
                    format!(" · {FOOTER_CARD_NOTE}")
                } else {
                    String::new()
                }
            ),
            format!("SHA-256 ของข้อมูลบันทึก {}", self.sha256),
        ];
        // Page number on the first footer line, at the right margin.
        let page_w = m.width(&page, false, FOOTER_SIZE);
        draw_text(
            s,
            &fonts.regular,
            FOOTER_SIZE,
            LEFT + BODY_W - page_w,
            y,
            &page,
        );
        for (i, line) in lines.iter().enumerate() {
            let room = if i == 0 {
                BODY_W - page_w - 8.0
            } else {
                BODY_W
            };
            // Long record ids shrink rather than run off the page.
            let natural = m.width(line, false, FOOTER_SIZE);
            let size = if natural > room {
                FOOTER_SIZE * room / natural
            } else {
                FOOTER_SIZE
            };
            draw_text(s, &fonts.regular, size, LEFT, y, line);
            y += line_height(FOOTER_SIZE);
        }
    }
}
