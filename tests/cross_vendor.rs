//! One meaning, one indicator: the same test written for Sigma, Elastic and
//! Splunk meets in one row, and each vendor's negation lands in exclusions.

use std::path::{Path, PathBuf};

use sigmalens::corpus::read_all;
use sigmalens::index::build::{BuildOptions, build_index};
use sigmalens::index::query::{self, Limits, NameCount, Reach};
use sigmalens::index::{Index, store};

const CROSS_VENDOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cross-vendor");

fn index_of(root: &Path) -> Index {
    let rules = read_all(root).unwrap();
    Index::from_bytes(&store::encode(&build_index(
        &rules,
        &BuildOptions::default(),
    )))
    .unwrap()
}

fn reach(index: &Index, field: &str, value: &str) -> Reach {
    query::reach(index.data(), field, value, None, Limits::default()).unwrap()
}

fn per_vendor(counts: &[(&str, u32)]) -> Vec<NameCount> {
    counts
        .iter()
        .map(|&(name, rules)| NameCount {
            name: name.to_string(),
            rules,
        })
        .collect()
}

#[test]
fn the_same_test_in_three_vendors_is_one_indicator() {
    let index = index_of(Path::new(CROSS_VENDOR));
    let netsh = reach(&index, "Image|endswith", "\\netsh.exe");
    assert_eq!(netsh.reach, 3);
    assert_eq!(
        netsh.per_vendor,
        per_vendor(&[("elastic", 1), ("sigma", 1), ("splunk", 1)])
    );
    // Only one indicator row holds netsh: no vendor spelling is left over.
    let netsh_rows = index
        .data()
        .indicators
        .iter()
        .filter(|row| row.value.contains("netsh"))
        .count();
    assert_eq!(netsh_rows, 1);

    let explorer = reach(&index, "ParentImage|endswith", "\\explorer.exe");
    assert_eq!((explorer.reach, explorer.as_exclusion), (0, 3));

    let guide = query::technique_guide(&index, "T1090", Limits::default()).unwrap();
    assert_eq!(guide.rules_total, 3);
}

/// The whole shared corpus, every vendor, builds without panicking.
#[test]
fn the_full_corpus_builds() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !root.join("sigma").is_dir() {
        println!("skipped: no corpus at {}", root.display());
        return;
    }
    let index = index_of(&root);
    let stats = query::stats(index.data(), Limits::default());
    let vendors: Vec<&str> = stats.vendors.iter().map(|v| v.vendor.as_str()).collect();
    assert_eq!(vendors, ["sigma", "elastic", "splunk", "sentinel"]);
    for vendor in &stats.vendors {
        println!(
            "{}: {} rules, {} with a query, {} with an indicator, {} with a logsource",
            vendor.vendor,
            vendor.rules,
            vendor.with_query,
            vendor.with_indicator,
            vendor.with_logsource
        );
        assert!(vendor.with_indicator > 0);
    }
}
