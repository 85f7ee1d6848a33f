//! Predicate extractors, one per query language.
mod elastic;
pub mod eql;
pub mod esql;
pub mod kql;
pub mod kuery;
pub mod spl;
