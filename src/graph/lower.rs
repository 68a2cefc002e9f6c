//! Lowering: the resolved environment becomes the resource graph.
//!
//! This is where the wiring is decided, once, for every target (README, "Wiring"):
//! the function app reaches SignalR with its identity (service URI derived from the
//! SignalR name, no reference back to the resource), SignalR reaches the function
//! app through the upstream (host name read from the resource), so the only edge
//! between the two points from the function app to SignalR and there is no cycle.

use std::collections::BTreeMap;

use super::resource::*;
use super::{GraphError, ResourceGraph, StackInfo, TerraformSetting};
use crate::limits::limits;
use crate::resolve::{NameKey, Resolved};

/// Path of the Functions SignalR trigger webhook (facts §4, func-signalr-trigger).
pub const SIGNALR_WEBHOOK_PATH: &str = "/runtime/webhooks/signalr";
/// The setting publishing adds on Y1 and EP (P14).
pub const RUN_FROM_PACKAGE: &str = "WEBSITE_RUN_FROM_PACKAGE";
/// The SignalR triggers the generated Functions app has for every hub: (function name
/// suffix, category, event). Facts §4 / func-signalr-trigger: a trigger is routed by
/// exact (hub, category, event), and `connections` has the events `connected` and
/// `disconnected`.
pub const SIGNALR_TRIGGERS: [(&str, &str, &str); 3] = [
    ("message", "messages", "sendMessage"),
    ("connected", "connections", "connected"),
    ("disconnected", "connections", "disconnected"),
];
/// Blob container for Flex Consumption deployment packages.
pub const PACKAGE_CONTAINER: &str = "app-package";

pub fn lower(r: &Resolved) -> Result<ResourceGraph, Vec<GraphError>> {
    let info = StackInfo {
        environment: r.environment.value.clone(),
        workload: r.workload.value.clone(),
        location: r.location.value.clone(),
        subscription_id: r.subscription_id.as_ref().map(|s| s.value.clone()),
        azurerm_version: r.azurerm_version.value.clone(),
        terraform_required_version: r.terraform_required_version.value.clone(),
        terraform_backend: r.terraform_backend.as_ref().map(|b| {
            let settings = b
                .settings
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        crate::model::BackendValue::Bool(x) => TerraformSetting::Bool(*x),
                        crate::model::BackendValue::Str(s) => TerraformSetting::Str(s.clone()),
                    };
                    (k.clone(), v)
                })
                .collect();
            (b.kind.clone(), settings)
        }),
    };
    let mut tags: Tags = r.tags.iter().map(|(k, v)| (k.value.clone(), v.value.clone())).collect();
    // sigc's own tags win: they identify what manages the resource.
    tags.insert("environment".into(), r.environment.value.clone());
    tags.insert("workload".into(), r.workload.value.clone());
    tags.insert("managed_by".into(), "sigc".into());

    let plan = match r.functions.plan.value.as_str() {
        "Y1" => FunctionPlan::Y1,
        "EP1" => FunctionPlan::EP1,
        "EP2" => FunctionPlan::EP2,
        "EP3" => FunctionPlan::EP3,
        _ => FunctionPlan::FC1,
    };
    let name = |key: NameKey| r.name(key).to_string();
    let node = |id: ResId, name: String, settings: Settings| Resource {
        id,
        name,
        tags: tags.clone(),
        settings,
    };

    let mut resources = vec![
        node(
            ResId::ResourceGroup,
            name(NameKey::ResourceGroup),
            Settings::ResourceGroup,
        ),
        node(
            ResId::LogAnalytics,
            name(NameKey::LogAnalytics),
            Settings::LogAnalytics(LogAnalytics {
                sku: "PerGB2018".into(),
                retention_days: r.monitoring.retention_days.value,
                daily_quota_gb: Some(r.monitoring.daily_quota_gb.value).filter(|q| *q > 0.0),
            }),
        ),
        node(
            ResId::AppInsights,
            name(NameKey::AppInsights),
            Settings::AppInsights(AppInsights {
                workspace: ResId::LogAnalytics,
                application_type: "web".into(),
            }),
        ),
        node(
            ResId::Storage,
            name(NameKey::StorageAccount),
            Settings::Storage(storage(r)),
        ),
        node(
            ResId::ServicePlan,
            name(NameKey::ServicePlan),
            Settings::ServicePlan(ServicePlan {
                plan,
                os_type: "Linux".into(),
            }),
        ),
    ];

    let signalr_name = name(NameKey::Signalr);
    let mut function_app = function_app(r, plan, &signalr_name);
    let private = r.network.private();
    if private {
        function_app.vnet_subnet = Some(FUNCTIONS_SUBNET);
        if plan.is_elastic_premium() {
            // The content share (Azure Files) is reached through the VNet too
            // (learn.microsoft.com/azure/azure-functions/functions-app-settings#website_contentovervnet).
            function_app
                .app_settings
                .insert("WEBSITE_CONTENTOVERVNET".into(), "1".into());
        }
    }
    if plan.is_flex() {
        resources.push(node(
            ResId::PackageContainer,
            PACKAGE_CONTAINER.to_string(),
            Settings::PackageContainer(PackageContainer {
                storage: ResId::Storage,
            }),
        ));
    }
    resources.push(node(
        ResId::FunctionApp,
        name(NameKey::FunctionApp),
        Settings::FunctionApp(function_app),
    ));
    resources.push(node(ResId::SignalR, signalr_name, Settings::SignalR(signalr(r))));
    if let Some(acl) = &r.signalr.network_acl {
        resources.push(node(
            ResId::SignalRNetworkAcl,
            name(NameKey::Signalr),
            Settings::SignalRNetworkAcl(NetworkAcl {
                signalr: ResId::SignalR,
                default_action: acl.default_action.value.clone(),
                public_allow: acl.public_allow.value.iter().map(|s| s.value.clone()).collect(),
                public_deny: acl.public_deny.value.iter().map(|s| s.value.clone()).collect(),
                // Private mode: the app's server and REST traffic (and clients inside the
                // VNet) come through the private endpoint; the public side is what resolve
                // left for browsers.
                private_endpoints: if private {
                    vec![PrivateEndpointAcl {
                        endpoint: ResId::keyed(Kind::PrivateEndpoint, Key::from_static("signalr")),
                        allow: PRIVATE_ENDPOINT_REQUEST_TYPES.iter().map(|t| t.to_string()).collect(),
                    }]
                } else {
                    Vec::new()
                },
            }),
        ));
    }

    let mut grants = vec![(Role::SignalRServiceOwner, ResId::SignalR)];
    if plan.is_flex() {
        grants.extend([
            (Role::StorageBlobDataOwner, ResId::Storage),
            (Role::StorageQueueDataContributor, ResId::Storage),
            (Role::StorageTableDataContributor, ResId::Storage),
        ]);
    }
    for (role, scope) in grants {
        let role_definition_id = limits().role_id(role.label()).to_string();
        resources.push(Resource {
            id: ResId::role_assignment(role),
            // Role assignments are named by a GUID each target derives from scope,
            // principal and role; this label is only for plans and messages.
            name: format!("{} on {}", role.display_name(), scope.address()),
            tags: Tags::new(),
            settings: Settings::RoleAssignment(RoleAssignment {
                scope,
                principal: ResId::FunctionApp,
                role,
                role_definition_id,
                principal_type: "ServicePrincipal".into(),
            }),
        });
    }
    if private {
        resources.extend(
            network(r, plan)
                .into_iter()
                .map(|(id, name, settings)| node(id, name, settings)),
        );
    }
    if r.monitoring.diagnostic_settings.value {
        // P16: the SignalR log flags and the Functions host only produce logs; a diagnostic
        // setting is what stores them in the workspace. SignalR sends the category group
        // `allLogs` (signalr-howto-diagnostic-logs); the function app `FunctionAppLogs`
        // (functions-monitor-log-analytics).
        for (source, category_groups, categories) in [
            (LogSource::SignalR, vec!["allLogs".to_string()], vec![]),
            (LogSource::FunctionApp, vec![], vec!["FunctionAppLogs".to_string()]),
        ] {
            let source_name = resources
                .iter()
                .find(|res| res.id == source.resource())
                .map(|res| res.name.clone())
                .unwrap_or_default();
            resources.push(Resource {
                id: ResId::diagnostic_setting(source),
                name: format!("diag-{source_name}"),
                // A diagnostic setting takes no tags.
                tags: Tags::new(),
                settings: Settings::DiagnosticSetting(DiagnosticSetting {
                    source: source.resource(),
                    workspace: ResId::LogAnalytics,
                    category_groups,
                    categories,
                }),
            });
        }
    }
    if r.signalr.upstream.wiring.value == "one-apply" {
        // The host writes its secrets to its storage: the key comes after every role
        // assignment that gives the app's identity access to that storage (facts P19).
        // In private mode the host reaches that storage only through its private endpoints,
        // resolved by the zones linked to the VNet: those come first too.
        let storage = ResId::Storage;
        let after: Vec<ResId> = resources
            .iter()
            .filter_map(|res| match &res.settings {
                Settings::RoleAssignment(ra) if ra.principal == ResId::FunctionApp && ra.scope == storage => {
                    Some(res.id)
                }
                Settings::PrivateEndpoint(pe) if pe.target == storage => Some(res.id),
                Settings::PrivateDnsZoneLink(_) => Some(res.id),
                _ => None,
            })
            .collect();
        resources.push(Resource {
            id: ResId::HostKey,
            name: SIGNALR_HOST_KEY.into(),
            // A host key is not an ARM resource with tags.
            tags: Tags::new(),
            settings: Settings::HostKey(HostKey {
                function_app: ResId::FunctionApp,
                key_type: "systemKeys".into(),
                key_name: SIGNALR_HOST_KEY.into(),
                after,
            }),
        });
    }
    for replica in &r.signalr.replicas {
        let region = &replica.location.value;
        let id = ResId::keyed(Kind::SignalRReplica, Key::sanitized(region));
        resources.push(node(
            id,
            replica_name(r.name(NameKey::Signalr), region),
            Settings::SignalRReplica(SignalRReplica {
                signalr: ResId::SignalR,
                location: region.clone(),
                sku: SignalRSku {
                    name: r.signalr.sku.value.clone(),
                    tier: r.signalr.tier.clone(),
                    capacity: replica.capacity.value,
                },
            }),
        ));
    }
    if let Some(domain) = &r.signalr.custom_domain {
        let secret_id = domain.certificate_secret_id.value.trim_end_matches('/').to_string();
        let (base, secret_name) = secret_id
            .rsplit_once("/secrets/")
            .map(|(b, n)| (format!("{b}/"), n.to_string()))
            .unwrap_or_else(|| (secret_id.clone(), String::new()));
        let access = ResId::role_assignment(Role::KeyVaultSecretsUser);
        resources.push(Resource {
            id: access,
            name: format!(
                "{} on {}",
                Role::KeyVaultSecretsUser.display_name(),
                domain.key_vault_id.value
            ),
            tags: Tags::new(),
            settings: Settings::ExternalRoleAssignment(ExternalRoleAssignment {
                scope_id: domain.key_vault_id.value.clone(),
                principal: ResId::SignalR,
                role: Role::KeyVaultSecretsUser,
                role_definition_id: limits().role_id(Role::KeyVaultSecretsUser.label()).to_string(),
                principal_type: "ServicePrincipal".into(),
            }),
        });
        resources.push(Resource {
            id: ResId::SignalRCustomCertificate,
            name: secret_name.clone(),
            tags: Tags::new(),
            settings: Settings::SignalRCustomCertificate(CustomCertificate {
                signalr: ResId::SignalR,
                secret_id: secret_id.clone(),
                key_vault_base_uri: base,
                secret_name,
                access,
            }),
        });
        resources.push(Resource {
            id: ResId::SignalRCustomDomain,
            name: domain_name(&domain.host_name.value),
            tags: Tags::new(),
            settings: Settings::SignalRCustomDomain(CustomDomain {
                signalr: ResId::SignalR,
                certificate: ResId::SignalRCustomCertificate,
                host_name: domain.host_name.value.clone(),
            }),
        });
    }
    if r.lock.value != "none" {
        let after = resources
            .iter()
            .map(|res| res.id)
            .filter(|id| *id != ResId::ResourceGroup)
            .collect();
        resources.push(Resource {
            id: ResId::ManagementLock,
            name: format!("lock-{}-{}", r.workload.value, r.environment.value),
            tags: Tags::new(),
            settings: Settings::ManagementLock(ManagementLock {
                scope: ResId::ResourceGroup,
                level: r.lock.value.clone(),
                notes: "Managed by sigc: remove the lock (`lock = \"none\"`) before a deliberate teardown.".into(),
                after,
            }),
        });
    }
    ResourceGraph::new(info, resources)
}

/// The subnet the function app joins (regional VNet integration).
pub const FUNCTIONS_SUBNET: ResId = ResId::keyed(Kind::Subnet, Key::from_static("functions"));
/// The subnet that holds the private endpoints.
pub const ENDPOINTS_SUBNET: ResId = ResId::keyed(Kind::Subnet, Key::from_static("endpoints"));
/// What SignalR's private endpoint may carry: everything but `Trace` (facts §3).
pub const PRIVATE_ENDPOINT_REQUEST_TYPES: [&str; 3] = ["ClientConnection", "ServerConnection", "RESTAPI"];

/// Private link targets: key and group id, the private DNS zone each resolves through
/// (learn.microsoft.com/azure/private-link/private-endpoint-dns), and the resource.
const PRIVATE_LINKS: [(&str, &str, ResId); 5] = [
    ("signalr", "privatelink.service.signalr.net", ResId::SignalR),
    ("blob", "privatelink.blob.core.windows.net", ResId::Storage),
    ("queue", "privatelink.queue.core.windows.net", ResId::Storage),
    ("table", "privatelink.table.core.windows.net", ResId::Storage),
    ("file", "privatelink.file.core.windows.net", ResId::Storage),
];

/// `[network] mode = "private"`: the VNet, its two subnets, and for SignalR and each
/// storage service the host uses (file only where the plan keeps a content share) a
/// private endpoint, its private DNS zone and the zone's link to the VNet.
fn network(r: &Resolved, plan: FunctionPlan) -> Vec<(ResId, String, Settings)> {
    let n = &r.network;
    let base = |abbr: &str| format!("{abbr}-{}-{}", r.workload.value, r.environment.value);
    let vnet_name = base("vnet");
    let net = &limits().network;
    let mut out = vec![
        (
            ResId::VirtualNetwork,
            vnet_name.clone(),
            Settings::VirtualNetwork(VirtualNetwork {
                address_space: n.address_space.value.clone(),
            }),
        ),
        (
            FUNCTIONS_SUBNET,
            "snet-functions".to_string(),
            Settings::Subnet(Subnet {
                vnet: ResId::VirtualNetwork,
                address_prefix: n.functions_subnet.value.clone(),
                delegation: Some(if plan.is_flex() {
                    net.flex_delegation.clone()
                } else {
                    net.elastic_premium_delegation.clone()
                }),
            }),
        ),
        (
            ENDPOINTS_SUBNET,
            "snet-endpoints".to_string(),
            Settings::Subnet(Subnet {
                vnet: ResId::VirtualNetwork,
                address_prefix: n.endpoints_subnet.value.clone(),
                delegation: None,
            }),
        ),
    ];
    let pe_base = base("pe");
    for (key, zone_name, target) in PRIVATE_LINKS {
        if key == "file" && plan.is_flex() {
            continue;
        }
        let key = Key::from_static(key);
        let zone = ResId::keyed(Kind::PrivateDnsZone, key);
        let endpoint = ResId::keyed(Kind::PrivateEndpoint, key);
        let pe_name = endpoint.instance_name(&pe_base);
        out.push((zone, zone_name.to_string(), Settings::PrivateDnsZone(PrivateDnsZone {})));
        // Links are children of their zone; named apart anyway so every name in the stack
        // is unique per type (the graph's duplicate check).
        let link = ResId::keyed(Kind::PrivateDnsZoneLink, key);
        out.push((
            link,
            link.instance_name(&vnet_name),
            Settings::PrivateDnsZoneLink(PrivateDnsZoneLink {
                zone,
                vnet: ResId::VirtualNetwork,
            }),
        ));
        out.push((
            endpoint,
            pe_name.clone(),
            Settings::PrivateEndpoint(PrivateEndpoint {
                subnet: ENDPOINTS_SUBNET,
                target,
                group_id: key.as_str().to_string(),
                zone,
                connection_name: pe_name,
            }),
        ));
    }
    out
}

/// `<signalr>-<region>`, the SignalR name cut so the whole fits the 63 characters a
/// replica name may have (`^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$`, signalr.json 2024-03-01).
fn replica_name(signalr: &str, region: &str) -> String {
    let room = 63usize.saturating_sub(region.len() + 1);
    let head: String = signalr.chars().take(room).collect();
    format!("{}-{region}", head.trim_end_matches('-'))
}

/// A resource name for the custom domain: its host name with `.` as `-`.
fn domain_name(host: &str) -> String {
    let name: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    name.trim_matches('-').to_string()
}

/// The system key the SignalR extension's webhook is authorised by (facts P20).
pub const SIGNALR_HOST_KEY: &str = "signalr_extension";

fn storage(r: &Resolved) -> Storage {
    let sku = r.storage.sku.value.clone();
    let (tier, replication) = sku.split_once('_').unwrap_or(("Standard", "LRS"));
    Storage {
        tier: tier.to_string(),
        replication: replication.to_string(),
        sku_name: sku.clone(),
        kind: "StorageV2".into(),
        min_tls_version: r.storage.min_tls_version.value.clone(),
        allow_blob_public_access: r.storage.allow_blob_public_access.value,
        https_only: true,
        public_network_access: !r.network.private(),
    }
}

fn function_app(r: &Resolved, plan: FunctionPlan, signalr_name: &str) -> FunctionApp {
    let f = &r.functions;
    let mut app_settings: BTreeMap<String, String> = f
        .app_settings
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect();
    // Identity-based SignalR connection (binding extension >= 1.7.0): derived from the
    // name, so the function app does not depend on the SignalR resource.
    app_settings.insert(
        "AzureSignalRConnectionString__serviceUri".into(),
        format!("https://{}.service.signalr.net", signalr_name.to_lowercase()),
    );
    app_settings.insert(
        "AzureSignalRConnectionString__credential".into(),
        "managedidentity".into(),
    );
    let storage_auth = if plan.is_flex() {
        app_settings.insert(
            "AzureWebJobsStorage__accountName".into(),
            r.name(NameKey::StorageAccount).to_string(),
        );
        app_settings.insert("AzureWebJobsStorage__credential".into(), "managedidentity".into());
        StorageAuth::SystemAssignedIdentity
    } else {
        StorageAuth::AccessKey
    };
    let app_name = r.name(NameKey::FunctionApp);
    FunctionApp {
        plan,
        service_plan: ResId::ServicePlan,
        storage: ResId::Storage,
        app_insights: ResId::AppInsights,
        storage_auth,
        runtime: f.runtime.value.clone(),
        runtime_version: f.runtime_version.value.clone(),
        language: f.language.value.clone(),
        linux_fx_version: (!plan.is_flex()).then(|| {
            let stack = limits().functions.linux_fx_stacks.get(&f.runtime.value);
            format!(
                "{}|{}",
                stack.map_or(f.runtime.value.as_str(), String::as_str),
                f.runtime_version.value
            )
        }),
        functions_extension_version: "~4".into(),
        https_only: f.https_only.value,
        min_tls_version: f.min_tls_version.value.clone(),
        ftps_state: "Disabled".into(),
        http2_enabled: true,
        remote_debugging_enabled: false,
        scm_min_tls_version: "1.2".into(),
        cors_allowed_origins: f.cors_allowed_origins.value.iter().map(|s| s.value.clone()).collect(),
        // Never `*` with credentials: a file that asks for both is refused by
        // `cors/wildcard-with-credentials`; by default `*` turns credentials off.
        cors_support_credentials: f.cors_support_credentials.value
            && !f.cors_allowed_origins.value.is_empty()
            && f.cors_allowed_origins.value.iter().all(|o| o.value != "*"),
        app_settings,
        publish_settings: if plan.is_flex() {
            Vec::new()
        } else {
            vec![RUN_FROM_PACKAGE.to_string()]
        },
        content_share: (!plan.is_flex()).then(|| content_share(app_name)),
        vnet_subnet: None,
        flex: plan.is_flex().then(|| Flex {
            container: ResId::PackageContainer,
            container_name: PACKAGE_CONTAINER.into(),
            maximum_instance_count: f.maximum_instance_count.value,
            instance_memory_mb: f.instance_memory_mb.value,
        }),
        hubs: r.signalr.hubs.value.iter().map(|h| h.value.clone()).collect(),
    }
}

/// Azure Files share names: 3-63 lowercase letters, digits and single hyphens.
fn content_share(app_name: &str) -> String {
    let mut share: String = app_name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while share.contains("--") {
        share = share.replace("--", "-");
    }
    let mut share: String = share.trim_matches('-').chars().take(63).collect();
    share = share.trim_end_matches('-').to_string();
    while share.len() < 3 {
        share.push('0');
    }
    share
}

fn patterns(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn signalr(r: &Resolved) -> SignalR {
    let s = &r.signalr;
    let up = &s.upstream;
    SignalR {
        sku: SignalRSku {
            name: s.sku.value.clone(),
            tier: s.tier.clone(),
            capacity: s.capacity.value,
        },
        service_mode: s.service_mode.value.clone(),
        cors_allowed_origins: s.cors_allowed_origins.value.iter().map(|o| o.value.clone()).collect(),
        connectivity_logs: s.connectivity_logs.value,
        messaging_logs: s.messaging_logs.value,
        http_request_logs: s.http_request_logs.value,
        local_auth: s.local_auth.value,
        public_network_access: s.public_network_access.value,
        serverless_connection_timeout_seconds: s.serverless_connection_timeout_seconds.value,
        system_assigned_identity: s.identity.value == "SystemAssigned",
        upstream: Some(Upstream {
            function_app: ResId::FunctionApp,
            hub_patterns: patterns(&up.hub_pattern.value),
            event_patterns: patterns(&up.event_pattern.value),
            category_patterns: patterns(&up.category_pattern.value),
            auth: if up.auth.value == "managed-identity" {
                UpstreamAuth::ManagedIdentity
            } else {
                UpstreamAuth::None
            },
            auth_resource: up.audience.as_ref().map(|a| a.value.clone()),
            webhook_path: SIGNALR_WEBHOOK_PATH.into(),
            host_key: (up.wiring.value == "one-apply").then_some(ResId::HostKey),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_share_names_are_valid() {
        assert_eq!(content_share("func-Chat-dev"), "func-chat-dev");
        assert_eq!(content_share("a"), "a00");
        assert_eq!(content_share(&"x".repeat(80)).len(), 63);
    }

    #[test]
    fn patterns_split_on_commas() {
        assert_eq!(patterns("chat, news"), ["chat", "news"]);
        assert_eq!(patterns("*"), ["*"]);
    }
}
