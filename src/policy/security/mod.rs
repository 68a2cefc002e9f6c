//! `security/*` rules: transport security, anonymous access and identities of the
//! storage account, the function app and SignalR.

pub mod function_https_disabled;
pub mod function_tls_below_1_2;
pub mod read_only_lock;
pub mod resource_group_unlocked;
pub mod signalr_identity_missing;
pub mod signalr_local_auth;
pub mod storage_public_blob_access;
pub mod storage_tls_below_1_2;
