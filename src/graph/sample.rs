//! A hand-built, realistic stack for emitter tests while the lowering is written.
//!
//! It mirrors what `lower` produces for `workload = "chat"`, `name = "dev"` in
//! `eastus`: every resource the wiring needs, with the default naming pattern.
//! Not part of the public API.

use std::collections::BTreeMap;

use super::*;

const SIGNALR_SERVICE_OWNER: &str = "7e4f1700-ea5a-4f59-8f37-079cfe29dce3";
const STORAGE_BLOB_DATA_OWNER: &str = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
const STORAGE_QUEUE_DATA_CONTRIBUTOR: &str = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
const STORAGE_TABLE_DATA_CONTRIBUTOR: &str = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

fn role_definition_id(role: Role) -> &'static str {
    match role {
        Role::SignalRServiceOwner => SIGNALR_SERVICE_OWNER,
        Role::StorageBlobDataOwner => STORAGE_BLOB_DATA_OWNER,
        Role::StorageQueueDataContributor => STORAGE_QUEUE_DATA_CONTRIBUTOR,
        Role::StorageTableDataContributor => STORAGE_TABLE_DATA_CONTRIBUTOR,
    }
}

fn tags() -> Tags {
    Tags::from([
        ("environment".to_string(), "dev".to_string()),
        ("managed_by".to_string(), "sigc".to_string()),
        ("owner".to_string(), "team".to_string()),
        ("workload".to_string(), "chat".to_string()),
    ])
}

fn resource(id: ResId, name: &str, settings: Settings) -> Resource {
    Resource { id, name: name.to_string(), tags: tags(), settings }
}

/// As the lowering does: the name is only a label (targets derive the GUID), no tags.
fn role_assignment(role: Role, scope: ResId) -> Resource {
    Resource {
        id: ResId::RoleAssignment(role),
        name: format!("{} on {}", role.display_name(), scope.address()),
        tags: Tags::new(),
        settings: Settings::RoleAssignment(RoleAssignment {
            scope,
            principal: ResId::FunctionApp,
            role,
            role_definition_id: role_definition_id(role).to_string(),
            principal_type: "ServicePrincipal".to_string(),
        }),
    }
}

/// The full stack on the given Functions plan (FC1 adds the package container and
/// the storage data roles; Y1/EP use an access key and a content share).
pub fn sample_graph(plan: FunctionPlan) -> ResourceGraph {
    let info = StackInfo {
        environment: "dev".into(),
        workload: "chat".into(),
        location: "eastus".into(),
        subscription_id: None,
        azurerm_version: "~> 4.0".into(),
    };
    let flex = plan.is_flex();
    let mut app_settings = BTreeMap::from([
        (
            "AzureSignalRConnectionString__serviceUri".to_string(),
            "https://sigr-chat-dev.service.signalr.net".to_string(),
        ),
        ("AzureSignalRConnectionString__credential".to_string(), "managedidentity".to_string()),
    ]);
    if flex {
        app_settings.insert("AzureWebJobsStorage__accountName".into(), "stchatdev".into());
        app_settings.insert("AzureWebJobsStorage__credential".into(), "managedidentity".into());
    }

    let mut resources = vec![
        resource(ResId::ResourceGroup, "rg-chat-dev", Settings::ResourceGroup),
        resource(
            ResId::LogAnalytics,
            "log-chat-dev",
            Settings::LogAnalytics(LogAnalytics { sku: "PerGB2018".into(), retention_days: 30, daily_quota_gb: None }),
        ),
        resource(
            ResId::AppInsights,
            "appi-chat-dev",
            Settings::AppInsights(AppInsights { workspace: ResId::LogAnalytics, application_type: "web".into() }),
        ),
        resource(
            ResId::Storage,
            "stchatdev",
            Settings::Storage(Storage {
                tier: "Standard".into(),
                replication: "LRS".into(),
                sku_name: "Standard_LRS".into(),
                kind: "StorageV2".into(),
                min_tls_version: "TLS1_2".into(),
                allow_blob_public_access: false,
                https_only: true,
            }),
        ),
        resource(
            ResId::ServicePlan,
            "asp-chat-dev",
            Settings::ServicePlan(ServicePlan { plan, os_type: "Linux".into() }),
        ),
        resource(
            ResId::FunctionApp,
            "func-chat-dev",
            Settings::FunctionApp(FunctionApp {
                plan,
                service_plan: ResId::ServicePlan,
                storage: ResId::Storage,
                app_insights: ResId::AppInsights,
                storage_auth: if flex { StorageAuth::SystemAssignedIdentity } else { StorageAuth::AccessKey },
                runtime: "python".into(),
                runtime_version: "3.12".into(),
                functions_extension_version: "~4".into(),
                https_only: true,
                min_tls_version: "1.2".into(),
                ftps_state: "Disabled".into(),
                http2_enabled: true,
                remote_debugging_enabled: false,
                scm_min_tls_version: "1.2".into(),
                cors_allowed_origins: vec!["https://app.example.com".into()],
                app_settings,
                content_share: (!flex).then(|| "func-chat-dev-content".to_string()),
                flex: flex.then(|| Flex {
                    container: ResId::PackageContainer,
                    container_name: "app-package".into(),
                    maximum_instance_count: 100,
                    instance_memory_mb: 2048,
                }),
                hubs: vec!["chat".into()],
            }),
        ),
        resource(
            ResId::SignalR,
            "sigr-chat-dev",
            Settings::SignalR(SignalR {
                sku: SignalRSku { name: "Standard_S1".into(), tier: "Standard".into(), capacity: 1 },
                service_mode: "Serverless".into(),
                cors_allowed_origins: vec!["https://app.example.com".into()],
                connectivity_logs: true,
                messaging_logs: true,
                http_request_logs: false,
                local_auth: true,
                public_network_access: true,
                serverless_connection_timeout_seconds: 30,
                system_assigned_identity: true,
                upstream: Some(Upstream {
                    function_app: ResId::FunctionApp,
                    hub_patterns: vec!["*".into()],
                    event_patterns: vec!["*".into()],
                    category_patterns: vec!["*".into()],
                    auth: UpstreamAuth::None,
                    auth_resource: None,
                    webhook_path: "/runtime/webhooks/signalr".into(),
                }),
            }),
        ),
        resource(
            ResId::SignalRNetworkAcl,
            "sigr-chat-dev",
            Settings::SignalRNetworkAcl(NetworkAcl {
                signalr: ResId::SignalR,
                default_action: "Deny".into(),
                public_allow: vec!["ClientConnection".into(), "ServerConnection".into(), "RESTAPI".into()],
                public_deny: vec![],
            }),
        ),
        role_assignment(Role::SignalRServiceOwner, ResId::SignalR),
    ];
    if flex {
        resources.push(resource(
            ResId::PackageContainer,
            "app-package",
            Settings::PackageContainer(PackageContainer { storage: ResId::Storage }),
        ));
        for role in [Role::StorageBlobDataOwner, Role::StorageQueueDataContributor, Role::StorageTableDataContributor] {
            resources.push(role_assignment(role, ResId::Storage));
        }
    }
    ResourceGraph::new(info, resources).expect("the sample stack is acyclic and has no duplicates")
}
