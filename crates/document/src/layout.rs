//! What the renderer tells the signer: where each signature block is. It travels inside the PDF
//! as the embedded file `layout.json`, so `sign IN.pdf` needs nothing but the PDF.

use crate::thai::Digits;
use serde::{Deserialize, Serialize};

pub const RECORD_FILE: &str = "record.json";
pub const LAYOUT_FILE: &str = "layout.json";
pub const LAYOUT_FORMAT: &str = "banthuek.layout/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockRole {
    /// Signs on paper.
    Arrestee,
    Officer,
    /// The officer who wrote the record signs here first.
    Recorder,
    /// Countersigns; the record is final only then.
    Supervisor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureBlock {
    /// "recorder", "supervisor", "officer-N", "arrestee-N".
    pub id: String,
    pub role: BlockRole,
    /// The role word printed after the line, e.g. ผู้บันทึก.
    pub label: String,
    /// The name printed under the line, when the record knows it.
    pub signer_name: Option<String>,
    /// The page leaves the name line under the signing line blank and the signature's
    /// appearance prints the signer's name there ("( rank name )"); `rect` then reaches down
    /// over that line (the supervisor's block: who countersigns is known only then).
    #[serde(default)]
    pub name_in_signature: bool,
    /// Zero-based page index.
    pub page: usize,
    /// PDF user space, origin bottom left: [x0, y0, x1, y1].
    pub rect: [f32; 4],
    /// The signing line's ends, [x0, x1] in PDF user space, when `rect` is wider than the line
    /// (with `name_in_signature`): the signature's lines above it keep within it. `None`: the
    /// rectangle's own width.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<[f32; 2]>,
}

/// With [`SignatureBlock::name_in_signature`], the name's baseline lies this far above the
/// bottom of the block's rectangle.
pub const NAME_BASELINE_ABOVE_RECT_BOTTOM: f32 = 6.0;
/// The size the page prints names under signing lines in, and the signature's appearance too.
pub const NAME_SIZE: f32 = 14.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub format: String,
    pub record_id: Option<String>,
    pub version: u32,
    /// SHA-256 (hex) of the embedded record JSON, as printed in every page's footer.
    pub record_sha256: String,
    pub digits: Digits,
    pub pages: usize,
    pub blocks: Vec<SignatureBlock>,
}

impl Layout {
    pub fn block(&self, id: &str) -> Option<&SignatureBlock> {
        self.blocks.iter().find(|b| b.id == id)
    }
}
