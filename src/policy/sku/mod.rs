//! `sku/*` rules: SKUs, capacity, load and tier features.

pub mod capacity_not_offered;
pub mod connections_exceed_capacity;
pub mod feature_not_offered;
pub mod free_in_production;
pub mod free_message_cap;
pub mod messages_over_quota;
