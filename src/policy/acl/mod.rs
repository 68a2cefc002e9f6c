//! `acl/*` rules: the SignalR network ACL.

pub mod allow_and_deny_mixed;
pub mod allow_default_in_production;
pub mod deny_blocks_clients;
pub mod server_connection_unused;
