//! Text and JSON renderings of query answers.

use std::fmt::Write;

use serde::Serialize;

use super::query::{FieldUsage, IndicatorRow, NameCount, Reach, RuleRef, Stats, TechniqueGuide};

pub fn json(answer: &impl Serialize) -> String {
    serde_json::to_string_pretty(answer).expect("answers always serialize")
}

fn counts(list: &[NameCount]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|c| format!("{} {}", c.name, c.rules))
        .collect();
    parts.join(", ")
}

fn indicator_lines(out: &mut String, heading: &str, rows: &[IndicatorRow]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{heading} (rules here / corpus reach / per vendor)");
    for row in rows {
        let _ = writeln!(
            out,
            "  {} {} {}  {} / {}  [{}]",
            row.field,
            row.op,
            row.value,
            row.rules,
            row.reach,
            counts(&row.per_vendor)
        );
    }
}

/// Rules with their authors: DRL 1.1 asks for the credit.
fn rule_lines(out: &mut String, rules: &[RuleRef], total: u32) {
    let _ = writeln!(out, "\nRules ({} of {total})", rules.len());
    for rule in rules {
        let _ = writeln!(
            out,
            "  [{}] {} ({}) by {}\n      {}",
            rule.vendor, rule.title, rule.level, rule.author, rule.path
        );
    }
}

pub fn technique_text(guide: &TechniqueGuide) -> String {
    let mut out = String::new();
    let asked = guide
        .asked
        .as_ref()
        .map_or(String::new(), |a| format!(" (asked for {a})"));
    let _ = writeln!(out, "{} {}{asked}", guide.id, guide.name);
    let _ = writeln!(out, "Tactics: {}", guide.tactics.join(", "));
    let _ = writeln!(
        out,
        "Rules: {} [{}]",
        guide.rules_total,
        counts(&guide.per_vendor)
    );
    if !guide.events.is_empty() {
        let _ = writeln!(out, "\nEvents covered");
        for e in &guide.events {
            let id = if e.event_id.is_empty() {
                "-"
            } else {
                &e.event_id
            };
            let _ = writeln!(
                out,
                "  {}  {} {}  ({} rules)",
                e.logsource, e.provider, id, e.rules
            );
        }
    }
    let _ = writeln!(out, "\nFields filtered most: {}", counts(&guide.fields));
    indicator_lines(&mut out, "Top indicators", &guide.indicators);
    indicator_lines(&mut out, "Exclusions", &guide.exclusions);
    rule_lines(&mut out, &guide.rules, guide.rules_total);
    out
}

pub fn reach_text(reach: &Reach) -> String {
    let mut out = String::new();
    let scope = reach
        .logsource
        .as_ref()
        .map_or(String::new(), |l| format!(" in {l}"));
    let _ = writeln!(out, "{} {} {}{scope}", reach.field, reach.op, reach.value);
    let _ = writeln!(
        out,
        "Reach: {} rules [{}]",
        reach.reach,
        counts(&reach.per_vendor)
    );
    let _ = writeln!(out, "Excluded by: {} rules", reach.as_exclusion);
    let _ = writeln!(out, "Techniques: {}", counts(&reach.per_technique));
    let _ = writeln!(out, "Logsources: {}", counts(&reach.per_logsource));
    rule_lines(&mut out, &reach.rules, reach.reach);
    out
}

pub fn field_text(usage: &FieldUsage) -> String {
    let mut out = String::new();
    let scope = usage
        .logsource
        .as_ref()
        .map_or(String::new(), |l| format!(" in {l}"));
    let _ = writeln!(out, "{}{scope}: {} rules", usage.field, usage.rules);
    let _ = writeln!(out, "Logsources: {}", counts(&usage.per_logsource));
    let _ = writeln!(out, "Operators: {}", counts(&usage.operators));
    if !usage.aliases.is_empty() {
        let _ = writeln!(out, "\nAliases");
        for a in &usage.aliases {
            let _ = writeln!(out, "  {:<24} {} ({})", a.vendor, a.field, a.relation);
        }
    }
    indicator_lines(&mut out, "Top values", &usage.top_indicators);
    out
}

pub fn stats_text(stats: &Stats) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Corpus index (format {})", stats.format_version);
    let _ = writeln!(out, "Rules: {}", counts(&stats.rules_per_vendor));
    let _ = writeln!(
        out,
        "Rows: {} techniques, {} logsources, {} fields, {} indicators, {} exclusions",
        stats.techniques, stats.logsources, stats.fields, stats.indicators, stats.exclusions
    );
    let _ = writeln!(
        out,
        "Tests: {} positive, {} exclusion, {} nested (not counted), {} keyword values (not indexed)",
        stats.positive_tests, stats.exclusion_tests, stats.nested_tests, stats.keyword_values
    );
    let _ = writeln!(
        out,
        "Skipped constructs (rules): {}",
        counts(&stats.skipped)
    );
    for v in &stats.vendors {
        let share = f64::from(v.with_indicator) * 100.0 / f64::from(v.with_query.max(1));
        let logsource_share = f64::from(v.with_logsource) * 100.0 / f64::from(v.rules.max(1));
        let _ = writeln!(
            out,
            "{}: {} rules, {} with a query, {} with an indicator ({share:.1}%), \
             {} with a logsource ({logsource_share:.1}%); skipped: {}",
            v.vendor,
            v.rules,
            v.with_query,
            v.with_indicator,
            v.with_logsource,
            counts(&v.skipped)
        );
    }
    let _ = writeln!(out, "Top logsources: {}", counts(&stats.top_logsources));
    let _ = writeln!(out, "Top fields: {}", counts(&stats.top_fields));
    out
}
