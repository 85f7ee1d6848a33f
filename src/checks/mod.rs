//! The check registry and runner.
//!
//! Each check lives in its own file under `rules/` and declares itself with
//! [`check!`]: a stable `SL…` code, a name, a default severity, a profile and
//! its documentation (What it does / Why / Example / Fix), which
//! `sigmalens rule CODE` prints. The runner applies the configuration
//! (select/ignore, severity overrides, inline `# sigmalens: disable=` comments).

pub mod corpus;
pub mod registry;
pub mod rules;
mod suppress;
pub mod util;

use std::cell::OnceCell;
use std::path::Path;

use serde::Serialize;

use crate::checks::corpus::RuleInCorpus;

use crate::config::Settings;
use crate::rule::{Rule, RuleFile};
use crate::syntax::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(name: &str) -> Option<Severity> {
        match name.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Which rule set a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// On unless ignored.
    Default,
    /// SigmaHQ repository conventions: on with `profile = "sigmahq"`.
    SigmaHq,
}

/// A text replacement; ranges are byte offsets into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

/// A safe fix: applying it keeps the rule valid and its meaning, plus the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn replace(
        title: impl Into<String>,
        range: TextRange,
        replacement: impl Into<String>,
    ) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit {
                range,
                replacement: replacement.into(),
            }],
        }
    }
}

/// A second location that explains a finding (the first of two duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedInfo {
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub related: Vec<RelatedInfo>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(check: &Check, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: check.code,
            severity: check.severity,
            message: message.into(),
            range,
            related: Vec::new(),
            fix: None,
        }
    }

    /// The fix, when its check promises fixes are safe to apply unattended
    /// (`lint --fix`); other fixes are editor code actions only.
    pub fn safe_fix(&self) -> Option<&Fix> {
        self.fix
            .as_ref()
            .filter(|_| registry::by_code(self.code).is_some_and(|c| c.fixable))
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.related.push(RelatedInfo {
            range,
            message: message.into(),
        });
        self
    }
}

/// What a per-rule check sees.
pub struct Context<'a> {
    pub file: &'a RuleFile,
    pub rule: &'a Rule,
    pub settings: &'a Settings,
    pub path: Option<&'a Path>,
    /// The corpus index for the SL8xx checks; `None` turns them off.
    pub index: Option<&'a crate::index::Index>,
    /// The rule seen through the index, read once for all SL8xx checks.
    corpus: &'a OnceCell<Option<RuleInCorpus<'a>>>,
}

impl<'a> Context<'a> {
    pub fn text(&self) -> &str {
        &self.file.text
    }

    /// The rule seen through the corpus index, when there is one.
    pub fn in_corpus(&self) -> Option<&'a RuleInCorpus<'a>> {
        self.corpus
            .get_or_init(|| self.index.map(|index| RuleInCorpus::new(index, self.rule)))
            .as_ref()
    }

    pub fn root(&self) -> Option<&crate::syntax::yaml::Node> {
        self.file.root(self.rule)
    }
}

/// One file as a cross-file check sees it.
pub struct ProjectFile<'a> {
    pub path: &'a Path,
    pub file: &'a RuleFile,
}

pub enum Runner {
    /// Reported by the lint driver while reading a file (encoding, not a
    /// rule), before there is a tree to check; the logic lives beside the
    /// check's declaration and the driver calls it.
    Input,
    /// Once per file (YAML errors, file names).
    File(fn(&RuleFile, Option<&Path>, &Settings, &mut Vec<Diagnostic>)),
    /// Once per rule document.
    Rule(fn(&Context, &mut Vec<Diagnostic>)),
    /// Once over all files linted together; findings go to `(file index, diagnostic)`.
    Project(fn(&[ProjectFile], &mut Vec<(usize, Diagnostic)>)),
}

pub struct Check {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub profile: Profile,
    /// Whether the check offers a safe fix.
    pub fixable: bool,
    /// The documentation, Markdown.
    pub doc: &'static str,
    pub runner: Runner,
}

impl Check {
    /// The first sentence of "What it does", joined across its lines.
    pub fn summary(&self) -> String {
        let paragraph: Vec<&str> = self
            .doc
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty())
            .collect();
        let text = paragraph.join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].to_string(),
            None => text,
        }
    }
}

/// Declares a check: `check! { /// docs… code: "SL101", name: "…", severity: Error, fixable: false, runner: Rule(run) }`.
#[macro_export]
macro_rules! check {
    (
        $(#[doc = $doc:literal])*
        code: $code:literal,
        name: $name:literal,
        severity: $severity:ident,
        $(profile: $profile:ident,)?
        fixable: $fixable:literal,
        runner: $kind:ident $(($run:expr))? $(,)?
    ) => {
        pub static CHECK: $crate::checks::Check = $crate::checks::Check {
            code: $code,
            name: $name,
            severity: $crate::checks::Severity::$severity,
            profile: $crate::check!(@profile $($profile)?),
            fixable: $fixable,
            doc: concat!($($doc, "\n"),*),
            runner: $crate::checks::Runner::$kind $(($run))?,
        };
    };
    (@profile) => { $crate::checks::Profile::Default };
    (@profile $profile:ident) => { $crate::checks::Profile::$profile };
}

/// Rules larger than this skip the corpus checks: no published rule comes
/// near it, and comparing a generated megabyte against the corpus on every
/// keystroke would stall the editor.
pub const CORPUS_CHECK_MAX_BYTES: usize = 256 * 1024;

/// Lints one parsed file with the per-file and per-rule checks; the corpus
/// checks (SL8xx) run only with an `index`, on files up to
/// [`CORPUS_CHECK_MAX_BYTES`].
pub fn lint_file(
    file: &RuleFile,
    path: Option<&Path>,
    settings: &Settings,
    index: Option<&crate::index::Index>,
) -> Vec<Diagnostic> {
    let index = index.filter(|_| file.text.len() <= CORPUS_CHECK_MAX_BYTES);
    let corpus: Vec<OnceCell<_>> = file.rules.iter().map(|_| OnceCell::new()).collect();
    let mut out = Vec::new();
    for check in registry::enabled(settings, path) {
        match check.runner {
            Runner::File(run) => run(file, path, settings, &mut out),
            Runner::Rule(run) => {
                for (rule, corpus) in file.rules.iter().zip(&corpus) {
                    let ctx = Context {
                        file,
                        rule,
                        settings,
                        path,
                        index,
                        corpus,
                    };
                    run(&ctx, &mut out);
                }
            }
            Runner::Project(_) | Runner::Input => {}
        }
    }
    finish(file, path, settings, out)
}

/// Runs the cross-file checks over files linted together.
pub fn lint_project(files: &[ProjectFile], settings: &Settings) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    for check in registry::enabled(settings, None) {
        if let Runner::Project(run) = check.runner {
            run(files, &mut out);
        }
    }
    let suppressions: Vec<_> = files
        .iter()
        .map(|f| suppress::Suppressions::new(&f.file.text))
        .collect();
    out.retain(|(index, d)| {
        let file = &files[*index];
        settings.is_enabled(d.code, Some(file.path))
            && !suppressions[*index].silences(&file.file.lines, d)
    });
    for (_, diagnostic) in &mut out {
        diagnostic.severity = settings.severity(diagnostic.code, diagnostic.severity);
    }
    out
}

fn finish(
    file: &RuleFile,
    path: Option<&Path>,
    settings: &Settings,
    mut out: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let suppressions = suppress::Suppressions::new(&file.text);
    out.retain(|d| settings.is_enabled(d.code, path) && !suppressions.silences(&file.lines, d));
    for diagnostic in &mut out {
        diagnostic.severity = settings.severity(diagnostic.code, diagnostic.severity);
    }
    out.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    out.dedup();
    out
}
