use crate::checks::util::report_duplicates;
use crate::checks::{Diagnostic, ProjectFile, Severity};

crate::check! {
    /// ## What it does
    /// Reports an `id` used by two rules linted together, and a rule that
    /// lists its own id in `related` (a warning: tools survive it). Each
    /// finding names the other place.
    ///
    /// ## Why is this bad?
    /// Tools key rules by id: one of the two rules overwrites the other in
    /// a backend, and alerts, filters and correlations point at the wrong
    /// rule. Usually a rule was copied and its id kept.
    ///
    /// ## Example
    /// ```yaml
    /// # rule_a.yml and rule_b.yml
    /// id: 6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d11
    /// ```
    ///
    /// ## Fix
    /// Give the copy a freshly generated UUID, and link the original with
    /// `related: [{id: <original>, type: derived}]`.
    code: "SL212",
    name: "duplicate-id",
    severity: Error,
    fixable: false,
    runner: Project(run),
}

fn run(files: &[ProjectFile], out: &mut Vec<(usize, Diagnostic)>) {
    report_duplicates(
        &CHECK,
        "id",
        files,
        |rule| rule.id.as_ref(),
        str::to_ascii_lowercase,
        out,
    );
    for (index, file) in files.iter().enumerate() {
        for rule in &file.file.rules {
            let Some(id) = &rule.id else { continue };
            let own = rule
                .related
                .iter()
                .filter_map(|related| related.id.as_ref())
                .filter(|related| related.value.eq_ignore_ascii_case(&id.value));
            for related in own {
                out.push((
                    index,
                    Diagnostic {
                        // Harmless to tools, unlike two rules sharing an id.
                        severity: Severity::Warning,
                        ..Diagnostic::new(
                            &CHECK,
                            related.range,
                            format!(
                                "`related` lists the rule's own id `{}`: link other rules only",
                                related.value
                            ),
                        )
                    }
                    .with_related(id.range, "the rule's id"),
                ));
            }
        }
    }
}
