//! The bundled Thai fonts (Laksaman, a TH Sarabun New derivative) and text measurement with the
//! same shaper krilla uses, so that measured widths are the widths drawn.

use crate::error::{DocumentError, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const REGULAR_FILE: &str = "Laksaman.ttf";
pub const BOLD_FILE: &str = "Laksaman-Bold.ttf";

/// One font: its bytes (for measuring) and krilla's handle (for drawing).
#[derive(Clone)]
pub struct FontFile {
    pub bytes: Arc<Vec<u8>>,
    pub krilla: krilla::text::Font,
}

impl FontFile {
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|_| DocumentError::MissingFont {
            path: path.to_owned(),
        })?;
        Self::from_bytes(bytes, path)
    }

    fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Self> {
        let bytes = Arc::new(bytes);
        let bad = || DocumentError::BadFont {
            path: path.to_owned(),
        };
        rustybuzz::Face::from_slice(&bytes, 0).ok_or_else(bad)?;
        let krilla = krilla::text::Font::new(bytes.clone().into(), 0).ok_or_else(bad)?;
        Ok(FontFile { bytes, krilla })
    }

    /// A shaper for this font. Parsing is cheap; callers keep it for a whole layout pass.
    pub fn face(&self) -> Result<rustybuzz::Face<'_>> {
        rustybuzz::Face::from_slice(&self.bytes, 0).ok_or_else(|| DocumentError::BadFont {
            path: PathBuf::from("(in memory)"),
        })
    }
}

/// Regular and bold faces of the document font.
#[derive(Clone)]
pub struct FontSet {
    pub regular: FontFile,
    pub bold: FontFile,
}

impl FontSet {
    /// Loads `Laksaman.ttf` and `Laksaman-Bold.ttf` from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        Ok(FontSet {
            regular: FontFile::load(&dir.join(REGULAR_FILE))?,
            bold: FontFile::load(&dir.join(BOLD_FILE))?,
        })
    }

    /// The font directory: `BANTHUEK_FONT_DIR`, else `assets/fonts` beside the executable's
    /// install prefix (`../share/banthuek/fonts`), else the source tree's `assets/fonts`.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("BANTHUEK_FONT_DIR") {
            return PathBuf::from(dir);
        }
        if let Ok(exe) = std::env::current_exe() {
            if let Some(prefix) = exe.parent().and_then(Path::parent) {
                let installed = prefix.join("share/banthuek/fonts");
                if installed.join(REGULAR_FILE).is_file() {
                    return installed;
                }
            }
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fonts")
    }
}

/// Width in points of `text` shaped at `size`.
pub fn text_width(face: &rustybuzz::Face<'_>, text: &str, size: f32) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let glyphs = rustybuzz::shape(face, &[], buffer);
    let units: i32 = glyphs.glyph_positions().iter().map(|p| p.x_advance).sum();
    units as f32 * size / face.units_per_em() as f32
}
