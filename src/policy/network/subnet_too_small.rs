//! `network/subnet-too-small`.

use super::{private_endpoint_count, Cidr};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks, in private mode, that each subnet is large enough for what sigc puts in it:
    /// Azure's smallest subnet at all, a VNet integration subnet of at least the size regional
    /// VNet integration needs (from `schemas/azure-limits.toml`), and an endpoints subnet with
    /// one free address per private endpoint after the addresses Azure reserves.
    ///
    /// ## Why it matters
    /// Azure refuses a smaller integration subnet when the app joins it, and a private endpoint
    /// without a free address fails to deploy; subnets in use cannot be resized.
    ///
    /// ## Example
    /// ```toml
    /// [network]
    /// mode = "private"
    /// functions_subnet = "10.40.1.0/29"
    /// ```
    ///
    /// ## How to fix
    /// Use a shorter prefix (a larger block): `/28` at least for the integration subnet,
    /// `/26` or larger recommended so the app can scale out.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/app-service/configure-vnet-integration-enable
    "network/subnet-too-small", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let n = &cx.env.network;
    if !n.private() {
        return;
    }
    let l = &cx.limits.network;
    if let Ok(subnet) = Cidr::parse(&n.functions_subnet.value) {
        if subnet.prefix > l.functions_subnet_max_prefix {
            let d = cx
                .diagnostic(format!(
                    "`functions_subnet = \"{subnet}\"` is smaller than the /{} VNet integration needs",
                    l.functions_subnet_max_prefix
                ))
                .resource("virtual_network")
                .primary(n.functions_subnet.span.clone(), format!("{} addresses", subnet.size()))
                .note("each instance of the function app takes an address of the integration subnet")
                .help(format!(
                    "use a /{} or larger block (a /26 is recommended for scale-out)",
                    l.functions_subnet_max_prefix
                ));
            cx.emit(d);
        }
    }
    if let Ok(subnet) = Cidr::parse(&n.endpoints_subnet.value) {
        let endpoints = private_endpoint_count(cx.env);
        let usable = subnet.size().saturating_sub(l.subnet_reserved_addresses);
        if subnet.prefix > l.subnet_min_prefix || usable < endpoints {
            let d = cx
                .diagnostic(format!(
                    "`endpoints_subnet = \"{subnet}\"` has no room for the {endpoints} private endpoints of this stack"
                ))
                .resource("virtual_network")
                .primary(n.endpoints_subnet.span.clone(), format!("{usable} usable addresses"))
                .note(format!(
                    "Azure reserves {} addresses in every subnet and its smallest subnet is a /{}",
                    l.subnet_reserved_addresses, l.subnet_min_prefix
                ))
                .help("use a /28 or larger block for the private endpoints");
            cx.emit(d);
        }
    }
}
