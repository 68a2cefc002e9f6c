//! The serde mirror of ENV.toml (CONTRACT §3). Fields a diagnostic may point at are
//! `Spanned`. Defaults are not applied here: `resolve` owns them.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Env {
    pub environment: S<Environment>,
    #[serde(default)]
    pub naming: Option<S<Naming>>,
    pub signalr: S<SignalR>,
    #[serde(default)]
    pub storage: Option<S<Storage>>,
    #[serde(default)]
    pub monitoring: Option<S<Monitoring>>,
    #[serde(default)]
    pub network: Option<S<Network>>,
    #[serde(default)]
    pub functions: Option<S<Functions>>,
    #[serde(default)]
    pub outputs: Option<S<Outputs>>,
    #[serde(default)]
    pub policy: Option<S<Policy>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: S<String>,
    pub workload: S<String>,
    pub location: S<String>,
    pub profile: Option<S<String>>,
    pub subscription_id: Option<S<String>>,
    #[serde(default)]
    pub tags: BTreeMap<S<String>, S<String>>,
    pub lock: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    pub pattern: Option<S<String>>,
    pub compact_pattern: Option<S<String>>,
    pub suffix: Option<S<String>>,
    pub instance: Option<S<String>>,
    #[serde(default)]
    pub names: BTreeMap<S<String>, S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalR {
    pub sku: S<String>,
    pub capacity: Option<S<u32>>,
    pub service_mode: Option<S<String>>,
    pub hubs: Option<S<Vec<S<String>>>>,
    pub connectivity_logs: Option<S<bool>>,
    pub messaging_logs: Option<S<bool>>,
    pub http_request_logs: Option<S<bool>>,
    pub local_auth: Option<S<bool>>,
    pub public_network_access: Option<S<bool>>,
    pub serverless_connection_timeout_seconds: Option<S<u32>>,
    pub identity: Option<S<String>>,
    pub load: Option<S<Load>>,
    pub cors: Option<S<Cors>>,
    pub network_acl: Option<S<NetworkAcl>>,
    pub upstream: Option<S<Upstream>>,
    pub replicas: Option<S<Vec<S<Replica>>>>,
    pub custom_domain: Option<S<CustomDomain>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replica {
    pub location: S<String>,
    pub capacity: Option<S<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomDomain {
    pub host_name: S<String>,
    pub certificate_secret_id: S<String>,
    pub key_vault_id: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub concurrent_connections: Option<S<u64>>,
    pub messages_per_day: Option<S<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    pub allowed_origins: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub default_action: Option<S<String>>,
    pub public_allow: Option<S<Vec<S<String>>>>,
    pub public_deny: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    pub hub_pattern: Option<S<String>>,
    pub event_pattern: Option<S<String>>,
    pub category_pattern: Option<S<String>>,
    pub auth: Option<S<String>>,
    pub audience: Option<S<String>>,
    pub wiring: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    pub sku: Option<S<String>>,
    pub min_tls_version: Option<S<String>>,
    pub allow_blob_public_access: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    pub retention_days: Option<S<u32>>,
    pub daily_quota_gb: Option<S<f64>>,
    pub diagnostic_settings: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub mode: Option<S<String>>,
    pub address_space: Option<S<String>>,
    pub functions_subnet: Option<S<String>>,
    pub endpoints_subnet: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Functions {
    pub plan: Option<S<String>>,
    pub runtime: Option<S<String>>,
    pub runtime_version: Option<S<String>>,
    pub language: Option<S<String>>,
    pub https_only: Option<S<bool>>,
    pub min_tls_version: Option<S<String>>,
    pub cors_allowed_origins: Option<S<Vec<S<String>>>>,
    pub cors_support_credentials: Option<S<bool>>,
    #[serde(default)]
    pub app_settings: BTreeMap<S<String>, S<String>>,
    pub maximum_instance_count: Option<S<u32>>,
    pub instance_memory_mb: Option<S<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outputs {
    pub targets: Option<S<Vec<S<String>>>>,
    pub azurerm_version: Option<S<String>>,
    pub terraform: Option<S<TerraformOutputs>>,
}

/// `[outputs.terraform]`: the `terraform` block of versions.tf.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerraformOutputs {
    pub required_version: Option<S<String>>,
    /// `type` and the backend's settings (keys and types checked by the schema).
    #[serde(default)]
    pub backend: Option<S<BTreeMap<S<String>, S<BackendValue>>>>,
}

/// One backend setting: a string or a boolean.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum BackendValue {
    Bool(bool),
    Str(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub allow: Vec<S<Waiver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: S<String>,
    pub reason: S<String>,
}
