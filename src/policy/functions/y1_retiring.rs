//! `functions/y1-retiring`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Warns when `[functions] plan = "Y1"` (Linux Consumption).
    ///
    /// ## Why it matters
    /// Linux Consumption gets no new features or language versions since 2025-09-30
    /// and retires on the date in `schemas/azure-limits.toml`; Flex Consumption (FC1)
    /// is its successor, with identity-based storage and no content share keys.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// plan = "Y1"
    /// ```
    ///
    /// ## How to fix
    /// Use `plan = "FC1"` (check that the region offers Flex Consumption), or waive the
    /// rule with a migration date as the reason.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/migration/migrate-plan-consumption-to-flex?pivots=platform-linux
    "functions/y1-retiring", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let plan = &cx.env.functions.plan;
    if plan.value != "Y1" {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "Linux Consumption (`Y1`) retires on {}",
            cx.limits.functions.y1_retirement
        ))
        .resource("service_plan")
        .primary(plan.span.clone(), "retiring plan")
        .note("no new language versions are added to Linux Consumption")
        .help("use `plan = \"FC1\"` (Flex Consumption)");
    cx.emit(d);
}
