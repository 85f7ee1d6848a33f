use std::path::Path;

use crate::checks::Diagnostic;
use crate::config::Settings;
use crate::rule::RuleFile;
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a rule file whose name is longer than
    /// `thresholds.filename-max-length` characters (110 by default).
    /// SigmaHQ profile only.
    ///
    /// ## Why is this bad?
    /// Long paths break on Windows checkouts (260 characters in all) and
    /// are hard to read in reviews; SigmaHQ keeps names short.
    ///
    /// ## Example
    /// `proc_creation_win_netsh_port_forwarding_configuration_added_by_an_attacker_through_the_command_line_interface_for_lateral_movement.yml`
    ///
    /// ## Fix
    /// Shorten the name to the essentials (`proc_creation_win_netsh_port_fwd.yml`).
    code: "SL701",
    name: "filename-too-long",
    severity: Warning,
    profile: SigmaHq,
    fixable: false,
    runner: File(run),
}

fn run(_: &RuleFile, path: Option<&Path>, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let Some(name) = path.and_then(Path::file_name) else {
        return;
    };
    let name = name.to_string_lossy();
    let length = name.chars().count();
    let limit = settings.thresholds.filename_max_length;
    if length > limit {
        out.push(Diagnostic::new(
            &CHECK,
            TextRange::empty(0),
            format!(
                "file name `{name}` is {length} characters long: shorten it to at most {limit}"
            ),
        ));
    }
}
