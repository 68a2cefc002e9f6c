//! `network/private-mode-on-y1`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags `[network] mode = "private"` with `[functions] plan = "Y1"`.
    ///
    /// ## Why it matters
    /// Linux Consumption has no VNet integration: the app could neither reach storage nor
    /// SignalR through their private endpoints once storage is closed to the internet, so no
    /// function would load. Flex Consumption (`FC1`, subnet delegated to
    /// `Microsoft.App/environments`) and Elastic Premium (`Microsoft.Web/serverFarms`) can.
    ///
    /// ## Example
    /// ```toml
    /// [functions]
    /// plan = "Y1"
    /// [network]
    /// mode = "private"
    /// ```
    ///
    /// ## How to fix
    /// Choose `plan = "FC1"` (or an `EP` plan), or keep `mode = "public"`.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-functions/functions-networking-options
    "network/private-mode-on-y1", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let n = &cx.env.network;
    let plan = &cx.env.functions.plan;
    if !n.private() || plan.value != "Y1" {
        return;
    }
    let d = cx
        .diagnostic("the `Y1` plan cannot join a VNet, so private mode cannot reach its storage")
        .resource("function_app")
        .primary(n.mode.span.clone(), "private mode")
        .secondary(plan.span.clone(), "Linux Consumption has no VNet integration")
        .help("set `plan = \"FC1\"` (Flex Consumption) or an `EP` plan, or `mode = \"public\"`");
    cx.emit(d);
}
