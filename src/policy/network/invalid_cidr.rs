//! `network/invalid-cidr`.

use super::{blocks, Cidr, CidrProblem};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that `[network] address_space`, `functions_subnet` and `endpoints_subnet` are
    /// IPv4 blocks in CIDR notation (`10.40.0.0/16`) that start at their block's first address.
    ///
    /// ## Why it matters
    /// Azure refuses a VNet or subnet prefix that is not valid CIDR, and one with address bits
    /// below the prefix (`10.40.1.5/24`) with `InvalidCIDRNotation`, after the rest of the
    /// deployment has started.
    ///
    /// ## Example
    /// ```toml
    /// [network]
    /// mode = "private"
    /// functions_subnet = "10.40.1.5/24"
    /// ```
    ///
    /// ## How to fix
    /// Write `a.b.c.d/n` with the block's first address, e.g. `10.40.1.0/24`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/virtual-network/virtual-networks-faq#how-small-and-how-large-can-virtual-networks-and-subnets-be
    "network/invalid-cidr", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    for (key, setting) in blocks(cx.env) {
        let d = match Cidr::parse(&setting.value) {
            Ok(_) => continue,
            Err(CidrProblem::Syntax) => cx
                .diagnostic(format!("`{key} = \"{}\"` is not an IPv4 CIDR block", setting.value))
                .primary(setting.span.clone(), "not `a.b.c.d/n`")
                .help(format!(
                    "write `{key}` as an address and a prefix length, e.g. `\"10.40.0.0/16\"`"
                )),
            Err(CidrProblem::HostBits(block)) => cx
                .diagnostic(format!(
                    "`{key} = \"{}\"` has address bits below its /{} prefix",
                    setting.value, block.prefix
                ))
                .primary(setting.span.clone(), format!("the block starts at `{block}`"))
                .note("Azure accepts only the first address of a block (`InvalidCIDRNotation`)")
                .help(format!("set `{key} = \"{block}\"`")),
        };
        cx.emit(d.resource("virtual_network"));
    }
}
