//! `sku/messages-over-quota`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Warns when the declared `messages_per_day` exceeds the messages a paid SKU
    /// includes for its capacity (and its replicas' capacity), with the daily overage estimate.
    ///
    /// ## Why it matters
    /// Extra messages are delivered and billed: not an error, but a cost the team
    /// should see in review before it shows up on the invoice.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Standard_S1"
    /// capacity = 1
    /// [signalr.load]
    /// messages_per_day = 3000000
    /// ```
    ///
    /// ## How to fix
    /// Accept the cost (waive the rule with a reason), or raise `capacity` so the
    /// included messages cover the load.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/signalr-concept-messages-and-connections
    "sku/messages-over-quota", production = warning, development = warning, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let Some(messages) = &s.messages_per_day else { return };
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    let per_unit = sku.included_messages_per_unit_per_day;
    // Every replica's units include their own messages (and are billed as their own units).
    let included = super::total_units(s) * per_unit;
    if !sku.extra_messages_billed || messages.value <= included {
        return;
    }
    let overage = messages.value - included;
    let replica_units = super::total_units(s) - u64::from(s.capacity.value);
    let units = messages.value.div_ceil(per_unit).saturating_sub(replica_units);
    let d = cx
        .diagnostic(format!(
            "{} messages per day exceed the {included} included in {}: about {overage} billed messages a day",
            messages.value,
            super::describe_units(s)
        ))
        .resource("signalr")
        .primary(messages.span.clone(), "declared load")
        .note(format!(
            "each unit includes {per_unit} messages a day; extra messages are billed per million"
        ))
        .help(format!(
            "accept the overage, or raise `capacity` to {units} or more so the included messages cover it"
        ));
    cx.emit(d);
}
