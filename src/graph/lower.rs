//! Lowering: the resolved environment becomes the resource graph.
//!
//! This is where the wiring is decided, once, for every target (README, "Wiring"):
//! the function app reaches SignalR with its identity (service URI derived from the
//! SignalR name, no reference back to the resource), SignalR reaches the function
//! app through the upstream (host name read from the resource), so the only edge
//! between the two points from the function app to SignalR and there is no cycle.

use std::collections::BTreeMap;

use super::resource::*;
use super::{GraphError, ResourceGraph, StackInfo};
use crate::limits::limits;
use crate::resolve::{NameKey, Resolved};

/// Path of the Functions SignalR trigger webhook (facts §4, func-signalr-trigger).
pub const SIGNALR_WEBHOOK_PATH: &str = "/runtime/webhooks/signalr";
/// Blob container for Flex Consumption deployment packages.
pub const PACKAGE_CONTAINER: &str = "app-package";

pub fn lower(r: &Resolved) -> Result<ResourceGraph, Vec<GraphError>> {
    let info = StackInfo {
        environment: r.environment.value.clone(),
        workload: r.workload.value.clone(),
        location: r.location.value.clone(),
        subscription_id: r.subscription_id.as_ref().map(|s| s.value.clone()),
        azurerm_version: r.azurerm_version.value.clone(),
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
    let function_app = function_app(r, plan, &signalr_name);
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
    if r.signalr.upstream.wiring.value == "one-apply" {
        // The host writes its secrets to its storage: the key comes after every role
        // assignment that gives the app's identity access to that storage (facts P19).
        let storage = ResId::Storage;
        let after: Vec<ResId> = resources
            .iter()
            .filter_map(|res| match &res.settings {
                Settings::RoleAssignment(ra) if ra.principal == ResId::FunctionApp && ra.scope == storage => {
                    Some(res.id)
                }
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
    ResourceGraph::new(info, resources)
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
        functions_extension_version: "~4".into(),
        https_only: f.https_only.value,
        min_tls_version: f.min_tls_version.value.clone(),
        ftps_state: "Disabled".into(),
        http2_enabled: true,
        remote_debugging_enabled: false,
        scm_min_tls_version: "1.2".into(),
        cors_allowed_origins: f.cors_allowed_origins.value.iter().map(|s| s.value.clone()).collect(),
        cors_support_credentials: !f.cors_allowed_origins.value.is_empty()
            && f.cors_allowed_origins.value.iter().all(|o| o.value != "*"),
        app_settings,
        content_share: (!plan.is_flex()).then(|| content_share(app_name)),
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
