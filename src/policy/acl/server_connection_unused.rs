//! `acl/server-connection-unused`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `ServerConnection` in a `public_allow` list the user wrote when the
    /// service runs in Serverless mode.
    ///
    /// The default list (used when `public_allow` is not written) also holds
    /// `ServerConnection`, as the contract defines it. The rule does not fire on that
    /// default: only a list the user wrote is theirs to change.
    ///
    /// ## Why it matters
    /// Serverless mode has no hub servers: the function app talks to SignalR through
    /// the REST API and the upstream webhook. An allowed request type nobody uses is
    /// surface with no purpose.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.network_acl]
    /// default_action = "Deny"
    /// public_allow = ["ClientConnection", "ServerConnection", "RESTAPI"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `"ServerConnection"` from `public_allow`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/concept-service-mode
    "acl/server-connection-unused", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (s, nacl) = (&cx.env.signalr, &cx.limits.network_acl);
    let Some(acl) = &s.network_acl else { return };
    if !acl.public_allow.explicit || s.service_mode.value != nacl.serverless_mode {
        return;
    }
    let Some(entry) = acl.public_allow.value.iter().find(|t| t.value == nacl.server) else {
        return;
    };
    let d = cx
        .diagnostic(format!(
            "`{}` is allowed from the internet, but Serverless mode has no hub servers",
            nacl.server
        ))
        .resource("signalr_network_acl")
        .primary(entry.span.clone(), "unused in Serverless mode")
        .secondary(
            s.service_mode.span.clone(),
            if s.service_mode.explicit {
                "no hub servers in this mode".to_string()
            } else {
                format!("`{}` mode by default", s.service_mode.value)
            },
        )
        .help(format!("remove `\"{}\"` from `public_allow`", nacl.server));
    cx.emit(d);
}
