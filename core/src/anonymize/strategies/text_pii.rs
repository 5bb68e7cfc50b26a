//! `mask_text_pii`: personal data written inside free text (comments, notes, messages), found
//! by pattern and replaced by a placeholder naming what was there. Placeholders rather than
//! masked values: a masked look-alike inside prose could be mistaken for real data, and a
//! pattern's false positive then costs a word, never a leak.
//!
//! `find_pii` is also what `verify_anonymization` uses to report values that still look like
//! personal data after masking.

use std::sync::OnceLock;

use regex::Regex;

/// What a piece of free text was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiKind {
    Email,
    Iban,
    Card,
    Phone,
}

impl PiiKind {
    /// What `mask_text_pii` writes instead.
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Email => "[EMAIL]",
            Self::Iban => "[IBAN]",
            Self::Card => "[CARD]",
            Self::Phone => "[PHONE]",
        }
    }
}

/// One finding: its kind and its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    pub kind: PiiKind,
    pub range: std::ops::Range<usize>,
}

/// One alternation, so that at each position the earliest-starting match wins and, at the same
/// start, the first kind listed: an address before the digits in it, an IBAN or a card before
/// a phone number.
fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(concat!(
            // A local part and a domain of dot-separated labels ending in a TLD.
            r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})",
            // ISO 13616: country, check digits, then 11 to 30 characters, printed in fours.
            r"|(?P<iban>\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b)",
            // 13 to 19 digits, plain or in the groups cards are printed in (4-4-4-x, 4-6-5).
            r"|(?P<card>\b(?:[0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4}){2}[ -][0-9]{1,7}",
            r"|[0-9]{4}[ -][0-9]{6}[ -][0-9]{4,5})\b)",
            // An optional +country code and (area code), then groups of digits.
            r"|(?P<phone>(?:\+[0-9]{1,3}[ .-]?|\+)?(?:\([0-9]{1,5}\)[ .-]?)?",
            r"\b[0-9]{1,15}(?:[ .-][0-9]{1,15}){0,7}\b)",
        ))
        .expect("the PII pattern compiles")
    })
}

/// The personal data found in `text`, in order, without overlaps:
/// - e-mail addresses;
/// - IBANs in capitals, with or without the spaces every four characters (the mod-97 check
///   is not applied: a mistyped IBAN is still someone's account);
/// - card numbers: 13 to 19 digits, plain or grouped by spaces or dashes as printed on cards;
///   Luhn-valid or not, for the same reason;
/// - phone numbers: 7 to 15 digits (E.164's maximum) in groups separated by a space, dot or
///   dash, with an optional `+country` prefix and `(area)` code. Groups reading as a date
///   (`2024-01-15`, `15.01.2024`) or an IPv4 address are not phones. Other long numbers
///   (`1 500 000`) are reported as phones: redacting too much is the safe mistake.
pub fn find_pii(text: &str) -> Vec<PiiMatch> {
    let mut found = Vec::new();
    for captures in pattern().captures_iter(text) {
        let (kind, matched) = [
            (PiiKind::Email, "email"),
            (PiiKind::Iban, "iban"),
            (PiiKind::Card, "card"),
            (PiiKind::Phone, "phone"),
        ]
        .into_iter()
        .find_map(|(kind, group)| captures.name(group).map(|m| (kind, m)))
        .expect("one alternative matched");
        if kind == PiiKind::Phone && !reads_as_phone(matched.as_str()) {
            continue;
        }
        found.push(PiiMatch {
            kind,
            range: matched.range(),
        });
    }
    found
}

/// Whether `text` still holds something `find_pii` recognizes.
pub fn contains_pii(text: &str) -> bool {
    !find_pii(text).is_empty()
}

/// Replaces every e-mail address, IBAN, card number and phone number found in `text` (see
/// `find_pii`) with `[EMAIL]`, `[IBAN]`, `[CARD]` or `[PHONE]`, leaving the rest of the text
/// as it is. Needs no key: nothing of the replaced data survives. Not one-to-one.
pub fn mask_text_pii(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut copied = 0;
    for found in find_pii(text) {
        masked.push_str(&text[copied..found.range.start]);
        masked.push_str(found.kind.placeholder());
        copied = found.range.end;
    }
    masked.push_str(&text[copied..]);
    masked
}

fn reads_as_phone(candidate: &str) -> bool {
    let digits = candidate.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let groups: Vec<usize> = candidate.split(['.', '-']).map(str::len).collect();
    let all_digits = candidate
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    let one_separator = !(candidate.contains('.') && candidate.contains('-'));
    let date = matches!(groups[..], [4, 1..=2, 1..=2] | [1..=2, 1..=2, 2 | 4]);
    let ipv4 = candidate.contains('.') && matches!(groups[..], [1..=3, 1..=3, 1..=3, 1..=3]);
    !(all_digits && one_separator && (date || ipv4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PiiKind> {
        find_pii(text).into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn replaces_an_email_address() {
        assert_eq!(
            mask_text_pii("write to jane.doe+x@mail.acme.io today"),
            "write to [EMAIL] today"
        );
    }

    #[test]
    fn replaces_an_iban_with_or_without_spaces() {
        assert_eq!(
            mask_text_pii("IBAN FR76 3000 6000 0112 3456 7890 189."),
            "IBAN [IBAN]."
        );
        assert_eq!(
            mask_text_pii("to DE89370400440532013000 please"),
            "to [IBAN] please"
        );
    }

    #[test]
    fn replaces_card_numbers_in_their_printed_groupings() {
        assert_eq!(
            mask_text_pii("card 4111 1111 1111 1111 ok"),
            "card [CARD] ok"
        );
        assert_eq!(mask_text_pii("card 4111-1111-1111-1111"), "card [CARD]");
        assert_eq!(mask_text_pii("amex 3782 822463 10005"), "amex [CARD]");
        assert_eq!(mask_text_pii("pan 4111111111111112"), "pan [CARD]");
    }

    #[test]
    fn replaces_phone_numbers_in_common_formats() {
        for phone in [
            "+33 6 12 34 56 78",
            "(555) 123-4567",
            "555.123.4567",
            "+14155552671",
            "06 12 34 56 78",
        ] {
            assert_eq!(
                mask_text_pii(&format!("call {phone} now")),
                "call [PHONE] now",
                "{phone}"
            );
        }
    }

    #[test]
    fn leaves_dates_ip_addresses_and_short_numbers() {
        for text in [
            "on 2024-01-15",
            "on 15.01.2024",
            "from 192.168.10.1",
            "order 12345",
            "at 10:30",
        ] {
            assert_eq!(mask_text_pii(text), text);
        }
    }

    #[test]
    fn finds_several_kinds_in_order() {
        let text = "jane@x.org, +44 20 7946 0958, 4111 1111 1111 1111, GB82 WEST 1234 5698 7654 32";
        assert_eq!(
            kinds(text),
            [PiiKind::Email, PiiKind::Phone, PiiKind::Card, PiiKind::Iban]
        );
        assert_eq!(mask_text_pii(text), "[EMAIL], [PHONE], [CARD], [IBAN]");
    }

    #[test]
    fn reports_byte_ranges() {
        let text = "é jane@x.org";
        let found = find_pii(text);
        assert_eq!(&text[found[0].range.clone()], "jane@x.org");
    }

    #[test]
    fn contains_pii_tells_whether_anything_was_found() {
        assert!(contains_pii("reach me at jane@x.org"));
        assert!(!contains_pii(
            "nothing personal here, order 42 on 2024-01-15"
        ));
        assert!(!contains_pii(&mask_text_pii(
            "jane@x.org +33 6 12 34 56 78"
        )));
    }

    #[test]
    fn text_without_pii_is_unchanged() {
        assert_eq!(mask_text_pii(""), "");
        assert_eq!(
            mask_text_pii("Lorem ipsum dolor sit amet."),
            "Lorem ipsum dolor sit amet."
        );
    }
}
