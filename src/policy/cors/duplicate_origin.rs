//! `cors/duplicate-origin`.

use super::{compare_key, lists};
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags an origin listed twice in `[signalr.cors] allowed_origins` or
    /// `[functions] cors_allowed_origins`.
    ///
    /// Origins are compared as browsers compare them: scheme and host without regard
    /// to case, and the default port (`:443` for `https`, `:80` for `http`) the same
    /// as none.
    ///
    /// ## Why it matters
    /// The second entry does nothing; when it differs only in case or port it often
    /// hides a typo in the origin that was meant.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com", "HTTPS://App.Example.com:443"]
    /// ```
    ///
    /// ## How to fix
    /// Remove the second entry.
    ///
    /// ## Source
    /// https://www.rfc-editor.org/rfc/rfc6454#section-5
    "cors/duplicate-origin", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    for list in lists(env) {
        let mut seen: Vec<(String, &crate::resolve::Setting<String>)> = Vec::new();
        for entry in &list.origins.value {
            let key = compare_key(&entry.value, cors);
            let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) else {
                seen.push((key, entry));
                continue;
            };
            let message = if first.value == entry.value {
                format!("origin `{}` is listed twice in `{}`", entry.value, list.key)
            } else {
                format!("origin `{}` repeats `{}` in `{}`", entry.value, first.value, list.key)
            };
            let mut d = cx
                .diagnostic(message)
                .resource(list.resource)
                .primary(entry.span.clone(), "duplicate")
                .secondary(first.span.clone(), "first listed here");
            if first.value != entry.value {
                d = d.note("scheme and host compare without regard to case, and a default port equals none");
            }
            cx.emit(d.help("remove the second entry"));
        }
    }
}
