//! One file per check. Each declares `CHECK` with `crate::check!`.
pub mod duplicate_key;
pub mod missing_required_key;
pub mod undefined_identifier;
pub mod unknown_modifier;
pub mod yaml_syntax;
