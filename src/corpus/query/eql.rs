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
    if body
        .first()
        .is_some_and(|t| t.is_word("sequence") || t.is_word("sample") || t.is_word("join"))
    {
        for (step, is_until) in bracketed_steps(body) {
            let (category, condition) = step_condition(step, &mut extraction);
            let condition = if is_until {
                Expr::negate(condition)
            } else {
                condition
            };
            let first_of_step = extraction.predicates.len();
            condition.collect_predicates(&mut extraction.predicates);
            for predicate in &mut extraction.predicates[first_of_step..] {
                predicate.step_source = category.map(str::to_string);
            }
        }
    } else {
        let (_, condition) = step_condition(body, &mut extraction);
        condition.collect_predicates(&mut extraction.predicates);
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

/// Parses `category where condition`, recording the category as a source;
/// returns the category with the condition.
fn step_condition<'t>(step: &'t [Token], extraction: &mut Extraction) -> (Option<&'t str>, Expr) {
    match step {
        [category, where_, condition @ ..] if where_.is_word("where") => {
            let name = match &category.tok {
                Tok::Word(name) => Some(name.as_str()),
                _ => None,
            };
            if let Some(name) = name {
                if !extraction.sources.iter().any(|s| s == name) {
                    extraction.sources.push(name.to_string());
                }
            }
            let condition = parse_condition(condition, LANG, &mut extraction.skipped);
            (name, condition)
        }
        [] => (None, Expr::Unknown),
        _ => {
            extraction.skipped.push(format!("{LANG}:unknown-query"));
            (None, Expr::Unknown)
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

#[cfg(test)]
mod tests {
    use super::super::elastic::describe;
    use super::*;

    fn lines(query: &str) -> Vec<String> {
        describe(&extract(query))
    }

    #[test]
    fn comparison_operators() {
        assert_eq!(
            lines(
                r#"process where a == "x" and b : "y" and c : "*y?" and d in ("1", "2") and e in~ ("3")
                   and f like "z*" and g like~ ("p", "q*") and h regex ".*r" and i regex~ "s" and j : ("k", "l*")
                   and n >= 4 and o < -1 and p == true and q : r.field"#
            ),
            [
                "+ a eq x",
                "+ b eq y",
                "+ c wildcard *y?",
                "+ d eq 1|2",
                "+ e eq 3",
                "+ f wildcard z*",
                "+ g wildcard p|q*",
                "+ h regex_match .*r",
                "+ i regex_match s",
                "+ j wildcard k|l*",
                "+ n gte 4",
                "+ o lt -1",
                "+ p eq true",
                "+ q fieldref r.field",
            ]
        );
    }

    #[test]
    fn negation_polarity() {
        assert_eq!(
            lines(
                r#"any where a == "1" and b != "2" and not c : "3" and not (d == "4" or e in ("5")) and f not in ("6")"#
            ),
            [
                "+ a eq 1", "- b eq 2", "- c eq 3", "- d eq 4", "- e eq 5", "- f eq 6"
            ]
        );
        assert_eq!(
            lines(r#"any where (a == "1" or b != "2") and not (c == "3" and not d == "4")"#),
            ["+ a eq 1", "~ b eq 2", "- c eq 3", "~ d eq 4"]
        );
    }

    #[test]
    fn null_comparisons_are_presence_tests() {
        assert_eq!(
            lines("file where ?a.b != null and c == null and not d != null"),
            ["+ a.b is_not_null", "+ c is_null", "- d is_not_null"]
        );
    }

    #[test]
    fn functions() {
        let extraction = extract(
            r#"process where startsWith~(a, "x") and endsWith(b, "y") and stringContains(c, "z")
               and cidrMatch(d, "10.0.0.0/8", "::1") and length(e) > 3 and not arrayContains(f, "g")"#,
        );
        assert_eq!(
            describe(&extraction),
            [
                "+ a starts_with x",
                "+ b ends_with y",
                "+ c match z",
                "+ d cidr 10.0.0.0/8|::1"
            ]
        );
        assert_eq!(
            extraction.skipped,
            ["eql:function:length", "eql:function:arraycontains"]
        );
    }

    #[test]
    fn strings_names_and_escapes() {
        assert_eq!(
            lines(
                r#"registry where `odd/name`.x == "C:\\a\"b" and r : """C:\raw""" and s : ?"C:\raw2" and n == 4624"#
            ),
            [
                r#"+ odd/name.x eq C:\a"b"#,
                r"+ r eq C:\raw",
                r"+ s eq C:\raw2",
                "+ n eq 4624"
            ]
        );
    }

    #[test]
    fn sequence_steps_until_and_sources() {
        let extraction = extract(
            r#"/* lead */ sequence by host.id, process.entity_id with maxspan=30s
                 [process where a == "1" and not b == "2"] by x
                 [network where c : "3"] with runs=2
               until [process where d == "4"]
               | tail 1"#,
        );
        assert_eq!(extraction.sources, ["process", "network"]);
        assert_eq!(
            describe(&extraction),
            ["+ a eq 1", "- b eq 2", "+ c eq 3", "- d eq 4"]
        );
    }

    #[test]
    fn each_sequence_test_keeps_its_step_source() {
        let steps = |query: &str| -> Vec<(String, Option<String>)> {
            extract(query)
                .predicates
                .into_iter()
                .map(|p| (p.field, p.step_source))
                .collect()
        };
        let step = |field: &str, source: Option<&str>| (field.to_string(), source.map(Into::into));
        assert_eq!(
            steps(
                r#"sequence by host.id [process where a == "1" or b == "2"]
                   [network where c == 3] until [file where not d == "4"] | filter e == "5""#
            ),
            [
                step("a", Some("process")),
                step("b", Some("process")),
                step("c", Some("network")),
                step("d", Some("file")),
                // A pipe filter reads every step's events.
                step("e", None),
            ]
        );
        // Outside a sequence the query's category is the rule's own.
        assert_eq!(steps(r#"network where c == 3"#), [step("c", None)]);
        // A step without a category word has no source of its own.
        assert_eq!(steps(r#"sequence ["x" where c == 3]"#), [step("c", None)]);
    }

    #[test]
    fn sample_and_pipe_filter() {
        let extraction = extract(
            r#"sample by host.id [file where a == "1"] [any where b == "2"] | filter c == "3""#,
        );
        assert_eq!(extraction.sources, ["file", "any"]);
        assert_eq!(describe(&extraction), ["+ a eq 1", "+ b eq 2", "+ c eq 3"]);
    }

    #[test]
    fn garbage_never_panics() {
        for query in [
            "",
            "where",
            "process",
            "process where",
            "process where (",
            "process where a ==",
            "sequence [",
            "sequence [process where a == \"1\"",
            "process where a in (",
            "process where f(",
            "process where \"x",
            "process where ) ] , |",
            "process where - - -",
            "process where a :: :: b",
            "process where [ [",
        ] {
            extract(query);
        }
        let deep = format!(
            "process where {}a == 1{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert!(extract(&deep).skipped.contains(&"eql:too-deep".to_string()));
        let calls = format!(
            "process where {}a{}",
            "f(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert!(
            extract(&calls)
                .skipped
                .contains(&"eql:too-deep".to_string())
        );
        let big = "process where ".to_string() + &"a == \"x\" and ".repeat(80_000) + "b == 1";
        assert_eq!(extract(&big).predicates.len(), 80_001);
    }
}
