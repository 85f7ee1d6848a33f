use crate::checks::util::report_duplicates;
use crate::checks::{Diagnostic, ProjectFile};

crate::check! {
    /// ## What it does
    /// Reports a title used by two rules linted together (ignoring case and
    /// surrounding spaces). Each finding names the other rule.
    ///
    /// ## Why is this bad?
    /// Titles become alert names: analysts cannot tell which rule fired.
    /// Usually a rule was copied and its title kept.
    ///
    /// ## Example
    /// ```yaml
    /// # rule_a.yml and rule_b.yml
    /// title: Netsh Port Forwarding
    /// ```
    ///
    /// ## Fix
    /// Name what sets the rules apart (`Netsh Port Forwarding - PowerShell`).
    code: "SL213",
    name: "duplicate-title",
    severity: Warning,
    fixable: false,
    runner: Project(run),
}

fn run(files: &[ProjectFile], out: &mut Vec<(usize, Diagnostic)>) {
    report_duplicates(
        &CHECK,
        "title",
        files,
        |rule| rule.title.as_ref(),
        |title| title.trim().to_lowercase(),
        out,
    );
}
