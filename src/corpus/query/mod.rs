//! Predicate extractors, one per query language.
pub mod kql;
pub mod spl;
