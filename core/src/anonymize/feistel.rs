//! A keyed permutation of `0..2^bits` (a Feistel network whose round function is HMAC-SHA256)
//! and, by cycle-walking, of any range `0..n`. This is what makes `mask_unique` and `mask_ip`
//! one-to-one: they turn a value into a number, permute the number, and turn it back.
//!
//! Why it is a bijection:
//! - One round maps `(L, R)` to `(R, L xor F(R))`. Whatever `F` is, the round is undone by
//!   `(L', R') -> (R' xor F(L'), L')`, so each round is a permutation of the bit strings, and so
//!   is their composition. `F` only has to be unpredictable without the key, which HMAC is.
//! - The halves may differ in width by one bit (odd `bits`): after a round the widths swap,
//!   and an even number of rounds brings them back, so the output has exactly `bits` bits.
//! - Cycle-walking (Black & Rogaway, 2002): to permute `0..n` inside `0..2^bits`, apply the
//!   permutation until the result falls below `n`. Following a permutation's cycle from a point
//!   of `0..n` always comes back to `0..n` (at the latest to the start point), and the inverse
//!   walk with the inverse permutation undoes it, so the walk is a permutation of `0..n`.
//!   `bits` is the smallest width holding `n - 1`, so `n > 2^(bits-1)` and a walk takes fewer
//!   than two steps on average.
//!
//! Ten rounds, as in NIST SP 800-38G's FF1: small domains need more rounds than the 3 or 4 of
//! Luby-Rackoff's asymptotic bound to look like a random permutation.

use super::keyed::{Framed, KeyedHash};

const ROUNDS: u8 = 10;

/// A keyed permutation of the integers `0..2^bits`, `bits <= 128`.
pub struct Feistel {
    prefix: Framed,
    bits: u32,
}

impl Feistel {
    /// The permutation selected by the key and a tweak. Different tweaks give independent
    /// permutations, which is how callers separate domains (kinds, shapes, subnets).
    pub fn new(keyed: &KeyedHash, tweak: &[&[u8]], bits: u32) -> Self {
        assert!(
            bits <= 128,
            "a Feistel domain is at most 128 bits, not {bits}"
        );
        let mut prefix = keyed.framed("feistel", tweak);
        prefix.part(&bits.to_be_bytes());
        Self { prefix, bits }
    }

    /// The image of `x`, which must be below `2^bits`.
    pub fn permute(&self, x: u128) -> u128 {
        debug_assert!(
            x & !mask(self.bits) == 0,
            "{x} is outside 0..2^{}",
            self.bits
        );
        let (mut left_bits, mut right_bits) = (self.bits / 2, self.bits - self.bits / 2);
        let mut left = x >> right_bits;
        let mut right = x & mask(right_bits);
        for round in 0..ROUNDS {
            let mixed = left ^ (self.round_function(round, right) & mask(left_bits));
            left = right;
            right = mixed;
            std::mem::swap(&mut left_bits, &mut right_bits);
        }
        (left << right_bits) | right
    }

    /// The preimage of `y`: rounds undone in reverse order. Only tests need it, to show the
    /// permutation is invertible; masking never reverses.
    #[cfg(test)]
    pub fn invert(&self, y: u128) -> u128 {
        let (mut left_bits, mut right_bits) = (self.bits / 2, self.bits - self.bits / 2);
        let mut left = y >> right_bits;
        let mut right = y & mask(right_bits);
        for round in (0..ROUNDS).rev() {
            std::mem::swap(&mut left_bits, &mut right_bits);
            let previous_left = right ^ (self.round_function(round, left) & mask(left_bits));
            right = left;
            left = previous_left;
        }
        (left << right_bits) | right
    }

    fn round_function(&self, round: u8, half: u128) -> u128 {
        let mut hash = self.prefix.clone();
        hash.part(&[round]).part(&half.to_be_bytes());
        let digest = hash.finish();
        u128::from_be_bytes(digest[..16].try_into().expect("16 of 32 bytes"))
    }
}

/// A keyed permutation of `0..n` (cycle-walking over the smallest Feistel domain holding it).
pub fn permute_below(keyed: &KeyedHash, tweak: &[&[u8]], n: u128, x: u128) -> u128 {
    assert!(x < n, "{x} is outside 0..{n}");
    if n == 1 {
        return x;
    }
    let bits = 128 - (n - 1).leading_zeros();
    let feistel = Feistel::new(keyed, tweak, bits);
    let mut y = feistel.permute(x);
    while y >= n {
        y = feistel.permute(y);
    }
    y
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1 << bits) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed() -> KeyedHash {
        KeyedHash::new(b"feistel test key")
    }

    #[test]
    fn every_width_up_to_twelve_bits_is_a_permutation() {
        for bits in 0..=12 {
            let feistel = Feistel::new(&keyed(), &[b"t"], bits);
            let mut seen = vec![false; 1 << bits];
            for x in 0..1u128 << bits {
                let y = feistel.permute(x);
                assert!(!seen[y as usize], "{bits} bits: {y} reached twice");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn invert_undoes_permute_at_full_width() {
        let feistel = Feistel::new(&keyed(), &[b"t"], 128);
        for x in [0, 1, u128::MAX, 0x0123_4567_89ab_cdef_0011_2233_4455_6677] {
            assert_eq!(feistel.invert(feistel.permute(x)), x);
        }
    }

    #[test]
    fn invert_undoes_permute_at_odd_widths() {
        for bits in [1, 7, 33, 127] {
            let feistel = Feistel::new(&keyed(), &[b"t"], bits);
            for x in [0, 1, mask(bits), mask(bits) / 3] {
                assert_eq!(feistel.invert(feistel.permute(x)), x, "{bits} bits");
            }
        }
    }

    #[test]
    fn cycle_walking_permutes_ranges_that_are_not_powers_of_two() {
        for n in [1u128, 2, 3, 10, 26, 100, 1000, 1337] {
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = permute_below(&keyed(), &[b"t"], n, x);
                assert!(y < n);
                assert!(!seen[y as usize], "0..{n}: {y} reached twice");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn tweaks_select_different_permutations() {
        let a: Vec<u128> = (0..1000)
            .map(|x| permute_below(&keyed(), &[b"a"], 1000, x))
            .collect();
        let b: Vec<u128> = (0..1000)
            .map(|x| permute_below(&keyed(), &[b"b"], 1000, x))
            .collect();
        assert_ne!(a, b);
    }

    #[test]
    fn keys_select_different_permutations() {
        let other = KeyedHash::new(b"another test key");
        let differing = (0..1000)
            .filter(|&x| {
                permute_below(&keyed(), &[b"t"], 1000, x) != permute_below(&other, &[b"t"], 1000, x)
            })
            .count();
        assert!(differing > 900, "only {differing} of 1000 images differ");
    }
}
