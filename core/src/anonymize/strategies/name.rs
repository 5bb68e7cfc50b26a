//! `mask_name`: a person's name replaced by a made-up name of the same shape.

use crate::anonymize::keyed::KeyedHash;
use crate::anonymize::names::names;

/// Replaces each word of a name with a name from the dictionary (`names.rs`): the last word
/// with a last name, every word before it with a first name, so `Jean-Luc Picard` gives
/// `First Last`, `Mary Ann Smith` gives `First First Last`, and a single word gives a first
/// name. Each word is chosen by HMAC(key, word) ignoring case, so a first name masks alike in
/// a `full_name` and a `first_name` column, and `SMITH` as `Smith`. The spacing, punctuation
/// around words (`Smith,`) and the case style of each word (`UPPER`, `lower`, `Capitalized`)
/// are kept; words without letters are kept. Not one-to-one.
pub fn mask_name(key: &[u8], value: &str) -> String {
    let keyed = KeyedHash::new(key);
    let words: Vec<&str> = value.split_whitespace().collect();
    let last_named = words
        .iter()
        .rposition(|word| word.chars().any(char::is_alphabetic));
    let mut masked = String::with_capacity(value.len());
    let mut rest = value;
    for (i, word) in words.iter().enumerate() {
        let at = rest.find(word).expect("words come from the value in order");
        masked.push_str(&rest[..at]);
        rest = &rest[at + word.len()..];
        let is_last = Some(i) == last_named && i > 0;
        masked.push_str(&mask_word(&keyed, word, is_last));
    }
    masked.push_str(rest);
    masked
}

fn mask_word(keyed: &KeyedHash, word: &str, is_last: bool) -> String {
    let Some(start) = word.find(char::is_alphabetic) else {
        return word.to_owned();
    };
    let end = word
        .char_indices()
        .rfind(|(_, c)| c.is_alphabetic())
        .map(|(i, c)| i + c.len_utf8())
        .expect("the word has a letter");
    let core = &word[start..end];
    let (purpose, list) = if is_last {
        ("mask_name/last", &names().last)
    } else {
        ("mask_name/first", &names().first)
    };
    let index = keyed
        .stream(purpose, &[core.to_lowercase().as_bytes()])
        .below(list.len() as u64) as usize;
    let name = &list[index];
    let styled = if core.chars().count() > 1 && !core.chars().any(char::is_lowercase) {
        name.to_uppercase()
    } else if !core.chars().any(char::is_uppercase) {
        name.to_lowercase()
    } else {
        name.clone()
    };
    format!("{}{styled}{}", &word[..start], &word[end..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const KEY: &[u8] = b"name test key 0123456789";

    fn is_first(name: &str) -> bool {
        names().first.iter().any(|n| n == name)
    }

    fn is_last(name: &str) -> bool {
        names().last.iter().any(|n| n == name)
    }

    #[test]
    fn two_words_give_a_first_and_a_last_name() {
        let masked = mask_name(KEY, "John Smith");
        let (first, last) = masked.split_once(' ').unwrap();
        assert!(is_first(first) && is_last(last), "{masked}");
    }

    #[test]
    fn one_word_gives_a_first_name() {
        assert!(is_first(&mask_name(KEY, "Madonna")));
    }

    #[test]
    fn every_word_but_the_last_is_a_first_name() {
        let masked = mask_name(KEY, "Mary Ann Smith");
        let words: Vec<&str> = masked.split(' ').collect();
        assert_eq!(words.len(), 3);
        assert!(
            is_first(words[0]) && is_first(words[1]) && is_last(words[2]),
            "{masked}"
        );
    }

    #[test]
    fn a_first_name_masks_alike_alone_and_in_a_full_name() {
        let alone = mask_name(KEY, "John");
        assert!(mask_name(KEY, "John Smith").starts_with(&format!("{alone} ")));
    }

    #[test]
    fn case_is_ignored_for_the_choice_and_kept_for_the_style() {
        let capitalized = mask_name(KEY, "John Smith");
        assert_eq!(mask_name(KEY, "JOHN SMITH"), capitalized.to_uppercase());
        assert_eq!(mask_name(KEY, "john smith"), capitalized.to_lowercase());
    }

    #[test]
    fn spacing_and_punctuation_around_words_are_kept() {
        let masked = mask_name(KEY, "  Smith,  John ");
        assert!(
            masked.starts_with("  ") && masked.ends_with(' '),
            "{masked:?}"
        );
        assert!(masked.contains(",  "), "{masked:?}");
    }

    #[test]
    fn words_without_letters_and_empty_values_are_kept() {
        assert_eq!(mask_name(KEY, ""), "");
        assert_eq!(mask_name(KEY, "   "), "   ");
        assert!(mask_name(KEY, "John & Jane Smith").contains(" & "));
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(
            mask_name(KEY, "Ada Lovelace"),
            mask_name(KEY, "Ada Lovelace")
        );
    }

    #[test]
    fn different_keys_give_different_outputs() {
        assert_ne!(
            mask_name(KEY, "Ada Lovelace"),
            mask_name(b"other name key 98765", "Ada Lovelace")
        );
    }

    /// A distinct all-letter word per number.
    fn word(mut i: usize) -> String {
        let mut letters = vec![b'a' + (i % 26) as u8];
        while i >= 26 {
            i /= 26;
            letters.push(b'a' + (i % 26) as u8);
        }
        String::from_utf8(letters).unwrap()
    }

    #[test]
    fn names_spread_over_the_dictionary() {
        // 3,000 draws among ~3,000 names reach about 63% of them; a skewed choice would not.
        let firsts: HashSet<String> = (0..3_000).map(|i| mask_name(KEY, &word(i))).collect();
        assert!(firsts.len() > 1_700, "{}", firsts.len());
        let lasts: HashSet<String> = (0..3_000)
            .map(|i| {
                let masked = mask_name(KEY, &format!("a {}", word(i)));
                masked.split_once(' ').unwrap().1.to_owned()
            })
            .collect();
        assert!(lasts.len() > 1_600, "{}", lasts.len());
    }
}
