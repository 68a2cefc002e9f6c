//! `security/function-tls-below-1-2`.

use crate::limits::Security;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a `[functions] min_tls_version` older than the minimum in
    /// `schemas/azure-limits.toml` (`[security] function_min_tls_version`).
    ///
    /// ## Why it matters
    /// The function app serves `negotiate`, which hands out SignalR connection tokens,
    /// and receives the upstream webhook with its system key in the URL. TLS 1.0 and
    /// 1.1 lack modern ciphers and have known attacks.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// min_tls_version = "1.0"
    /// ```
    ///
    /// ## How to fix
    /// Set `min_tls_version = "1.2"` (the default), or `"1.3"`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/app-service/overview-tls
    "security/function-tls-below-1-2", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (tls, sec) = (&cx.env.functions.min_tls_version, &cx.limits.security);
    if !Security::tls_below(&sec.function_tls_versions, &tls.value, &sec.function_min_tls_version) {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "function app minimum TLS version `{}` is below `{}`",
            tls.value, sec.function_min_tls_version
        ))
        .resource("function_app")
        .primary(tls.span.clone(), "outdated TLS version")
        .help(format!(
            "set `min_tls_version = \"{}\"` in `[functions]`",
            sec.function_min_tls_version
        ));
    cx.emit(d);
}
