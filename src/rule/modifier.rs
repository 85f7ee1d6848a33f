//! The Sigma 2.x value modifiers (`field|contains|all`).

/// Every modifier the Sigma specification defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Modifier {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Base64,
    Base64Offset,
    Utf16Le,
    Utf16Be,
    Utf16,
    Wide,
    Windash,
    Re,
    /// `re|i`: case-insensitive regex.
    ReIgnoreCase,
    /// `re|m`: multi-line regex.
    ReMultiLine,
    /// `re|s`: dot matches newline.
    ReDotAll,
    Cidr,
    Exists,
    Expand,
    FieldRef,
    Gt,
    Gte,
    Lt,
    Lte,
    Cased,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// Name, modifier and one-line documentation, in the order completion shows them.
pub const MODIFIERS: &[(&str, Modifier, &str)] = &[
    (
        "contains",
        Modifier::Contains,
        "Value appears anywhere in the field (`*value*`).",
    ),
    (
        "startswith",
        Modifier::StartsWith,
        "Field begins with the value (`value*`).",
    ),
    (
        "endswith",
        Modifier::EndsWith,
        "Field ends with the value (`*value`).",
    ),
    (
        "all",
        Modifier::All,
        "Every value of the list must match (AND instead of OR).",
    ),
    (
        "re",
        Modifier::Re,
        "Value is a regular expression (PCRE subset).",
    ),
    (
        "i",
        Modifier::ReIgnoreCase,
        "After `re`: case-insensitive regular expression.",
    ),
    (
        "m",
        Modifier::ReMultiLine,
        "After `re`: `^`/`$` match at line breaks.",
    ),
    (
        "s",
        Modifier::ReDotAll,
        "After `re`: `.` also matches a line break.",
    ),
    (
        "windash",
        Modifier::Windash,
        "Also match `-`, `/`, en/em dash and horizontal bar variants of a leading dash.",
    ),
    (
        "cidr",
        Modifier::Cidr,
        "Value is an IPv4/IPv6 network in CIDR notation.",
    ),
    (
        "exists",
        Modifier::Exists,
        "Value `true`/`false`: the field is present or absent.",
    ),
    (
        "fieldref",
        Modifier::FieldRef,
        "Value names another field whose value must be equal.",
    ),
    (
        "base64",
        Modifier::Base64,
        "Match the base64 encoding of the value.",
    ),
    (
        "base64offset",
        Modifier::Base64Offset,
        "Match the value base64-encoded at any of the three offsets (use with `contains`).",
    ),
    (
        "utf16le",
        Modifier::Utf16Le,
        "Encode the value as UTF-16LE before the next modifier (usually `base64`).",
    ),
    (
        "utf16be",
        Modifier::Utf16Be,
        "Encode the value as UTF-16BE before the next modifier.",
    ),
    (
        "utf16",
        Modifier::Utf16,
        "Encode the value as UTF-16 with BOM before the next modifier.",
    ),
    ("wide", Modifier::Wide, "Alias of `utf16le`."),
    ("gt", Modifier::Gt, "Numeric field greater than the value."),
    (
        "gte",
        Modifier::Gte,
        "Numeric field greater than or equal to the value.",
    ),
    ("lt", Modifier::Lt, "Numeric field less than the value."),
    (
        "lte",
        Modifier::Lte,
        "Numeric field less than or equal to the value.",
    ),
    (
        "cased",
        Modifier::Cased,
        "Compare case-sensitively (Sigma compares case-insensitively by default).",
    ),
    (
        "expand",
        Modifier::Expand,
        "Value holds `%placeholders%` that the backend pipeline expands.",
    ),
    (
        "minute",
        Modifier::Minute,
        "Compare the minute part of a timestamp field.",
    ),
    (
        "hour",
        Modifier::Hour,
        "Compare the hour part of a timestamp field.",
    ),
    (
        "day",
        Modifier::Day,
        "Compare the day-of-month part of a timestamp field.",
    ),
    (
        "week",
        Modifier::Week,
        "Compare the week part of a timestamp field.",
    ),
    (
        "month",
        Modifier::Month,
        "Compare the month part of a timestamp field.",
    ),
    (
        "year",
        Modifier::Year,
        "Compare the year part of a timestamp field.",
    ),
];

impl Modifier {
    pub fn parse(name: &str) -> Option<Modifier> {
        MODIFIERS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, m, _)| m)
    }

    pub fn name(self) -> &'static str {
        MODIFIERS
            .iter()
            .find(|(_, m, _)| *m == self)
            .map_or("", |(n, _, _)| n)
    }

    pub fn doc(self) -> &'static str {
        MODIFIERS
            .iter()
            .find(|(_, m, _)| *m == self)
            .map_or("", |(_, _, d)| d)
    }

    /// Modifiers that say how the value is compared; at most one of them
    /// makes sense on a field.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Modifier::Contains
                | Modifier::StartsWith
                | Modifier::EndsWith
                | Modifier::Re
                | Modifier::Cidr
                | Modifier::Exists
                | Modifier::FieldRef
                | Modifier::Gt
                | Modifier::Gte
                | Modifier::Lt
                | Modifier::Lte
        )
    }

    pub fn is_regex_flag(self) -> bool {
        matches!(
            self,
            Modifier::ReIgnoreCase | Modifier::ReMultiLine | Modifier::ReDotAll
        )
    }

    pub fn is_encoding(self) -> bool {
        matches!(
            self,
            Modifier::Base64
                | Modifier::Base64Offset
                | Modifier::Utf16Le
                | Modifier::Utf16Be
                | Modifier::Utf16
                | Modifier::Wide
        )
    }

    pub fn is_time_part(self) -> bool {
        matches!(
            self,
            Modifier::Minute
                | Modifier::Hour
                | Modifier::Day
                | Modifier::Week
                | Modifier::Month
                | Modifier::Year
        )
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Modifier::Gt | Modifier::Gte | Modifier::Lt | Modifier::Lte
        )
    }
}

impl Modifier {
    /// Compares or transforms the value as a string.
    fn is_string_matching(self) -> bool {
        matches!(
            self,
            Modifier::Contains
                | Modifier::StartsWith
                | Modifier::EndsWith
                | Modifier::Re
                | Modifier::Windash
                | Modifier::Cased
        ) || self.is_encoding()
    }

    /// Can `self` and `other` not appear on the same field item? (SL603, and
    /// what modifier completion leaves out.)
    pub fn conflicts_with(self, other: Modifier) -> bool {
        use Modifier::*;
        let (a, b) = (self, other);
        let pair = |x: Modifier, y: Modifier| (a == x && b == y) || (a == y && b == x);
        let wildcards = |m: Modifier| matches!(m, Contains | StartsWith | EndsWith);
        let either = |test: &dyn Fn(Modifier, Modifier) -> bool| test(a, b) || test(b, a);
        if a == b {
            return false;
        }
        (wildcards(a) && wildcards(b))
            || either(&|x, y| x == Re && wildcards(y))
            || pair(Windash, Re)
            || (a.is_numeric() && b.is_numeric())
            || either(&|x, y| x.is_numeric() && y.is_string_matching())
            || either(&|x, y| x.is_time_part() && y.is_string_matching())
            || matches!(a, Cidr | Exists)
            || matches!(b, Cidr | Exists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_pairs() {
        use Modifier::*;
        assert!(Contains.conflicts_with(EndsWith));
        assert!(Re.conflicts_with(StartsWith));
        assert!(StartsWith.conflicts_with(Re));
        assert!(Windash.conflicts_with(Re));
        assert!(Gt.conflicts_with(Contains));
        assert!(Hour.conflicts_with(Contains));
        assert!(Cidr.conflicts_with(All));
        assert!(All.conflicts_with(Exists));
        assert!(!Contains.conflicts_with(All));
        assert!(!Windash.conflicts_with(Contains));
        assert!(!Base64Offset.conflicts_with(Contains));
        assert!(!Hour.conflicts_with(Gte));
        assert!(!FieldRef.conflicts_with(EndsWith));
    }

    #[test]
    fn names_round_trip() {
        for &(name, modifier, doc) in MODIFIERS {
            assert_eq!(Modifier::parse(name), Some(modifier));
            assert_eq!(modifier.name(), name);
            assert!(!doc.is_empty());
        }
        assert_eq!(Modifier::parse("contain"), None);
    }
}
