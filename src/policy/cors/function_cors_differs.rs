//! `cors/function-cors-differs`.

use super::compare_key;
use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Warns when `[signalr.cors] allowed_origins` and `[functions]
    /// cors_allowed_origins` are both written and allow different origins.
    ///
    /// Origins are compared as `cors/duplicate-origin` compares them. The rule stays
    /// quiet when either list allows every origin (`*`, or an empty SignalR list),
    /// which the wildcard rules judge.
    ///
    /// ## Why it matters
    /// A browser client needs both: it calls the function app's `negotiate` endpoint,
    /// then connects to SignalR. An origin in only one list fails halfway, with a CORS
    /// error that names neither setting.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com"]
    ///
    /// [functions]
    /// cors_allowed_origins = ["https://admin.example.com"]
    /// ```
    ///
    /// ## How to fix
    /// List the same origins in both, or remove `cors_allowed_origins` from
    /// `[functions]`: it then copies `[signalr.cors]`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/functions-how-to-use-azure-function-app-settings#cors
    "cors/function-cors-differs", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    let sr = &env.signalr.cors_allowed_origins;
    let func = &env.functions.cors_allowed_origins;
    if !sr.explicit || !func.explicit || sr.value.is_empty() {
        return;
    }
    if sr.value.iter().chain(&func.value).any(|o| o.value == cors.wildcard) {
        return;
    }
    let sr_keys: Vec<String> = sr.value.iter().map(|o| compare_key(&o.value, cors)).collect();
    let func_keys: Vec<String> = func.value.iter().map(|o| compare_key(&o.value, cors)).collect();
    let only_func: Vec<_> = func
        .value
        .iter()
        .zip(&func_keys)
        .filter(|(_, k)| !sr_keys.contains(k))
        .map(|(o, _)| o)
        .collect();
    let only_sr: Vec<_> = sr
        .value
        .iter()
        .zip(&sr_keys)
        .filter(|(_, k)| !func_keys.contains(k))
        .map(|(o, _)| o)
        .collect();
    let quote = |list: &[&crate::resolve::Setting<String>]| {
        list.iter()
            .map(|o| format!("`{}`", o.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut d = match (only_func.first(), only_sr.first()) {
        (None, None) => return,
        (Some(first), _) => cx
            .diagnostic(format!(
                "the function app allows {} but SignalR does not",
                quote(&only_func)
            ))
            .primary(first.span.clone(), "not in `[signalr.cors]`"),
        (None, Some(_)) => cx
            .diagnostic(format!(
                "SignalR allows {} but the function app does not",
                quote(&only_sr)
            ))
            .primary(func.span.clone(), format!("lacks {}", quote(&only_sr))),
    };
    if !only_func.is_empty() && !only_sr.is_empty() {
        d = d.note(format!(
            "SignalR also allows {}, which the function app does not",
            quote(&only_sr)
        ));
    }
    let d = d
        .resource("function_app")
        .secondary(sr.span.clone(), "SignalR's origins")
        .note("browsers call the function app's `negotiate` endpoint, then connect to SignalR: an origin needs both")
        .help("list the same origins in both, or remove `cors_allowed_origins` from `[functions]` to reuse `[signalr.cors]`");
    cx.emit(d);
}
