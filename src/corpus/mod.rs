//! Corpus readers: one module per vendor format and one per query language.
pub mod predicate;
pub mod query;
pub mod rule;
pub mod sigma;
