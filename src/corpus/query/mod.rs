//! Predicate extractors, one per query language.
