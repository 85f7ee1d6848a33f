//! Runs the Elastic extractors over every rule of the shared corpus, when it
//! is present, and checks that nearly every rule yields a positive predicate.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sigmalens::corpus::predicate::{Extraction, Polarity};
use sigmalens::corpus::query::{eql, esql, kuery};

const MIN_SHARE: f64 = 0.95;

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[derive(Default)]
struct LanguageCounts {
    rules: usize,
    with_positive: usize,
    without_positive: Vec<PathBuf>,
}

#[test]
fn elastic_rules_yield_positive_predicates() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/elastic");
    if !corpus.exists() {
        println!("skipped: ../shared/corpus not found");
        return;
    }
    let mut files = Vec::new();
    toml_files(&corpus, &mut files);
    files.sort();

    let mut counts: BTreeMap<&'static str, LanguageCounts> = BTreeMap::new();
    let mut skipped: HashMap<String, usize> = HashMap::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        let Some(rule) = table.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        let Some(query) = rule.get("query").and_then(|q| q.as_str()) else {
            continue;
        };
        let language = rule.get("language").and_then(|l| l.as_str()).unwrap_or("");
        let (language, extract): (&str, fn(&str) -> Extraction) = match language {
            "eql" => ("eql", eql::extract),
            "kuery" => ("kuery", kuery::extract),
            "esql" => ("esql", esql::extract),
            _ => continue,
        };
        let extraction = extract(query);
        let entry = counts.entry(language).or_default();
        entry.rules += 1;
        if extraction
            .predicates
            .iter()
            .any(|p| p.polarity == Polarity::Positive)
        {
            entry.with_positive += 1;
        } else {
            entry.without_positive.push(file.clone());
        }
        for construct in extraction.skipped {
            *skipped.entry(construct).or_default() += 1;
        }
    }

    for (language, c) in &counts {
        let share = c.with_positive as f64 / c.rules.max(1) as f64;
        println!(
            "{language}: {}/{} rules with a positive predicate ({:.1}%)",
            c.with_positive,
            c.rules,
            share * 100.0
        );
        for path in c.without_positive.iter().take(10) {
            println!(
                "  none: {}",
                path.strip_prefix(&corpus).unwrap_or(path).display()
            );
        }
    }
    let mut top: Vec<_> = skipped.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("top skipped constructs:");
    for (construct, n) in top.iter().take(15) {
        println!("  {n:5} {construct}");
    }

    for (language, c) in &counts {
        let share = c.with_positive as f64 / c.rules.max(1) as f64;
        assert!(
            share >= MIN_SHARE,
            "{language}: only {:.1}% of rules yield a positive predicate",
            share * 100.0
        );
    }
}
