//! `sigmalens eval`: how well the corpus intelligence predicts what SigmaHQ
//! authors actually wrote. An index of every vendor's rules dated before
//! `--until` is built in memory (undated rules, all of Sentinel's, are left
//! out); SigmaHQ rules dated from then on are the test set.
//!
//! - Exclusions: each test rule with filters loses them, SL802 ranks
//!   suggestions; recall@5/@10 of its real excluded (field, value) pairs
//!   (the operator is not judged; recall@5 with it is reported too) and the
//!   precision of the first five.
//! - Fields: the rank of each field a test rule uses among its logsource's
//!   fields by corpus usage (plain, and as completion ranks them once the
//!   rule's other tests are known, without the keys beside it in its map);
//!   recall@5.
//! - Noise: the share of SigmaHQ rules SL801 flags, by level and folder,
//!   on the full embedded index.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use crate::checks::corpus::{RuleInCorpus, sigma_item};
use crate::checks::rules::suggested_attack_tag::suggest_techniques;
use crate::checks::rules::unusual_attack_tag::uncarried;
use crate::checks::{self, Severity};
use crate::config::Settings;
use crate::corpus::read_all;
use crate::corpus::rule::{CorpusRule, Vendor};
use crate::index::build::{BuildOptions, build_index};
use crate::index::store::{Index, encode};
use crate::rule::{Rule, RuleFile, SelectionBody};

#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// The corpus root (holding `sigma/` and the other vendors' folders).
    #[arg(long, default_value = "../shared/corpus")]
    pub corpus: PathBuf,
    /// Rules dated before this day form the index; the rest are the test set.
    #[arg(long, default_value = "2025-01-01")]
    pub until: String,
    /// Also print, per test rule, its real exclusions and the suggestions.
    #[arg(long)]
    pub details: bool,
}

/// A test rule, parsed, with its place in the corpus.
pub struct TestRule<'a> {
    pub path: &'a str,
    pub rule: &'a Rule,
}

#[derive(Debug, Default)]
pub struct ExclusionScore {
    pub rules: usize,
    pub truth_keys: usize,
    /// Real pairs some older rule also excludes: the most any ranking can find.
    pub reachable_pairs: usize,
    pub capped_ceiling_at_5: f64,
    pub hits_at_5: usize,
    pub hits_at_10: usize,
    /// Real (field, op, value) keys, and hits@5 among them when the operator must match too.
    pub exact_keys: usize,
    pub exact_hits_at_5: usize,
    pub suggested_at_5: usize,
    /// Mean over rules of hits@k / min(k, real pairs).
    pub capped_recall_at_5: f64,
    pub capped_recall_at_10: f64,
    /// One paragraph per test rule, for `--details`.
    pub details: String,
}

#[derive(Debug, Default)]
pub struct FieldScore {
    pub fields: usize,
    pub unknown_logsource: usize,
    pub top5: usize,
    /// Ranked as completion does, with the rule's other tests known.
    pub top5_in_context: usize,
    /// Fields the in-context ranking lists at all (SigmaHQ used them under
    /// the logsource before the cut): the most any ranking can find.
    pub reachable: usize,
    /// The fields the in-context ranking misses, for `--details`.
    pub details: String,
}

/// Scores SL802's suggestions against the test rules' real filters.
pub fn score_exclusions(index: &Index, tests: &[TestRule], settings: &Settings) -> ExclusionScore {
    let mut score = ExclusionScore::default();
    let data = index.data();
    // Every (field, value) some older rule excludes: the most a ranking can find.
    let known: BTreeSet<(&str, &str)> = data
        .exclusions
        .iter()
        .map(|e| {
            (
                data.fields[e.field.to_native() as usize].name.as_str(),
                e.value.as_str(),
            )
        })
        .collect();
    for test in tests {
        let mut in_corpus = RuleInCorpus::new(index, test.rule);
        let truth = std::mem::take(&mut in_corpus.exclusion);
        if truth.is_empty() {
            continue;
        }
        let ranked: Vec<_> = in_corpus
            // The ranking itself: no minimum of similar rules.
            .suggest_exclusions(settings.thresholds.exclusion_neighbours, 0)
            .filter(|s| sigma_item(&s.key).is_some())
            .take(10)
            .collect();
        // Judged on (field, value), as authors write them; the operator may differ.
        let pairs: BTreeSet<(&str, &str)> = truth
            .iter()
            .map(|k| (k.field.as_str(), k.value.as_str()))
            .collect();
        let hits = |k: usize| {
            let found: BTreeSet<(&str, &str)> = ranked
                .iter()
                .take(k)
                .map(|s| (s.key.field.as_str(), s.key.value.as_str()))
                .filter(|pair| pairs.contains(pair))
                .collect();
            found.len()
        };
        score.rules += 1;
        score.truth_keys += pairs.len();
        let reachable = pairs.iter().filter(|p| known.contains(*p)).count();
        score.reachable_pairs += reachable;
        score.capped_ceiling_at_5 += reachable.min(5) as f64 / pairs.len().min(5) as f64;
        score.hits_at_5 += hits(5);
        score.hits_at_10 += hits(10);
        score.exact_keys += truth.len();
        score.exact_hits_at_5 += ranked
            .iter()
            .take(5)
            .filter(|s| truth.contains(&s.key))
            .count();
        score.suggested_at_5 += ranked.len().min(5);
        // At most five can be found in five suggestions.
        score.capped_recall_at_5 += hits(5) as f64 / pairs.len().min(5) as f64;
        score.capped_recall_at_10 += hits(10) as f64 / pairs.len().min(10) as f64;
        score.details += &format!(
            "{} ({} of {} pairs reachable)\n",
            test.path,
            reachable,
            pairs.len()
        );
        for (field, value) in &pairs {
            let rank = ranked
                .iter()
                .position(|s| (s.key.field.as_str(), s.key.value.as_str()) == (*field, *value));
            let mark = match rank {
                Some(r) => format!("#{}", r + 1),
                None if known.contains(&(*field, *value)) => "reachable".into(),
                None => "unseen".into(),
            };
            score.details += &format!("  real  {field} = {value:?}  [{mark}]\n");
        }
        for (rank, s) in ranked.iter().enumerate() {
            let hit = pairs.contains(&(s.key.field.as_str(), s.key.value.as_str()));
            score.details += &format!(
                "  #{:<2}{} {} {:?} {:?} score {:.3}, {} similar rules\n",
                rank + 1,
                if hit { "*" } else { " " },
                s.key.field,
                s.key.op,
                s.key.value,
                s.score,
                s.rules.len()
            );
        }
    }
    score.capped_recall_at_5 /= score.rules.max(1) as f64;
    score.capped_recall_at_10 /= score.rules.max(1) as f64;
    score.capped_ceiling_at_5 /= score.rules.max(1) as f64;
    score
}

/// The other keys of the maps where the rule tests `field`: completion does
/// not offer those while `field` is being typed there.
fn keys_beside<'r>(rule: &'r Rule, field: &str) -> BTreeSet<&'r str> {
    let maps = rule
        .detection
        .iter()
        .flat_map(|d| &d.selections)
        .flat_map(|s| match &s.body {
            SelectionBody::Maps { maps, .. } => maps.as_slice(),
            _ => &[],
        });
    maps.filter(|map| map.items.iter().any(|item| item.field.value == field))
        .flat_map(|map| &map.items)
        .map(|item| item.field.value.as_str())
        .filter(|name| *name != field)
        .collect()
}

/// Scores the logsource field ranking completion offers.
pub fn score_fields(index: &Index, tests: &[TestRule]) -> FieldScore {
    let data = index.data();
    let mut score = FieldScore::default();
    for test in tests {
        let in_corpus = RuleInCorpus::new(index, test.rule);
        let mut fields: Vec<&str> = in_corpus
            .positive
            .iter()
            .chain(&in_corpus.exclusion)
            .map(|k| k.field.as_str())
            .collect();
        fields.sort_unstable();
        fields.dedup();
        let ranked: Vec<&str> = in_corpus.logsource_position.map_or_else(Vec::new, |p| {
            data.logsources[p as usize]
                .fields
                .iter()
                .map(|c| data.fields[c.key.to_native() as usize].name.as_str())
                .collect()
        });
        for &field in &fields {
            score.fields += 1;
            if ranked.is_empty() {
                score.unknown_logsource += 1;
            }
            if ranked.iter().take(5).any(|f| *f == field) {
                score.top5 += 1;
            }
            let beside = keys_beside(test.rule, field);
            let mut in_context = in_corpus.fields_by_context(field);
            in_context.retain(|name| !beside.contains(name));
            match in_context.iter().position(|f| *f == field) {
                Some(rank) if rank < 5 => {
                    score.reachable += 1;
                    score.top5_in_context += 1;
                }
                Some(rank) => {
                    score.reachable += 1;
                    score.details += &format!(
                        "{}: {field} ranked #{} after {}\n",
                        test.path,
                        rank + 1,
                        in_context[..5].join(", ")
                    );
                }
                None => score.details += &format!("{}: {field} unseen\n", test.path),
            }
        }
    }
    score
}

#[derive(Debug, Default)]
pub struct TagScore {
    /// Real technique tags of the test rules, and those SL805 calls unusual.
    pub real: usize,
    pub real_flagged: usize,
    /// A technique of another test rule added to each rule, and those flagged.
    pub foreign: usize,
    pub foreign_flagged: usize,
    /// Real techniques removed one at a time, and those SL804 then suggests
    /// (itself or its parent).
    pub removed: usize,
    pub removed_suggested: usize,
    /// Rules with all their tags, and those SL804 still suggests a tag for.
    pub tagged_rules: usize,
    pub tagged_rules_suggested: usize,
}

/// Scores SL805 (does it flag foreign tags more than real ones?) and SL804
/// (does it suggest a technique the rule lost?).
pub fn score_tags(index: &Index, tests: &[TestRule], settings: &Settings) -> TagScore {
    let thresholds = &settings.thresholds;
    let unusual = |rule: &RuleInCorpus, id: &str| uncarried(rule, id, thresholds).is_some();
    let suggest = |rule: &RuleInCorpus, techniques: &BTreeSet<String>| {
        suggest_techniques(rule, techniques, thresholds)
    };
    let in_corpus: Vec<RuleInCorpus> = tests
        .iter()
        .map(|t| RuleInCorpus::new(index, t.rule))
        .filter(|r| !r.techniques.is_empty())
        .collect();
    let data = index.data();
    let mut score = TagScore::default();
    for (i, rule) in in_corpus.iter().enumerate() {
        for id in &rule.techniques {
            score.real += 1;
            score.real_flagged += usize::from(unusual(rule, id));
        }
        // The tag a copy-paste from the next tagged rule would bring.
        let foreign = in_corpus[i + 1..]
            .iter()
            .chain(&in_corpus[..i])
            .flat_map(|other| &other.techniques)
            .find(|id| !rule.techniques.contains(*id));
        if let Some(id) = foreign {
            score.foreign += 1;
            score.foreign_flagged += usize::from(unusual(rule, id));
        }
        score.tagged_rules += 1;
        score.tagged_rules_suggested += usize::from(!suggest(rule, &rule.techniques).is_empty());
        for removed in &rule.techniques {
            let mut rest = rule.techniques.clone();
            rest.remove(removed);
            score.removed += 1;
            score.removed_suggested +=
                usize::from(suggest(rule, &rest).iter().any(|s| {
                    removed.starts_with(data.techniques[s.technique as usize].id.as_str())
                }));
        }
    }
    score
}

/// Share of rules SL801 flags, per group (`level:high`, `folder:rules-threat-hunting`).
pub fn noise(
    index: &Index,
    rules: &[(&CorpusRule, &RuleFile)],
) -> BTreeMap<String, (usize, usize)> {
    let settings = Settings {
        select: vec!["SL801".into()],
        ..Settings::default()
    };
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (corpus, file) in rules {
        let flagged = checks::lint_file(file, None, &settings, Some(index))
            .iter()
            .any(|d| d.code == "SL801" && d.severity >= Severity::Warning);
        let folder = corpus.path.split('/').nth(1).unwrap_or("").to_string();
        for group in [
            format!("level:{}", corpus.level),
            format!("folder:{folder}"),
        ] {
            let entry = groups.entry(group).or_default();
            entry.0 += usize::from(flagged);
            entry.1 += 1;
        }
    }
    groups
}

pub fn run(args: EvalArgs) -> Result<u8, String> {
    let started = Instant::now();
    let rules = read_all(&args.corpus)
        .map_err(|e| format!("cannot read the corpus at {}: {e}", args.corpus.display()))?;
    let options = BuildOptions {
        until: Some(args.until.clone()),
        ..BuildOptions::default()
    };
    let held_out =
        Index::from_bytes(&encode(&build_index(&rules, &options))).map_err(|e| e.to_string())?;
    // Only SigmaHQ rules are tested and parsed; the other vendors only feed the index.
    let sigma_rules: Vec<&CorpusRule> =
        rules.iter().filter(|r| r.vendor == Vendor::Sigma).collect();
    let mut files: BTreeMap<&str, RuleFile> = BTreeMap::new();
    for rule in &sigma_rules {
        if !files.contains_key(rule.path.as_str()) {
            let text = std::fs::read_to_string(args.corpus.join(&rule.path))
                .map_err(|e| format!("{}: {e}", rule.path))?;
            files.insert(&rule.path, RuleFile::parse(text));
        }
    }
    let parsed = |corpus: &CorpusRule| -> Option<&Rule> {
        files[corpus.path.as_str()]
            .rules
            .iter()
            .find(|r| r.id.as_ref().is_some_and(|id| id.value.trim() == corpus.id))
    };
    let tests: Vec<TestRule> = sigma_rules
        .iter()
        .filter(|r| r.date.as_str() >= args.until.as_str())
        .filter_map(|corpus| {
            Some(TestRule {
                path: &corpus.path,
                rule: parsed(corpus)?,
            })
        })
        .collect();
    let settings = Settings::default();
    let exclusions = score_exclusions(&held_out, &tests, &settings);
    let fields = score_fields(&held_out, &tests);
    let tags = score_tags(&held_out, &tests, &settings);
    let full = Index::embedded().map_err(|e| e.to_string())?;
    let everything: Vec<(&CorpusRule, &RuleFile)> = sigma_rules
        .iter()
        .map(|&r| (r, &files[r.path.as_str()]))
        .collect();
    let noise = noise(full, &everything);

    let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    let mut out = format!(
        "index: {} rules of every vendor dated before {}; test set: {} SigmaHQ rules dated {} or later\n\n",
        held_out.data().rules.len(),
        args.until,
        tests.len(),
        args.until
    );
    out += &format!(
        "exclusions (SL802), {} test rules with filters, {} real (field, value) pairs ({} excluded by some older rule):\n  \
         per rule, hits over min(k, pairs): recall@5 {:.3}, recall@10 {:.3} (ceiling@5 {:.3})\n  \
         over all pairs: recall@5 {:.3}, recall@10 {:.3}; precision@5 {:.3}; \
         recall@5 with the operator judged too {:.3}\n\n",
        exclusions.rules,
        exclusions.truth_keys,
        exclusions.reachable_pairs,
        exclusions.capped_recall_at_5,
        exclusions.capped_recall_at_10,
        exclusions.capped_ceiling_at_5,
        ratio(exclusions.hits_at_5, exclusions.truth_keys),
        ratio(exclusions.hits_at_10, exclusions.truth_keys),
        ratio(exclusions.hits_at_5, exclusions.suggested_at_5),
        ratio(exclusions.exact_hits_at_5, exclusions.exact_keys),
    );
    out += &format!(
        "fields: {} (rule, field) pairs, {} under a logsource the index lacks:\n  \
         recall@5 {:.3} by logsource usage, {:.3} with the rule's other tests known \
         (ceiling {:.3}: fields SigmaHQ used under the logsource before)\n\n",
        fields.fields,
        fields.unknown_logsource,
        ratio(fields.top5, fields.fields),
        ratio(fields.top5_in_context, fields.fields),
        ratio(fields.reachable, fields.fields),
    );
    out += &format!(
        "tags: SL805 calls {:.3} of {} real technique tags unusual and {:.3} of {} copied from another rule; \
         SL804 suggests {:.3} of {} techniques removed one at a time, and a tag for {:.3} of {} fully tagged rules\n\n",
        ratio(tags.real_flagged, tags.real),
        tags.real,
        ratio(tags.foreign_flagged, tags.foreign),
        tags.foreign,
        ratio(tags.removed_suggested, tags.removed),
        tags.removed,
        ratio(tags.tagged_rules_suggested, tags.tagged_rules),
        tags.tagged_rules,
    );
    out += "noise (SL801 on the full index), flagged / rules:\n";
    for (group, (flagged, total)) in &noise {
        out += &format!(
            "  {group:32} {flagged:5} / {total:5}  {:.3}\n",
            ratio(*flagged, *total)
        );
    }
    if args.details {
        out += &format!("\n{}\n{}", exclusions.details, fields.details);
    }
    out += &format!("\n{:.1?}\n", started.elapsed());
    print!("{out}");
    Ok(0)
}
