//! `cors/empty-origins`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a SignalR service whose `[signalr.cors] allowed_origins` is empty or not
    /// written: Azure then allows every origin, exactly as with `*`.
    ///
    /// ## Why it matters
    /// The CORS setting is omitted from the deployment when the list is empty, and
    /// SignalR's default is to allow all origins, so any web site can negotiate and
    /// connect from a visitor's browser. The function app's list, by contrast, allows
    /// nothing when empty, so this rule judges SignalR's list only.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    ///
    /// [signalr]
    /// sku = "Standard_S1"
    /// # no [signalr.cors]
    /// ```
    ///
    /// ## How to fix
    /// List the origins of your web app in `[signalr.cors] allowed_origins`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/templates/microsoft.signalrservice/2024-03-01/signalr
    "cors/empty-origins", production = error, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let list = &cx.env.signalr.cors_allowed_origins;
    if !list.value.is_empty() {
        return;
    }
    let label = if list.explicit {
        "empty list"
    } else {
        "no `allowed_origins` here"
    };
    let d = cx
        .diagnostic("SignalR lists no CORS origins, so Azure lets every web site call it")
        .resource("signalr")
        .primary(list.span.clone(), label)
        .note("SignalR allows all origins when `allowedOrigins` is omitted or empty")
        .help(format!(
            "list your web app's origins, e.g. `allowed_origins = [\"{}://app.example.com\"]` in `[signalr.cors]`",
            cx.limits.cors.secure_scheme
        ));
    cx.emit(d);
}
