use crate::checks::Diagnostic;
use crate::config::Settings;
use crate::rule::RuleFile;
use crate::syntax::yaml::YamlErrorKind;
use std::path::Path;

crate::check! {
    /// ## What it does
    /// Reports YAML that does not parse, and nesting too deep to be a rule.
    ///
    /// ## Why is this bad?
    /// No Sigma tool can load the rule; everything after the error is lost.
    ///
    /// ## Example
    /// ```yaml
    /// tags: [attack.t1090
    /// ```
    ///
    /// ## Fix
    /// Correct the YAML at the reported position (close the bracket, indent
    /// with spaces, quote values holding `: `).
    code: "SL101",
    name: "yaml-syntax",
    severity: Error,
    fixable: false,
    runner: File(run),
}

fn run(file: &RuleFile, _: Option<&Path>, _: &Settings, out: &mut Vec<Diagnostic>) {
    for error in &file.yaml.errors {
        if !matches!(error.kind, YamlErrorKind::DuplicateKey { .. }) {
            out.push(Diagnostic::new(
                &CHECK,
                error.range,
                format!("YAML syntax error: {}", error.message),
            ));
        }
    }
}
