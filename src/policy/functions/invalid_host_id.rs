//! `functions/invalid-host-id`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks an `AzureFunctionsWebHost__hostid` app setting against the host id rule
    /// (`[functions] host_id_regex` in `schemas/azure-limits.toml`): 1-32 lower-case
    /// letters, digits and dashes, no leading, trailing or double dash.
    ///
    /// ## Why it matters
    /// The Functions host refuses to start with an invalid host id; the app deploys and
    /// then serves nothing.
    ///
    /// ## Example
    /// ```toml
    /// [functions.app_settings]
    /// AzureFunctionsWebHost__hostid = "My_Host"
    /// ```
    ///
    /// ## How to fix
    /// Use lower-case letters, digits and single dashes, at most 32 characters.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/storage-considerations#host-id-considerations
    "functions/invalid-host-id", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.limits.functions;
    for (name, value) in &cx.env.functions.app_settings {
        if !name.value.eq_ignore_ascii_case("AzureFunctionsWebHost__hostid") {
            continue;
        }
        let v = value.value.as_str();
        let len = v.chars().count();
        if len == 0 || len > f.host_id_max_length || !f.host_id_regex().is_match(v) {
            let d = cx
                .diagnostic(format!("`{v}` is not a valid Functions host id"))
                .resource("function_app")
                .primary(value.span.clone(), "host id")
                .note(format!(
                    "a host id has 1-{} lower-case letters, digits and dashes, with no leading, trailing or double dash",
                    f.host_id_max_length
                ))
                .help("change the value, or remove the setting: the host derives one from the app name");
            cx.emit(d);
        }
    }
}
