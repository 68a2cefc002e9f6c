//! Typed, read-only access to `schemas/azure-limits.toml`: Azure's limits as data,
//! each table with its source. Parsed once per process.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

pub const AZURE_LIMITS: &str = include_str!("../schemas/azure-limits.toml");

#[derive(Debug, Deserialize)]
pub struct Limits {
    pub sources: BTreeMap<String, String>,
    pub naming: Naming,
    pub signalr: SignalR,
    pub functions: Functions,
    pub cors: Cors,
    pub network_acl: NetworkAcl,
    pub security: Security,
    pub network: Network,
    pub tags: Tags,
    pub roles: BTreeMap<String, RoleEntry>,
}

/// `[roles]` holds `source = [...]` beside `name = "guid"` entries.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RoleEntry {
    Id(String),
    Sources(Vec<String>),
}

#[derive(Debug, Deserialize)]
pub struct Naming {
    pub reserved_whole: Vec<String>,
    pub reserved_substring: Vec<String>,
    pub reserved_prefix: Vec<String>,
    pub functions_host_id_prefix: usize,
    pub resources: BTreeMap<String, NameRule>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct NameRule {
    pub arm_type: String,
    pub abbr: String,
    pub min_length: usize,
    pub max_length: usize,
    pub regex: String,
    pub allowed: String,
    pub scope: String,
    pub reserved_words: bool,
    pub compact: bool,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignalR {
    pub skus: Vec<Sku>,
}

#[derive(Debug, Deserialize)]
pub struct Sku {
    pub name: String,
    pub tier: String,
    pub capacity_allowed: Vec<u32>,
    pub capacity_default: u32,
    pub concurrent_connections_per_unit: u64,
    pub included_messages_per_unit_per_day: u64,
    pub sla: bool,
    pub extra_messages_billed: bool,
    pub network_acl: bool,
    pub disable_public_network: bool,
    /// Private endpoints (`signalr` group) on this tier.
    pub private_endpoints: bool,
    /// Geo-replicas (`Microsoft.SignalRService/signalR/replicas`) on this tier.
    pub geo_replicas: bool,
    pub custom_domain: bool,
    pub source: Vec<String>,
}

impl Sku {
    /// The smallest offered capacity whose units cover `connections`, if any does.
    pub fn capacity_for(&self, connections: u64) -> Option<u32> {
        self.capacity_allowed
            .iter()
            .copied()
            .find(|&c| u64::from(c) * self.concurrent_connections_per_unit >= connections)
    }
}

#[derive(Debug, Deserialize)]
pub struct Tags {
    pub max_per_resource: usize,
    pub name_max_length: usize,
    pub storage_name_max_length: usize,
    pub value_max_length: usize,
    pub name_forbidden_chars: Vec<String>,
    pub reserved_name_prefixes: Vec<String>,
    pub source: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Functions {
    pub python_versions: BTreeMap<String, Vec<String>>,
    pub node_versions: BTreeMap<String, Vec<String>>,
    /// Runtime -> version -> the date (`YYYY-MM-DD` or `YYYY-MM`) its support ends.
    pub end_of_support: BTreeMap<String, BTreeMap<String, String>>,
    /// The day `end_of_support` was checked; versions that ended before it are past support.
    pub end_of_support_checked_on: String,
    /// Runtime (`python`, `node`) -> its default `runtime_version`.
    pub default_versions: BTreeMap<String, String>,
    /// Runtime -> the languages it runs, the default first.
    pub languages: BTreeMap<String, Vec<String>>,
    /// Runtime -> the stack name of `linuxFxVersion`.
    pub linux_fx_stacks: BTreeMap<String, String>,
    pub y1_retirement: String,
    pub flex_instance_memory_mb: Vec<u32>,
    pub flex_instance_memory_default_mb: u32,
    pub flex_maximum_instance_count_min: u32,
    pub flex_maximum_instance_count_max: u32,
    pub flex_maximum_instance_count_default: u32,
    pub host_id_regex: String,
    pub host_id_max_length: usize,
    pub flex_deprecated_settings: Vec<String>,
    pub source: Vec<String>,
}

impl Functions {
    /// `host_id_regex`, compiled on first use and kept for the process: compiling it
    /// per file cost more than the rest of the rules together (bench/run, callgrind).
    pub fn host_id_regex(&self) -> &'static regex::Regex {
        static RE: OnceLock<regex::Regex> = OnceLock::new();
        RE.get_or_init(|| {
            regex::Regex::new(&limits().functions.host_id_regex).expect("host_id_regex is valid (tested)")
        })
    }

    /// Plan -> the versions `runtime` runs there, if sigc knows the runtime.
    pub fn runtime_versions(&self, runtime: &str) -> Option<&BTreeMap<String, Vec<String>>> {
        match runtime {
            "python" => Some(&self.python_versions),
            "node" => Some(&self.node_versions),
            _ => None,
        }
    }

    /// The versions `runtime` runs on `plan`, if sigc knows the pair.
    pub fn versions(&self, runtime: &str, plan: &str) -> Option<&[String]> {
        self.runtime_versions(runtime)?.get(plan).map(Vec::as_slice)
    }
}

/// What an origin in a CORS list may look like (`[cors]`).
#[derive(Debug, Deserialize)]
pub struct Cors {
    /// Allows every origin; must stand alone.
    pub wildcard: String,
    /// Lower-case schemes an origin may use.
    pub schemes: Vec<String>,
    pub secure_scheme: String,
    /// The port each scheme implies when none is written.
    pub default_ports: BTreeMap<String, u16>,
    pub port_min: u16,
    pub port_max: u16,
    pub dns_label_max_length: usize,
    pub dns_name_max_length: usize,
    /// `localhost` and every name under it.
    pub loopback_domain: String,
    pub source: Vec<String>,
}

/// SignalR network ACL request types and the ones this stack uses (`[network_acl]`).
#[derive(Debug, Deserialize)]
pub struct NetworkAcl {
    pub request_types: Vec<String>,
    /// Browsers and other clients.
    pub client: String,
    /// The Functions bindings call the REST API in Serverless mode.
    pub rest_api: String,
    /// Hub servers, which Serverless mode does not have.
    pub server: String,
    pub serverless_mode: String,
    pub source: Vec<String>,
}

/// `[network]`: the private mode's address plan, delegations, replica and Key Vault limits.
#[derive(Debug, Deserialize)]
pub struct Network {
    /// Azure's smallest IPv4 subnet, as a prefix length.
    pub subnet_min_prefix: u8,
    /// Addresses Azure reserves in every subnet.
    pub subnet_reserved_addresses: u64,
    /// The longest prefix a VNet integration subnet may have.
    pub functions_subnet_max_prefix: u8,
    pub flex_delegation: String,
    pub elastic_premium_delegation: String,
    pub max_replicas: usize,
    pub key_vault_secret_host_suffix: String,
    /// Captures the vault name and the secret name.
    pub key_vault_secret_regex: String,
    /// Captures the vault name.
    pub key_vault_id_regex: String,
    pub source: Vec<String>,
}

/// Security baselines (`[security]`): TLS versions oldest first and the minimum accepted.
#[derive(Debug, Deserialize)]
pub struct Security {
    pub storage_tls_versions: Vec<String>,
    pub storage_min_tls_version: String,
    pub storage_legacy_tls_retired: String,
    pub function_tls_versions: Vec<String>,
    pub function_min_tls_version: String,
    pub source: Vec<String>,
}

impl Security {
    /// Whether `version` is older than `minimum` in the ordered `versions`; unknown
    /// versions are not judged (the schema admits only listed ones).
    pub fn tls_below(versions: &[String], version: &str, minimum: &str) -> bool {
        let pos = |v: &str| versions.iter().position(|x| x == v);
        matches!((pos(version), pos(minimum)), (Some(v), Some(m)) if v < m)
    }
}

impl Limits {
    pub fn sku(&self, name: &str) -> Option<&Sku> {
        self.signalr.skus.iter().find(|s| s.name == name)
    }

    /// Name rule of a resource key (`signalr`, `storage_account`, ...).
    pub fn name_rule(&self, key: &str) -> &NameRule {
        self.naming
            .resources
            .get(key)
            .unwrap_or_else(|| panic!("azure-limits.toml has a name rule for {key}"))
    }

    /// The compiled name regex of a resource key, built once per process.
    pub fn name_regex(&self, key: &str) -> &'static regex::Regex {
        static REGEXES: OnceLock<BTreeMap<String, regex::Regex>> = OnceLock::new();
        let all = REGEXES.get_or_init(|| {
            limits()
                .naming
                .resources
                .iter()
                .map(|(k, r)| {
                    (
                        k.clone(),
                        regex::Regex::new(&r.regex).expect("limits regexes compile (tested)"),
                    )
                })
                .collect()
        });
        &all[key]
    }

    /// Built-in role definition GUID by its snake_case key.
    pub fn role_id(&self, key: &str) -> &str {
        match self.roles.get(key) {
            Some(RoleEntry::Id(id)) => id,
            _ => panic!("azure-limits.toml lists role {key}"),
        }
    }

    /// The URL behind a source key, for notes and rule docs.
    pub fn source_url(&self, key: &str) -> Option<&str> {
        self.sources.get(key).map(String::as_str)
    }
}

/// The embedded limits; a parse failure is a packaging bug caught by the tests.
pub fn limits() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(|| toml::from_str(AZURE_LIMITS).expect("schemas/azure-limits.toml is valid (tested)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan/runtime matrix is complete: every runtime has a default version that
    /// every plan runs, its languages, a `linuxFxVersion` stack name, and every value
    /// is one the ENV.toml schema accepts.
    #[test]
    fn the_runtime_matrix_is_complete_and_matches_the_schema() {
        let f = &limits().functions;
        let schema: serde_json::Value = serde_json::from_str(crate::parse::schema::ENV_SCHEMA).unwrap();
        let props = &schema["properties"]["functions"]["properties"];
        let enum_of = |key: &str| -> Vec<String> {
            props[key]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{key} has an enum"))
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let plans = enum_of("plan");
        let runtimes = enum_of("runtime");
        assert_eq!(f.languages.keys().cloned().collect::<Vec<_>>(), {
            let mut r = runtimes.clone();
            r.sort();
            r
        });
        for runtime in &runtimes {
            let default = &f.default_versions[runtime];
            assert!(f.linux_fx_stacks.contains_key(runtime), "{runtime}");
            for l in &f.languages[runtime] {
                assert!(enum_of("language").contains(l), "{runtime}: {l}");
            }
            for plan in &plans {
                let versions = f
                    .versions(runtime, plan)
                    .unwrap_or_else(|| panic!("{runtime} on {plan}"));
                assert!(versions.contains(default), "{runtime} {default} on {plan}");
                for v in versions {
                    assert!(enum_of("runtime_version").contains(v), "{runtime} {v}");
                }
            }
        }
        assert_eq!(f.versions("node", "Y1").unwrap(), ["20", "22"]);
    }

    #[test]
    fn limits_parse_and_hold_the_facts() {
        let l = limits();
        assert_eq!(l.sku("Free_F1").unwrap().capacity_allowed, [1]);
        let s1 = l.sku("Standard_S1").unwrap();
        assert_eq!(s1.capacity_for(25_000), Some(30));
        assert_eq!(s1.capacity_for(100_001), None);
        assert_eq!(l.sku("Premium_P2").unwrap().capacity_for(0), Some(100));
        assert_eq!(l.name_rule("storage_account").abbr, "st");
        assert_eq!(
            l.role_id("signalr_service_owner"),
            "7e4f1700-ea5a-4f59-8f37-079cfe29dce3"
        );
        for rule in l.naming.resources.values() {
            regex::Regex::new(&rule.regex).unwrap();
            for s in &rule.source {
                assert!(l.source_url(s).is_some(), "source {s} is listed");
            }
        }
    }

    #[test]
    fn cors_acl_and_security_tables_hold_the_facts() {
        let l = limits();
        assert_eq!(l.cors.schemes, ["http", "https"]);
        assert_eq!(l.cors.default_ports["https"], 443);
        assert!(l.cors.schemes.contains(&l.cors.secure_scheme));
        for t in [&l.network_acl.client, &l.network_acl.rest_api, &l.network_acl.server] {
            assert!(l.network_acl.request_types.contains(t), "{t} is a request type");
        }
        let s = &l.security;
        assert!(Security::tls_below(
            &s.storage_tls_versions,
            "TLS1_1",
            &s.storage_min_tls_version
        ));
        assert!(!Security::tls_below(
            &s.storage_tls_versions,
            "TLS1_3",
            &s.storage_min_tls_version
        ));
        assert!(!Security::tls_below(
            &s.function_tls_versions,
            "1.2",
            &s.function_min_tls_version
        ));
        assert!(Security::tls_below(
            &s.function_tls_versions,
            "1.0",
            &s.function_min_tls_version
        ));
        for src in l.cors.source.iter().chain(&l.network_acl.source).chain(&s.source) {
            assert!(l.source_url(src).is_some(), "source {src} is listed");
        }
    }
}
