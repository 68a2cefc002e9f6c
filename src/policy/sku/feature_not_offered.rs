//! `sku/feature-not-offered`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags settings the chosen SignalR tier does not offer: a network ACL or disabled
    /// public network access on `Free_F1`.
    ///
    /// ## Why it matters
    /// azurerm rejects `public_network_access_enabled = false` on Free, and request-type
    /// ACL rules are not available on Free (AVM note): the deployment fails after review.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Free_F1"
    /// public_network_access = false
    /// ```
    ///
    /// ## How to fix
    /// Remove the setting, or move to `Standard_S1` or a Premium SKU.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-network-access-control
    "sku/feature-not-offered", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    if let Some(acl) = s.network_acl.as_ref().filter(|a| a.explicit && !sku.network_acl) {
        let d = cx
            .diagnostic(format!("SKU `{}` does not offer a network ACL", s.sku.value))
            .resource("signalr")
            .primary(acl.span.clone(), "network ACL not available on this tier")
            .secondary(s.sku.span.clone(), format!("tier `{}`", s.tier))
            .help("remove `[signalr.network_acl]`, or choose `Standard_S1` or a Premium SKU");
        cx.emit(d);
    }
    if s.public_network_access.explicit && !s.public_network_access.value && !sku.disable_public_network {
        let d = cx
            .diagnostic(format!("SKU `{}` cannot disable public network access", s.sku.value))
            .resource("signalr")
            .primary(s.public_network_access.span.clone(), "not available on this tier")
            .secondary(s.sku.span.clone(), format!("tier `{}`", s.tier))
            .help("set `public_network_access = true`, or choose `Standard_S1` or a Premium SKU");
        cx.emit(d);
    }
}
