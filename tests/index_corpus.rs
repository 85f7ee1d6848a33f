//! Sigma-only reach on the real corpus, checked against an independent scan
//! of the raw YAML text (no rule parser, no index code), and the committed
//! all-vendor index checked against a rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sigmalens::corpus::{read_all, sigma};
use sigmalens::index::build::{BuildOptions, build_index};
use sigmalens::index::query::{self, Limits};
use sigmalens::index::{Index, store};

fn corpus_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.join("sigma").is_dir() {
        Some(root)
    } else {
        println!("skipped: no corpus at {}", root.display());
        None
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml") {
            out.push(path);
        }
    }
}

/// Files with `KEY: VALUE` (or `KEY:` and a `- VALUE` item) in a detection
/// selection whose name does not start with `filter`, where KEY is the field
/// and modifier with an optional `|all`; values compare case-insensitively.
fn scan(files: &[(String, String)], key: &str, value: &str) -> BTreeSet<String> {
    let keys = [format!("{key}:"), format!("{key}|all:")];
    // A trailing ` # comment` is not part of the value.
    let wanted = |raw: &str| {
        let raw = raw.split(" #").next().unwrap_or_default();
        raw.trim().trim_matches('\'').eq_ignore_ascii_case(value)
    };
    files
        .iter()
        .filter(|(_, text)| {
            let mut in_detection = false;
            let mut in_filter = false;
            let mut in_key = false;
            for line in text.lines() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let indent = line.len() - line.trim_start().len();
                let body = line.trim_start().trim_start_matches("- ");
                if indent == 0 {
                    in_detection = line.starts_with("detection:");
                    continue;
                }
                if !in_detection {
                    continue;
                }
                if indent == 4 {
                    in_filter = body.starts_with("filter");
                    in_key = false;
                    continue;
                }
                if let Some(k) = keys.iter().find(|k| body.starts_with(k.as_str())) {
                    let rest = &body[k.len()..];
                    in_key = rest.trim().is_empty();
                    if !in_filter && wanted(rest) {
                        return true;
                    }
                } else if in_key && line.trim_start().starts_with("- ") {
                    if !in_filter && wanted(body) {
                        return true;
                    }
                } else {
                    in_key = false;
                }
            }
            false
        })
        .map(|(path, _)| path.clone())
        .collect()
}

const INDICATORS: [(&str, &str); 12] = [
    ("Image|endswith", "\\netsh.exe"),
    ("OriginalFileName", "netsh.exe"),
    ("Image|endswith", "\\rundll32.exe"),
    ("OriginalFileName", "RUNDLL32.EXE"),
    ("Image|endswith", "\\regsvr32.exe"),
    ("Image|endswith", "\\mshta.exe"),
    ("Image|endswith", "\\certutil.exe"),
    ("OriginalFileName", "CertUtil.exe"),
    ("ParentImage|endswith", "\\wmiprvse.exe"),
    ("Image|endswith", "\\wmic.exe"),
    ("Image|endswith", "\\schtasks.exe"),
    ("OriginalFileName", "schtasks.exe"),
];

#[test]
fn sigma_reach_matches_an_independent_scan() {
    let Some(root) = corpus_root() else { return };
    let mut paths = Vec::new();
    for folder in sigma::RULE_FOLDERS {
        let dir = root.join("sigma").join(folder);
        if dir.is_dir() {
            yaml_files(&dir, &mut paths);
        }
    }
    let files: Vec<(String, String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let relative = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, text)
        })
        .collect();
    let rules = sigma::read_corpus(&root).unwrap();
    let index = Index::from_bytes(&store::encode(&build_index(
        &rules,
        &BuildOptions::default(),
    )))
    .unwrap();
    let mut mismatches = Vec::new();
    for (key, value) in INDICATORS {
        let limits = Limits {
            rows: 0,
            rules: usize::MAX,
        };
        let indexed: BTreeSet<String> = query::reach(index.data(), key, value, None, limits)
            .unwrap()
            .rules
            .into_iter()
            .map(|rule| rule.path)
            .collect();
        let scanned = scan(&files, key, value);
        println!(
            "{key} {value}: index {}, scan {}",
            indexed.len(),
            scanned.len()
        );
        if indexed != scanned {
            let only_index: Vec<_> = indexed.difference(&scanned).collect();
            let only_scan: Vec<_> = scanned.difference(&indexed).collect();
            mismatches.push(format!(
                "{key} {value}: only indexed {only_index:?}, only scanned {only_scan:?}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// The committed index must be what `sigmalens index build` makes from the
/// corpus today: a stale index would teach users outdated numbers.
#[test]
fn committed_index_matches_a_rebuild() {
    let Some(root) = corpus_root() else { return };
    let rules = read_all(&root).unwrap();
    let rebuilt = store::encode(&build_index(&rules, &BuildOptions::default()));
    let committed =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-index/index.rkyv"))
            .unwrap();
    assert!(
        rebuilt == committed,
        "corpus-index/index.rkyv is stale: run `sigmalens index build --corpus ../shared/corpus --out corpus-index`"
    );
}
