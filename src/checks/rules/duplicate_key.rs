use crate::checks::Diagnostic;
use crate::config::Settings;
use crate::rule::RuleFile;
use crate::syntax::yaml::YamlErrorKind;
use std::path::Path;

crate::check! {
    /// ## What it does
    /// Reports a key that appears twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML loaders keep only one of the two values (most keep the last), so
    /// half of what the author wrote is silently ignored, often a selection.
    ///
    /// ## Example
    /// ```yaml
    /// selection:
    ///     Image|endswith: '\netsh.exe'
    ///     Image|endswith: '\netsh64.exe'
    /// ```
    ///
    /// ## Fix
    /// Merge the values into one list, or rename one of the keys.
    code: "SL102",
    name: "duplicate-key",
    severity: Error,
    fixable: false,
    runner: File(run),
}

fn run(file: &RuleFile, _: Option<&Path>, _: &Settings, out: &mut Vec<Diagnostic>) {
    for error in &file.yaml.errors {
        if let YamlErrorKind::DuplicateKey { first } = error.kind {
            out.push(
                Diagnostic::new(&CHECK, error.range, error.message.clone())
                    .with_related(first, "first defined here"),
            );
        }
    }
}
