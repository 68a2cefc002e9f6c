//! `functions/runtime-not-supported`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks `[functions] runtime_version` against the Python versions the chosen
    /// plan runs (`schemas/azure-limits.toml`): Linux Consumption (Y1) stops at 3.12.
    ///
    /// ## Why it matters
    /// azurerm accepts 3.7-3.14, so an unsupported version passes the plan and the app
    /// fails to start or to deploy.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// plan = "Y1"
    /// runtime_version = "3.13"
    /// ```
    ///
    /// ## How to fix
    /// Choose a listed version, or a plan that runs the version you need (FC1 or EP).
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/functions-versions
    "functions/runtime-not-supported", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.env.functions;
    let Some(versions) = cx.limits.functions.python_versions.get(&f.plan.value) else {
        return;
    };
    if versions.contains(&f.runtime_version.value) {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "Python `{}` is not supported on plan `{}`",
            f.runtime_version.value, f.plan.value
        ))
        .resource("function_app")
        .primary(f.runtime_version.span.clone(), "unsupported version")
        .secondary(f.plan.span.clone(), format!("plan `{}`", f.plan.value))
        .note(format!("plan `{}` runs Python {}", f.plan.value, versions.join(", ")))
        .help(format!(
            "set `runtime_version = \"{}\"`, or choose a plan that runs Python {}",
            versions.last().expect("every plan runs a version"),
            f.runtime_version.value
        ));
    cx.emit(d);
}
