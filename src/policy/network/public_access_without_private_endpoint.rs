//! `network/public-access-without-private-endpoint`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[signalr] public_network_access = false` when `[network] mode` is `public`:
    /// the service then has no private endpoint either.
    ///
    /// ## Why it matters
    /// With public access disabled, SignalR refuses every request from the internet whatever
    /// its ACL says. Without a private endpoint nothing can reach it: browsers cannot connect,
    /// and the function app's bindings cannot call its REST API.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S1"
    /// public_network_access = false
    /// ```
    ///
    /// ## How to fix
    /// Set `[network] mode = "private"` (sigc adds the private endpoint), or keep
    /// `public_network_access = true` and restrict request types with `[signalr.network_acl]`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-network-access-control
    "network/public-access-without-private-endpoint", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let access = &cx.env.signalr.public_network_access;
    let n = &cx.env.network;
    if access.value || n.private() {
        return;
    }
    let mut d = cx
        .diagnostic("public network access is disabled and the service has no private endpoint")
        .resource("signalr")
        .primary(access.span.clone(), "no public access");
    if n.mode.explicit {
        d = d.secondary(n.mode.span.clone(), "public mode: no private endpoint");
    }
    let d = d
        .note("with public access disabled SignalR refuses all internet traffic, whatever its network ACL allows")
        .help("set `[network] mode = \"private\"`, or `public_network_access = true`");
    cx.emit(d);
}
