//! Small helpers shared by checks.

/// Edit distance where swapping two neighbours costs one (optimal string
/// alignment), for did-you-mean suggestions: `hihg` is one step from `high`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// The closest candidate within a third of the word's length, ignoring case.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|&(distance, c)| distance <= limit && c != word)
        .min_by_key(|&(distance, c)| (distance, c))
        .map(|(_, c)| c)
}

/// `, did you mean `x`?` or nothing.
pub fn suggestion_suffix(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("categorie", "category"), 2);
        assert_eq!(
            did_you_mean("categorie", ["category", "product"]),
            Some("category")
        );
        assert_eq!(did_you_mean("stable", ["test", "experimental"]), None);
        assert_eq!(did_you_mean("Hihg", ["high", "low"]), Some("high"));
    }
}
