//! sigmalens: a linter and language server for Sigma rules, backed by a
//! cross-vendor corpus index.
pub mod analysis;
pub mod checks;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod index;
pub mod lint;
pub mod lsp;
pub mod output;
pub mod reference;
pub mod rule;
pub mod syntax;
