//! Corpus readers: one module per vendor format and one per query language.
pub mod predicate;
pub mod query;
