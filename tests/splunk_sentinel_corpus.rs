//! Runs the Splunk SPL and Sentinel KQL extractors over the shared corpus.
//!
//! The corpus is not part of the repository; without `../shared/corpus` the
//! test reports that it skipped. YAML is read with a deliberately small,
//! test-only scalar reader (top-level `key:` values in the quoting styles the
//! corpus uses); the project's real YAML layer will replace it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use sigmalens::corpus::predicate::{Extraction, Polarity};
use sigmalens::corpus::query::{kql, spl};

const REQUIRED_SHARE: f64 = 0.95;

#[test]
fn splunk_and_sentinel_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        println!("skipped: ../shared/corpus not found");
        return;
    }

    let macros = load_macros(&corpus.join("splunk/macros"));
    // Deprecated detections are run (they must not panic) but do not count
    // towards the goal: they are no longer maintained content.
    let is_deprecated = |path: &Path| path.components().any(|c| c.as_os_str() == "deprecated");
    let splunk_detections = corpus.join("splunk/detections");
    let splunk_extract = |q: &str| spl::extract(q, &macros);
    let deprecated = yaml_files(&splunk_detections, is_deprecated);
    measure("splunk (deprecated)", &deprecated, "search", splunk_extract);
    let live = yaml_files(&splunk_detections, |path| !is_deprecated(path));
    let splunk = measure("splunk", &live, "search", splunk_extract);

    let sentinel_root = corpus.join("sentinel");
    let mut sentinel_rules = yaml_files(&sentinel_root.join("Detections"), |_| true);
    sentinel_rules.extend(yaml_files(&sentinel_root.join("Solutions"), |path| {
        path.parent()
            .and_then(Path::file_name)
            .is_some_and(|dir| dir == "Analytic Rules")
    }));
    let sentinel = measure("sentinel", &sentinel_rules, "query", kql::extract);

    for (vendor, share) in [("splunk", splunk), ("sentinel", sentinel)] {
        assert!(
            share >= REQUIRED_SHARE,
            "{vendor}: only {:.1}% of rules yield a positive predicate",
            share * 100.0
        );
    }
}

/// Runs `extract` on every rule's query, prints the statistics and returns
/// the share of rules with a query that yield a positive predicate.
fn measure(
    vendor: &str,
    rules: &[PathBuf],
    key: &str,
    extract: impl Fn(&str) -> Extraction,
) -> f64 {
    let (mut with_query, mut with_positive, mut predicates) = (0usize, 0usize, 0usize);
    let mut skipped: HashMap<String, usize> = HashMap::new();
    let mut misses = Vec::new();
    for path in rules {
        let Some(query) = read_text(path).and_then(|t| top_level_scalar(&t, key)) else {
            continue;
        };
        if query.trim().is_empty() {
            continue;
        }
        with_query += 1;
        let extraction = extract(&query);
        predicates += extraction.predicates.len();
        for name in extraction.skipped {
            *skipped.entry(name).or_default() += 1;
        }
        if extraction
            .predicates
            .iter()
            .any(|p| p.polarity == Polarity::Positive)
        {
            with_positive += 1;
        } else {
            misses.push(path.display().to_string());
        }
    }
    let share = with_positive as f64 / with_query.max(1) as f64;
    println!(
        "{vendor}: {} files, {with_query} with a query, {with_positive} with a positive predicate ({:.1}%), {predicates} predicates",
        rules.len(),
        share * 100.0
    );
    let mut top: Vec<_> = skipped.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (name, count) in top.iter().take(15) {
        println!("  skipped {count:>6}  {name}");
    }
    for miss in misses.iter().take(25) {
        println!("  no positive predicate: {miss}");
    }
    share
}

fn load_macros(dir: &Path) -> spl::Macros {
    let mut macros = spl::Macros::new();
    for path in yaml_files(dir, |_| true) {
        let Some(text) = read_text(&path) else {
            continue;
        };
        if let (Some(name), Some(definition)) = (
            top_level_scalar(&text, "name"),
            top_level_scalar(&text, "definition"),
        ) {
            macros.insert(&name, top_level_list(&text, "arguments"), &definition);
        }
    }
    macros
}

fn yaml_files(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") && keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn read_text(path: &Path) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.trim_start_matches('\u{feff}').replace("\r\n", "\n"))
}

/// The value of a top-level `key:` in any of the scalar styles the corpus
/// uses: quoted (possibly spanning lines), `|`/`>` blocks, plain.
fn top_level_scalar(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}:");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(&prefix))?;
    let first = lines[start][prefix.len()..].trim();
    let continuation = lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .copied();
    if let Some(quote @ ('\'' | '"')) = first.chars().next() {
        let joined = std::iter::once(first)
            .chain(lines[start + 1..].iter().copied())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        return Some(unquote_yaml(&joined[1..], quote));
    }
    if first.starts_with(['|', '>']) {
        let block: Vec<&str> = continuation.collect();
        let indent = block
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let body = block
            .iter()
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect::<Vec<_>>();
        let separator = if first.starts_with('|') { "\n" } else { " " };
        return Some(body.join(separator).trim_end().to_string());
    }
    let plain = std::iter::once(first)
        .chain(continuation.map(str::trim))
        .collect::<Vec<_>>()
        .join(" ");
    Some(plain.trim().to_string())
}

/// Reads a quoted YAML scalar after its opening quote, up to the closing one.
fn unquote_yaml(rest: &str, quote: char) -> String {
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            ('\'', '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            ('"', '\\') => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            (q, c) if q == c => break,
            _ => out.push(c),
        }
    }
    out
}

/// Items of a top-level block list (`key:` then `- item` lines).
fn top_level_list(text: &str, key: &str) -> Vec<String> {
    let prefix = format!("{key}:");
    let mut lines = text.lines().skip_while(|l| !l.starts_with(&prefix));
    if lines.next().is_none() {
        return Vec::new();
    }
    lines
        .map(str::trim)
        .take_while(|l| l.starts_with('-'))
        .map(|l| l[1..].trim().trim_matches(['\'', '"']).to_string())
        .collect()
}
