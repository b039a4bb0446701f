//! Speech models for the settings screen: what the manifest knows, what is installed here, and
//! how fast each ran on this laptop.

use crate::error::AppResult;
use crate::prefs::Prefs;
use crate::views::ModelView;
use banthuek_speech::models::{ModelKind, ModelStore};

pub fn list_models(store: &ModelStore, prefs: &Prefs) -> AppResult<Vec<ModelView>> {
    let installed = store.list()?;
    Ok(store
        .manifest()
        .models
        .iter()
        .filter(|m| m.kind == ModelKind::Whisper)
        .map(|m| ModelView {
            name: m.name.clone(),
            size_mb: (m.size as f64 / 1e6 * 10.0).round() / 10.0,
            installed: installed.iter().any(|i| i.file == m.file),
            default: m.default,
            measured_rtf: prefs.measured_rtf.get(&m.name).copied(),
        })
        .collect())
}
