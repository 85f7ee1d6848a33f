//! placeholder
use crate::corpus::predicate::Extraction;
pub fn extract(_query: &str) -> Extraction {
    Extraction::default()
}
