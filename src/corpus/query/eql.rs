//! Predicate extractor for Elastic Event Query Language (EQL).
//!
//! The query is tokenized once; its frame is read here and each condition is
//! handed to the shared condition parser ([`super::elastic`]):
//!
//! * `category where condition`: one step;
//! * `sequence|sample [by ...] [with maxspan=...] [step] [by ...] [with runs=n]
//!   ... [until [step]]`: every bracketed step is polarized on its own, and the
//!   `until` step, whose match cancels the sequence, counts as a negated
//!   conjunct (its positive tests become exclusions);
//! * pipes (`| tail 1`, `| head 5`) post-process results and add no tests,
//!   except `| filter condition`, read as one more conjunct.
//!
//! Step categories (`process`, `network`, `any`, ...) go to `sources`.

use super::elastic::{Expr, Tok, Token, parse_condition, tokenize};
use crate::corpus::predicate::Extraction;

const LANG: &str = "eql";

/// Extracts the field tests and event categories of an EQL query.
pub fn extract(query: &str) -> Extraction {
    let tokens = tokenize(query);
    let mut extraction = Extraction::default();
    let mut pipes = tokens.split(|t| t.is_sym("|"));
    let body = pipes.next().unwrap_or_default();
    if body.first().is_some_and(|t| t.is_word("sequence") || t.is_word("sample") || t.is_word("join")) {
        for (step, is_until) in bracketed_steps(body) {
            let condition = step_condition(step, &mut extraction);
            let condition = if is_until { Expr::negate(condition) } else { condition };
            condition.collect_predicates(&mut extraction.predicates);
        }
    } else {
        step_condition(body, &mut extraction).collect_predicates(&mut extraction.predicates);
    }
    for pipe in pipes {
        if let Some((head, condition)) = pipe.split_first() {
            if head.is_word("filter") {
                parse_condition(condition, LANG, &mut extraction.skipped)
                    .collect_predicates(&mut extraction.predicates);
            }
        }
    }
    extraction
}

/// Parses `category where condition`, recording the category as a source.
fn step_condition(step: &[Token], extraction: &mut Extraction) -> Expr {
    match step {
        [category, where_, condition @ ..] if where_.is_word("where") => {
            if let Tok::Word(name) = &category.tok {
                if !extraction.sources.contains(name) {
                    extraction.sources.push(name.clone());
                }
            }
            parse_condition(condition, LANG, &mut extraction.skipped)
        }
        [] => Expr::Unknown,
        _ => {
            extraction.skipped.push(format!("{LANG}:unknown-query"));
            Expr::Unknown
        }
    }
}

/// The top-level `[ ... ]` groups of a sequence, each with whether it follows
/// `until`. An unclosed bracket runs to the end.
fn bracketed_steps(tokens: &[Token]) -> Vec<(&[Token], bool)> {
    let mut steps = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut after_until = false;
    for (i, token) in tokens.iter().enumerate() {
        if token.is_sym("[") {
            if depth == 0 {
                start = i + 1;
            }
            depth += 1;
        } else if token.is_sym("]") && depth > 0 {
            depth -= 1;
            if depth == 0 {
                steps.push((&tokens[start..i], after_until));
            }
        } else if depth == 0 {
            after_until = token.is_word("until");
        }
    }
    if depth > 0 {
        steps.push((&tokens[start..], after_until));
    }
    steps
}
