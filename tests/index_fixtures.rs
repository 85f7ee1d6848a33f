//! The index counts exactly: built from hand-written fixture rules.

use std::path::{Path, PathBuf};

use sigmalens::checks::corpus::RuleInCorpus;
use sigmalens::cli::index::{BuildArgs, build};
use sigmalens::corpus::rule::LogSourceKey;
use sigmalens::index::query::{self, Limits};
use sigmalens::index::{Index, IndexError};
use sigmalens::rule::RuleFile;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigmalens-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn build_fixtures(name: &str, until: Option<&str>, exclude: &[&str]) -> (PathBuf, Index) {
    let out = out_dir(name);
    build(&BuildArgs {
        corpus: PathBuf::from(FIXTURES),
        out: out.clone(),
        until: until.map(str::to_string),
        exclude_rule: exclude.iter().map(|s| s.to_string()).collect(),
        exclude_from: None,
    })
    .unwrap();
    let index = Index::load(&out.join("index.rkyv")).unwrap();
    (out, index)
}

fn reach(index: &Index, field: &str, value: &str) -> u32 {
    query::reach(index.data(), field, value, None, Limits::default())
        .unwrap()
        .reach
}

fn excluded(index: &Index, field: &str, value: &str) -> u32 {
    query::reach(index.data(), field, value, None, Limits::default())
        .unwrap()
        .as_exclusion
}

#[test]
fn counts_each_rule_once_per_row() {
    let (_, index) = build_fixtures("counts", None, &[]);
    // r1 (twice, two cases), r2, r3 (`*\netsh.exe`), r5; not the deprecated r6,
    // not r4's `netsh.exe` without the backslash.
    assert_eq!(reach(&index, "Image|endswith", "\\netsh.exe"), 4);
    assert_eq!(reach(&index, "Image|endswith", "\\NetSh.EXE"), 4);
    assert_eq!(reach(&index, "Image", "*\\netsh.exe"), 4);
    assert_eq!(reach(&index, "Image|endswith", "netsh.exe"), 1);
    // `|all`: each value counts.
    assert_eq!(reach(&index, "CommandLine|contains", "interface"), 1);
    assert_eq!(reach(&index, "CommandLine|contains", "portproxy"), 1);
    // windash: `/interface` is keyed as `-interface`.
    assert_eq!(reach(&index, "CommandLine|contains", "-interface"), 1);
    assert_eq!(reach(&index, "CommandLine|contains", "/interface"), 1);
    assert_eq!(reach(&index, "OriginalFileName", "NETSH.exe"), 1);
}

#[test]
fn negations_become_exclusions_or_nothing() {
    let (_, index) = build_fixtures("negations", None, &[]);
    // `1 of filter_main_*` (r1) and `not filter_system` (r3); r5's filter is nested.
    assert_eq!(excluded(&index, "User|contains", "system"), 2);
    assert_eq!(reach(&index, "User|contains", "system"), 0);
    assert_eq!(
        excluded(&index, "ParentImage", "c:\\windows\\explorer.exe"),
        1
    );
    assert_eq!(excluded(&index, "CommandLine|contains", "show"), 1);
    // Under a double negation: counted nowhere.
    assert_eq!(excluded(&index, "CommandLine|contains", "nested_value"), 0);
    assert_eq!(reach(&index, "CommandLine|contains", "nested_value"), 0);
    // r5's `sel_cmd` is positive even though its filter is nested.
    assert_eq!(reach(&index, "Image|endswith", "\\cmd.exe"), 1);

    let stats = query::stats(index.data(), Limits::default());
    assert_eq!(stats.keyword_values, 1);
    assert_eq!(stats.nested_tests, 2);
}

#[test]
fn technique_guide_counts_per_technique() {
    let (_, index) = build_fixtures("technique", None, &[]);
    // r1 and r3 carry T1090, r5 its sub-technique T1090.001.
    let guide = query::technique_guide(&index, "t1090", Limits::default()).unwrap();
    assert_eq!(guide.rules_total, 3);
    let netsh = guide
        .indicators
        .iter()
        .find(|row| row.field == "Image" && row.value == "\\netsh.exe")
        .unwrap();
    assert_eq!((netsh.rules, netsh.reach), (3, 4));
    let sub = query::technique_guide(&index, "T1090.001", Limits::default()).unwrap();
    assert_eq!(sub.rules_total, 1);
    assert_eq!(sub.rules[0].title, "Fixture Nested Negation");
    let system = guide
        .exclusions
        .iter()
        .find(|row| row.field == "User")
        .unwrap();
    assert_eq!((system.rules, system.reach), (2, 2));
    assert!(guide.events.iter().any(|e| e.event_id == "4688"));
    assert!(
        guide
            .rules
            .iter()
            .all(|r| r.author.starts_with("Fixture Author"))
    );
    // A pre-v19 id finds its successor.
    let moved = query::technique_guide(&index, "T1562.001", Limits::default()).unwrap();
    assert_eq!(moved.id, "T1685");
    assert_eq!(moved.rules_total, 1);
}

fn operator_counts(usage: &query::FieldUsage) -> Vec<(&str, u32)> {
    usage
        .operators
        .iter()
        .map(|row| (row.name.as_str(), row.rules))
        .collect()
}

#[test]
fn field_usage_with_logsource_filter() {
    let (_, index) = build_fixtures("field", None, &[]);
    let process = LogSourceKey::parse("process_creation/windows");
    let usage =
        query::field_usage(index.data(), "image", Some(&process), Limits::default()).unwrap();
    assert_eq!(usage.field, "Image");
    assert_eq!(usage.rules, 5);
    assert_eq!(usage.top_indicators[0].value, "\\netsh.exe");
    assert!(usage.aliases.iter().any(|a| a.field == "process.name"));
    // r1-r5 all end-match the path (r3 as `*\netsh.exe`, r5 twice, once counted).
    assert_eq!(operator_counts(&usage), [("ends_with", 5)]);
    // The other vendors' basename tests join in without the filter.
    let everywhere = query::field_usage(index.data(), "Image", None, Limits::default()).unwrap();
    assert_eq!(operator_counts(&everywhere), [("ends_with", 8)]);
    let linux = LogSourceKey::parse("/linux");
    let none = query::field_usage(index.data(), "Image", Some(&linux), Limits::default()).unwrap();
    assert_eq!(none.rules, 0);
    assert!(none.operators.is_empty());
}

#[test]
fn sequence_steps_count_fields_under_their_own_logsource() {
    let (_, index) = build_fixtures("sequence", None, &[]);
    let data = index.data();
    // e3: a `process` step, then a `network` step; both test the user.
    let logsource = |key: &str| {
        data.logsources
            .iter()
            .find(|l| format!("{}/{}/{}", l.category, l.product, l.service) == key)
            .unwrap()
    };
    let fields = |key: &str| -> Vec<(String, u32)> {
        logsource(key)
            .fields
            .iter()
            .map(|c| {
                let field = &data.fields[c.key.to_native() as usize];
                (field.name.to_string(), c.rules.to_native())
            })
            .collect()
    };
    // The rule is the first step's; the network step's logsource has no rule.
    assert_eq!(logsource("process_creation/linux/").rules, 1);
    assert_eq!(logsource("network_connection/linux/").rules, 0);
    assert_eq!(
        fields("process_creation/linux/"),
        [("CommandLine".to_string(), 1), ("user.name".to_string(), 1)]
    );
    assert_eq!(
        fields("network_connection/linux/"),
        [
            ("DestinationIp".to_string(), 1),
            ("DestinationPort".to_string(), 1),
            ("user.name".to_string(), 1)
        ]
    );
    let per_logsource = |field: &str| -> Vec<(String, u32)> {
        query::field_usage(data, field, None, Limits::default())
            .unwrap()
            .per_logsource
            .into_iter()
            .map(|c| (c.name, c.rules))
            .collect()
    };
    assert_eq!(
        per_logsource("DestinationPort"),
        [("network_connection/linux/".to_string(), 1)]
    );
    // Tested in both steps (no Linux alias): one rule per logsource, one in all.
    let user = |filter: &str| {
        let filter = LogSourceKey::parse(filter);
        query::field_usage(data, "user.name", Some(&filter), Limits::default())
            .unwrap()
            .rules
    };
    assert_eq!(user("network_connection"), 1);
    // A filter spanning both steps counts the rule once per logsource.
    assert_eq!(user("/linux"), 2);
    let unfiltered = query::field_usage(data, "user.name", None, Limits::default()).unwrap();
    assert_eq!(unfiltered.rules, 1);
    assert_eq!(
        per_logsource("user.name"),
        [
            ("network_connection/linux/".to_string(), 1),
            ("process_creation/linux/".to_string(), 1)
        ]
    );
}

#[test]
fn sequence_steps_count_tests_under_their_own_logsource() {
    let (_, index) = build_fixtures("sequence-tests", None, &[]);
    let data = index.data();
    // e3's second step reads `network`: its port and its exclusion count
    // there, not under the rule's (first step's) `process_creation`.
    let reach_in = |field: &str, value: &str, filter: Option<&str>| {
        let filter = filter.map(LogSourceKey::parse);
        query::reach(data, field, value, filter.as_ref(), Limits::default()).unwrap()
    };
    let port = reach_in("DestinationPort", "4444", None);
    let per_logsource: Vec<(&str, u32)> = port
        .per_logsource
        .iter()
        .map(|c| (c.name.as_str(), c.rules))
        .collect();
    assert_eq!(per_logsource, [("network_connection/linux/", 1)]);
    assert_eq!(
        reach_in("DestinationPort", "4444", Some("network_connection")).reach,
        1
    );
    assert_eq!(
        reach_in("DestinationPort", "4444", Some("process_creation")).reach,
        0
    );
    let loopback = |filter| reach_in("DestinationIp", "127.0.0.1", Some(filter)).as_exclusion;
    assert_eq!(loopback("network_connection"), 1);
    assert_eq!(loopback("process_creation"), 0);
    // Tested in both steps: once under each step's logsource.
    let user = reach_in("user.name", "www-data", None);
    assert_eq!(user.reach, 1);
    assert_eq!(user.per_logsource.len(), 2);
    // The corpus checks' tables see the step's logsource too.
    let network = data
        .logsources
        .iter()
        .position(|l| l.category == "network_connection" && l.product == "linux")
        .unwrap();
    let tables = index.tables();
    assert_eq!(tables.reach_by_logsource[network], [1, 1]);
    assert_eq!(tables.exclusions_by_logsource[network].len(), 1);
    let usage = query::field_usage(
        data,
        "DestinationPort",
        Some(&LogSourceKey::parse("network_connection")),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(operator_counts(&usage), [("eq", 1)]);
    assert_eq!(usage.top_indicators[0].value, "4444");
}

#[test]
fn until_and_exclude_rule_filter_rules() {
    // Dated before 2023: r1 (2022) and r5 (2021); r4 has no date.
    let (_, index) = build_fixtures("until", Some("2023-01-01"), &[]);
    assert_eq!(reach(&index, "Image|endswith", "\\netsh.exe"), 2);
    assert_eq!(reach(&index, "Image|endswith", "netsh.exe"), 0);
    let (_, index) = build_fixtures("exclude", None, &["00000000-0000-0000-0000-000000000001"]);
    assert_eq!(reach(&index, "Image|endswith", "\\netsh.exe"), 3);
    assert_eq!(excluded(&index, "User|contains", "system"), 1);
}

#[test]
fn rebuilds_are_byte_identical() {
    let (first, _) = build_fixtures("rebuild-a", None, &[]);
    let (second, _) = build_fixtures("rebuild-b", None, &[]);
    for file in ["index.rkyv", "manifest.json", "NOTICE"] {
        let read = |dir: &Path| std::fs::read(dir.join(file)).unwrap();
        assert_eq!(read(&first), read(&second), "{file} differs");
    }
}

#[test]
fn bad_index_files_are_errors() {
    let (dir, _) = build_fixtures("corrupt", None, &[]);
    let bytes = std::fs::read(dir.join("index.rkyv")).unwrap();
    let mut wrong_version = bytes.clone();
    wrong_version[8..12].copy_from_slice(&7u32.to_le_bytes());
    assert_eq!(
        Index::from_bytes(&wrong_version).unwrap_err(),
        IndexError::WrongVersion { found: 7 }
    );
    let mut flipped = bytes.clone();
    let len = flipped.len();
    flipped[len - 40..].iter_mut().for_each(|b| *b ^= 0xA5);
    assert!(matches!(
        Index::from_bytes(&flipped),
        Err(IndexError::Corrupt(_))
    ));
    assert!(matches!(
        Index::from_bytes(&bytes[..bytes.len() / 2]),
        Err(IndexError::Corrupt(_))
    ));
    assert_eq!(
        Index::from_bytes(b"{}").unwrap_err(),
        IndexError::NotAnIndex
    );
    assert!(matches!(
        Index::load(&dir.join("missing")),
        Err(IndexError::Io(_))
    ));
}

#[test]
fn vendor_fixtures_are_read_once_each() {
    let (_, index) = build_fixtures("vendors", None, &[]);
    // Elastic kuery (and an EQL sequence, e3, elsewhere), Splunk through a
    // macro, Sentinel on Defender fields; not
    // the deprecated Elastic and Splunk rules, the Sentinel stub or its copy.
    let rundll32 = query::reach(
        index.data(),
        "Image|endswith",
        "\\rundll32.exe",
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(rundll32.reach, 3);
    let vendors: Vec<(&str, u32)> = rundll32
        .per_vendor
        .iter()
        .map(|c| (c.name.as_str(), c.rules))
        .collect();
    assert_eq!(vendors, [("elastic", 1), ("sentinel", 1), ("splunk", 1)]);
    assert_eq!(excluded(&index, "ParentImage|endswith", "\\svchost.exe"), 3);
    let stats = query::stats(index.data(), Limits::default());
    let read: Vec<(&str, u32, u32, u32)> = stats
        .vendors
        .iter()
        .map(|v| {
            (
                v.vendor.as_str(),
                v.rules,
                v.with_indicator,
                v.with_logsource,
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("sigma", 5, 5, 5),
            ("elastic", 2, 2, 2),
            ("splunk", 1, 1, 1),
            ("sentinel", 1, 1, 1)
        ]
    );
    let text = sigmalens::index::render::stats_text(&stats);
    assert!(
        text.contains("elastic: 2 rules, 2 with a query, 2 with an indicator (100.0%), 2 with a logsource (100.0%)"),
        "{text}"
    );
    // `--until` drops the undated Sentinel rule; `--exclude-rule` any vendor's.
    let (_, until) = build_fixtures("vendors-until", Some("2022-06-15"), &["e1-rundll32"]);
    assert_eq!(reach(&until, "Image|endswith", "\\rundll32.exe"), 0);
}

#[test]
fn exclusions_on_a_selected_field_count_half() {
    let (_, index) = build_fixtures("selected-field", None, &[]);
    // Two rules alike but for the field of their second, unindexed test.
    let score_of_user_filter = |second_test: &str| {
        let file = RuleFile::parse(format!(
            "title: t\nlogsource:\n    category: process_creation\n    product: windows\n\
             detection:\n    selection:\n        Image|endswith: '\\netsh.exe'\n        \
             {second_test}\n    condition: selection\n"
        ));
        RuleInCorpus::new(&index, &file.rules[0])
            .suggest_exclusions(20, 0)
            .find(|s| s.key.field == "User" && s.key.value == "system")
            .unwrap()
            .score
    };
    let selected = score_of_user_filter("User|contains: 'admin'");
    let elsewhere = score_of_user_filter("ParentImage|endswith: '\\x.exe'");
    assert!(
        (selected - elsewhere / 2.0).abs() < 1e-9,
        "{selected} vs {elsewhere}"
    );
}
