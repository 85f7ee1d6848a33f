//! Predicate extractor for ES|QL.
//!
//! The query is tokenized once and split into commands at `|`:
//!
//! * `FROM a-*, b METADATA ...` (and `TS`): index patterns go to `sources`;
//! * `WHERE condition`: parsed by the shared condition parser
//!   ([`super::elastic`]), each clause polarized on its own;
//! * `EVAL`, `STATS`, `INLINE STATS`, `RENAME`, `DISSECT`, `GROK`, `ENRICH`
//!   create columns. A later `WHERE` on such a column (or on any `Esql.*`
//!   name, the corpus convention for computed columns) tests a computation,
//!   not an event field, so its tests are dropped; except for `EVAL` aliases
//!   (`x = to_lower(field)`, `x = field`), whose tests go to the field.
//!
//! Other commands (`KEEP`, `SORT`, `LIMIT`, `MV_EXPAND`, ...) test nothing.

use std::collections::HashMap;

use super::elastic::{TRANSPARENT_FUNCTIONS, Tok, Token, parse_condition, tokenize};
use crate::corpus::predicate::Extraction;

const LANG: &str = "esql";

/// Extracts the field tests and index patterns of an ES|QL query.
pub fn extract(query: &str) -> Extraction {
    let tokens = tokenize(query);
    let mut extraction = Extraction::default();
    // Created column -> the event field it aliases, if it is a plain alias.
    let mut columns: HashMap<String, Option<String>> = HashMap::new();
    for command in tokens.split(|t| t.is_sym("|")) {
        let Some((head, args)) = command.split_first() else {
            continue;
        };
        let Tok::Word(name) = &head.tok else {
            extraction.skipped.push(format!("{LANG}:unknown-command"));
            continue;
        };
        match name.to_ascii_lowercase().as_str() {
            "from" | "ts" => extraction.sources.extend(index_patterns(query, args)),
            "where" => {
                let mut predicates = Vec::new();
                parse_condition(args, LANG, &mut extraction.skipped)
                    .collect_predicates(&mut predicates);
                for mut predicate in predicates {
                    match columns.get(&predicate.field) {
                        Some(Some(field)) => predicate.field = field.clone(),
                        Some(None) => continue,
                        None if predicate.field.starts_with("Esql.") => continue,
                        None => {}
                    }
                    extraction.predicates.push(predicate);
                }
            }
            "eval" => {
                for (name, alias_of) in evaluated_columns(args) {
                    let field = alias_of.map(|f| match columns.get(&f) {
                        Some(resolved) => resolved.clone(),
                        None => Some(f),
                    });
                    columns.insert(name, field.flatten());
                }
            }
            "stats" | "inlinestats" => columns.extend(computed(assigned_names(args))),
            "inline" => columns.extend(computed(assigned_names(args.get(1..).unwrap_or_default()))),
            "rename" => columns.extend(computed(renamed_names(args))),
            "dissect" | "grok" => columns.extend(computed(pattern_names(args))),
            "enrich" => {
                let with = args
                    .iter()
                    .position(|t| t.is_word("with"))
                    .map_or(args.len(), |i| i + 1);
                columns.extend(computed(enriched_names(&args[with..])));
            }
            _ => {}
        }
    }
    extraction
}

/// Columns that hold computed values, aliasing no field.
fn computed(names: Vec<String>) -> impl Iterator<Item = (String, Option<String>)> {
    names.into_iter().map(|name| (name, None))
}

/// Index patterns of `FROM`, up to `METADATA`, as written in the query.
fn index_patterns(query: &str, args: &[Token]) -> Vec<String> {
    let end = args
        .iter()
        .position(|t| t.is_word("metadata") || t.is_sym("["))
        .unwrap_or(args.len());
    args[..end]
        .split(|t| t.is_sym(","))
        .filter_map(|pattern| match pattern {
            [] => None,
            [
                Token {
                    tok: Tok::Str(quoted),
                    ..
                },
            ] => Some(quoted.clone()),
            [first, .., last] | [first @ last] => {
                Some(query[first.span.start..last.span.end].to_string())
            }
        })
        .collect()
}

/// Splits arguments at top-level commas and `BY`: the items of `EVAL` and
/// `STATS` lists.
fn list_items(args: &[Token]) -> Vec<&[Token]> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in args.iter().enumerate() {
        if token.is_sym("(") {
            depth += 1;
        } else if token.is_sym(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && (token.is_sym(",") || token.is_word("by")) {
            items.push(&args[start..i]);
            start = i + 1;
        }
    }
    items.push(&args[start..]);
    items
}

/// `name = expression` items create `name`.
fn assigned_names(args: &[Token]) -> Vec<String> {
    list_items(args)
        .into_iter()
        .filter_map(|item| match item {
            [
                Token {
                    tok: Tok::Word(name),
                    ..
                },
                equals,
                ..,
            ] if equals.is_sym("=") => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// `EVAL` columns, each with the field it aliases: `x = field` and
/// `x = to_lower(field)` alias `field`.
fn evaluated_columns(args: &[Token]) -> Vec<(String, Option<String>)> {
    list_items(args)
        .into_iter()
        .filter_map(|item| {
            let [
                Token {
                    tok: Tok::Word(name),
                    ..
                },
                equals,
                value @ ..,
            ] = item
            else {
                return None;
            };
            if !equals.is_sym("=") {
                return None;
            }
            let alias_of = match value {
                [
                    Token {
                        tok: Tok::Word(field),
                        ..
                    },
                ] if !["true", "false", "null"].contains(&field.to_ascii_lowercase().as_str()) => {
                    Some(field.clone())
                }
                [
                    Token {
                        tok: Tok::Word(function),
                        ..
                    },
                    open,
                    Token {
                        tok: Tok::Word(field),
                        ..
                    },
                    close,
                ] if open.is_sym("(")
                    && close.is_sym(")")
                    && TRANSPARENT_FUNCTIONS.contains(&function.to_ascii_lowercase().as_str()) =>
                {
                    Some(field.clone())
                }
                _ => None,
            };
            Some((name.clone(), alias_of))
        })
        .collect()
}

/// `old AS new` and `new = old` create `new`.
fn renamed_names(args: &[Token]) -> Vec<String> {
    list_items(args)
        .into_iter()
        .filter_map(|item| match item {
            [
                _,
                as_,
                Token {
                    tok: Tok::Word(new),
                    ..
                },
            ] if as_.is_word("as") => Some(new.clone()),
            [
                Token {
                    tok: Tok::Word(new),
                    ..
                },
                equals,
                _,
            ] if equals.is_sym("=") => Some(new.clone()),
            _ => None,
        })
        .collect()
}

/// `ENRICH ... WITH a = b, c` creates `a` and `c`.
fn enriched_names(args: &[Token]) -> Vec<String> {
    list_items(args)
        .into_iter()
        .filter_map(|item| match item.first() {
            Some(Token {
                tok: Tok::Word(name),
                ..
            }) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// Keys a `DISSECT` (`%{name}`, `%{+name}`, `%{name->}`) or `GROK`
/// (`%{PATTERN:name:type}`, `(?<name>...)`) pattern creates.
fn pattern_names(args: &[Token]) -> Vec<String> {
    let Some(pattern) = args.iter().find_map(|t| match &t.tok {
        Tok::Str(s) => Some(s.as_str()),
        _ => None,
    }) else {
        return Vec::new();
    };
    let dissect_or_grok = pattern.split("%{").skip(1).filter_map(|key| {
        let key = &key[..key.find('}')?];
        let name = match key.split(':').nth(1) {
            Some(grok_name) => grok_name,
            None => key
                .trim_start_matches(['+', '?', '*', '&'])
                .split('/')
                .next()?
                .trim_end_matches("->"),
        };
        Some(name.to_string())
    });
    let named_groups = pattern
        .split("(?<")
        .skip(1)
        .filter_map(|group| Some(group[..group.find('>')?].to_string()));
    dissect_or_grok
        .chain(named_groups)
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::elastic::describe;
    use super::*;

    fn lines(query: &str) -> Vec<String> {
        describe(&extract(query))
    }

    #[test]
    fn from_patterns_become_sources() {
        let extraction =
            extract(r#"FROM logs-a.b-*, "quoted-*",other METADATA _id, _index | LIMIT 5"#);
        assert_eq!(extraction.sources, ["logs-a.b-*", "quoted-*", "other"]);
    }

    #[test]
    fn where_operators() {
        assert_eq!(
            lines(
                r#"from x | WHERE a == "1" AND b LIKE "*z" AND c RLIKE "r.*" AND d IN ("p", "q") AND e IS NOT NULL
                   AND f is null AND g >= 3 AND to_lower(h) like "low*" AND starts_with(i, "s") AND h2 : "t"
                   AND @timestamp > now() - 1 hour AND cidr_match(to_ip(j), "10.0.0.0/8")"#
            ),
            [
                "+ a eq 1",
                "+ b wildcard *z",
                "+ c regex_match r.*",
                "+ d eq p|q",
                "+ e is_not_null",
                "+ f is_null",
                "+ g gte 3",
                "+ h wildcard low*",
                "+ i starts_with s",
                "+ h2 eq t",
                "+ j cidr 10.0.0.0/8",
            ]
        );
    }

    #[test]
    fn negations_per_where_clause() {
        assert_eq!(
            lines(
                r#"from x | where a == "1" and a != "2" and not b like "3*" and c not in ("4") and d not like "5"
                   | where not (e == "6" or f == "7") | where g == "8" or not h == "9""#
            ),
            [
                "+ a eq 1",
                "- a eq 2",
                "- b wildcard 3*",
                "- c eq 4",
                "- d wildcard 5",
                "- e eq 6",
                "- f eq 7",
                "+ g eq 8",
                "~ h eq 9"
            ]
        );
    }

    #[test]
    fn computed_columns_are_dropped_and_aliases_followed() {
        assert_eq!(
            lines(
                r#"from x
                   | eval low = to_lower(process.name), n = length(process.args), Esql.k = 1, copy = user.name
                   | stats cnt = count(*), Esql.v = values(host.name) by host.id, bucket = bucket(@timestamp, 1 hour)
                   | rename host.id AS hid, newer = user.id
                   | dissect message "%{+left} %{?skip}->%{right->}"
                   | grok text "%{IP:client.ip} (?<verb>\\w+)"
                   | where low == "cmd.exe" and copy == "bob" and n > 3 and cnt > 1 and bucket == 1 and Esql.v == "a"
                       and Esql.other == "b" and hid == "h" and newer == "u" and left == "l" and right == "r"
                       and skip == "s" and client.ip == "1" and verb == "v" and host.name == "kept""#
            ),
            [
                "+ process.name eq cmd.exe",
                "+ user.name eq bob",
                "+ host.name eq kept"
            ]
        );
    }

    #[test]
    fn embedded_kql_is_extracted() {
        assert_eq!(
            lines(r#"from x | where a == "1" and not KQL("""b : "two" or c : thr*""")"#),
            ["+ a eq 1", "- b eq two", "- c wildcard thr*"]
        );
    }

    #[test]
    fn garbage_never_panics() {
        for query in [
            "",
            "|",
            "| |",
            "from",
            "where",
            "from x | where",
            "from x | where (",
            "from x | where a in (",
            "from x | eval = =",
            "from x | dissect",
            "from x | grok y \"%{\"",
            "from x | rename as",
            "123 | \"x\"",
            "from x | where a like",
            "from x | where a is",
            "from x | where not not",
        ] {
            extract(query);
        }
        let deep = format!(
            "from x | where {}a == 1{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        assert!(
            extract(&deep)
                .skipped
                .contains(&"esql:too-deep".to_string())
        );
        let big = "from x | where ".to_string() + &"a == \"x\" or ".repeat(80_000) + "b == 1";
        assert_eq!(extract(&big).predicates.len(), 2);
    }
}
