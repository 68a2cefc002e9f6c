//! `upstream/*` rules: the SignalR upstream to the function app.

pub mod identity_auth_without_audience;
pub mod pattern_matches_no_hub;
pub mod trigger_not_routed;
