//! `mask_ip`: keep the network part of an address, permute the host part.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::anonymize::error::MaskError;
use crate::anonymize::feistel::Feistel;
use crate::anonymize::keyed::KeyedHash;
use crate::anonymize::options::in_range;

pub const DEFAULT_KEEP_PREFIX: i64 = 16;

/// Keeps the first `keep_prefix` bits of the address (0 to 32 for IPv4, 0 to 128 for IPv6)
/// and replaces the others by a keyed permutation of them, chosen per key, family, prefix
/// length and prefix value. One-to-one: within a prefix the host bits are permuted (a Feistel
/// network over exactly that many bits, `feistel.rs`), and different prefixes stay different.
/// `keep_prefix` equal to the address width keeps the address. A netmask, if any, is the
/// caller's to keep.
pub fn mask_ip(key: &[u8], address: IpAddr, keep_prefix: i64) -> Result<IpAddr, MaskError> {
    let keyed = KeyedHash::new(key);
    Ok(match address {
        IpAddr::V4(v4) => {
            let keep = in_range("mask_ip", "keep_prefix", keep_prefix, 0, 32)? as u32;
            let bits = permute_host(&keyed, b"ipv4", u128::from(u32::from(v4)), 32, keep);
            IpAddr::V4(Ipv4Addr::from(bits as u32))
        }
        IpAddr::V6(v6) => {
            let keep = in_range("mask_ip", "keep_prefix", keep_prefix, 0, 128)? as u32;
            let bits = permute_host(&keyed, b"ipv6", u128::from(v6), 128, keep);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
    })
}

fn permute_host(keyed: &KeyedHash, family: &[u8], address: u128, width: u32, keep: u32) -> u128 {
    let host_bits = width - keep;
    if host_bits == 0 {
        return address;
    }
    let host_mask = if host_bits == 128 {
        u128::MAX
    } else {
        (1 << host_bits) - 1
    };
    let network = address & !host_mask;
    let feistel = Feistel::new(
        keyed,
        &[family, &keep.to_be_bytes(), &network.to_be_bytes()],
        host_bits,
    );
    network | feistel.permute(address & host_mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const KEY: &[u8] = b"ip test key 0123456789abc";

    fn v4(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn keeps_the_prefix_bits() {
        let masked = mask_ip(KEY, v4("192.168.37.201"), 16).unwrap();
        assert!(masked.to_string().starts_with("192.168."), "{masked}");
        let IpAddr::V4(a) = mask_ip(KEY, v4("10.0.0.255"), 12).unwrap() else {
            panic!()
        };
        assert_eq!(
            u32::from(a) >> 20,
            u32::from(Ipv4Addr::new(10, 0, 0, 0)) >> 20
        );
    }

    #[test]
    fn changes_the_host_part() {
        assert_ne!(
            mask_ip(KEY, v4("192.168.37.201"), 16).unwrap(),
            v4("192.168.37.201")
        );
    }

    #[test]
    fn is_one_to_one_within_a_subnet() {
        let outputs: HashSet<IpAddr> = (0..=u16::MAX)
            .map(|host| {
                let [a, b] = host.to_be_bytes();
                mask_ip(KEY, IpAddr::V4(Ipv4Addr::new(172, 16, a, b)), 16).unwrap()
            })
            .collect();
        assert_eq!(outputs.len(), 65_536);
    }

    #[test]
    fn ipv6_keeps_its_prefix() {
        let address: IpAddr = "2001:db8:85a3::8a2e:370:7334".parse().unwrap();
        let IpAddr::V6(masked) = mask_ip(KEY, address, 48).unwrap() else {
            panic!()
        };
        assert_eq!(masked.segments()[..3], [0x2001, 0x0db8, 0x85a3]);
        assert_ne!(IpAddr::V6(masked), address);
    }

    #[test]
    fn a_full_prefix_keeps_the_address_and_zero_masks_every_bit() {
        assert_eq!(mask_ip(KEY, v4("8.8.8.8"), 32).unwrap(), v4("8.8.8.8"));
        let address: IpAddr = "::1".parse().unwrap();
        assert_eq!(mask_ip(KEY, address, 128).unwrap(), address);
        assert_ne!(mask_ip(KEY, address, 0).unwrap(), address);
    }

    #[test]
    fn is_deterministic() {
        let address = v4("203.0.113.77");
        assert_eq!(mask_ip(KEY, address, 8), mask_ip(KEY, address, 8));
    }

    #[test]
    fn different_keys_give_different_outputs() {
        let address = v4("203.0.113.77");
        assert_ne!(
            mask_ip(KEY, address, 8),
            mask_ip(b"another ip key 987654321", address, 8)
        );
    }

    #[test]
    fn prefixes_beyond_the_address_width_are_refused() {
        let error = mask_ip(KEY, v4("1.2.3.4"), 33).unwrap_err();
        assert_eq!(error.hint, "\"keep_prefix\" must be between 0 and 32.");
        assert!(mask_ip(KEY, "::1".parse().unwrap(), 129).is_err());
        assert!(mask_ip(KEY, v4("1.2.3.4"), -1).is_err());
    }
}
