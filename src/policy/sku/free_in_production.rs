//! `sku/free-in-production`.

use crate::policy::{declare_rule, RuleCx};
use crate::resolve::Profile;

declare_rule! {
    /// ## What it does
    /// Flags `Free_F1` in an environment with the `production` profile.
    ///
    /// ## Why it matters
    /// The Free tier has no SLA, one unit of 20 connections and a hard daily message
    /// cap: it is meant for trials and development.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// profile = "production"
    /// [signalr]
    /// sku = "Free_F1"
    /// ```
    ///
    /// ## How to fix
    /// Choose `Standard_S1` or a Premium SKU, or set `profile = "development"`.
    ///
    /// ## Source
    /// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.SignalR.Rule.yaml
    "sku/free-in-production", production = error, development = off, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    if sku.sla || cx.profile() != Profile::Production {
        return;
    }
    let mut d = cx
        .diagnostic(format!("SKU `{}` has no SLA and is not for production", s.sku.value))
        .resource("signalr")
        .primary(s.sku.span.clone(), "no SLA");
    if cx.env.profile.explicit {
        d = d.secondary(cx.env.profile.span.clone(), "production profile");
    } else {
        d = d.note("the profile defaults to `production`");
    }
    cx.emit(d.help("choose `Standard_S1` or a Premium SKU, or set `profile = \"development\"` in `[environment]`"));
}
