use crate::checks::util::{detection_values, is_escaped, is_wildcard_string};
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports `\*` or `\?` after a path segment (`Users\*\`): in Sigma they
    /// are a literal `*` and `?`, not a backslash and a wildcard. Values that
    /// escape a backslash or a wildcard elsewhere (`\*avira\*`, `select \*`)
    /// are taken as meant.
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
/// (`C:\Users\*\AppData`): one backslash after a folder name, then `\`
/// (or the end, for `*`). A value that escapes a backslash (`\\\*\IPC$`) or a wildcard
/// elsewhere (`\*avira\*`, `select \*`) shows the author means literals.
fn path_wildcard_escaped(text: &str) -> Option<char> {
    if text.contains("\\\\") {
        return None;
    }
    let bytes = text.as_bytes();
    // `?` at the end reads as a URL's query mark (`import\?`), `:\*` as a
    // literal command-line argument: only a folder name before counts.
    let path_like = |i: usize| {
        let after_folder_name =
            i >= 2 && (bytes[i - 2].is_ascii_alphanumeric() || matches!(bytes[i - 2], b'%' | b'.'));
        let then_separator = match bytes.get(i + 1) {
            None => bytes[i] == b'*',
            Some(&next) => next == b'\\',
        };
        after_folder_name && then_separator
    };
    let mut escaped = text
        .char_indices()
        .filter(|&(i, c)| matches!(c, '*' | '?') && is_escaped(text, i));
    let (first, wildcard) = escaped.next()?;
    (path_like(first) && escaped.all(|(i, _)| path_like(i))).then_some(wildcard)
}

#[cfg(test)]
mod tests {
    use super::path_wildcard_escaped;

    #[test]
    fn only_path_like_escapes() {
        assert_eq!(path_wildcard_escaped(r"C:\Users\*\AppData"), Some('*'));
        assert_eq!(path_wildcard_escaped(r"\Temp\*"), Some('*'));
        assert_eq!(path_wildcard_escaped(r"\Temp\?\x"), Some('?'));
        assert_eq!(path_wildcard_escaped(r"mboximport\?"), None);
        assert_eq!(path_wildcard_escaped(r"/text:\*"), None);
        assert_eq!(path_wildcard_escaped(r"C:\Users\\*\AppData"), None);
        assert_eq!(path_wildcard_escaped(r"\\\*\IPC$"), None);
        assert_eq!(path_wildcard_escaped(r"select \*"), None);
        assert_eq!(path_wildcard_escaped(r"page\?id="), None);
        assert_eq!(path_wildcard_escaped(r"\*avira\*"), None);
    }
}
