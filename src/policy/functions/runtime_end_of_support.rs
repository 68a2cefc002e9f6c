//! `functions/runtime-end-of-support`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Warns when `[functions] runtime_version` reached its end of support before the day
    /// the facts in `schemas/azure-limits.toml` were checked (`end_of_support`,
    /// `end_of_support_checked_on`): Node.js 20 ended on 2026-04-30.
    ///
    /// ## Why it matters
    /// Azure still creates and runs apps on a retired language version, but they get no
    /// security patches or fixes, and support asks you to upgrade first.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// runtime = "node"
    /// runtime_version = "20"
    /// ```
    ///
    /// ## How to fix
    /// Move to a supported version (`runtime_version = "22"` for Node.js), or waive the rule
    /// with the date you will upgrade by.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/language-support-policy
    "functions/runtime-end-of-support", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.env.functions;
    let fl = &cx.limits.functions;
    let Some(ended) = fl
        .end_of_support
        .get(&f.runtime.value)
        .and_then(|versions| versions.get(&f.runtime_version.value))
    else {
        return;
    };
    // ISO dates (and `YYYY-MM` months) order as strings.
    if ended.as_str() >= fl.end_of_support_checked_on.as_str() {
        return;
    }
    // The newest version the plan runs whose support has not ended.
    let supported = |v: &&String| {
        fl.end_of_support
            .get(&f.runtime.value)
            .and_then(|versions| versions.get(*v))
            .is_none_or(|end| end.as_str() >= fl.end_of_support_checked_on.as_str())
    };
    let newest = fl
        .versions(&f.runtime.value, &f.plan.value)
        .and_then(|versions| versions.iter().rfind(supported));
    let runtime = if f.runtime.value == "node" { "Node.js" } else { "Python" };
    let d = cx
        .diagnostic(format!(
            "{runtime} `{}` reached its end of support ({ended})",
            f.runtime_version.value
        ))
        .resource("function_app")
        .primary(f.runtime_version.span.clone(), "past end of support")
        .note(format!(
            "apps on it still run but get no patches (support dates as checked on {})",
            fl.end_of_support_checked_on
        ));
    let d = match newest {
        Some(v) => d.help(format!("set `runtime_version = \"{v}\"`")),
        None => d.help(format!("choose a plan that runs a supported {runtime} version")),
    };
    cx.emit(d);
}
