//! `functions/reserved-app-setting`.

use crate::policy::{declare_rule, RuleCx};

/// Settings the stack sets itself (or that a plan forbids), by exact name or prefix.
const RESERVED_EXACT: &[&str] = &[
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPINSIGHTS_INSTRUMENTATIONKEY",
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_RUN_FROM_PACKAGE",
    "AzureWebJobsStorage",
    "AzureSignalRConnectionString",
];
const RESERVED_PREFIX: &[&str] = &["AzureWebJobsStorage__", "AzureSignalRConnectionString__"];

declare_rule! {
    /// ## What it does
    /// Rejects `[functions] app_settings` names that the stack sets itself: the host
    /// storage, SignalR connection, Application Insights, runtime and content-share
    /// settings.
    ///
    /// ## Why it matters
    /// A second value for one of them would silently replace the wiring sigc builds
    /// (azurerm also forbids `FUNCTIONS_WORKER_RUNTIME` in `app_settings`, and
    /// `WEBSITE_RUN_FROM_PACKAGE` set early breaks host keys, pitfall P2).
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// app_settings = { AzureSignalRConnectionString = "Endpoint=..." }
    /// ```
    ///
    /// ## How to fix
    /// Remove the setting; sigc sets it from the rest of the file.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/functions-app-settings
    "functions/reserved-app-setting", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    for (name, _) in &cx.env.functions.app_settings {
        let reserved = RESERVED_EXACT.iter().any(|r| r.eq_ignore_ascii_case(&name.value))
            || RESERVED_PREFIX
                .iter()
                .any(|p| name.value.to_lowercase().starts_with(&p.to_lowercase()));
        if reserved {
            let d = cx
                .diagnostic(format!("app setting `{}` is set by sigc", name.value))
                .resource("function_app")
                .primary(name.span.clone(), "reserved setting")
                .note("sigc sets the storage, SignalR, Application Insights and runtime settings itself")
                .help(format!("remove `{}` from `[functions] app_settings`", name.value));
            cx.emit(d);
        }
    }
}
