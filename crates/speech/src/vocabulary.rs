//! Station vocabulary: officer names, units, places and the words of the record, as the
//! decoder's initial prompt, so that it might prefer their spelling (e.g. "นาฬิกา" over the
//! homophone-like "นาลิกา" that base produces).
//!
//! Measured on the spoken clock times with base q8_0 (`banthuek bench speech --vocabulary
//! crates/speech/tests/data/station-vocabulary.txt`). With the 30 s encoder context (25 Nov
//! 2026) the prompt helped a little: mean CER 0.225 without, 0.213 with, 0.191 with
//! post-correction too. Since the encoder context is fitted to the utterance (26 Nov 2026) it
//! hurts: 0.306 (0/10 exactly right) without, 0.510 (1/10) with the prompt; post-correction (the
//! extractor's lexicon snapping, which every transcript goes through on its way to the record)
//! still helps, 0.223 (2/10). So only post-correction is used; the prompt is kept for this
//! measurement alone, to be repeated when the model or the decoding changes.

/// Whisper reads at most half its text context (224 tokens) of prompt; Thai takes about one
/// token per one to two characters, so longer prompts are cut to stay inside that.
pub const MAX_PROMPT_CHARS: usize = 300;

/// Builds a prompt from a lexicon: one term per line, `#` comments and blank lines ignored,
/// duplicates dropped, earlier lines first, cut at [`MAX_PROMPT_CHARS`] on a term boundary.
pub fn prompt_from_lexicon(lexicon: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for term in lexicon
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|t| !t.is_empty())
    {
        if !seen.insert(term) {
            continue;
        }
        let extra = term.chars().count() + usize::from(!out.is_empty());
        if out.chars().count() + extra > MAX_PROMPT_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_becomes_a_bounded_prompt() {
        let p = prompt_from_lexicon("# officers\nร.ต.อ. สมชาย ใจดี\nนาฬิกา\n\nนาฬิกา\nนาที\n");
        assert_eq!(p, "ร.ต.อ. สมชาย ใจดี นาฬิกา นาที");
        let long: String = (0..500).map(|i| format!("คำ{i}\n")).collect();
        assert!(prompt_from_lexicon(&long).chars().count() <= MAX_PROMPT_CHARS);
    }
}
