//! Speech models for the settings screen: what the manifest knows, what is installed here, and
//! how fast each ran on this laptop.

use crate::app::App;
use crate::error::AppResult;
use crate::views::ModelView;
use banthuek_speech::models::ModelKind;

impl App {
    pub fn list_models(&self) -> AppResult<Vec<ModelView>> {
        let store = self.model_store()?;
        let installed = store.list()?;
        let measured = self.prefs().measured_rtf;
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
                measured_rtf: measured.get(&m.name).copied(),
            })
            .collect())
    }
}
