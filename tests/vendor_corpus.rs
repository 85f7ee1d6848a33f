//! Runs every vendor reader over the shared corpus, when it is present, and
//! checks that nearly every rule with a query yields a positive predicate.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use sigmalens::corpus::predicate::Polarity;
use sigmalens::corpus::rule::CorpusRule;
use sigmalens::corpus::{elastic, sentinel, splunk};

/// The goal for every vendor.
const MIN_SHARE: f64 = 0.95;

fn corpus_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        Some(root)
    } else {
        println!("skipped: ../shared/corpus not found");
        None
    }
}

/// Prints the reader's statistics and asserts the share of rules with a
/// query that yield a positive predicate.
fn measure(vendor: &str, read: fn(&Path) -> io::Result<Vec<CorpusRule>>, min_share: f64) {
    let Some(root) = corpus_root() else { return };
    let rules = read(&root).unwrap();
    let with_query: Vec<&CorpusRule> = rules.iter().filter(|r| r.has_query).collect();
    let misses: Vec<String> = with_query
        .iter()
        .filter(|r| {
            !r.predicates
                .iter()
                .any(|p| p.polarity == Polarity::Positive)
        })
        .map(|r| format!("{} (skipped {:?})", r.path, r.skipped))
        .collect();
    let share = 1.0 - misses.len() as f64 / with_query.len().max(1) as f64;
    println!(
        "{vendor}: {} rules, {} with a query, {:.1}% with a positive predicate",
        rules.len(),
        with_query.len(),
        share * 100.0
    );
    let mut skipped: HashMap<&str, usize> = HashMap::new();
    for name in rules.iter().flat_map(|r| &r.skipped) {
        *skipped.entry(name).or_default() += 1;
    }
    let mut top: Vec<_> = skipped.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    for (name, count) in top.iter().take(15) {
        println!("  skipped {count:>6}  {name}");
    }
    for miss in misses.iter().take(25) {
        println!("  no positive predicate: {miss}");
    }
    assert!(
        share >= min_share,
        "{vendor}: only {:.1}% of rules with a query yield a positive predicate",
        share * 100.0
    );
}

#[test]
fn elastic_rules_yield_positive_predicates() {
    measure("elastic", elastic::read_corpus, MIN_SHARE);
}

#[test]
fn splunk_rules_yield_positive_predicates() {
    measure("splunk", splunk::read_corpus, MIN_SHARE);
}

#[test]
fn sentinel_rules_yield_positive_predicates() {
    measure("sentinel", sentinel::read_corpus, MIN_SHARE);
}
