use crate::checks::util::verbatim_range;
use crate::checks::{Context, Diagnostic};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a title that starts with the word "Detect" or "Detects".
    ///
    /// ## Why is this bad?
    /// Every rule detects something: the word adds length and hides the
    /// part of the title that tells rules apart. SigmaHQ does not accept it.
    ///
    /// ## Example
    /// ```yaml
    /// title: Detects Netsh Port Forwarding
    /// ```
    ///
    /// ## Fix
    /// Drop the word: `title: Netsh Port Forwarding`.
    code: "SL203",
    name: "title-starts-with-detect",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(title) = &ctx.rule.title else { return };
    let Some((word, _)) = title.value.split_once(' ') else {
        return;
    };
    if !(word.eq_ignore_ascii_case("detect") || word.eq_ignore_ascii_case("detects")) {
        return;
    }
    // Point at the word when the title is written verbatim.
    let range = verbatim_range(ctx.text(), title.range, &title.value)
        .map_or(title.range, |inner| {
            TextRange::new(inner.start, inner.start + word.len() as u32)
        });
    out.push(Diagnostic::new(
        &CHECK,
        range,
        format!("title starts with `{word}`, which every rule does: drop the word"),
    ));
}
