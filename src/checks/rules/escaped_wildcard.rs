use crate::checks::util::{detection_values, is_escaped, is_wildcard_string};
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports `\*` or `\?` after a path segment (`Users\*\`): in Sigma they
    /// are a literal `*` and `?`, not a backslash and a wildcard. Values that
    /// escape backslashes elsewhere, and `\*` not between path segments
    /// (`select \*`, `page\?id=`), are taken as meant.
    ///
    /// ## Why is this bad?
    /// In a Windows path (`'C:\Users\*\AppData'`) the author almost always
    /// meant "a backslash, then anything"; the rule instead looks for a
    /// literal star and never matches.
    ///
    /// ## Example
    /// ```yaml
    /// Image|startswith: 'C:\Users\*\AppData\'
    /// ```
    ///
    /// ## Fix
    /// Write `\\*` for a backslash followed by a wildcard; keep `\*` only
    /// when a literal star is meant.
    code: "SL612",
    name: "escaped-wildcard",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for (item, value) in detection_values(detection) {
        if !is_wildcard_string(item) {
            continue;
        }
        if let Some(wildcard) = path_wildcard_escaped(&value.text) {
            out.push(Diagnostic::new(
                &CHECK,
                value.range,
                format!(
                    "`\\{wildcard}` in `{}` is a literal `{wildcard}`; write `\\\\{wildcard}` for a backslash and a wildcard",
                    value.text
                ),
            ));
        }
    }
}

/// A `\*` or `\?` that reads as a path separator followed by a wildcard
/// (`C:\Users\*\AppData`): one backslash after a path character, then `\`
/// or the end. Values that escape backslashes elsewhere (`\\\\\*\IPC$`)
/// show the author knows the escaping, and `select \*` or `page\?id=` read
/// as literals.
fn path_wildcard_escaped(text: &str) -> Option<char> {
    if text.contains("\\\\") {
        return None;
    }
    let bytes = text.as_bytes();
    text.char_indices().find_map(|(i, c)| {
        let after_path_char = i >= 2
            && bytes[i - 1] == b'\\'
            && (bytes[i - 2].is_ascii_alphanumeric() || matches!(bytes[i - 2], b':' | b'%' | b'.'));
        let then_separator = matches!(bytes.get(i + 1), None | Some(b'\\'));
        (matches!(c, '*' | '?') && is_escaped(text, i) && after_path_char && then_separator)
            .then_some(c)
    })
}

#[cfg(test)]
mod tests {
    use super::path_wildcard_escaped;

    #[test]
    fn only_path_like_escapes() {
        assert_eq!(path_wildcard_escaped(r"C:\Users\*\AppData"), Some('*'));
        assert_eq!(path_wildcard_escaped(r"\Temp\?"), Some('?'));
        assert_eq!(path_wildcard_escaped(r"C:\Users\\*\AppData"), None);
        assert_eq!(path_wildcard_escaped(r"\\\*\IPC$"), None);
        assert_eq!(path_wildcard_escaped(r"select \*"), None);
        assert_eq!(path_wildcard_escaped(r"page\?id="), None);
    }
}
