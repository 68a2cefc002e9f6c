//! `cors/wildcard-origin`.

use super::lists;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `*` in `[signalr.cors] allowed_origins` or `[functions]
    /// cors_allowed_origins`: every web site may then call the service from a visitor's
    /// browser.
    ///
    /// ## Why it matters
    /// Negotiation hands out connection tokens. With `*`, any page a user opens can
    /// negotiate and connect in that user's name, and read what the hub sends. A
    /// production service should name the sites that embed it.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    ///
    /// [signalr.cors]
    /// allowed_origins = ["*"]
    /// ```
    ///
    /// ## How to fix
    /// List the exact origins of your web app (`https://app.example.com`). A public
    /// service that hands out nothing user-specific can waive the rule in
    /// `[[policy.allow]]` with its reason.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/templates/microsoft.signalrservice/2024-03-01/signalr
    "cors/wildcard-origin", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    for list in lists(env) {
        let Some(star) = list.origins.value.iter().find(|o| o.value == cors.wildcard) else {
            continue;
        };
        let d = cx
            .diagnostic(format!("`{}` in `{}` lets every web site call {}", cors.wildcard, list.key, list.service))
            .resource(list.resource)
            .primary(star.span.clone(), "every origin")
            .help(format!(
                "list the exact origins of your web app (`{}://app.example.com`), or waive `cors/wildcard-origin` in `[[policy.allow]]` with a reason",
                cors.secure_scheme
            ));
        cx.emit(d);
    }
}
