//! The lint driver: finds files, reads them, runs the checks in parallel,
//! applies fixes. The only part of linting that touches the file system.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::checks::{self, Diagnostic, Edit, ProjectFile, rules};
use crate::config::Settings;
use crate::rule::RuleFile;
use crate::syntax::TextRange;

/// Files above this size are not parsed: no rule is near it, and a
/// pathological file must not stall a whole pre-commit run.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// How a file came to be linted: a file named on the command line is
/// reported even when it is not a Sigma rule; one found in a folder is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    pub explicit: bool,
}

/// Every `*.yml`/`*.yaml` below the given paths, sorted; hidden folders,
/// `target` and `node_modules` are skipped.
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut inputs)?;
        } else if path.exists() {
            inputs.push(Input {
                path: path.clone(),
                explicit: true,
            });
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no such file or folder", path.display()),
            ));
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, inputs)?;
            }
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            inputs.push(Input {
                path,
                explicit: false,
            });
        }
    }
    Ok(())
}

/// One linted file.
pub struct Linted {
    pub input: Input,
    /// `None` when the file could not be read as text.
    pub file: Option<RuleFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file is a Sigma rule (others found by recursion are left out).
    pub is_rule: bool,
}

/// Reads and lints every input, then runs the cross-file checks.
pub fn lint_inputs(inputs: Vec<Input>, settings: &Settings) -> Vec<Linted> {
    let mut linted: Vec<Linted> = inputs
        .into_par_iter()
        .map(|input| lint_input(input, settings))
        .filter(|l| l.is_rule || l.input.explicit)
        .collect();
    let project: Vec<ProjectFile> = linted
        .iter()
        .filter(|l| l.is_rule)
        .filter_map(|l| {
            l.file.as_ref().map(|file| ProjectFile {
                path: &l.input.path,
                file,
            })
        })
        .collect();
    let positions: Vec<usize> = linted
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_rule && l.file.is_some())
        .map(|(i, _)| i)
        .collect();
    let cross = checks::lint_project(&project, settings);
    for (index, diagnostic) in cross {
        linted[positions[index]].diagnostics.push(diagnostic);
    }
    for l in &mut linted {
        l.diagnostics
            .sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    }
    linted
}

fn lint_input(input: Input, settings: &Settings) -> Linted {
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => return unreadable(input, format!("cannot read file: {error}")),
    };
    if bytes.len() > MAX_FILE_BYTES {
        let message = format!(
            "file is {} MB, larger than the {} MB a rule may be",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        );
        return unreadable(input, message);
    }
    let file = match rules::invalid_input::decode(bytes) {
        Ok(text) => RuleFile::parse(text),
        Err(undecodable) => {
            let (lossy, diagnostic) = *undecodable;
            // The lossy text is parsed only so the finding can show a code frame.
            return Linted {
                input,
                file: Some(RuleFile::parse(lossy)),
                diagnostics: enabled(settings, vec![diagnostic]),
                is_rule: true,
            };
        }
    };
    let is_rule = file.is_sigma();
    let diagnostics = if is_rule {
        checks::lint_file(&file, Some(&input.path), settings, corpus_index())
    } else if input.explicit {
        enabled(
            settings,
            rules::not_a_rule::diagnostic(&file).into_iter().collect(),
        )
    } else {
        Vec::new()
    };
    Linted {
        input,
        file: Some(file),
        diagnostics,
        is_rule,
    }
}

fn unreadable(input: Input, message: String) -> Linted {
    Linted {
        input,
        file: None,
        diagnostics: vec![rules::invalid_input::diagnostic(
            TextRange::empty(0),
            message,
        )],
        is_rule: true,
    }
}

/// The embedded corpus index for the SL8xx checks; without a valid one they
/// stay silent rather than failing the lint.
fn corpus_index() -> Option<&'static crate::index::Index> {
    crate::index::Index::embedded().ok()
}

/// Input findings obey select/ignore like every other finding.
fn enabled(settings: &Settings, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.retain(|d| settings.is_enabled(d.code, None));
    diagnostics
}

/// Applies the safe fixes (of checks marked `fixable`) to `text`; other
/// fixes are code actions for an editor. Returns the new text and how many
/// fixes were applied.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic]) -> (String, usize) {
    let safe: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.safe_fix().is_some())
        .cloned()
        .collect();
    apply_fixes_unchecked(text, &safe)
}

/// Applies non-overlapping fix edits to `text`, last first, whatever their check.
pub fn apply_fixes_unchecked(text: &str, diagnostics: &[Diagnostic]) -> (String, usize) {
    let mut edits: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    let valid = |edit: &Edit| {
        edit.range.start <= edit.range.end
            && text.is_char_boundary(edit.range.start as usize)
            && text.is_char_boundary(edit.range.end as usize)
    };
    for fix in diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        // A check bug must cost its fix, never the file.
        if !fix.edits.iter().all(valid) {
            continue;
        }
        let overlaps = fix.edits.iter().any(|new| {
            edits.iter().any(|old| {
                new.range.start < old.range.end && old.range.start < new.range.end
                    || new.range == old.range
            })
        });
        if !overlaps {
            edits.extend(&fix.edits);
            applied += 1;
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(
            edit.range.start as usize..edit.range.end as usize,
            &edit.replacement,
        );
    }
    (out, applied)
}

/// Fixes a file until no safe fix is left (at most a few rounds, since one
/// fix can reveal another). Returns the fixed text and the number of fixes.
pub fn fix_text(text: &str, path: &Path, settings: &Settings) -> (String, usize) {
    let mut current = text.to_string();
    let mut total = 0;
    for _ in 0..4 {
        let file = RuleFile::parse(current.clone());
        let diagnostics = checks::lint_file(&file, Some(path), settings, corpus_index());
        let (next, applied) = apply_fixes(&current, &diagnostics);
        if applied == 0 {
            break;
        }
        total += applied;
        current = next;
    }
    (current, total)
}
