//! `network/subnets-overlap`.

use super::Cidr;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks, in private mode, that `functions_subnet` and `endpoints_subnet` do not share
    /// addresses.
    ///
    /// ## Why it matters
    /// Subnets of one VNet may not overlap: Azure refuses the second subnet
    /// (`NetcfgSubnetRangesOverlap`). The integration subnet is also delegated to one service
    /// and cannot hold private endpoints.
    ///
    /// ## Example
    /// ```toml
    /// [network]
    /// mode = "private"
    /// functions_subnet = "10.40.0.0/23"
    /// endpoints_subnet = "10.40.1.0/24"
    /// ```
    ///
    /// ## How to fix
    /// Give each subnet its own block inside the address space.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/virtual-network/virtual-network-manage-subnet
    "network/subnets-overlap", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let n = &cx.env.network;
    if !n.private() {
        return;
    }
    let (Ok(functions), Ok(endpoints)) = (
        Cidr::parse(&n.functions_subnet.value),
        Cidr::parse(&n.endpoints_subnet.value),
    ) else {
        return;
    };
    if !functions.overlaps(endpoints) {
        return;
    }
    // Point at the one the user wrote; the later key when both are written.
    let (primary, other, other_key) = if n.endpoints_subnet.explicit {
        (&n.endpoints_subnet, &n.functions_subnet, "functions_subnet")
    } else {
        (&n.functions_subnet, &n.endpoints_subnet, "endpoints_subnet")
    };
    let mut d = cx
        .diagnostic(format!("the subnets `{functions}` and `{endpoints}` overlap"))
        .resource("virtual_network")
        .primary(primary.span.clone(), "overlaps the other subnet");
    d = if other.explicit {
        d.secondary(other.span.clone(), "other subnet")
    } else {
        d.note(format!("`{other_key}` defaults to `{}`", other.value))
    };
    cx.emit(d.help("give `functions_subnet` and `endpoints_subnet` separate blocks of the address space"));
}
