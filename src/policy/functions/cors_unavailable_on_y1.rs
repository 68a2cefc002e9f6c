//! `functions/cors-unavailable-on-y1`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Warns when `[functions] plan = "Y1"` (Linux Consumption) and the function app has
    /// allowed origins (`[functions] cors_allowed_origins`, or by default
    /// `[signalr.cors] allowed_origins`).
    ///
    /// ## Why it matters
    /// Browsers call the function app's `negotiate` endpoint cross-origin, so they need
    /// the app's CORS answer. Microsoft documents platform CORS as not available on the
    /// Linux Consumption plan: sigc still writes the origins into every target, but the
    /// browser may get no CORS headers back and refuse the response.
    ///
    /// ## Example
    /// ```toml
    /// [signalr.cors]
    /// allowed_origins = ["https://app.example.com"]
    ///
    /// [functions]
    /// plan = "Y1"
    /// ```
    ///
    /// ## How to fix
    /// Use `plan = "FC1"` (Flex Consumption) or an Elastic Premium plan, or answer CORS in
    /// front of the app (Azure API Management), or serve the web app from the function
    /// app's own origin.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/signalr-concept-serverless-development-config
    /// (section "Azure Functions CORS": "CORS configuration is not yet available in Azure
    /// Functions Linux Consumption plan. Use Azure API Management to enable CORS.")
    "functions/cors-unavailable-on-y1", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let env = cx.env;
    let plan = &env.functions.plan;
    let origins = &env.functions.cors_allowed_origins;
    if plan.value != "Y1" || origins.value.is_empty() {
        return;
    }
    let d = cx
        .diagnostic("platform CORS is documented as unavailable on Linux Consumption (`Y1`)")
        .resource("function_app")
        .primary(plan.span.clone(), "Linux Consumption")
        .secondary(origins.span.clone(), "origins the function app should allow")
        .note("browsers call `negotiate` on the function app cross-origin and need its CORS headers")
        .help("use `plan = \"FC1\"` or an Elastic Premium plan, or answer CORS in front of the app (Azure API Management)");
    cx.emit(d);
}
