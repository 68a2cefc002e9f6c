//! `naming/host-id-collision`.

use crate::policy::{declare_rule, RuleCx};
use crate::resolve::NameKey;

declare_rule! {
    /// ## What it does
    /// Warns when the function app name is longer than the Functions host ID
    /// (its first 32 characters).
    ///
    /// ## Why it matters
    /// Two function apps whose names share the first 32 characters and use the same
    /// storage account get the same host ID: they share locks and timers, and the host
    /// logs error AZFD0007 (pitfall P2).
    ///
    /// ## Example
    /// ```toml
    /// [naming.names]
    /// function_app = "func-realtime-notifications-production"
    /// ```
    ///
    /// ## How to fix
    /// Keep the name at 32 characters or fewer (shorten the workload or environment
    /// parts, or set `[naming.names] function_app`).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/storage-considerations#host-id-considerations
    "naming/host-id-collision", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let limit = cx.limits.naming.functions_host_id_prefix;
    let name = &cx.env.names[&NameKey::FunctionApp];
    let len = name.value.chars().count();
    if len <= limit {
        return;
    }
    let prefix: String = name.value.chars().take(limit).collect();
    let d = cx
        .diagnostic(format!(
            "function app name `{}` is {len} characters long; its host ID is cut to `{prefix}`",
            name.value
        ))
        .resource("function_app")
        .primary(name.span.clone(), format!("longer than {limit} characters"))
        .note("apps sharing a storage account and this prefix collide (AZFD0007)")
        .help(format!("keep the function app name at {limit} characters or fewer"));
    cx.emit(d);
}
