//! `acl/*` rules: the SignalR network ACL.

pub mod allow_and_deny_mixed;
