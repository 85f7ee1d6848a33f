//! The corpus index: what detection rules of every vendor test, normalized
//! to one vocabulary, counted, and stored for zero-copy reads.
//!
//! Pipeline: corpus readers (`crate::corpus`) -> [`build`] (with
//! [`normalize`]) -> [`store`] -> [`query`] -> [`render`]; [`cli`] wires
//! them for the command line.

pub mod build;
pub mod corpus_source;
pub mod events;
pub mod model;
pub mod normalize;
pub mod provenance;
pub mod query;
pub mod render;
pub mod store;
pub mod tables;

pub use store::{Index, IndexError};
