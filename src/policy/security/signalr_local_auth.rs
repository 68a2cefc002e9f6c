//! `security/signalr-local-auth`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags SignalR access keys left on (`[signalr] local_auth`, `true` by default)
    /// in a production environment.
    ///
    /// The rule also fires when `local_auth` is not written, pointing at `[signalr]`.
    ///
    /// ## Why it matters
    /// This stack never uses the keys: the function app reaches SignalR with its
    /// managed identity (`AzureSignalRConnectionString__credential = managedidentity`
    /// and the SignalR Service Owner role). A leaked key, though, lets anyone mint
    /// client tokens and call the REST API as the server, and keys do not expire.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    ///
    /// [signalr]
    /// sku = "Standard_S1"
    /// local_auth = true
    /// ```
    ///
    /// ## How to fix
    /// Set `local_auth = false` in `[signalr]`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-disable-local-auth
    "security/signalr-local-auth", production = warning, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let local = &cx.env.signalr.local_auth;
    if !local.value {
        return;
    }
    let label = if local.explicit {
        "access keys on"
    } else {
        "`local_auth` defaults to `true`"
    };
    let d = cx
        .diagnostic("SignalR access keys are enabled, and nothing in this stack uses them")
        .resource("signalr")
        .primary(local.span.clone(), label)
        .note("the function app reaches SignalR with its managed identity")
        .help("set `local_auth = false` in `[signalr]`");
    cx.emit(d);
}
