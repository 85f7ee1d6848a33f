use crate::checks::Diagnostic;
use crate::rule::RuleFile;
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a file named on the command line that is not a Sigma rule: it
    /// is empty, or no document has a `detection`, `logsource`,
    /// `correlation` or `filter` key. Files found by walking a folder are
    /// skipped silently instead, so CI configs beside rules stay quiet.
    ///
    /// ## Why is this bad?
    /// A rule whose keys were misspelt or lost in a merge is silently
    /// ignored by every Sigma tool.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh port forwarding
    /// detections:
    ///     selection: ...
    /// ```
    ///
    /// ## Fix
    /// Restore the rule's `logsource` and `detection` keys, or stop passing
    /// the file to `sigmalens lint`.
    code: "SL099",
    name: "not-a-rule",
    severity: Warning,
    fixable: false,
    runner: Input,
}

/// The finding for an explicitly named file that is not a rule.
pub fn diagnostic(file: &RuleFile) -> Option<Diagnostic> {
    if file.is_sigma() {
        return None;
    }
    let message = if file.text.trim().is_empty() {
        "file is empty, not a Sigma rule"
    } else {
        "not a Sigma rule: no `detection`, `logsource`, `correlation` or `filter` key"
    };
    Some(Diagnostic::new(&CHECK, TextRange::empty(0), message))
}
