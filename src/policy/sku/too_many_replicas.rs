//! `sku/too-many-replicas`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that `[[signalr.replicas]]` has no more entries than a SignalR service may have
    /// (the limit is in `schemas/azure-limits.toml`).
    ///
    /// ## Why it matters
    /// Azure refuses replicas beyond the limit, after the ones before it were created and
    /// billed.
    ///
    /// ## Example
    /// ```toml
    /// [[signalr.replicas]]
    /// location = "westus2"
    /// # ... nine entries in all
    /// ```
    ///
    /// ## How to fix
    /// Keep at most the allowed number of replicas, or split the clients across services.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-enable-geo-replication
    "sku/too-many-replicas", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let max = cx.limits.network.max_replicas;
    let Some(first_extra) = s.replicas.get(max) else { return };
    let mut d = cx
        .diagnostic(format!(
            "{} replicas exceed the {max} a SignalR service may have",
            s.replicas.len()
        ))
        .resource("signalr")
        .primary(
            first_extra.span.clone(),
            format!("replica {} of {max} allowed", max + 1),
        );
    if let Some(span) = &s.replicas_span {
        d = d.secondary(span.clone(), "replicas");
    }
    cx.emit(d.help(format!("remove replicas until at most {max} remain")));
}
