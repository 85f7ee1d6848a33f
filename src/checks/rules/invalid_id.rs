use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports an `id` that is not a UUID (`8-4-4-4-12` hexadecimal digits).
    ///
    /// ## Why is this bad?
    /// Sigma requires rule ids to be UUIDs; pySigma refuses the rule.
    ///
    /// ## Example
    /// ```yaml
    /// id: netsh-portproxy-1
    /// ```
    ///
    /// ## Fix
    /// Replace it with a freshly generated UUID (`uuidgen`).
    code: "SL211",
    name: "invalid-id",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits, any case.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(id) = &ctx.rule.id {
        if !is_uuid(&id.value) {
            out.push(Diagnostic::new(
                &CHECK,
                id.range,
                format!("id `{}` is not a UUID: generate one (`uuidgen`)", id.value),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_uuid;

    #[test]
    fn uuids() {
        assert!(is_uuid("6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d11"));
        assert!(is_uuid("6E8A2C3C-2B8B-4B4A-9D3B-4A4C8F1C2D11"));
        for bad in [
            "",
            "6e8a2c3c2b8b4b4a9d3b4a4c8f1c2d11",
            "6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d1",
            "6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d11-0",
            "6e8a2c3g-2b8b-4b4a-9d3b-4a4c8f1c2d11",
            "{6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d11}",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
