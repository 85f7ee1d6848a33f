use crate::checks::{Context, Diagnostic};
use crate::rule::{Modifier, ValueKind};

crate::check! {
    /// ## What it does
    /// Reports a Sysmon `Hashes` value that is a bare hash: the field holds
    /// `TYPE=VALUE` pairs (`SHA256=…,IMPHASH=…`).
    ///
    /// ## Why is this bad?
    /// A bare hash never equals the field, so an exact match never hits.
    /// (With `|contains` a bare hash still matches, but other hash fields
    /// are often what was meant.)
    ///
    /// ## Example
    /// ```yaml
    /// Hashes: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    /// ```
    ///
    /// ## Fix
    /// Prefix the type (`Hashes|contains: 'SHA256=e3b0…'`).
    code: "SL634",
    name: "hashes-format",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        if item.field.value != "Hashes" || item.has(Modifier::Re) {
            continue;
        }
        let fragment_allowed = item.has(Modifier::Contains);
        for value in item.values.iter().filter(|v| v.kind == ValueKind::Str) {
            let text = value.text.trim_matches('*');
            let bare_hash = text.len() >= 32 && text.bytes().all(|b| b.is_ascii_hexdigit());
            if bare_hash || (!fragment_allowed && !text.contains('=')) {
                out.push(Diagnostic::new(
                    &CHECK,
                    value.range,
                    format!(
                        "`Hashes` holds `TYPE=VALUE` pairs, not `{}`; prefix the hash type ({})",
                        value.text,
                        hash_types(text.len())
                    ),
                ));
            }
        }
    }
}

/// The Sysmon hash types a hex digest of this length can be.
fn hash_types(length: usize) -> &'static str {
    match length {
        32 => "`MD5=` or `IMPHASH=`",
        40 => "`SHA1=`",
        64 => "`SHA256=`",
        _ => "`MD5=`, `SHA1=`, `SHA256=` or `IMPHASH=`",
    }
}
