//! `network/replica-region-conflict`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that each `[[signalr.replicas]]` entry names a region other than the primary's
    /// (`environment.location`) and other than every earlier replica's. Unknown region names
    /// are refused by the schema, as for `environment.location`.
    ///
    /// ## Why it matters
    /// A SignalR service has at most one replica per region, and none in its own region:
    /// Azure refuses the replica, and a replica there would add cost without surviving a
    /// regional outage.
    ///
    /// ## Example
    /// ```toml
    /// [environment]
    /// location = "eastus"
    /// [[signalr.replicas]]
    /// location = "eastus"
    /// ```
    ///
    /// ## How to fix
    /// Move the replica to another region, or remove the duplicate entry.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/howto-enable-geo-replication
    "network/replica-region-conflict", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let primary = &cx.env.location;
    for (i, r) in cx.env.signalr.replicas.iter().enumerate() {
        let region = &r.location.value;
        let d = if region == &primary.value {
            cx.diagnostic(format!("the replica in `{region}` is in the primary's own region"))
                .primary(r.location.span.clone(), "same region as the primary")
                .secondary(primary.span.clone(), "primary region")
                .help("place the replica in another region")
        } else if let Some(first) = cx.env.signalr.replicas[..i]
            .iter()
            .find(|o| &o.location.value == region)
        {
            cx.diagnostic(format!("two replicas are in `{region}`"))
                .primary(r.location.span.clone(), "second replica in this region")
                .secondary(first.location.span.clone(), "first replica here")
                .help("keep one replica per region")
        } else {
            continue;
        };
        cx.emit(d.resource(format!("replica.{region}")));
    }
}
