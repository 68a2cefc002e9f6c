//! `acl/allow-default-in-production`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `default_action = "Allow"` in a production environment's
    /// `[signalr.network_acl]` while public network access is on.
    ///
    /// ## Why it matters
    /// Under `Allow` every request type not denied by name is open to the internet,
    /// including `ServerConnection` and `Trace`, which this serverless stack never uses,
    /// and any request type Azure adds later. A production ACL should deny by default
    /// and allow what the stack uses.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    ///
    /// [signalr.network_acl]
    /// default_action = "Allow"
    /// public_deny = ["Trace"]
    /// ```
    ///
    /// ## How to fix
    /// Set `default_action = "Deny"` with `public_allow = ["ClientConnection",
    /// "RESTAPI"]` and no `public_deny`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-network-access-control
    "acl/allow-default-in-production", production = error, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (s, nacl) = (&cx.env.signalr, &cx.limits.network_acl);
    let Some(acl) = &s.network_acl else { return };
    if acl.default_action.value != "Allow" || !s.public_network_access.value {
        return;
    }
    let mut used = vec![format!("\"{}\"", nacl.client)];
    if s.service_mode.value == nacl.serverless_mode {
        used.push(format!("\"{}\"", nacl.rest_api));
    }
    let d = cx
        .diagnostic("the network ACL allows every request type from the internet unless denied by name")
        .resource("signalr_network_acl")
        .primary(acl.default_action.span.clone(), "allow by default")
        .help(format!(
            "set `default_action = \"Deny\"` and `public_allow = [{}]`, and remove `public_deny`",
            used.join(", ")
        ));
    cx.emit(d);
}
