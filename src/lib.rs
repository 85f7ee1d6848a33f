//! sigmalens: a linter and language server for Sigma rules, backed by a
//! cross-vendor corpus index.
pub mod corpus;
pub mod rule;
pub mod syntax;
