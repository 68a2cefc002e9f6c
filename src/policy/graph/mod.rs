//! `graph/*` rules.

pub mod cycle;
pub mod duplicate_resource;
