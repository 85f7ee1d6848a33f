//! Corpus readers: one module per vendor format and one per query language.
pub mod elastic;
mod files;
mod logsource_map;
pub mod predicate;
pub mod query;
pub mod rule;
pub mod sentinel;
pub mod sigma;
pub mod splunk;
mod vendor;

use std::io;
use std::path::Path;

use rule::{CorpusRule, Vendor};

/// Reads every vendor's rules under `corpus_root` (a missing vendor folder
/// reads as no rules), in [`Vendor::ALL`] order.
pub fn read_all(corpus_root: &Path) -> io::Result<Vec<CorpusRule>> {
    let mut rules = Vec::new();
    for vendor in Vendor::ALL {
        rules.extend(match vendor {
            Vendor::Sigma => sigma::read_corpus(corpus_root)?,
            Vendor::Elastic => elastic::read_corpus(corpus_root)?,
            Vendor::Splunk => splunk::read_corpus(corpus_root)?,
            Vendor::Sentinel => sentinel::read_corpus(corpus_root)?,
        });
    }
    Ok(rules)
}
