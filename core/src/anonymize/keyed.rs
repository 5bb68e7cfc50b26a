//! Everything secret-dependent goes through HMAC-SHA256 of the anonymization key: a masked
//! value is a function of (key, value) only, so it is the same in every table and every run
//! (joins and foreign keys survive), and without the key it can neither be recomputed nor
//! inverted by hashing guesses, which a plain `sha256(value || salt)` would allow.
//!
//! Each strategy hashes under its own purpose label, so two strategies applied to the same
//! value draw unrelated bits: learning one masked output reveals nothing about another.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 with the key already absorbed: strategies that hash many times per value (the
/// Feistel rounds of `mask_unique`) clone it instead of re-deriving the key pads each time.
#[derive(Clone)]
pub struct KeyedHash {
    mac: HmacSha256,
}

impl KeyedHash {
    pub fn new(key: &[u8]) -> Self {
        Self {
            mac: HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length"),
        }
    }

    /// Plain HMAC-SHA256(key, message), the RFC 2104 construction with no framing, so that
    /// `mask_hash` can be reproduced outside the database (`openssl dgst -sha256 -hmac`).
    pub fn raw(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// HMAC over a purpose label and parts, each length-prefixed so that no two different
    /// (purpose, parts) lists are hashed as the same byte string ("ab","c" vs "a","bc").
    pub fn digest(&self, purpose: &str, parts: &[&[u8]]) -> [u8; 32] {
        self.framed(purpose, parts).finish()
    }

    /// An unbounded keyed byte stream for (purpose, parts): block i is the digest of the same
    /// framing followed by the counter i.
    pub fn stream(&self, purpose: &str, parts: &[&[u8]]) -> KeyedStream {
        KeyedStream {
            prefix: self.framed(purpose, parts),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    /// The framed prefix, left open so callers can append more (round numbers, halves).
    pub fn framed(&self, purpose: &str, parts: &[&[u8]]) -> Framed {
        let mut framed = Framed {
            mac: self.mac.clone(),
        };
        framed.part(b"confiture");
        framed.part(purpose.as_bytes());
        for part in parts {
            framed.part(part);
        }
        framed
    }
}

/// A keyed hash being fed length-prefixed parts.
#[derive(Clone)]
pub struct Framed {
    mac: HmacSha256,
}

impl Framed {
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.mac.update(&(bytes.len() as u64).to_be_bytes());
        self.mac.update(bytes);
        self
    }

    pub fn finish(self) -> [u8; 32] {
        self.mac.finalize().into_bytes().into()
    }
}

/// Deterministic pseudo-random numbers drawn from a keyed digest chain.
pub struct KeyedStream {
    prefix: Framed,
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl KeyedStream {
    pub fn next_u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        for byte in &mut bytes {
            if self.used == self.block.len() {
                let mut next = self.prefix.clone();
                next.part(&self.counter.to_be_bytes());
                self.block = next.finish();
                self.counter += 1;
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
        u64::from_be_bytes(bytes)
    }

    /// A uniform number in `0..bound` (`bound > 0`). Rejection sampling rather than a bare
    /// `% bound`, so that small choices (a digit, a name) carry no modulo bias at all.
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "below(0) has no value to return");
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let draw = self.next_u64();
            if draw < zone {
                return draw % bound;
            }
        }
    }

    /// A uniform ASCII digit.
    pub fn digit(&mut self) -> char {
        char::from(b'0' + self.below(10) as u8)
    }
}

/// Lower-case hexadecimal of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        let digest = KeyedHash::new(b"Jefe").raw(b"what do ya want for nothing?");
        assert_eq!(
            hex(&digest),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn framing_separates_part_boundaries() {
        let keyed = KeyedHash::new(b"k");
        assert_ne!(
            keyed.digest("p", &[b"ab", b"c"]),
            keyed.digest("p", &[b"a", b"bc"])
        );
    }

    #[test]
    fn purposes_draw_unrelated_bits() {
        let keyed = KeyedHash::new(b"k");
        assert_ne!(keyed.digest("a", &[b"v"]), keyed.digest("b", &[b"v"]));
    }

    #[test]
    fn stream_is_deterministic_and_spans_blocks() {
        let keyed = KeyedHash::new(b"k");
        let draw = |n| {
            let mut stream = keyed.stream("p", &[b"v"]);
            (0..n).map(|_| stream.next_u64()).collect::<Vec<_>>()
        };
        let first = draw(10);
        assert_eq!(first, draw(10));
        // 10 draws of 8 bytes use three 32-byte blocks; blocks differ.
        assert_ne!(first[0..4], first[4..8]);
    }

    #[test]
    fn below_stays_in_bounds_and_reaches_every_value() {
        let mut stream = KeyedHash::new(b"k").stream("p", &[]);
        let mut seen = [false; 7];
        for _ in 0..500 {
            let value = stream.below(7);
            seen[value as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
