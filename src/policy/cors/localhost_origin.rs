//! `cors/localhost-origin`.

use super::{lists, parsed, ListedOrigin};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags loopback origins in a production environment's CORS lists: `localhost`,
    /// any name under `.localhost`, `127.0.0.0/8` and `[::1]`, with any scheme or
    /// port.
    ///
    /// ## Why it matters
    /// A loopback origin is whatever runs on the visitor's own machine: a developer
    /// server, or any local program that serves a page. Production should trust only
    /// the sites it ships.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    ///
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com", "http://localhost:3000"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the loopback origin from the production file; keep it in a
    /// `profile = "development"` environment.
    ///
    /// ## Source
    /// https://www.rfc-editor.org/rfc/rfc6761#section-6.3
    "cors/localhost-origin", production = error, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    let lists = lists(env);
    for ListedOrigin { list, entry, origin } in parsed(&lists, cors) {
        if !origin.is_loopback(cors) {
            continue;
        }
        let d = cx
            .diagnostic(format!(
                "origin `{}` in `{}` is a loopback address",
                entry.value, list.key
            ))
            .resource(list.resource)
            .primary(entry.span.clone(), "the visitor's own machine")
            .help("remove it here and list it in a `profile = \"development\"` environment");
        cx.emit(d);
    }
}
