//! `cors/insecure-origin`.

use super::{lists, parsed, ListedOrigin};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags origins served over plain `http://` in `[signalr.cors] allowed_origins`
    /// and `[functions] cors_allowed_origins`.
    ///
    /// Loopback origins are left to `cors/localhost-origin`, so each entry is reported
    /// once.
    ///
    /// ## Why it matters
    /// A page served over HTTP can be altered on the way to the user; trusting it
    /// lets whoever sits on that path negotiate and connect in the user's name.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["http://app.example.com"]
    /// ```
    ///
    /// ## How to fix
    /// Serve the web app over HTTPS and list its `https://` origin.
    ///
    /// ## Source
    /// https://www.rfc-editor.org/rfc/rfc6454#section-3.2
    "cors/insecure-origin", production = error, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    let lists = lists(env);
    for ListedOrigin { list, entry, origin } in parsed(&lists, cors) {
        if origin.scheme == cors.secure_scheme || origin.is_loopback(cors) {
            continue;
        }
        let rest = entry.value.split_once("://").map_or("", |(_, r)| r);
        let d = cx
            .diagnostic(format!(
                "origin `{}` in `{}` is not served over HTTPS",
                entry.value, list.key
            ))
            .resource(list.resource)
            .primary(entry.span.clone(), format!("plain `{}`", origin.scheme))
            .help(format!(
                "serve the web app over HTTPS and write `{}://{rest}`",
                cors.secure_scheme
            ));
        cx.emit(d);
    }
}
