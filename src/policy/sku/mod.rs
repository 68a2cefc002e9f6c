//! `sku/*` rules: SKUs, capacity, load and tier features.

pub mod capacity_not_offered;
pub mod connections_exceed_capacity;
pub mod feature_not_offered;
pub mod free_in_production;
pub mod free_message_cap;
pub mod messages_over_quota;
pub mod premium_feature_not_offered;
pub mod private_mode_on_free;
pub mod too_many_replicas;

/// Units the service bills and serves with: the primary's and every replica's.
pub fn total_units(s: &crate::resolve::SignalR) -> u64 {
    u64::from(s.capacity.value) + s.replicas.iter().map(|r| u64::from(r.capacity.value)).sum::<u64>()
}

/// `` `Premium_P1` x2 `` alone, or with its replicas: `` `Premium_P1` x2 + 2 replicas (6 units) ``.
pub fn describe_units(s: &crate::resolve::SignalR) -> String {
    match s.replicas.len() {
        0 => format!("`{}` x{}", s.sku.value, s.capacity.value),
        n => format!(
            "`{}` x{} + {n} replica{} ({} units)",
            s.sku.value,
            s.capacity.value,
            if n == 1 { "" } else { "s" },
            total_units(s)
        ),
    }
}
