//! `upstream/identity-auth-without-audience`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that `auth = "managed-identity"` on the upstream has an `audience` (the
    /// application ID the token is issued for), and that an `audience` is not written
    /// without it. A missing SignalR identity is reported by
    /// `security/signalr-identity-missing`.
    ///
    /// ## Why it matters
    /// SignalR asks Entra ID for a token for the given resource; without an audience
    /// the upstream cannot authenticate (azurerm sends the audience as
    /// `managedIdentity.resource`). An audience without managed-identity auth is
    /// silently unused.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.upstream]
    /// auth = "managed-identity"
    /// ```
    ///
    /// ## How to fix
    /// Add `audience = "<application ID GUID>"`, or use `auth = "none"` (the
    /// webhook's system key still protects it).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/concept-upstream
    "upstream/identity-auth-without-audience", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let up = &cx.env.signalr.upstream;
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
}
