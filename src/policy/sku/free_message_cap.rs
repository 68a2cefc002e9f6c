//! `sku/free-message-cap`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Flags a declared `messages_per_day` above what the SKU includes when the SKU
    /// sells no extra messages (`Free_F1`).
    ///
    /// ## Why it matters
    /// Free_F1 stops delivering messages once its daily quota is used up: nothing is
    /// billed, the messages are simply not sent.
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Free_F1"
    /// [signalr.load]
    /// messages_per_day = 100000
    /// ```
    ///
    /// ## How to fix
    /// Choose `Standard_S1` (extra messages are billed), or lower the declared load.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/signalr-concept-messages-and-connections
    "sku/free-message-cap", production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let Some(messages) = &s.messages_per_day else { return };
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    let included = u64::from(s.capacity.value) * sku.included_messages_per_unit_per_day;
    if sku.extra_messages_billed || messages.value <= included {
        return;
    }
    let d = cx
        .diagnostic(format!(
            "{} messages per day exceed the {included} that `{}` delivers",
            messages.value, s.sku.value
        ))
        .resource("signalr")
        .primary(messages.span.clone(), "declared load")
        .secondary(s.sku.span.clone(), "no extra messages on this tier")
        .note("messages are counted in 2 KB chunks; only outbound messages count")
        .help("choose `Standard_S1`, where messages beyond the included quota are billed");
    cx.emit(d);
}
