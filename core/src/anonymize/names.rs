//! The dictionary of `mask_name`: about 3,000 first names and 2,800 last names, composed from
//! syllable tables (an onset and an ending) rather than copied from any list of real people,
//! so no real name list ships with the extension and the dictionary is reproducible.
//!
//! The tables are part of the masking: a masked name is an index into the composed list, so
//! changing a syllable, its position or the tables' lengths changes masked names everywhere.
//! Treat them as frozen.

use std::sync::OnceLock;

const FIRST_ONSETS: [&str; 64] = [
    "Ad", "Al", "Am", "An", "Ar", "Ber", "Bel", "Bren", "Cal", "Car", "Cel", "Cor", "Dar", "Del",
    "Dor", "El", "Em", "Er", "Ev", "Fel", "Flor", "Gal", "Gil", "Hal", "Har", "Il", "Is", "Jan",
    "Jor", "Jul", "Kal", "Ker", "Lar", "Len", "Lor", "Lu", "Mar", "Mel", "Mir", "Nal", "Ner",
    "Nor", "Ol", "Or", "Pal", "Per", "Quin", "Ral", "Ren", "Ros", "Sal", "Sel", "Sor", "Tal",
    "Ter", "Tor", "Ul", "Val", "Ver", "Wil", "Xan", "Yol", "Zan", "Zel",
];

const FIRST_ENDINGS: [&str; 48] = [
    "a", "an", "ana", "ander", "ard", "as", "e", "el", "ela", "en", "ena", "er", "es", "ette", "i",
    "ia", "ian", "ie", "in", "ina", "ine", "io", "is", "ita", "ius", "o", "on", "ona", "or", "ora",
    "os", "us", "y", "yn", "wen", "ric", "ton", "vin", "mond", "bert", "da", "na", "ley", "leigh",
    "ny", "dra", "sha", "tha",
];

const LAST_ROOTS: [&str; 64] = [
    "Ash", "Bar", "Bel", "Black", "Brad", "Brook", "Cald", "Carl", "Chat", "Clay", "Cold", "Craw",
    "Dal", "Dun", "East", "Elm", "Fair", "Fern", "Fox", "Gar", "Glen", "Gold", "Green", "Hal",
    "Ham", "Hart", "Hay", "Hol", "Kings", "Lang", "Lind", "Lock", "Mar", "Mill", "Mor", "New",
    "North", "Oak", "Pen", "Red", "Rock", "Ross", "Rut", "Sand", "Shel", "Stan", "Stone", "Strat",
    "Sum", "Thorn", "Wal", "War", "West", "Whit", "Wind", "Wood", "Wynd", "Ald", "Bram", "Cran",
    "Dray", "Fen", "Hun", "Kel",
];

const LAST_SUFFIXES: [&str; 44] = [
    "berg", "bridge", "brook", "burn", "bury", "by", "croft", "dale", "den", "don", "field",
    "ford", "gate", "ham", "hart", "hill", "holm", "hurst", "ington", "land", "ley", "low", "man",
    "mere", "mont", "more", "ner", "ridge", "sby", "shaw", "son", "stead", "ster", "stone", "ton",
    "vale", "well", "wick", "win", "wood", "worth", "er", "ell", "ett",
];

/// The composed dictionary, in table order, without duplicates.
pub struct Names {
    pub first: Vec<String>,
    pub last: Vec<String>,
}

/// Built once on first use, then shared read-only.
pub fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| Names {
        first: compose(&FIRST_ONSETS, &FIRST_ENDINGS),
        last: compose(&LAST_ROOTS, &LAST_SUFFIXES),
    })
}

/// Every start followed by every end, first occurrence kept when two spell the same name.
fn compose(starts: &[&str], ends: &[&str]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    starts
        .iter()
        .flat_map(|start| ends.iter().map(move |end| format!("{start}{end}")))
        .filter(|name| seen.insert(name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn holds_at_least_2500_first_and_2500_last_names() {
        assert!(names().first.len() >= 2_500, "{}", names().first.len());
        assert!(names().last.len() >= 2_500, "{}", names().last.len());
    }

    #[test]
    fn holds_at_least_5000_distinct_names_in_all() {
        let all: HashSet<&String> = names().first.iter().chain(&names().last).collect();
        assert!(all.len() >= 5_000, "{}", all.len());
    }

    #[test]
    fn entries_are_distinct_within_each_list() {
        for list in [&names().first, &names().last] {
            let distinct: HashSet<&String> = list.iter().collect();
            assert_eq!(distinct.len(), list.len());
        }
    }

    #[test]
    fn entries_are_capitalized_words() {
        for name in names().first.iter().chain(&names().last) {
            let mut chars = name.chars();
            assert!(
                chars.next().is_some_and(|c| c.is_ascii_uppercase()),
                "{name}"
            );
            assert!(chars.all(|c| c.is_ascii_lowercase()), "{name}");
        }
    }

    #[test]
    fn the_order_is_fixed() {
        assert_eq!(names().first[0], "Ada");
        assert_eq!(names().last[0], "Ashberg");
    }
}
