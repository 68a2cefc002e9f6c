//! `upstream/identity-auth-without-audience`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that `auth = "managed-identity"` on the upstream has what it needs: an
    /// `audience` (the application ID the token is issued for) and a SignalR identity.
    ///
    /// ## Why it matters
    /// SignalR asks Entra ID for a token with its own managed identity for the given
    /// resource; without either, the upstream cannot authenticate (azurerm sends the
    /// audience as `managedIdentity.resource`).
    ///
    /// ## Example
    /// ```toml
    /// [signalr.upstream]
    /// auth = "managed-identity"
    /// ```
    ///
    /// ## How to fix
    /// Add `audience = "<application ID GUID>"` and keep `identity = "SystemAssigned"`,
    /// or use `auth = "none"` (the webhook's system key still protects it).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/concept-upstream
    "upstream/identity-auth-without-audience", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let up = &s.upstream;
    if up.auth.value != "managed-identity" {
        if let Some(audience) = &up.audience {
            let d = cx
                .diagnostic("`audience` has no effect without `auth = \"managed-identity\"`")
                .resource("signalr")
                .primary(audience.span.clone(), "unused")
                .help("remove `audience`, or set `auth = \"managed-identity\"`");
            cx.emit(d);
        }
        return;
    }
    if up.audience.is_none() {
        let d = cx
            .diagnostic("upstream `auth = \"managed-identity\"` needs an `audience`")
            .resource("signalr")
            .primary(up.auth.span.clone(), "no audience for the token")
            .help("add `audience = \"<application ID GUID>\"` to `[signalr.upstream]`");
        cx.emit(d);
    }
    if s.identity.value == "None" {
        let d = cx
            .diagnostic("upstream `auth = \"managed-identity\"` needs a SignalR managed identity")
            .resource("signalr")
            .primary(s.identity.span.clone(), "no identity")
            .secondary(up.auth.span.clone(), "managed-identity auth")
            .help("set `identity = \"SystemAssigned\"` in `[signalr]`");
        cx.emit(d);
    }
}
