//! `sku/private-mode-on-free`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[network] mode = "private"` on a SignalR tier without private endpoints
    /// (`Free_F1`).
    ///
    /// ## Why it matters
    /// Private mode puts a private endpoint in front of SignalR; the Free tier does not offer
    /// private endpoints, so Azure refuses it and the function app has no private path to the
    /// service.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Free_F1"
    /// [network]
    /// mode = "private"
    /// ```
    ///
    /// ## How to fix
    /// Choose `Standard_S1` or a Premium SKU, or keep `mode = "public"`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-private-endpoints
    "sku/private-mode-on-free", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let n = &cx.env.network;
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    if !n.private() || sku.private_endpoints {
        return;
    }
    let d = cx
        .diagnostic(format!("SKU `{}` does not offer private endpoints", s.sku.value))
        .resource("signalr")
        .primary(n.mode.span.clone(), "private mode needs a private endpoint")
        .secondary(s.sku.span.clone(), format!("tier `{}`", s.tier))
        .help("choose `Standard_S1` or a Premium SKU, or set `mode = \"public\"`");
    cx.emit(d);
}
