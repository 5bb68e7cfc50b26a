//! `mask_text_pii`: personal data written inside free text (comments, notes, messages), found
//! by pattern and replaced by a placeholder naming what was there. Placeholders rather than
//! masked values: a masked look-alike inside prose could be mistaken for real data, and a
//! pattern's false positive then costs a word, never a leak.
//!
//! `find_pii` is also what `verify_anonymization` uses to report values that still look like
//! personal data after masking.

use std::ops::Range;
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
    pub range: Range<usize>,
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
    let mut at = 0;
    while let Some(captures) = pattern().captures_at(text, at) {
        let (kind, matched) = [
            (PiiKind::Email, "email"),
            (PiiKind::Iban, "iban"),
            (PiiKind::Card, "card"),
            (PiiKind::Phone, "phone"),
        ]
        .into_iter()
        .find_map(|(kind, group)| captures.name(group).map(|m| (kind, m)))
        .expect("one alternative matched");
        if kind == PiiKind::Phone {
            if let Some(skipped) = not_a_phone(matched.as_str()) {
                at = matched.start() + skipped;
                continue;
            }
        }
        found.push(PiiMatch {
            kind,
            range: matched.range(),
        });
        at = matched.end();
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

/// `None` when a phone candidate reads as a phone number, else how many of its bytes are
/// not one: a leading date or IPv4 address, or the first group of digits. The search resumes
/// after them rather than after the whole candidate, so that a phone number written right
/// after a date (`2024-01-15 555-123-4567`) is still found.
fn not_a_phone(candidate: &str) -> Option<usize> {
    let runs = digit_runs(candidate);
    if let Some(end) = leading_date_or_address(candidate, &runs) {
        return Some(end);
    }
    let digits: usize = runs.iter().map(Range::len).sum();
    if (7..=15).contains(&digits) {
        None
    } else {
        Some(runs[0].end)
    }
}

/// Where the candidate's runs of digits are, as byte ranges.
fn digit_runs(candidate: &str) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, byte) in candidate.bytes().enumerate() {
        if !byte.is_ascii_digit() {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.end == i => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// The end of a date (`2024-01-15`, `15.01.2024`) or IPv4 address the candidate starts with:
/// its groups joined by one repeated `-` or `.` and followed by a space or nothing, so that
/// `06.12.34.56.78` (a phone number) is not read as the date `06.12.34`.
fn leading_date_or_address(candidate: &str, runs: &[Range<usize>]) -> Option<usize> {
    for count in [3, 4] {
        let Some(last) = runs.get(count - 1) else {
            continue;
        };
        let groups = &runs[..count];
        let separators: Vec<&str> = groups
            .windows(2)
            .map(|pair| &candidate[pair[0].end..pair[1].start])
            .collect();
        let joined =
            matches!(separators[0], "-" | ".") && separators.iter().all(|s| *s == separators[0]);
        let ends = candidate[last.end..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ');
        let lengths: Vec<usize> = groups.iter().map(Range::len).collect();
        let shaped = if count == 3 {
            matches!(lengths[..], [4, 1..=2, 1..=2] | [1..=2, 1..=2, 2 | 4])
        } else {
            separators[0] == "." && lengths.iter().all(|&n| (1..=3).contains(&n))
        };
        if groups[0].start == 0 && joined && ends && shaped {
            return Some(last.end);
        }
    }
    None
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
    fn finds_a_phone_number_written_right_after_a_date() {
        assert_eq!(
            mask_text_pii("on 2024-01-15 555-123-4567"),
            "on 2024-01-15 [PHONE]"
        );
        assert_eq!(
            mask_text_pii("host 10.0.0.1 +33 6 12 34 56 78"),
            "host 10.0.0.1 [PHONE]"
        );
    }

    #[test]
    fn a_dotted_phone_number_is_not_read_as_a_date() {
        assert_eq!(mask_text_pii("tel 06.12.34.56.78"), "tel [PHONE]");
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
