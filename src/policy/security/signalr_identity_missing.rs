//! `security/signalr-identity-missing`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[signalr] identity = "None"` while the upstream uses `auth =
    /// "managed-identity"`, which needs SignalR's own managed identity.
    ///
    /// `upstream/identity-auth-without-audience` checks the audience of that upstream;
    /// the missing identity is reported here only.
    ///
    /// ## Why it matters
    /// With managed-identity auth, SignalR asks Entra ID for a token with its own
    /// identity before each upstream call. Without an identity it cannot, and every
    /// event to the function app fails.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// identity = "None"
    ///
    /// [signalr.upstream]
    /// auth = "managed-identity"
    /// audience = "00000000-0000-0000-0000-000000000000"
    /// ```
    ///
    /// ## How to fix
    /// Set `identity = "SystemAssigned"` (the default), or use `auth = "none"` on the
    /// upstream (the webhook's system key still protects it).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-use-managed-identity
    "security/signalr-identity-missing", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    if s.identity.value != "None" || s.upstream.auth.value != "managed-identity" {
        return;
    }
    let d = cx
        .diagnostic("upstream `auth = \"managed-identity\"` needs a SignalR managed identity")
        .resource("signalr")
        .primary(s.identity.span.clone(), "no identity")
        .secondary(s.upstream.auth.span.clone(), "managed-identity auth")
        .help("set `identity = \"SystemAssigned\"` in `[signalr]`, or `auth = \"none\"` in `[signalr.upstream]`");
    cx.emit(d);
}
