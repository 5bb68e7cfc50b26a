//! `mask_email`: an address that still looks like one, but belongs to nobody.

use crate::anonymize::keyed::{hex, KeyedHash};

/// Replaces the local part (before the last `@`) with 12 hexadecimal digits drawn from
/// HMAC(key, whole address), and the domain, unless `keep_domain`, with
/// `<8 hex digits>.example.com`: `example.com` is reserved by RFC 2606 and never delivers
/// mail, and the label drawn from HMAC(key, domain) keeps addresses of one domain together.
/// Addresses are read ignoring case (`Jane@X.org` masks as `jane@x.org`); a kept domain is
/// kept as written. A value without `@` is not an address but may still identify someone:
/// it gives the 12 hexadecimal digits alone. The empty string stays empty. Not one-to-one
/// (48 bits make collisions rare, not impossible): use `mask_unique` with kind `email`.
pub fn mask_email(key: &[u8], value: &str, keep_domain: bool) -> String {
    if value.is_empty() {
        return String::new();
    }
    let keyed = KeyedHash::new(key);
    let folded = value.to_lowercase();
    let local = hex(&keyed.digest("mask_email/local", &[folded.as_bytes()])[..6]);
    let Some(at) = value.rfind('@') else {
        return local;
    };
    let domain = &value[at + 1..];
    if keep_domain {
        return format!("{local}@{domain}");
    }
    let label = keyed.digest("mask_email/domain", &[domain.to_lowercase().as_bytes()]);
    format!("{local}@{}.example.com", hex(&label[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"email test key 0123456789";

    #[test]
    fn masks_the_local_part_and_the_domain() {
        let masked = mask_email(KEY, "jane.doe@acme.io", false);
        let (local, domain) = masked.split_once('@').unwrap();
        assert_eq!(local.len(), 12);
        assert!(local.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(
            domain.ends_with(".example.com") && domain.len() == 20,
            "{masked}"
        );
        assert!(!masked.contains("jane") && !masked.contains("acme"));
    }

    #[test]
    fn keeps_the_domain_when_asked() {
        assert!(mask_email(KEY, "jane.doe@Acme.io", true).ends_with("@Acme.io"));
    }

    #[test]
    fn addresses_of_one_domain_share_the_masked_domain() {
        let domain = |v: &str| {
            mask_email(KEY, v, false)
                .split_once('@')
                .unwrap()
                .1
                .to_owned()
        };
        assert_eq!(domain("a@acme.io"), domain("b@ACME.io"));
        assert_ne!(domain("a@acme.io"), domain("a@other.io"));
    }

    #[test]
    fn ignores_case() {
        assert_eq!(
            mask_email(KEY, "Jane.Doe@Acme.IO", false),
            mask_email(KEY, "jane.doe@acme.io", false)
        );
    }

    #[test]
    fn one_local_part_in_two_domains_masks_differently() {
        let local = |v: &str| {
            mask_email(KEY, v, true)
                .split_once('@')
                .unwrap()
                .0
                .to_owned()
        };
        assert_ne!(local("jane@a.org"), local("jane@b.org"));
    }

    #[test]
    fn a_value_without_at_sign_is_still_masked() {
        let masked = mask_email(KEY, "jane.doe", false);
        assert_eq!(masked.len(), 12);
        assert!(!masked.contains("jane"));
    }

    #[test]
    fn the_empty_string_stays_empty() {
        assert_eq!(mask_email(KEY, "", false), "");
    }

    #[test]
    fn is_deterministic() {
        let value = "jane.doe@acme.io";
        assert_eq!(mask_email(KEY, value, false), mask_email(KEY, value, false));
    }

    #[test]
    fn different_keys_give_different_outputs() {
        let value = "jane.doe@acme.io";
        assert_ne!(
            mask_email(KEY, value, false),
            mask_email(b"other email key 98765", value, false)
        );
    }
}
