//! Voice commands. An utterance is a command only when it is the whole utterance, so the same words
//! inside a sentence ("ผู้ต้องหาหยุดบันทึก…") stay dictated text. The phrases live in
//! `assets/lexicons/voice-commands.tsv` and are listed in the crate documentation.

use crate::lexicon::lexicons;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceCommand {
    NextField,
    PreviousField,
    DeleteLastWord,
    NewLine,
    StopRecording,
}

impl VoiceCommand {
    fn from_id(id: &str) -> Option<Self> {
        Some(match id {
            "next_field" => VoiceCommand::NextField,
            "previous_field" => VoiceCommand::PreviousField,
            "delete_last_word" => VoiceCommand::DeleteLastWord,
            "new_line" => VoiceCommand::NewLine,
            "stop_recording" => VoiceCommand::StopRecording,
            _ => return None,
        })
    }
}

/// Polite particles and fillers said around a command.
const PARTICLES: &[&str] = &["ครับผม", "ครับ", "ค่ะ", "คะ", "นะ", "จ้ะ", "เลย"];

fn squash(s: &str) -> String {
    let mut t: String = s
        .nfc()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && *c != '…')
        .flat_map(char::to_lowercase)
        .collect();
    loop {
        let before = t.len();
        for p in PARTICLES {
            if let Some(x) = t.strip_suffix(p) {
                t = x.to_owned();
            }
        }
        if t.len() == before {
            return t;
        }
    }
}

/// The command that `utterance` is, if it is one as a whole.
pub fn recognise(utterance: &str) -> Option<VoiceCommand> {
    let said = squash(utterance);
    if said.is_empty() {
        return None;
    }
    lexicons().voice_commands.iter().find_map(|(id, phrases)| {
        phrases
            .iter()
            .any(|p| squash(p) == said)
            .then(|| VoiceCommand::from_id(id))
            .flatten()
    })
}

/// Every command with its phrases, for help screens.
pub fn list() -> Vec<(VoiceCommand, Vec<String>)> {
    lexicons()
        .voice_commands
        .iter()
        .filter_map(|(id, p)| Some((VoiceCommand::from_id(id)?, p.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_utterances_only() {
        assert_eq!(recognise("ถัดไป"), Some(VoiceCommand::NextField));
        assert_eq!(recognise(" ถัด ไป ครับ "), Some(VoiceCommand::NextField));
        assert_eq!(recognise("ย้อนกลับค่ะ"), Some(VoiceCommand::PreviousField));
        assert_eq!(recognise("ลบคำล่าสุด"), Some(VoiceCommand::DeleteLastWord));
        assert_eq!(recognise("ขึ้นบรรทัดใหม่"), Some(VoiceCommand::NewLine));
        assert_eq!(recognise("หยุดบันทึก."), Some(VoiceCommand::StopRecording));
        assert_eq!(
            recognise("Stop recording"),
            Some(VoiceCommand::StopRecording)
        );
        assert_eq!(recognise("ผู้ต้องหาขอหยุดบันทึกคำให้การ"), None);
        assert_eq!(recognise("ถัดไปเป็นข้อหาลักทรัพย์"), None);
        assert_eq!(recognise(""), None);
        assert_eq!(list().len(), 5);
    }
}
