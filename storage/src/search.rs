//! What a name lookup compares: the typed text folded as the indexed columns are (titles in
//! lower case, references in upper case), and for a prefix the byte range that holds every
//! text starting with it, so that both backends answer with an index range scan.

use std::ops::Range;

use aimsbot_workflows::ports::NameSearch;

/// Sorts after every character, so `[p, p + ABOVE_EVERY_CHAR)` holds every text that starts
/// with `p` in byte order (UTF-8 byte order is code point order). Only texts that continue
/// `p` with U+10FFFF itself, a noncharacter, fall outside.
const ABOVE_EVERY_CHAR: char = '\u{10FFFF}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NameBounds {
    /// `search_title = title OR reference = reference`.
    Exactly { title: String, reference: String },
    /// `search_title` in `title`, or `reference` in `reference`.
    StartingWith {
        title: Range<String>,
        reference: Range<String>,
    },
}

impl NameBounds {
    pub(crate) fn of(search: &NameSearch) -> Self {
        match search {
            NameSearch::Exactly(text) => NameBounds::Exactly {
                // The same folding as the stored `search_title` (written by `str::to_lowercase`).
                title: text.to_lowercase(),
                reference: text.to_uppercase(),
            },
            NameSearch::StartingWith(prefix) => NameBounds::StartingWith {
                title: starting_with(prefix.to_lowercase()),
                reference: starting_with(prefix.to_uppercase()),
            },
        }
    }
}

fn starting_with(prefix: String) -> Range<String> {
    let mut end = prefix.clone();
    end.push(ABOVE_EVERY_CHAR);
    prefix..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_holds_exactly_the_texts_that_start_with_it() {
        let NameBounds::StartingWith { title, reference } =
            NameBounds::of(&NameSearch::StartingWith("Über".into()))
        else {
            panic!("a prefix gives ranges")
        };
        assert_eq!(reference.start, "ÜBER");
        for inside in ["über", "überwachung", "über\u{10FFFE}", "über\u{FFFF}x"] {
            assert!(title.contains(&inside.to_owned()), "{inside}");
        }
        for outside in ["übe", "übes", "üc", "uber", "Überwachung"] {
            assert!(!title.contains(&outside.to_owned()), "{outside}");
        }
    }
}
