//! Which lint settings apply to a document: the nearest `.sigmalens.toml`
//! from the document's folder up, as `sigmalens lint` run there would use;
//! else the client's settings (`initializationOptions` or the `sigmalens`
//! section of `workspace/configuration`), else the defaults.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::Settings;

#[derive(Default)]
pub struct SettingsResolver {
    client: Settings,
    /// Per folder: the settings found from it, or the error loading them.
    found: HashMap<PathBuf, Result<Option<Settings>, String>>,
}

impl SettingsResolver {
    /// Takes the client's settings, a JSON object with the keys of
    /// `.sigmalens.toml`. Returns an error message for invalid settings,
    /// which leave the previous ones in force.
    pub fn set_client_settings(&mut self, value: &Value) -> Result<(), String> {
        if value.is_null() {
            return Ok(());
        }
        self.client = serde_json::from_value(value.clone())
            .map_err(|e| format!("invalid sigmalens settings from the client: {e}"))?;
        Ok(())
    }

    /// Forgets the configuration files read so far (one changed).
    pub fn forget_files(&mut self) {
        self.found.clear();
    }

    /// The settings for `path` (the client's for a document without a
    /// path), and the error if a configuration file could not be loaded.
    pub fn for_document(&mut self, path: Option<&Path>) -> (Settings, Option<String>) {
        let Some(folder) = path.and_then(Path::parent) else {
            return (self.client.clone(), None);
        };
        let found = self.found.entry(folder.to_path_buf()).or_insert_with(|| {
            match Settings::discover(folder) {
                Some(config) => Settings::load(&config).map(Some).map_err(|e| e.to_string()),
                None => Ok(None),
            }
        });
        match found {
            Ok(Some(settings)) => (settings.clone(), None),
            Ok(None) => (self.client.clone(), None),
            Err(error) => (self.client.clone(), Some(error.clone())),
        }
    }
}
