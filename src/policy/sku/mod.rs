//! `sku/*` rules: SKUs, capacity and tier features.

pub mod capacity_not_offered;
pub mod feature_not_offered;
