//! This laptop's preferences in a small plain file (`<home>/app-prefs.json`): what the login
//! screen needs before the store is unlocked (language, digits, idle lock, the station's name)
//! and per-laptop choices (microphone, measured model speeds). No personal data and no secrets:
//! station-wide settings live in the encrypted store and are only mirrored here.

use crate::views::{default_idle_lock, Digits, Language};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub language: Language,
    pub microphone: Option<String>,
    /// Mirrors of the station settings, refreshed at each login.
    pub digits: Digits,
    pub idle_lock_minutes: u32,
    pub model: Option<String>,
    pub station: Option<String>,
    /// Model name → median real-time factor seen on this laptop.
    pub measured_rtf: BTreeMap<String, f64>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            language: Language::Th,
            microphone: None,
            digits: Digits::Thai,
            idle_lock_minutes: default_idle_lock(),
            model: None,
            station: None,
            measured_rtf: BTreeMap::new(),
        }
    }
}

pub fn path(home: &Path) -> PathBuf {
    home.join("app-prefs.json")
}

impl Prefs {
    /// Reads the file; a missing or damaged one gives the defaults (it holds nothing that
    /// cannot be chosen again).
    pub fn load(home: &Path) -> Prefs {
        std::fs::read_to_string(path(home))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, home: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(home)?;
        let tmp = home.join("app-prefs.json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path(home))
    }

    /// Folds one measured real-time factor into the model's running figure (a smoothed value,
    /// so one slow utterance does not swing it).
    pub fn note_rtf(&mut self, model: &str, rtf: f64) {
        if !rtf.is_finite() || rtf <= 0.0 {
            return;
        }
        let v = self
            .measured_rtf
            .entry(model.to_owned())
            .and_modify(|old| *old = 0.7 * *old + 0.3 * rtf)
            .or_insert(rtf);
        *v = (*v * 1000.0).round() / 1000.0;
    }
}
