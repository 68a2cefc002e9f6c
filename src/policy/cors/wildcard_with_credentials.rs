//! `cors/wildcard-with-credentials`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Refuses `[functions] cors_support_credentials = true` when the function app's
    /// allowed origins (`[functions] cors_allowed_origins`, or by default
    /// `[signalr.cors] allowed_origins`) contain `*`.
    ///
    /// ## Why it matters
    /// The SignalR client calls the function app's `negotiate` endpoint cross-origin with
    /// credentials. Browsers never accept `Access-Control-Allow-Origin: *` on a request
    /// with credentials, so the pair fails in every browser: the stack would deploy and
    /// no client could connect. Without this key sigc turns credentials off by itself when
    /// the origins hold `*`.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// cors_allowed_origins = ["*"]
    /// cors_support_credentials = true
    /// ```
    ///
    /// ## How to fix
    /// List the exact origins of your web app instead of `*`, or remove
    /// `cors_support_credentials`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/signalr-concept-serverless-development-config
    /// (section "Azure Functions CORS"); https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
    "cors/wildcard-with-credentials", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let (env, cors) = (cx.env, &cx.limits.cors);
    let credentials = &env.functions.cors_support_credentials;
    if !credentials.explicit || !credentials.value {
        return;
    }
    let origins = &env.functions.cors_allowed_origins;
    let Some(star) = origins.value.iter().find(|o| o.value == cors.wildcard) else {
        return;
    };
    let key = if origins.explicit {
        "functions.cors_allowed_origins"
    } else {
        "signalr.cors.allowed_origins"
    };
    let d = cx
        .diagnostic(format!(
            "`{}` in `{key}` cannot be combined with `cors_support_credentials = true`",
            cors.wildcard
        ))
        .resource("function_app")
        .primary(star.span.clone(), "every origin")
        .secondary(credentials.span.clone(), "credentials asked for here")
        .note("browsers refuse a wildcard origin on a request with credentials, and the SignalR client negotiates with credentials")
        .help(format!(
            "list the exact origins of your web app (`{}://app.example.com`), or remove `cors_support_credentials`",
            cors.secure_scheme
        ));
    cx.emit(d);
}
