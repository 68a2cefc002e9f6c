//! `functions/language-not-for-runtime`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks `[functions] language` against `runtime`: the `python` runtime runs
    /// Python code, the `node` runtime runs TypeScript (compiled) or JavaScript
    /// (`languages` in `schemas/azure-limits.toml`).
    ///
    /// ## Why it matters
    /// The Functions host starts one language worker per app (`FUNCTIONS_WORKER_RUNTIME`
    /// or the Flex runtime name); code in another language is never loaded, so the app
    /// deploys with no functions and SignalR's upstream calls fail.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// runtime = "python"
    /// language = "typescript"
    /// ```
    ///
    /// ## How to fix
    /// Set `runtime = "node"` for TypeScript or JavaScript, or drop `language` to get
    /// the runtime's default.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/supported-languages
    "functions/language-not-for-runtime", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.env.functions;
    let Some(languages) = cx.limits.functions.languages.get(&f.runtime.value) else {
        return;
    };
    if languages.contains(&f.language.value) {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "language `{}` does not run on runtime `{}`",
            f.language.value, f.runtime.value
        ))
        .resource("function_app")
        .primary(f.language.span.clone(), "not a language of this runtime")
        .secondary(f.runtime.span.clone(), format!("runtime `{}`", f.runtime.value))
        .note(format!(
            "runtime `{}` runs {}",
            f.runtime.value,
            languages
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .help(format!(
            "set `language = \"{}\"`, or the runtime that runs `{}`",
            languages.first().expect("every runtime has a language"),
            f.language.value
        ));
    cx.emit(d);
}
