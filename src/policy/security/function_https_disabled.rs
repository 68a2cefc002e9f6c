//! `security/function-https-disabled`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[functions] https_only = false`.
    ///
    /// ## Why it matters
    /// Without it the function app also answers plain HTTP: `negotiate` then returns
    /// SignalR connection tokens in clear text, and anyone on the path can read them
    /// and connect as the user.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// https_only = false
    /// ```
    ///
    /// ## How to fix
    /// Set `https_only = true` (the default): HTTP requests are redirected to HTTPS.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/app-service/configure-ssl-bindings#enforce-https
    "security/function-https-disabled", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let https = &cx.env.functions.https_only;
    if https.value {
        return;
    }
    let d = cx
        .diagnostic("the function app answers plain HTTP")
        .resource("function_app")
        .primary(https.span.clone(), "HTTP is not redirected to HTTPS")
        .help("set `https_only = true` in `[functions]`");
    cx.emit(d);
}
