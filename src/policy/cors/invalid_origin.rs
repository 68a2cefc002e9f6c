//! `cors/invalid-origin`.

use super::{lists, Origin};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that every CORS entry (`[signalr.cors] allowed_origins`, `[functions]
    /// cors_allowed_origins`) is `*` or an origin `scheme://host[:port]`.
    ///
    /// The scheme is `http` or `https` in any case; the host a DNS name, an IPv4
    /// address or a bracketed IPv6 address; the port, if any, in range; and there is
    /// no path, query, fragment, trailing slash or credentials. The limits are in
    /// `schemas/azure-limits.toml` (`[cors]`). The function app's list is judged only
    /// when written: by default it copies SignalR's.
    ///
    /// ## Why it matters
    /// Azure rejects origins with other schemes (such as `ionic://`), and a browser
    /// sends the `Origin` header without a path or a trailing slash, so an entry like
    /// `https://app.example.com/` never matches and the web app is refused. Wildcard
    /// subdomains (`https://*.example.com`) are not supported.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com/", "ionic://localhost"]
    /// ```
    ///
    /// ## How to fix
    /// Write the origin as the browser sends it: `https://app.example.com`. List each
    /// subdomain on its own.
    ///
    /// ## Source
    /// https://github.com/Azure/azure-signalr/issues/1455
    "cors/invalid-origin", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    for list in lists(env) {
        for entry in &list.origins.value {
            if entry.value == cors.wildcard {
                continue;
            }
            let Err(problem) = Origin::parse(&entry.value, cors) else {
                continue;
            };
            let help = match (&problem.fix, problem.help) {
                (Some(fix), _) => format!("write `{fix}`"),
                (None, Some(help)) => help.to_string(),
                (None, None) => format!(
                    "write the origin as `{}://host[:port]`, as the browser sends it in its `Origin` header",
                    cors.secure_scheme
                ),
            };
            let d = cx
                .diagnostic(format!("origin `{}` in `{}` {}", entry.value, list.key, problem.what))
                .resource(list.resource)
                .primary(entry.span.clone(), problem.label)
                .note(format!(
                    "an origin is `scheme://host[:port]` with the scheme {}, or `{}` alone",
                    cors.schemes
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    cors.wildcard
                ))
                .help(help);
            cx.emit(d);
        }
    }
}
