//! One file per check. Each declares `CHECK` with `crate::check!`.
pub mod duplicate_key;
pub mod invalid_input;
pub mod missing_required_key;
pub mod not_a_rule;
pub mod undefined_identifier;
pub mod unknown_modifier;
pub mod yaml_syntax;
