//! `functions/setting-not-for-plan`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Reports settings the chosen plan does not use: `maximum_instance_count` and
    /// `instance_memory_mb` on a plan other than Flex Consumption (FC1), and on FC1 the
    /// app settings Flex deprecates (`[functions] flex_deprecated_settings` in
    /// `schemas/azure-limits.toml`).
    ///
    /// ## Why it matters
    /// Such a setting is silently ignored (the plan has no such knob) or, on Flex,
    /// refused or ignored by the platform: the app does not behave as the file says.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// plan = "Y1"
    /// maximum_instance_count = 200
    /// ```
    ///
    /// ## How to fix
    /// Remove the setting, or choose the plan it belongs to.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
    "functions/setting-not-for-plan", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let f = &cx.env.functions;
    let plan = f.plan.value.clone();
    if plan != "FC1" {
        let keys = [
            (
                "maximum_instance_count",
                f.maximum_instance_count.explicit,
                f.maximum_instance_count.span.clone(),
            ),
            (
                "instance_memory_mb",
                f.instance_memory_mb.explicit,
                f.instance_memory_mb.span.clone(),
            ),
        ];
        for (key, explicit, span) in keys {
            if explicit {
                let d = cx
                    .diagnostic(format!(
                        "`{key}` applies only to the Flex Consumption plan (FC1), not `{plan}`"
                    ))
                    .resource("function_app")
                    .primary(span, "ignored on this plan")
                    .help(format!("remove `{key}`, or set `plan = \"FC1\"`"));
                cx.emit(d);
            }
        }
        return;
    }
    let deprecated = &cx.limits.functions.flex_deprecated_settings;
    for (name, _) in &f.app_settings {
        if let Some(d) = deprecated.iter().find(|d| d.eq_ignore_ascii_case(&name.value)) {
            let diag = cx
                .diagnostic(format!("app setting `{d}` is deprecated on the Flex Consumption plan"))
                .resource("function_app")
                .primary(name.span.clone(), "deprecated on FC1")
                .help(format!("remove `{}` from `[functions] app_settings`", name.value));
            cx.emit(diag);
        }
    }
}
