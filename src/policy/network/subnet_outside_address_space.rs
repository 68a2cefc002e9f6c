//! `network/subnet-outside-address-space`.

use super::{blocks, Cidr};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks, in private mode, that `functions_subnet` and `endpoints_subnet` lie inside
    /// `[network] address_space`.
    ///
    /// ## Why it matters
    /// A subnet must be part of its VNet's address space: Azure refuses the subnet
    /// (`NetcfgSubnetRangeOutsideVnet`) and the private endpoints and VNet integration that
    /// depend on it fail with it.
    ///
    /// ## Example
    /// ```toml
    /// [network]
    /// mode = "private"
    /// address_space = "10.40.0.0/16"
    /// endpoints_subnet = "10.50.2.0/24"
    /// ```
    ///
    /// ## How to fix
    /// Pick the subnet inside the address space, or widen the address space.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/virtual-network/virtual-network-manage-subnet
    "network/subnet-outside-address-space", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    if !cx.env.network.private() {
        return;
    }
    let [(_, space), subnets @ ..] = blocks(cx.env);
    let Ok(vnet) = Cidr::parse(&space.value) else { return };
    for (key, setting) in subnets {
        let Ok(subnet) = Cidr::parse(&setting.value) else {
            continue;
        };
        if vnet.contains(subnet) {
            continue;
        }
        let mut d = cx
            .diagnostic(format!(
                "`{key} = \"{subnet}\"` is outside the VNet's address space `{vnet}`"
            ))
            .resource("virtual_network")
            .primary(setting.span.clone(), "outside the address space");
        d = if space.explicit {
            d.secondary(space.span.clone(), "address space set here")
        } else {
            d.note(format!("`address_space` defaults to `{vnet}`"))
        };
        cx.emit(d.help(format!(
            "choose `{key}` inside `{vnet}`, or set `address_space` to a block that holds it"
        )));
    }
}
