//! `network/custom-domain-without-identity`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[signalr.custom_domain]` with `[signalr] identity = "None"`.
    ///
    /// ## Why it matters
    /// SignalR reads the custom domain's certificate from Key Vault with its own managed
    /// identity, which sigc grants "Key Vault Secrets User" on `key_vault_id`. Without an
    /// identity there is nothing to grant and the certificate cannot be read.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Premium_P1"
    /// identity = "None"
    /// [signalr.custom_domain]
    /// host_name = "realtime.example.com"
    /// ```
    ///
    /// ## How to fix
    /// Set `identity = "SystemAssigned"` (the default), or remove the custom domain.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-custom-domain
    "network/custom-domain-without-identity", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let Some(domain) = &s.custom_domain else { return };
    if s.identity.value != "None" {
        return;
    }
    let d = cx
        .diagnostic("the custom domain needs SignalR's managed identity to read its certificate")
        .resource("signalr_custom_certificate")
        .primary(s.identity.span.clone(), "no identity")
        .secondary(domain.span.clone(), "custom domain")
        .help("set `identity = \"SystemAssigned\"`, or remove `[signalr.custom_domain]`");
    cx.emit(d);
}
