//! `cors/wildcard-mixed`.

use super::lists;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a CORS list (`[signalr.cors] allowed_origins`, `[functions]
    /// cors_allowed_origins`) that holds `*` together with other origins.
    ///
    /// ## Why it matters
    /// `*` allows every origin and should be the only entry; the other entries have
    /// no effect. The list reads as if it were restricted while it is not.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com", "*"]
    /// ```
    ///
    /// ## How to fix
    /// Remove `*` to allow only the listed origins, or keep `*` alone.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/templates/microsoft.signalrservice/2024-03-01/signalr
    "cors/wildcard-mixed", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    for list in lists(env) {
        let origins = &list.origins.value;
        let Some(star) = origins.iter().find(|o| o.value == cors.wildcard) else {
            continue;
        };
        let others: Vec<_> = origins.iter().filter(|o| o.value != cors.wildcard).collect();
        if others.is_empty() {
            continue;
        }
        let mut d = cx
            .diagnostic(format!(
                "`{}` is listed with {} other origin{} in `{}`",
                cors.wildcard,
                others.len(),
                if others.len() == 1 { "" } else { "s" },
                list.key
            ))
            .resource(list.resource)
            .primary(star.span.clone(), "allows every origin");
        for o in others {
            d = d.secondary(o.span.clone(), format!("no effect beside `{}`", cors.wildcard));
        }
        let d = d.help(format!(
            "remove `{}` to allow only the listed origins, or keep `{}` alone",
            cors.wildcard, cors.wildcard
        ));
        cx.emit(d);
    }
}
