//! `cargo bench --bench lsp_latency`: language-server latency with the
//! embedded corpus index, replaying typing over real SigmaHQ rules.
//!
//! In-process, through the analysis layer the server calls: each field name
//! of each rule is retyped one character at a time; after every keystroke
//! the text is re-parsed and linted (what the server does on `didChange`)
//! and completion is asked at the cursor; hover is asked on every field and
//! value. Diagnostics are also reported apart for rules of 100+ lines and
//! for every corpus rule of about 200 lines (the target). End to
//! end: `sigmalens server` is started over stdio and timed to its first
//! completion (cold start), and its peak RSS read from /proc.
//! Needs `../shared/corpus`; prints a skip line without it.

#[path = "../tests/support/lsp.rs"]
mod lsp;

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sigmalens::analysis::completion::completions;
use sigmalens::analysis::hover::hover;
use sigmalens::checks::lint_file;
use sigmalens::config::Settings;
use sigmalens::index::Index;
use sigmalens::index::corpus_source::IndexCorpus;
use sigmalens::lint;
use sigmalens::rule::RuleFile;

/// Rules replayed: a few hundred, as the brief of the benchmark asks.
const RULES: usize = 300;
/// Field items retyped per rule.
const ITEMS_PER_RULE: usize = 4;
/// Rules at least this long count as "long" for the diagnostics target.
const LONG_RULE_LINES: usize = 100;
/// Rules of about 200 lines, the size the issue sets the diagnostics target for.
const TARGET_LINES: RangeInclusive<usize> = 150..=250;
/// Server processes started for the cold-start figure.
const COLD_STARTS: usize = 5;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sigma = root.join("../shared/corpus/sigma/rules");
    if !sigma.is_dir() {
        println!("skipped: ../shared/corpus/sigma not found");
        return;
    }
    let started = Instant::now();
    let corpus = IndexCorpus::embedded().expect("embedded index is valid");
    // Diagnostics as the server computes them: corpus checks included.
    let index = Index::embedded().expect("embedded index is valid");
    let first = RuleFile::parse(
        "logsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        \n"
            .to_string(),
    );
    let first_offset = first.text.len() as u32 - 1;
    assert!(!completions(&first, first_offset, &corpus).is_empty());
    let cold_in_process = started.elapsed();
    // The corpus checks' per-rule tables are built once, on the first
    // diagnostics; report that apart from the per-edit figures.
    let tables_started = Instant::now();
    index.tables();
    let first_diagnostics_extra = tables_started.elapsed();

    let mut inputs = lint::discover(&[sigma]).expect("corpus readable");
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    // Spread the sample over every folder rather than the first few.
    let step = (inputs.len() / RULES).max(1);
    let texts: Vec<String> = inputs
        .iter()
        .step_by(step)
        .take(RULES)
        .filter_map(|input| std::fs::read_to_string(&input.path).ok())
        .collect();

    let settings = Settings::default();
    let mut sample = Latencies::default();
    let mut long_diagnostics = Vec::new();
    for text in &texts {
        let rule = replay(text, &settings, index, &corpus);
        if text.lines().count() >= LONG_RULE_LINES {
            long_diagnostics.extend(&rule.diagnostics);
        }
        sample.extend(rule);
    }
    // The 200-line target, over every corpus rule of about that size.
    let mut around_target = Vec::new();
    let mut target_rules = 0;
    for input in &inputs {
        let Ok(text) = std::fs::read_to_string(&input.path) else {
            continue;
        };
        if TARGET_LINES.contains(&text.lines().count()) {
            target_rules += 1;
            around_target.extend(replay(&text, &settings, index, &corpus).diagnostics);
        }
    }

    println!("replayed {} SigmaHQ rules", texts.len());
    report("completion", &mut sample.completion);
    report("hover", &mut sample.hovers);
    report("diagnostics after an edit", &mut sample.diagnostics);
    report(
        &format!("diagnostics after an edit, rules of {LONG_RULE_LINES}+ lines"),
        &mut long_diagnostics,
    );
    report(
        &format!(
            "diagnostics after an edit, all {target_rules} rules of {}-{} lines",
            TARGET_LINES.start(),
            TARGET_LINES.end()
        ),
        &mut around_target,
    );
    println!(
        "cold start in-process (index validated, first completion): {:.1} ms",
        ms(cold_in_process)
    );
    println!(
        "one-time corpus tables, on the first diagnostics: {:.1} ms",
        ms(first_diagnostics_extra)
    );
    println!("peak RSS in-process: {} MB", peak_rss_kb("self") / 1024);
    server_cold_start();
}

#[derive(Default)]
struct Latencies {
    completion: Vec<Duration>,
    hovers: Vec<Duration>,
    diagnostics: Vec<Duration>,
}

impl Latencies {
    fn extend(&mut self, other: Latencies) {
        self.completion.extend(other.completion);
        self.hovers.extend(other.hovers);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// Hovers on every field and value of one rule, then retypes its first
/// `ITEMS_PER_RULE` field names: after each keystroke, diagnostics of the
/// edited text (parse and lint) and completion at the cursor.
fn replay(text: &str, settings: &Settings, index: &Index, corpus: &IndexCorpus) -> Latencies {
    let mut times = Latencies::default();
    let file = RuleFile::parse(text.to_string());
    let items: Vec<_> = file
        .rules
        .iter()
        .filter_map(|r| r.detection.as_ref())
        .flat_map(|d| d.selections.iter().flat_map(|s| s.field_items()))
        .filter(|item| !item.field.value.is_empty())
        .collect();
    for item in &items {
        let offsets = [item.field.range.start + 1]
            .into_iter()
            .chain(item.values.iter().map(|v| v.range.start + 1));
        for offset in offsets {
            times.hovers.push(time(|| hover(&file, offset, corpus)));
        }
    }
    for item in items.iter().take(ITEMS_PER_RULE) {
        let field = item.field.range;
        for typed in 1..=field.len() {
            let cursor = field.start + typed;
            if !text.is_char_boundary(cursor as usize) {
                continue;
            }
            let edited = format!(
                "{}{}",
                &text[..cursor as usize],
                &text[field.end as usize..]
            );
            let mut reparsed = None;
            times.diagnostics.push(time(|| {
                let file = RuleFile::parse(edited);
                lint_file(&file, None, settings, Some(index));
                reparsed = Some(file);
            }));
            let file = reparsed.expect("parsed");
            times
                .completion
                .push(time(|| completions(&file, cursor, corpus)));
        }
    }
    times
}

/// Starts the server `COLD_STARTS` times: process start to the first
/// completion answer, and the server's own peak RSS.
fn server_cold_start() {
    let text = "title: t\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        \n    condition: sel\n";
    let mut starts = Vec::new();
    let mut rss_kb = 0;
    for _ in 0..COLD_STARTS {
        let started = Instant::now();
        let mut session = lsp::Session::start();
        session.initialize(&["utf-8"]);
        session.open(text);
        let answer = session.result("textDocument/completion", session.at(6, 8));
        starts.push(started.elapsed());
        assert!(answer.as_array().is_some_and(|items| !items.is_empty()));
        rss_kb = rss_kb.max(peak_rss_kb(&session.child.id().to_string()));
        session.shutdown();
    }
    report("server cold start to first completion", &mut starts);
    println!("peak RSS of the server: {} MB", rss_kb / 1024);
}

fn time<T>(work: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    std::hint::black_box(work());
    started.elapsed()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &mut [Duration]) {
    if times.is_empty() {
        println!("{what}: no samples");
        return;
    }
    times.sort();
    let at = |percentile: usize| times[(times.len() * percentile / 100).min(times.len() - 1)];
    println!(
        "{what}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} samples)",
        ms(at(50)),
        ms(at(99)),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// `VmHWM` of a process (`self` or a pid), in kB.
fn peak_rss_kb(process: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
