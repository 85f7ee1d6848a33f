use std::path::Path;

use crate::checks::{Context, Diagnostic};
use crate::reference::{TAXONOMY, TaxonomyLogSource};
use crate::rule::{RuleKind, SpannedStr};

crate::check! {
    /// ## What it does
    /// Reports a rule file whose name does not start with the prefix SigmaHQ
    /// uses for its log source (`proc_creation_win_` for Windows process
    /// creation). SigmaHQ profile only.
    ///
    /// ## Why is this bad?
    /// SigmaHQ sorts and reviews rules by file name; a rule under the wrong
    /// prefix is hard to find and fails the repository's checks.
    ///
    /// ## Example
    /// A `category: process_creation`, `product: windows` rule in
    /// `netsh_port_forwarding.yml`.
    ///
    /// ## Fix
    /// Rename the file: `proc_creation_win_netsh_port_forwarding.yml`.
    code: "SL702",
    name: "filename-prefix",
    severity: Warning,
    profile: SigmaHq,
    fixable: false,
    runner: Rule(run),
}

/// The file-name prefix SigmaHQ expects for a log source, if it has one.
fn expected_prefix(logsource: &TaxonomyLogSource) -> Option<&'static str> {
    TAXONOMY
        .filename_prefixes
        .iter()
        .find(|(source, _)| source == logsource)
        .map(|(_, prefix)| prefix.as_str())
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(name), Some(logsource)) = (
        ctx.path.and_then(Path::file_name),
        ctx.rule.logsource.as_ref(),
    ) else {
        return;
    };
    if ctx.rule.kind == RuleKind::Global {
        return;
    }
    let value = |part: &Option<SpannedStr>| part.as_ref().map(|s| s.value.clone());
    let source = TaxonomyLogSource {
        category: value(&logsource.category),
        product: value(&logsource.product),
        service: value(&logsource.service),
    };
    let name = name.to_string_lossy();
    if let Some(prefix) = expected_prefix(&source).filter(|p| !name.starts_with(p)) {
        out.push(Diagnostic::new(
            &CHECK,
            logsource.range,
            format!("file name `{name}` should start with `{prefix}` for this logsource: rename the file"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_process_creation_prefix() {
        let source = TaxonomyLogSource {
            category: Some("process_creation".into()),
            product: Some("windows".into()),
            service: None,
        };
        assert_eq!(expected_prefix(&source), Some("proc_creation_win_"));
    }
}
