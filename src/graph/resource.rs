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
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::SignalRServiceOwner,
        Role::StorageBlobDataOwner,
        Role::StorageQueueDataContributor,
        Role::StorageTableDataContributor,
    ];

    /// The role's display name in Azure.
    pub fn display_name(self) -> &'static str {
        match self {
            Role::SignalRServiceOwner => "SignalR Service Owner",
            Role::StorageBlobDataOwner => "Storage Blob Data Owner",
            Role::StorageQueueDataContributor => "Storage Queue Data Contributor",
            Role::StorageTableDataContributor => "Storage Table Data Contributor",
        }
    }

    /// snake_case label used in addresses and Terraform/Bicep symbol names.
    pub fn label(self) -> &'static str {
        match self {
            Role::SignalRServiceOwner => "signalr_service_owner",
            Role::StorageBlobDataOwner => "storage_blob_data_owner",
            Role::StorageQueueDataContributor => "storage_queue_data_contributor",
            Role::StorageTableDataContributor => "storage_table_data_contributor",
        }
    }
}

/// Identity of one resource in the stack. The stack holds at most one of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ResId {
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
    RoleAssignment(Role),
}

impl ResId {
    /// Stable, target-neutral address, e.g. `signalr.main`.
    pub fn address(self) -> String {
        match self {
            ResId::RoleAssignment(role) => format!("role_assignment.{}", role.label()),
            other => format!("{}.main", other.kind()),
        }
    }

    /// The address as its two parts, ordered as [`ResId::address`] orders (kinds are
    /// `[a-z_]`, all after `.`), without formatting a String: the graph sorts by it.
    pub fn address_parts(self) -> (&'static str, &'static str) {
        match self {
            ResId::RoleAssignment(role) => ("role_assignment", role.label()),
            other => (other.kind(), "main"),
        }
    }

    /// The resource kind part of the address.
    pub fn kind(self) -> &'static str {
        match self {
            ResId::ResourceGroup => "resource_group",
            ResId::LogAnalytics => "log_analytics",
            ResId::AppInsights => "app_insights",
            ResId::Storage => "storage_account",
            ResId::PackageContainer => "storage_container",
            ResId::ServicePlan => "service_plan",
            ResId::FunctionApp => "function_app",
            ResId::SignalR => "signalr",
            ResId::SignalRNetworkAcl => "signalr_network_acl",
            ResId::HostKey => "host_key",
            ResId::RoleAssignment(_) => "role_assignment",
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
    /// Azure Files content share name (Y1 and EP only).
    pub content_share: Option<String>,
    pub flex: Option<Flex>,
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
            Settings::RoleAssignment(_) => "Microsoft.Authorization/roleAssignments",
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
            _ => None,
        }
    }
}
