//! `sku/premium-feature-not-offered`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[[signalr.replicas]]` and `[signalr.custom_domain]` on a SignalR tier that does
    /// not offer them (below Premium).
    ///
    /// ## Why it matters
    /// Geo-replicas and custom domains are Premium features: Azure refuses the replica or the
    /// custom certificate on Free and Standard after the service itself was created.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S1"
    /// [[signalr.replicas]]
    /// location = "westus2"
    /// ```
    ///
    /// ## How to fix
    /// Choose `Premium_P1` or `Premium_P2`, or remove the replicas and the custom domain.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-enable-geo-replication
    "sku/premium-feature-not-offered", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    if let Some(span) = s
        .replicas_span
        .as_ref()
        .filter(|_| !s.replicas.is_empty() && !sku.geo_replicas)
    {
        let d = cx
            .diagnostic(format!("SKU `{}` does not offer geo-replicas", s.sku.value))
            .resource("signalr")
            .primary(span.clone(), "replicas need a Premium SKU")
            .secondary(s.sku.span.clone(), format!("tier `{}`", s.tier))
            .help("choose `Premium_P1` or `Premium_P2`, or remove `[[signalr.replicas]]`");
        cx.emit(d);
    }
    if let Some(domain) = s.custom_domain.as_ref().filter(|_| !sku.custom_domain) {
        let d = cx
            .diagnostic(format!("SKU `{}` does not offer custom domains", s.sku.value))
            .resource("signalr")
            .primary(domain.span.clone(), "a custom domain needs a Premium SKU")
            .secondary(s.sku.span.clone(), format!("tier `{}`", s.tier))
            .help("choose `Premium_P1` or `Premium_P2`, or remove `[signalr.custom_domain]`");
        cx.emit(d);
    }
}
