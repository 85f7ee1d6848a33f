//! Every check, by code. Codes are stable: never reuse a retired one.
//!
//! - SL0xx/SL1xx: input files, YAML and rule structure
//! - SL2xx: metadata (title, id, status, level, dates, text fields)
//! - SL3xx: tags and ATT&CK
//! - SL4xx: logsource
//! - SL5xx: detection and condition
//! - SL6xx: field items, modifiers and values
//! - SL7xx: SigmaHQ repository conventions (profile `sigmahq`)
//! - SL8xx: corpus intelligence

use std::path::Path;

use super::{Check, rules};
use crate::config::Settings;

pub static CHECKS: &[&Check] = &[
    &rules::not_a_rule::CHECK,
    &rules::invalid_input::CHECK,
    &rules::yaml_syntax::CHECK,
    &rules::duplicate_key::CHECK,
    &rules::missing_required_key::CHECK,
    &rules::unknown_top_level_key::CHECK,
    &rules::wrong_value_type::CHECK,
    &rules::title_too_long::CHECK,
    &rules::title_trailing_dot::CHECK,
    &rules::title_starts_with_detect::CHECK,
    &rules::missing_id::CHECK,
    &rules::invalid_id::CHECK,
    &rules::duplicate_id::CHECK,
    &rules::duplicate_title::CHECK,
    &rules::invalid_status::CHECK,
    &rules::invalid_level::CHECK,
    &rules::invalid_date::CHECK,
    &rules::invalid_modified::CHECK,
    &rules::modified_before_date::CHECK,
    &rules::modified_equals_date::CHECK,
    &rules::modified_without_date::CHECK,
    &rules::missing_description::CHECK,
    &rules::description_too_short::CHECK,
    &rules::missing_author::CHECK,
    &rules::duplicate_reference::CHECK,
    &rules::falsepositives_none::CHECK,
    &rules::invalid_tag_format::CHECK,
    &rules::unknown_tag_namespace::CHECK,
    &rules::duplicate_tag::CHECK,
    &rules::unknown_attack_technique::CHECK,
    &rules::technique_without_tactic::CHECK,
    &rules::pre_v19_technique::CHECK,
    &rules::unknown_logsource_key::CHECK,
    &rules::unknown_logsource_value::CHECK,
    &rules::empty_logsource::CHECK,
    &rules::undefined_identifier::CHECK,
    &rules::unreferenced_selection::CHECK,
    &rules::of_pattern_single_match::CHECK,
    &rules::of_them_single_selection::CHECK,
    &rules::all_of_them::CHECK,
    &rules::empty_selection::CHECK,
    &rules::keyword_only_detection::CHECK,
    &rules::unknown_modifier::CHECK,
    &rules::all_with_single_value::CHECK,
    &rules::conflicting_modifiers::CHECK,
    &rules::base64offset_without_contains::CHECK,
    &rules::duplicate_modifier::CHECK,
    &rules::exists_not_boolean::CHECK,
    &rules::wildcard_instead_of_modifier::CHECK,
    &rules::double_wildcard::CHECK,
    &rules::escaped_wildcard::CHECK,
    &rules::control_character::CHECK,
    &rules::number_as_string::CHECK,
    &rules::null_in_list::CHECK,
    &rules::duplicate_value::CHECK,
    &rules::invalid_regex::CHECK,
    &rules::unsupported_regex_construct::CHECK,
    &rules::invalid_cidr::CHECK,
    &rules::space_in_field_name::CHECK,
    &rules::field_name_case::CHECK,
    &rules::field_implied_by_logsource::CHECK,
    &rules::eventid_instead_of_category::CHECK,
    &rules::hashes_format::CHECK,
    &rules::filename_too_long::CHECK,
    &rules::filename_prefix::CHECK,
    &rules::filter_naming::CHECK,
    &rules::noisy_indicator_alone::CHECK,
    &rules::missing_community_exclusion::CHECK,
    &rules::near_duplicate_rule::CHECK,
    &rules::suggested_attack_tag::CHECK,
    &rules::unusual_attack_tag::CHECK,
    &rules::field_not_seen_for_logsource::CHECK,
];

pub fn by_code(code: &str) -> Option<&'static Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(code) || c.name == code)
}

/// The checks `settings` turn on, in code order.
pub fn enabled<'a>(
    settings: &'a Settings,
    path: Option<&'a Path>,
) -> impl Iterator<Item = &'static Check> + 'a {
    CHECKS
        .iter()
        .copied()
        .filter(move |c| settings.profile_enabled(c.profile) && settings.is_enabled(c.code, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut previous = "";
        for check in CHECKS {
            assert!(codes.insert(check.code), "duplicate code {}", check.code);
            assert!(names.insert(check.name), "duplicate name {}", check.name);
            assert!(
                check.code.starts_with("SL") && check.code.len() == 5,
                "{}",
                check.code
            );
            assert!(check.code > previous, "{} is out of code order", check.code);
            previous = check.code;
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(
                    check.doc.contains(section),
                    "{} lacks {section}",
                    check.code
                );
            }
            assert!(!check.summary().is_empty());
        }
    }
}
