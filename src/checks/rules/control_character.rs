use crate::checks::util::detection_values;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports control characters and invisible zero-width characters in
    /// a value (zero-width joiners inside emoji sequences are fine).
    ///
    /// ## Why is this bad?
    /// They are invisible when reviewing the rule, usually come from copying
    /// text out of a web page or document, and stop the value from matching.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains: "port\u200bproxy"
    /// ```
    ///
    /// ## Fix
    /// Delete the character, or write it as a regex escape if it is meant.
    code: "SL613",
    name: "control-character",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

/// Zero-width and other invisible format characters.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for (_, value) in detection_values(detection) {
        if let Some(c) = suspicious_character(&value.text) {
            out.push(Diagnostic::new(
                &CHECK,
                value.range,
                format!(
                    "value has the invisible character `{}`; delete it or escape it",
                    c.escape_unicode()
                ),
            ));
        }
    }
}

fn suspicious_character(text: &str) -> Option<char> {
    let mut previous = ' ';
    for c in text.chars() {
        // Joiners glue emoji sequences (`👨‍💻`): only suspicious next to ASCII.
        let joins_emoji = matches!(c, '\u{200C}' | '\u{200D}') && !previous.is_ascii();
        if c.is_control() || (INVISIBLE.contains(&c) && !joins_emoji) {
            return Some(c);
        }
        previous = c;
    }
    None
}
