//! `sku/connections-exceed-capacity`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Compares `[signalr.load] concurrent_connections` with what the SKU and capacity
    /// carry (units x connections per unit, from `schemas/azure-limits.toml`), counting every
    /// geo-replica's units.
    ///
    /// ## Why it matters
    /// SignalR refuses connections beyond its units' limit: the service is sized too
    /// small for the load the environment declares, and clients fail at peak.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S1"
    /// capacity = 2
    /// [signalr.load]
    /// concurrent_connections = 5000
    /// ```
    ///
    /// ## How to fix
    /// Raise `capacity` to the value the help names (or remove it: sigc then picks the
    /// smallest capacity that fits), or choose a larger SKU.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-signalr-service-limits
    "sku/connections-exceed-capacity", production = error, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let Some(load) = &s.concurrent_connections else { return };
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    // Geo-replicas serve clients with their own units: every replica's units count.
    let carried = super::total_units(s) * sku.concurrent_connections_per_unit;
    if load.value <= carried {
        return;
    }
    let mut d = cx
        .diagnostic(format!(
            "{} concurrent connections exceed the {carried} that {} carries",
            load.value,
            super::describe_units(s)
        ))
        .resource("signalr")
        .primary(load.span.clone(), "declared peak")
        .note(format!(
            "each `{}` unit carries {} connections",
            s.sku.value, sku.concurrent_connections_per_unit
        ));
    if s.capacity.explicit {
        d = d.secondary(s.capacity.span.clone(), "capacity set here");
    }
    // With replicas, the primary's share is what the replicas leave uncovered.
    let replica_connections =
        (super::total_units(s) - u64::from(s.capacity.value)) * sku.concurrent_connections_per_unit;
    d = match sku.capacity_for(load.value.saturating_sub(replica_connections)) {
        Some(fit) => d.help(format!(
            "set `capacity = {fit}`, the smallest `{}` capacity that covers the load",
            s.sku.value
        )),
        None => {
            let bigger = cx
                .limits
                .signalr
                .skus
                .iter()
                .find(|other| other.capacity_for(load.value).is_some())
                .map(|other| format!("`{}`", other.name));
            match bigger {
                Some(name) => d.help(format!("choose {name}: no `{}` capacity covers the load", s.sku.value)),
                None => d.help("split the load across several SignalR services: no single SKU covers it"),
            }
        }
    };
    cx.emit(d);
}
