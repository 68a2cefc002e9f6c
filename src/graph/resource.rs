//! Target-neutral resources: every setting an emitter needs, already resolved.
//!
//! Emitters translate these values into their language; they never choose defaults
//! or recompute a setting. Each resource is identified by a [`ResId`], whose
//! address (`signalr.main`) is stable across targets and runs.

use std::collections::BTreeMap;

use serde::Serialize;

/// Tags on one resource: the user's plus `environment`, `workload`, `managed_by`.
pub type Tags = BTreeMap<String, String>;

/// The built-in role a role assignment grants (GUIDs from the Azure built-in roles list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Role {
    /// Data-plane access for identity-based SignalR bindings.
    SignalRServiceOwner,
    /// Identity-based host storage (blobs) and the Flex deployment container.
    StorageBlobDataOwner,
    /// Identity-based host storage (queues).
    StorageQueueDataContributor,
    /// Identity-based host storage (tables, diagnostic events).
    StorageTableDataContributor,
    /// SignalR's identity reads the custom domain's certificate from Key Vault.
    KeyVaultSecretsUser,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SignalRServiceOwner,
        Role::StorageBlobDataOwner,
        Role::StorageQueueDataContributor,
        Role::StorageTableDataContributor,
        Role::KeyVaultSecretsUser,
    ];

    /// The role's display name in Azure.
    pub fn display_name(self) -> &'static str {
        match self {
            Role::SignalRServiceOwner => "SignalR Service Owner",
            Role::StorageBlobDataOwner => "Storage Blob Data Owner",
            Role::StorageQueueDataContributor => "Storage Queue Data Contributor",
            Role::StorageTableDataContributor => "Storage Table Data Contributor",
            Role::KeyVaultSecretsUser => "Key Vault Secrets User",
        }
    }

    /// snake_case label used in addresses and Terraform/Bicep symbol names.
    pub const fn label(self) -> &'static str {
        match self {
            Role::SignalRServiceOwner => "signalr_service_owner",
            Role::StorageBlobDataOwner => "storage_blob_data_owner",
            Role::StorageQueueDataContributor => "storage_queue_data_contributor",
            Role::StorageTableDataContributor => "storage_table_data_contributor",
            Role::KeyVaultSecretsUser => "key_vault_secrets_user",
        }
    }
}

/// The resource whose logs a diagnostic setting sends to the workspace (P16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LogSource {
    FunctionApp,
    SignalR,
}

impl LogSource {
    /// snake_case label used in addresses and Terraform/Bicep symbol names.
    pub const fn label(self) -> &'static str {
        match self {
            LogSource::FunctionApp => "function_app",
            LogSource::SignalR => "signalr",
        }
    }

    pub const ALL: [LogSource; 2] = [LogSource::FunctionApp, LogSource::SignalR];

    /// The graph resource the logs come from.
    pub fn resource(self) -> ResId {
        match self {
            LogSource::FunctionApp => ResId::FunctionApp,
            LogSource::SignalR => ResId::SignalR,
        }
    }
}

/// The kind part of a resource's identity: which Azure resource it is, before the key
/// says which instance. Ordered as its [`Kind::as_str`] spelling orders, so ids sort as
/// their addresses do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Kind {
    ResourceGroup,
    LogAnalytics,
    AppInsights,
    Storage,
    /// Blob container that holds Flex Consumption deployment packages (FC1 only).
    PackageContainer,
    ServicePlan,
    FunctionApp,
    SignalR,
    SignalRNetworkAcl,
    /// The function app's `signalr_extension` system key (`wiring = "one-apply"`).
    HostKey,
    RoleAssignment,
    /// `[network] mode = "private"`: the VNet, keyed `main`.
    VirtualNetwork,
    /// Keyed `functions` (delegated, VNet integration) and `endpoints` (private endpoints).
    Subnet,
    /// Keyed by the private-link target: `signalr`, `blob`, `queue`, `table`, `file`.
    PrivateEndpoint,
    PrivateDnsZone,
    PrivateDnsZoneLink,
    /// A geo-replica of SignalR, keyed by its region.
    SignalRReplica,
    SignalRCustomCertificate,
    SignalRCustomDomain,
    /// The resource group's management lock.
    ManagementLock,
    /// A diagnostic setting on one resource, to the Log Analytics workspace (P16).
    DiagnosticSetting,
}

impl Kind {
    /// The kind part of the address (`[a-z_]`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::ResourceGroup => "resource_group",
            Kind::LogAnalytics => "log_analytics",
            Kind::AppInsights => "app_insights",
            Kind::Storage => "storage_account",
            Kind::PackageContainer => "storage_container",
            Kind::ServicePlan => "service_plan",
            Kind::FunctionApp => "function_app",
            Kind::SignalR => "signalr",
            Kind::SignalRNetworkAcl => "signalr_network_acl",
            Kind::HostKey => "host_key",
            Kind::RoleAssignment => "role_assignment",
            Kind::VirtualNetwork => "virtual_network",
            Kind::Subnet => "subnet",
            Kind::PrivateEndpoint => "private_endpoint",
            Kind::PrivateDnsZone => "private_dns_zone",
            Kind::PrivateDnsZoneLink => "private_dns_zone_link",
            Kind::SignalRReplica => "signalr_replica",
            Kind::SignalRCustomCertificate => "signalr_custom_certificate",
            Kind::SignalRCustomDomain => "signalr_custom_domain",
            Kind::ManagementLock => "management_lock",
            Kind::DiagnosticSetting => "diagnostic_setting",
        }
    }
}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Which instance of a kind: `main` for a singleton, else a stable label such as `blob`
/// or `westus2`. At most [`Key::MAX`] (31) bytes of `[a-z0-9_]`, starting with a letter, so
/// it is a valid Terraform label and Bicep identifier part as it stands. Held inline so
/// [`ResId`] stays `Copy` and compares without allocating.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    len: u8,
    bytes: [u8; Key::MAX],
}

/// Why a string is not a [`Key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    Empty,
    TooLong,
    /// The byte at this index is not allowed there.
    BadByte(usize),
}

impl Key {
    pub const MAX: usize = 31;
    /// The key of a kind's only instance.
    pub const MAIN: Key = Key::from_static("main");

    const fn check(s: &str) -> Result<(), KeyError> {
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(KeyError::Empty);
        }
        if b.len() > Key::MAX {
            return Err(KeyError::TooLong);
        }
        let mut i = 0;
        while i < b.len() {
            let ok = b[i].is_ascii_lowercase() || (i > 0 && (b[i].is_ascii_digit() || b[i] == b'_'));
            if !ok {
                return Err(KeyError::BadByte(i));
            }
            i += 1;
        }
        Ok(())
    }

    const fn copy(s: &str) -> Key {
        let b = s.as_bytes();
        let mut bytes = [0u8; Key::MAX];
        let mut i = 0;
        while i < b.len() {
            bytes[i] = b[i];
            i += 1;
        }
        Key {
            len: b.len() as u8,
            bytes,
        }
    }

    /// A key written in the code; an invalid one fails to compile when used in a const.
    pub const fn from_static(s: &'static str) -> Key {
        match Key::check(s) {
            Ok(()) => Key::copy(s),
            Err(_) => panic!("a key is 1-31 bytes of [a-z0-9_], starting with a letter"),
        }
    }

    pub fn new(s: &str) -> Result<Key, KeyError> {
        Key::check(s).map(|()| Key::copy(s))
    }

    /// A key for a label that comes from the input (a region, a name): lowercased, every
    /// byte outside `[a-z0-9]` becomes `_`, `k` put before a leading digit or `_`, and a
    /// label too long keeps its head plus 8 hex digits of its FNV-1a hash. Deterministic;
    /// two labels that map to one key meet the graph's duplicate check.
    pub fn sanitized(label: &str) -> Key {
        let mut s: String = label
            .bytes()
            .map(|b| match b.to_ascii_lowercase() {
                c @ (b'a'..=b'z' | b'0'..=b'9') => c as char,
                _ => '_',
            })
            .collect();
        if !s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
            s.insert(0, 'k');
        }
        if s.len() > Key::MAX {
            let hash = label.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            s.truncate(Key::MAX - 9);
            s.push_str(&format!("_{:08x}", hash as u32));
        }
        Key::new(&s).expect("sanitized keys are valid by construction")
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored (see `check`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("keys are ASCII")
    }

    pub fn is_main(&self) -> bool {
        *self == Key::MAIN
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes[..usize::from(self.len)].cmp(&other.bytes[..usize::from(other.len)])
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Identity of one resource in the stack: its kind and a key stable across targets and
/// runs (`signalr.main`, `role_assignment.storage_blob_data_owner`, `replica.westus2`).
/// Everything a target names a resource by comes from it: the address, the Terraform
/// label ([`ResId::label`]), the Bicep symbol, and the Azure name of a keyed child
/// ([`ResId::instance_name`]). Ids order by kind, then key (the address order), with no
/// formatting: the graph sorts by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ResId {
    pub kind: Kind,
    pub key: Key,
}

/// The singleton of each kind, named like its kind so they read as before keyed identity.
#[allow(non_upper_case_globals)]
impl ResId {
    pub const ResourceGroup: ResId = ResId::main(Kind::ResourceGroup);
    pub const LogAnalytics: ResId = ResId::main(Kind::LogAnalytics);
    pub const AppInsights: ResId = ResId::main(Kind::AppInsights);
    pub const Storage: ResId = ResId::main(Kind::Storage);
    pub const PackageContainer: ResId = ResId::main(Kind::PackageContainer);
    pub const ServicePlan: ResId = ResId::main(Kind::ServicePlan);
    pub const FunctionApp: ResId = ResId::main(Kind::FunctionApp);
    pub const SignalR: ResId = ResId::main(Kind::SignalR);
    pub const SignalRNetworkAcl: ResId = ResId::main(Kind::SignalRNetworkAcl);
    pub const HostKey: ResId = ResId::main(Kind::HostKey);
    pub const VirtualNetwork: ResId = ResId::main(Kind::VirtualNetwork);
    pub const SignalRCustomCertificate: ResId = ResId::main(Kind::SignalRCustomCertificate);
    pub const SignalRCustomDomain: ResId = ResId::main(Kind::SignalRCustomDomain);
    pub const ManagementLock: ResId = ResId::main(Kind::ManagementLock);
}

impl ResId {
    /// The only instance of a kind.
    pub const fn main(kind: Kind) -> ResId {
        ResId { kind, key: Key::MAIN }
    }

    pub const fn keyed(kind: Kind, key: Key) -> ResId {
        ResId { kind, key }
    }

    /// The function app's assignment of a role, keyed by the role.
    pub const fn role_assignment(role: Role) -> ResId {
        ResId::keyed(Kind::RoleAssignment, Key::from_static(role.label()))
    }

    /// The diagnostic setting of a log source, keyed by the source.
    pub const fn diagnostic_setting(source: LogSource) -> ResId {
        ResId::keyed(Kind::DiagnosticSetting, Key::from_static(source.label()))
    }

    /// Stable, target-neutral address, e.g. `signalr.main`.
    pub fn address(self) -> String {
        format!("{}.{}", self.kind.as_str(), self.key)
    }

    /// The resource kind part of the address.
    pub fn kind(self) -> &'static str {
        self.kind.as_str()
    }

    /// The instance label: the key (`main` for a singleton). Terraform local names are
    /// this label, as written (see `emit::terraform::resources::local_name`).
    pub fn label(&self) -> &str {
        self.key.as_str()
    }

    /// The Azure name of a keyed instance whose kind's names share one base: the base
    /// for a singleton, else `<base>-<key>` with `_` as `-` (e.g. `pe-chat-prod-blob`).
    pub fn instance_name(&self, base: &str) -> String {
        if self.key.is_main() {
            base.to_string()
        } else {
            format!("{base}-{}", self.key.as_str().replace('_', "-"))
        }
    }
}

/// One node of the resource graph.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    pub id: ResId,
    /// The Azure resource name (a GUID seed for role assignments: see [`RoleAssignment`]).
    pub name: String,
    pub tags: Tags,
    pub settings: Settings,
}

/// The typed settings of each resource kind.
// A graph holds one function app (the largest variant) among a few dozen nodes, built once
// per run: boxing it would only add an indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Serialize)]
pub enum Settings {
    ResourceGroup,
    LogAnalytics(LogAnalytics),
    AppInsights(AppInsights),
    Storage(Storage),
    PackageContainer(PackageContainer),
    ServicePlan(ServicePlan),
    FunctionApp(FunctionApp),
    SignalR(SignalR),
    SignalRNetworkAcl(NetworkAcl),
    HostKey(HostKey),
    RoleAssignment(RoleAssignment),
    VirtualNetwork(VirtualNetwork),
    Subnet(Subnet),
    PrivateEndpoint(PrivateEndpoint),
    PrivateDnsZone(PrivateDnsZone),
    PrivateDnsZoneLink(PrivateDnsZoneLink),
    SignalRReplica(SignalRReplica),
    SignalRCustomCertificate(CustomCertificate),
    SignalRCustomDomain(CustomDomain),
    /// A role on a resource outside the stack (the custom domain's Key Vault).
    ExternalRoleAssignment(ExternalRoleAssignment),
    ManagementLock(ManagementLock),
    DiagnosticSetting(DiagnosticSetting),
}

#[derive(Clone, Debug, Serialize)]
pub struct LogAnalytics {
    /// Always `PerGB2018` (the only SKU sold to new workspaces).
    pub sku: String,
    pub retention_days: u32,
    /// `None` means no daily cap.
    pub daily_quota_gb: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppInsights {
    /// Workspace-based only: the Log Analytics workspace it writes to.
    pub workspace: ResId,
    /// Always `web`.
    pub application_type: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Storage {
    /// `Standard` (Functions needs a general-purpose v2 account).
    pub tier: String,
    /// Replication part of the SKU: `LRS`, `GRS`, `RAGRS`, `ZRS`, `GZRS`, `RAGZRS`.
    pub replication: String,
    /// Full SKU name for ARM/Bicep, e.g. `Standard_LRS`.
    pub sku_name: String,
    /// `StorageV2`.
    pub kind: String,
    /// ARM spelling, e.g. `TLS1_2` (also azurerm's).
    pub min_tls_version: String,
    pub allow_blob_public_access: bool,
    pub https_only: bool,
    /// `false` in private mode: the account is reached through its private endpoints only.
    pub public_network_access: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageContainer {
    pub storage: ResId,
}

/// The Functions hosting plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FunctionPlan {
    /// Flex Consumption.
    FC1,
    /// Linux Consumption (retiring 2028-09-30).
    Y1,
    EP1,
    EP2,
    EP3,
}

impl FunctionPlan {
    pub fn sku_name(self) -> &'static str {
        match self {
            FunctionPlan::FC1 => "FC1",
            FunctionPlan::Y1 => "Y1",
            FunctionPlan::EP1 => "EP1",
            FunctionPlan::EP2 => "EP2",
            FunctionPlan::EP3 => "EP3",
        }
    }

    /// ARM `sku.tier` that must match the name.
    pub fn sku_tier(self) -> &'static str {
        match self {
            FunctionPlan::FC1 => "FlexConsumption",
            FunctionPlan::Y1 => "Dynamic",
            _ => "ElasticPremium",
        }
    }

    /// ARM `kind` of the `Microsoft.Web/serverfarms` resource.
    pub fn plan_kind(self) -> &'static str {
        match self {
            FunctionPlan::FC1 | FunctionPlan::Y1 => "functionapp",
            _ => "elastic",
        }
    }

    pub fn is_flex(self) -> bool {
        self == FunctionPlan::FC1
    }

    pub fn is_elastic_premium(self) -> bool {
        matches!(self, FunctionPlan::EP1 | FunctionPlan::EP2 | FunctionPlan::EP3)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ServicePlan {
    pub plan: FunctionPlan,
    /// Always Linux (`reserved = true`).
    pub os_type: String,
}

/// How the function app reaches its host storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StorageAuth {
    /// Account key: required by the Azure Files content share of Y1 and EP plans.
    AccessKey,
    /// System-assigned identity with the storage data roles (FC1).
    SystemAssignedIdentity,
}

#[derive(Clone, Debug, Serialize)]
pub struct Flex {
    pub container: ResId,
    /// Blob container name for deployment packages.
    pub container_name: String,
    pub maximum_instance_count: u32,
    pub instance_memory_mb: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct FunctionApp {
    pub plan: FunctionPlan,
    pub service_plan: ResId,
    pub storage: ResId,
    pub app_insights: ResId,
    pub storage_auth: StorageAuth,
    /// `python` or `node` (`FUNCTIONS_WORKER_RUNTIME`, the Flex runtime name).
    pub runtime: String,
    pub runtime_version: String,
    /// Language of the generated code: `python`, `typescript` or `javascript`.
    pub language: String,
    /// `linuxFxVersion` of the site on Y1 and EP (`Python|3.12`, `Node|22`); `None` on
    /// Flex, where the runtime is `functionAppConfig.runtime` instead.
    pub linux_fx_version: Option<String>,
    /// `~4` (Y1/EP only; Flex does not take it).
    pub functions_extension_version: String,
    pub https_only: bool,
    /// `1.2` style, as azurerm and ARM `minTlsVersion` spell it.
    pub min_tls_version: String,
    /// FTP/FTPS deployment endpoint: `Disabled` (code ships by zip or package, never FTP).
    pub ftps_state: String,
    /// HTTP/2 for the app's front end; clients negotiate it and fall back to HTTP/1.1.
    pub http2_enabled: bool,
    /// Always off: a deployed stack is not debugged remotely.
    pub remote_debugging_enabled: bool,
    /// Minimum TLS of the SCM (Kudu) site that deployments go through, `1.2` style.
    pub scm_min_tls_version: String,
    pub cors_allowed_origins: Vec<String>,
    /// P15: the SignalR client negotiates cross-origin with credentials, so CORS allows
    /// them; never together with `*` (browsers refuse that pair). Source:
    /// learn.microsoft.com/azure/azure-signalr/signalr-concept-serverless-development-config
    /// (section "Azure Functions CORS").
    pub cors_support_credentials: bool,
    /// Literal app settings: the SignalR identity connection, identity-based storage
    /// settings (FC1) and the user's extra settings. Settings whose value is a
    /// reference or a secret (storage keys, App Insights connection string, content
    /// share) are not here: each target expresses them in its own way.
    pub app_settings: BTreeMap<String, String>,
    /// P14: settings the publish step adds to the app (`WEBSITE_RUN_FROM_PACKAGE` on Y1 and
    /// EP, where `func azure functionapp publish` / zip deploy set it), which a re-apply must
    /// never remove: Terraform ignores changes to them, ARM/Bicep carry their current value
    /// over. Empty on Flex, which deploys to its blob container and does not take the setting.
    /// Sources: hashicorp/terraform-provider-azurerm#17081, #24848;
    /// learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package.
    pub publish_settings: Vec<String>,
    /// Azure Files content share name (Y1 and EP only).
    pub content_share: Option<String>,
    pub flex: Option<Flex>,
    /// The delegated subnet of regional VNet integration (private mode): all outbound
    /// traffic goes through it (Flex always routes all of it; EP sets `vnetRouteAllEnabled`).
    pub vnet_subnet: Option<ResId>,
    /// Hub names the generated Functions code serves.
    pub hubs: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignalRSku {
    /// e.g. `Standard_S1`.
    pub name: String,
    /// e.g. `Standard` (derived from the name: a mismatch is rejected by Azure).
    pub tier: String,
    pub capacity: u32,
}

/// How SignalR authenticates to its upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UpstreamAuth {
    None,
    ManagedIdentity,
}

/// A host key of the function app, created by the deployment itself (facts P19):
/// ARM `Microsoft.Web/sites/host/{keyType}`, REST "Web Apps - Create Or Update Host
/// Secret" (PUT `.../sites/{name}/host/default/{keyType}/{keyName}`, body `{name, value}`).
/// No value is sent: the host generates it, and every target reads it back from the host
/// (`listKeys` / azapi `resource_action`) so no key is ever held in a template.
#[derive(Clone, Debug, Serialize)]
pub struct HostKey {
    pub function_app: ResId,
    /// `systemKeys`.
    pub key_type: String,
    /// `signalr_extension`: the name the SignalR extension's webhook checks.
    pub key_name: String,
    /// What the host needs before it can store a secret: the role assignments that give
    /// the app's identity its host storage. Read from the graph's edges when lowering.
    pub after: Vec<ResId>,
}

/// The one upstream template that routes events to the function app's SignalR webhook.
///
/// The webhook needs the host system key `signalr_extension` (facts P19/P20). With
/// `wiring = "one-apply"` the stack creates that key itself (`host_key`, a [`HostKey`]
/// node) and the upstream reads it in the same deployment. With `"two-step"` every
/// target emits the upstream behind a switch that is off by default
/// (`signalr_upstream_enabled` / `signalRUpstreamEnabled`), turned on by the second
/// deploy step, once the code is published (P1).
#[derive(Clone, Debug, Serialize)]
pub struct Upstream {
    pub function_app: ResId,
    /// Each a hub name or `*`; ARM joins them with commas, azurerm takes the list.
    pub hub_patterns: Vec<String>,
    pub event_patterns: Vec<String>,
    pub category_patterns: Vec<String>,
    pub auth: UpstreamAuth,
    /// Token audience (`managedIdentity.resource`, azurerm `user_assigned_identity_id`),
    /// present exactly when `auth` is `ManagedIdentity`.
    pub auth_resource: Option<String>,
    /// Path of the Functions SignalR webhook, `/runtime/webhooks/signalr`; each target
    /// puts `https://<default host name>` before it and `?code=<key>` after it.
    pub webhook_path: String,
    /// The stack's own host key (`one-apply`), or `None` for the two-step switch.
    pub host_key: Option<ResId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignalR {
    pub sku: SignalRSku,
    /// `Serverless` for this stack.
    pub service_mode: String,
    /// Empty: no CORS block (Azure then allows all origins).
    pub cors_allowed_origins: Vec<String>,
    pub connectivity_logs: bool,
    pub messaging_logs: bool,
    pub http_request_logs: bool,
    pub local_auth: bool,
    pub public_network_access: bool,
    pub serverless_connection_timeout_seconds: u32,
    pub system_assigned_identity: bool,
    pub upstream: Option<Upstream>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NetworkAcl {
    pub signalr: ResId,
    /// `Allow` or `Deny`.
    pub default_action: String,
    /// Request types: `ClientConnection`, `ServerConnection`, `RESTAPI`, `Trace`.
    pub public_allow: Vec<String>,
    pub public_deny: Vec<String>,
    /// Request types each private endpoint of the service may carry (private mode).
    pub private_endpoints: Vec<PrivateEndpointAcl>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PrivateEndpointAcl {
    pub endpoint: ResId,
    pub allow: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VirtualNetwork {
    /// One IPv4 CIDR block.
    pub address_space: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Subnet {
    pub vnet: ResId,
    pub address_prefix: String,
    /// The service the subnet is delegated to (`Microsoft.App/environments` for FC1,
    /// `Microsoft.Web/serverFarms` for EP), `None` for the private endpoints' subnet.
    pub delegation: Option<String>,
}

/// A private endpoint to one sub-resource of a resource in the stack, registered in its
/// private DNS zone through a zone group.
#[derive(Clone, Debug, Serialize)]
pub struct PrivateEndpoint {
    pub subnet: ResId,
    pub target: ResId,
    /// Private-link group id: `signalr`, `blob`, `queue`, `table`, `file`.
    pub group_id: String,
    pub zone: ResId,
    /// The private-link connection's name (ARM `privateLinkServiceConnections[].name`).
    pub connection_name: String,
}

/// A private DNS zone (`privatelink.service.signalr.net`, ...): global, named by the zone.
#[derive(Clone, Debug, Serialize)]
pub struct PrivateDnsZone {}

#[derive(Clone, Debug, Serialize)]
pub struct PrivateDnsZoneLink {
    pub zone: ResId,
    pub vnet: ResId,
}

/// A SignalR geo-replica: the same SKU in another region, its own units.
#[derive(Clone, Debug, Serialize)]
pub struct SignalRReplica {
    pub signalr: ResId,
    pub location: String,
    pub sku: SignalRSku,
}

/// SignalR's custom certificate, read from a versionless Key Vault secret by the
/// service's identity once it holds "Key Vault Secrets User" on the vault.
#[derive(Clone, Debug, Serialize)]
pub struct CustomCertificate {
    pub signalr: ResId,
    /// The versionless secret URL as written.
    pub secret_id: String,
    /// `https://<vault>.vault.azure.net/`.
    pub key_vault_base_uri: String,
    pub secret_name: String,
    /// The role assignment that must exist before SignalR reads the secret.
    pub access: ResId,
}

#[derive(Clone, Debug, Serialize)]
pub struct CustomDomain {
    pub signalr: ResId,
    pub certificate: ResId,
    pub host_name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExternalRoleAssignment {
    /// The resource ID of the scope, outside the stack.
    pub scope_id: String,
    pub principal: ResId,
    pub role: Role,
    pub role_definition_id: String,
    pub principal_type: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ManagementLock {
    pub scope: ResId,
    /// `CanNotDelete` or `ReadOnly`.
    pub level: String,
    pub notes: String,
    /// Every other resource of the stack: a `ReadOnly` lock placed earlier would refuse
    /// their creation, and on teardown the lock goes first.
    pub after: Vec<ResId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleAssignment {
    pub scope: ResId,
    /// The resource whose system-assigned identity receives the role.
    pub principal: ResId,
    pub role: Role,
    /// Built-in role definition GUID.
    pub role_definition_id: String,
    /// Always `ServicePrincipal` (avoids PrincipalNotFound on fresh identities).
    pub principal_type: String,
}

/// A diagnostic setting that sends one resource's logs to the Log Analytics workspace
/// (P16: the SignalR log flags only produce logs; nothing is stored without a setting).
/// ARM `Microsoft.Insights/diagnosticSettings`, an extension resource on the source;
/// azurerm `azurerm_monitor_diagnostic_setting`. Source:
/// learn.microsoft.com/azure/azure-signalr/signalr-howto-diagnostic-logs,
/// learn.microsoft.com/azure/azure-functions/functions-monitor-log-analytics.
#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticSetting {
    /// The resource whose logs are sent.
    pub source: ResId,
    pub workspace: ResId,
    /// Category groups sent (`allLogs` for SignalR).
    pub category_groups: Vec<String>,
    /// Single categories sent (`FunctionAppLogs` for the function app).
    pub categories: Vec<String>,
}

impl Resource {
    /// The Azure resource type, as ARM names it (the same in every target).
    pub fn azure_type(&self) -> &'static str {
        match &self.settings {
            Settings::ResourceGroup => "Microsoft.Resources/resourceGroups",
            Settings::LogAnalytics(_) => "Microsoft.OperationalInsights/workspaces",
            Settings::AppInsights(_) => "Microsoft.Insights/components",
            Settings::Storage(_) => "Microsoft.Storage/storageAccounts",
            Settings::PackageContainer(_) => "Microsoft.Storage/storageAccounts/blobServices/containers",
            Settings::ServicePlan(_) => "Microsoft.Web/serverfarms",
            Settings::FunctionApp(_) => "Microsoft.Web/sites",
            Settings::SignalR(_) => "Microsoft.SignalRService/signalR",
            Settings::SignalRNetworkAcl(_) => "Microsoft.SignalRService/signalR (networkACLs)",
            Settings::HostKey(_) => "Microsoft.Web/sites/host/systemKeys",
            Settings::RoleAssignment(_) | Settings::ExternalRoleAssignment(_) => {
                "Microsoft.Authorization/roleAssignments"
            }
            Settings::VirtualNetwork(_) => "Microsoft.Network/virtualNetworks",
            Settings::Subnet(_) => "Microsoft.Network/virtualNetworks/subnets",
            Settings::PrivateEndpoint(_) => "Microsoft.Network/privateEndpoints",
            Settings::PrivateDnsZone(_) => "Microsoft.Network/privateDnsZones",
            Settings::PrivateDnsZoneLink(_) => "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            Settings::SignalRReplica(_) => "Microsoft.SignalRService/signalR/replicas",
            Settings::SignalRCustomCertificate(_) => "Microsoft.SignalRService/signalR/customCertificates",
            Settings::SignalRCustomDomain(_) => "Microsoft.SignalRService/signalR/customDomains",
            Settings::ManagementLock(_) => "Microsoft.Authorization/locks",
            Settings::DiagnosticSetting(_) => "Microsoft.Insights/diagnosticSettings",
        }
    }

    /// A one-line SKU or size summary, for `sigc plan`.
    pub fn sku_summary(&self) -> Option<String> {
        match &self.settings {
            Settings::SignalR(s) => Some(format!("{} x{}", s.sku.name, s.sku.capacity)),
            Settings::Storage(s) => Some(s.sku_name.clone()),
            Settings::ServicePlan(p) => Some(p.plan.sku_name().to_string()),
            Settings::LogAnalytics(l) => Some(l.sku.clone()),
            Settings::FunctionApp(f) => Some(format!("{} {}", f.runtime, f.runtime_version)),
            Settings::SignalRNetworkAcl(a) => Some(format!("default {}", a.default_action)),
            Settings::RoleAssignment(r) => Some(r.role.display_name().to_string()),
            Settings::ExternalRoleAssignment(r) => Some(r.role.display_name().to_string()),
            Settings::SignalRReplica(r) => Some(format!("{} x{} in {}", r.sku.name, r.sku.capacity, r.location)),
            Settings::ManagementLock(l) => Some(l.level.clone()),
            _ => None,
        }
    }
}
