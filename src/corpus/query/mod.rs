//! Predicate extractors, one per query language.
pub mod eql;
pub mod esql;
pub mod kuery;
mod elastic;
