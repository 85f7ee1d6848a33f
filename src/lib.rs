//! sigmalens: a linter and language server for Sigma rules, backed by a
//! cross-vendor corpus index.
pub mod checks;
pub mod config;
pub mod corpus;
pub mod index;
pub mod reference;
pub mod rule;
pub mod syntax;
