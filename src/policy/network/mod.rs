//! `network/*` rules: the private mode's address plan, replicas and the custom domain.

pub mod custom_domain_without_identity;
pub mod invalid_certificate_id;
pub mod invalid_cidr;
pub mod private_mode_on_y1;
pub mod public_access_without_private_endpoint;
pub mod replica_region_conflict;
pub mod subnet_outside_address_space;
pub mod subnet_too_small;
pub mod subnets_overlap;

use crate::resolve::{Resolved, Setting};

/// An IPv4 block in CIDR notation, `a.b.c.d/n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub base: u32,
    pub prefix: u8,
}

/// Why a text is not a usable IPv4 CIDR block.
#[derive(Debug, PartialEq, Eq)]
pub enum CidrProblem {
    /// Not `a.b.c.d/n` with octets 0-255 and `n` 0-32.
    Syntax,
    /// Address bits set below the prefix: Azure wants the block's first address.
    HostBits(Cidr),
}

impl Cidr {
    /// Parses strict dotted-quad CIDR: decimal octets without leading zeros, a prefix 0-32,
    /// and no address bits below the prefix (Azure refuses those: `InvalidCIDRNotation`).
    pub fn parse(text: &str) -> Result<Cidr, CidrProblem> {
        let (addr, prefix) = text.split_once('/').ok_or(CidrProblem::Syntax)?;
        let prefix: u8 = number(prefix, 32).ok_or(CidrProblem::Syntax)? as u8;
        let octets: Vec<&str> = addr.split('.').collect();
        if octets.len() != 4 {
            return Err(CidrProblem::Syntax);
        }
        let mut base = 0u32;
        for o in octets {
            base = (base << 8) | number(o, 255).ok_or(CidrProblem::Syntax)?;
        }
        let cidr = Cidr { base, prefix };
        if base & !cidr.mask() != 0 {
            return Err(CidrProblem::HostBits(Cidr {
                base: base & cidr.mask(),
                prefix,
            }));
        }
        Ok(cidr)
    }

    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    /// Addresses in the block.
    pub fn size(self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    pub fn last(self) -> u32 {
        self.base | !self.mask()
    }

    pub fn contains(self, other: Cidr) -> bool {
        other.prefix >= self.prefix && other.base & self.mask() == self.base
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.base <= other.last() && other.base <= self.last()
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.base.to_be_bytes();
        write!(f, "{}.{}.{}.{}/{}", b[0], b[1], b[2], b[3], self.prefix)
    }
}

/// A decimal number without sign or leading zeros, at most `max`.
fn number(text: &str, max: u32) -> Option<u32> {
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse::<u32>().ok().filter(|&n| n <= max)
}

/// The three address settings of `[network]` with their key names, address space first.
pub fn blocks(env: &Resolved) -> [(&'static str, &Setting<String>); 3] {
    let n = &env.network;
    [
        ("address_space", &n.address_space),
        ("functions_subnet", &n.functions_subnet),
        ("endpoints_subnet", &n.endpoints_subnet),
    ]
}

/// How many private endpoints the private mode puts in the endpoints subnet: SignalR,
/// blob, queue and table, and file where the plan keeps its content on an Azure Files share.
pub fn private_endpoint_count(env: &Resolved) -> u64 {
    let content_share = env.functions.plan.value != "FC1";
    4 + u64::from(content_share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strict_cidr() {
        let c = Cidr::parse("10.40.0.0/16").unwrap();
        assert_eq!(c.to_string(), "10.40.0.0/16");
        assert_eq!(c.size(), 65536);
        assert!(c.contains(Cidr::parse("10.40.2.0/24").unwrap()));
        assert!(!c.contains(Cidr::parse("10.41.0.0/24").unwrap()));
        assert!(!Cidr::parse("10.40.1.0/24")
            .unwrap()
            .overlaps(Cidr::parse("10.40.2.0/24").unwrap()));
        assert!(Cidr::parse("10.40.0.0/23")
            .unwrap()
            .overlaps(Cidr::parse("10.40.1.128/25").unwrap()));
        for bad in [
            "10.40.0.0",
            "10.40.0/16",
            "10.40.0.256/24",
            "10.040.0.0/16",
            "10.40.0.0/33",
            "a.b.c.d/8",
            "10.40.0.0/-1",
            " 10.40.0.0/16",
        ] {
            assert_eq!(Cidr::parse(bad), Err(CidrProblem::Syntax), "{bad}");
        }
        assert_eq!(
            Cidr::parse("10.40.1.5/24"),
            Err(CidrProblem::HostBits(Cidr::parse("10.40.1.0/24").unwrap()))
        );
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().size(), 1 << 32);
    }
}
