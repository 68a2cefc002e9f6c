//! `functions/runtime-not-supported`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks `[functions] runtime_version` against the versions the chosen runtime
    /// runs on the chosen plan (`python_versions` and `node_versions` in
    /// `schemas/azure-limits.toml`): Linux Consumption (Y1) stops at Python 3.12 and
    /// Node.js 22, and a Python version is no Node.js version.
    ///
    /// ## Why it matters
    /// azurerm accepts Python 3.7-3.14 and any Node.js version it knows, so an
    /// unsupported version passes the plan and the app fails to start or to deploy.
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
    /// https://learn.microsoft.com/en-us/azure/azure-functions/supported-languages
    "functions/runtime-not-supported", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.env.functions;
    let Some(versions) = cx.limits.functions.versions(&f.runtime.value, &f.plan.value) else {
        return;
    };
    if versions.contains(&f.runtime_version.value) {
        return;
    }
    let runtime = match f.runtime.value.as_str() {
        "node" => "Node.js",
        _ => "Python",
    };
    let latest = versions.last().expect("every plan runs a version");
    let wanted = &f.runtime_version.value;
    let elsewhere = cx
        .limits
        .functions
        .runtime_versions(&f.runtime.value)
        .is_some_and(|plans| plans.values().any(|v| v.contains(wanted)));
    let d = cx
        .diagnostic(format!(
            "{runtime} `{}` is not supported on plan `{}`",
            f.runtime_version.value, f.plan.value
        ))
        .resource("function_app")
        .primary(f.runtime_version.span.clone(), "unsupported version")
        .secondary(f.plan.span.clone(), format!("plan `{}`", f.plan.value))
        .note(format!(
            "plan `{}` runs {runtime} {}",
            f.plan.value,
            versions.join(", ")
        ))
        .help(if elsewhere {
            format!("set `runtime_version = \"{latest}\"`, or choose a plan that runs {runtime} {wanted}")
        } else {
            format!("set `runtime_version = \"{latest}\"`: no plan runs {runtime} {wanted}")
        });
    cx.emit(d);
}
