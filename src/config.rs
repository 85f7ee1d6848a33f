//! `.sigmalens.toml`: which checks run, at which severity, where.
//!
//! ```toml
//! profile = "sigmahq"            # also run the SigmaHQ convention checks
//! select = ["SL"]                # code prefixes to run (default: all)
//! ignore = ["SL203"]             # code prefixes to skip
//! [severity]
//! SL203 = "info"
//! [per-path-ignores]
//! "rules-threat-hunting/*" = ["SL402"]
//! [thresholds]
//! title-max-length = 110
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::checks::{Profile, Severity};
use crate::rule::condition::pattern_matches;

pub const CONFIG_FILE_NAME: &str = ".sigmalens.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    #[serde(default)]
    pub profile: ProfileName,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// The folder the config was found in: per-path globs are relative to it.
    #[serde(skip)]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    #[default]
    Default,
    Sigmahq,
}

/// Tunable limits of individual checks.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Thresholds {
    pub title_max_length: usize,
    pub description_min_length: usize,
    pub filename_max_length: usize,
    /// SL801: a test is high-reach at or above this percentile of reach
    /// among the tests of its logsource...
    pub noisy_indicator_percentile: f64,
    /// ...and in at least this many corpus rules.
    pub noisy_indicator_min_rules: u32,
    /// SL802: how many similar rules exclusions are collected from.
    pub exclusion_neighbours: usize,
    /// SL802: suggestions shown, how many similar rules must make one for it
    /// to be shown at all, and how many make a strong one.
    pub exclusion_suggestions: usize,
    pub exclusion_min_rules: usize,
    pub exclusion_strong_rules: usize,
    /// SL803: Jaccard similarity of positive tests that makes a near duplicate.
    pub near_duplicate_jaccard: f64,
    /// SL804/SL805/SL806: corpus rules a logsource or technique needs before
    /// its absence means something.
    pub corpus_min_rules: u32,
    /// SL804: the share of a test's corpus rules its top technique needs to
    /// speak for the test.
    pub suggested_tag_share: f64,
    /// SL805: the Jaccard similarity of positive tests a corpus rule needs
    /// to count as similar.
    pub unusual_tag_jaccard: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            title_max_length: 110,
            description_min_length: 16,
            filename_max_length: 110,
            noisy_indicator_percentile: 99.0,
            noisy_indicator_min_rules: 20,
            exclusion_neighbours: 20,
            exclusion_suggestions: 5,
            exclusion_min_rules: 2,
            exclusion_strong_rules: 3,
            near_duplicate_jaccard: 0.8,
            corpus_min_rules: 20,
            suggested_tag_share: 0.35,
            unusual_tag_jaccard: 0.3,
        }
    }
}

#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl Settings {
    pub fn from_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let mut settings: Settings = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for (code, severity) in &settings.severity {
            if Severity::parse(severity).is_none() {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    message: format!(
                        "severity of {code}: `{severity}` is not error, warning, info or hint"
                    ),
                });
            }
        }
        settings.root = path.parent().map(Path::to_path_buf);
        Ok(settings)
    }

    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Settings::from_toml(&text, path)
    }

    /// The nearest `.sigmalens.toml` in `start` or a parent folder.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        start
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    pub fn profile_enabled(&self, profile: Profile) -> bool {
        match profile {
            Profile::Default => true,
            Profile::SigmaHq => self.profile == ProfileName::Sigmahq,
        }
    }

    /// Is `code` selected, not ignored, and not ignored for `path`?
    pub fn is_enabled(&self, code: &str, path: Option<&Path>) -> bool {
        let prefixed = |list: &[String]| {
            list.iter()
                .any(|p| code.starts_with(p.as_str()) || p == "all")
        };
        if !self.select.is_empty() && !prefixed(&self.select) {
            return false;
        }
        if prefixed(&self.ignore) {
            return false;
        }
        match path {
            Some(path) => !self
                .per_path_ignores
                .iter()
                .any(|(glob, codes)| self.path_matches(glob, path) && prefixed(codes)),
            None => true,
        }
    }

    fn path_matches(&self, glob: &str, path: &Path) -> bool {
        let relative = self
            .root
            .as_deref()
            .and_then(|root| {
                let absolute = std::fs::canonicalize(path).ok()?;
                let root = std::fs::canonicalize(root).ok()?;
                absolute.strip_prefix(root).ok().map(Path::to_path_buf)
            })
            .unwrap_or_else(|| path.to_path_buf());
        let relative = relative.to_string_lossy().replace('\\', "/");
        let relative = relative.trim_start_matches("./");
        // `*` and `**` both match across folders: globs here pick rule folders.
        pattern_matches(glob, relative) || pattern_matches(&format!("{glob}*"), relative)
    }

    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.severity
            .get(code)
            .and_then(|s| Severity::parse(s))
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_option() {
        let text = r#"
profile = "sigmahq"
select = ["SL"]
ignore = ["SL203"]
[severity]
SL101 = "info"
[per-path-ignores]
"hunting/*" = ["SL3"]
[thresholds]
title-max-length = 80
"#;
        let settings = Settings::from_toml(text, Path::new("/tmp/x/.sigmalens.toml")).unwrap();
        assert!(settings.profile_enabled(Profile::SigmaHq));
        assert!(!settings.is_enabled("SL203", None));
        assert!(settings.is_enabled("SL204", None));
        assert!(!settings.is_enabled("SL301", Some(Path::new("hunting/a.yml"))));
        assert!(settings.is_enabled("SL301", Some(Path::new("rules/a.yml"))));
        assert_eq!(settings.severity("SL101", Severity::Error), Severity::Info);
        assert_eq!(settings.thresholds.title_max_length, 80);
        assert_eq!(settings.thresholds.description_min_length, 16);
    }

    #[test]
    fn rejects_unknown_keys_and_severities() {
        let path = Path::new(".sigmalens.toml");
        let error = Settings::from_toml("selct = []", path).unwrap_err();
        assert!(error.message.contains("selct"), "{}", error.message);
        assert!(Settings::from_toml("[severity]\nSL1 = \"loud\"", path).is_err());
    }

    #[test]
    fn the_readme_lists_every_threshold_with_its_default() {
        let readme = include_str!("../README.md");
        let start = readme.find("[thresholds]").expect("a [thresholds] example");
        let end = start + readme[start..].find("```").expect("the example's end");
        let example = Settings::from_toml(&readme[start..end], Path::new(".sigmalens.toml"))
            .expect("the README example parses");
        assert_eq!(example.thresholds, Thresholds::default());
        let listed = readme[start..end].lines().skip(1).count();
        let fields = format!("{:?}", Thresholds::default()).matches(':').count();
        assert_eq!(listed, fields, "every threshold is listed");
    }

    #[test]
    fn default_profile_leaves_sigmahq_checks_off() {
        assert!(!Settings::default().profile_enabled(Profile::SigmaHq));
    }
}
