use crate::checks::{Diagnostic, Severity};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a file that cannot be read as a rule at all: not UTF-8,
    /// binary (NUL bytes), unreadable, or far too large.
    ///
    /// ## Why is this bad?
    /// Sigma rules are UTF-8 YAML; any other file is skipped by every tool,
    /// so its detection never runs.
    ///
    /// ## Example
    /// A rule saved as UTF-16 or Latin-1 by an editor.
    ///
    /// ## Fix
    /// Save the file as UTF-8.
    code: "SL100",
    name: "invalid-input",
    severity: Error,
    fixable: false,
    runner: Input,
}

/// Checks the raw bytes of a file; the lint driver calls this before
/// parsing. On failure it returns the text decoded lossily (so the finding
/// can point at the bad byte in a code frame) and the finding.
pub fn decode(bytes: Vec<u8>) -> Result<String, Box<(String, Diagnostic)>> {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(at_byte(
            &bytes,
            nul,
            "file is binary (it contains NUL bytes)",
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        at_byte(error.as_bytes(), at, "file is not valid UTF-8")
    })
}

pub fn diagnostic(range: TextRange, message: String) -> Diagnostic {
    Diagnostic {
        code: CHECK.code,
        severity: Severity::Error,
        message,
        range,
        related: Vec::new(),
        fix: None,
    }
}

fn at_byte(bytes: &[u8], at: usize, what: &str) -> Box<(String, Diagnostic)> {
    let valid = String::from_utf8_lossy(&bytes[..at]);
    let lossy = format!("{valid}{}", String::from_utf8_lossy(&bytes[at..]));
    let offset = valid.len() as u32;
    let next = lossy[offset as usize..]
        .chars()
        .next()
        .map_or(0, char::len_utf8) as u32;
    let message = format!("{what}: bad byte 0x{:02x}", bytes[at]);
    Box::new((
        lossy,
        diagnostic(TextRange::new(offset, offset + next), message),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_bad_byte() {
        assert_eq!(decode(b"title: ok\n".to_vec()).unwrap(), "title: ok\n");
        let (text, error) = *decode(b"title: ok\nid: caf\xe9\n".to_vec()).unwrap_err();
        assert_eq!(error.message, "file is not valid UTF-8: bad byte 0xe9");
        assert_eq!(error.range.slice(&text), "\u{fffd}");
        assert_eq!(&text[..error.range.start as usize], "title: ok\nid: caf");
        let (_, error) = *decode(b"ab\0".to_vec()).unwrap_err();
        assert!(error.message.starts_with("file is binary"));
    }
}
