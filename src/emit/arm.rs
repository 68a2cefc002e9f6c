//! `arm` target: `arm/azuredeploy.json` and `arm/azuredeploy.parameters.json`.
//!
//! The template is deployed at subscription scope (`az deployment sub create`): it
//! creates the resource group, then deploys every other resource into it through one
//! nested deployment whose inner template has its own parameters
//! (`expressionEvaluationOptions.scope = Inner`). Inner resources follow the graph's
//! dependency order and each `dependsOn` lists exactly its graph dependencies.
//!
//! Every string taken from the graph goes through [`arm_string`] (JSON literal) or
//! [`quote`] (literal inside an expression), so no user value is ever evaluated.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use super::{checkov, Artifact, Target, CONTRACT_OUTPUTS};
use crate::graph::{
    AppInsights, FunctionApp, HostKey, LogAnalytics, NetworkAcl, ResId, Resource, ResourceGraph, RoleAssignment,
    ServicePlan, Settings, SignalR, Storage, StorageAuth, Upstream, UpstreamAuth,
};

/// API versions: the newest stable of each type in schemas/arm (see its README).
pub const RESOURCES_API: &str = "2025-04-01";
pub const SIGNALR_API: &str = "2024-03-01";
pub const STORAGE_API: &str = "2025-08-01";
pub const WORKSPACES_API: &str = "2025-07-01";
pub const COMPONENTS_API: &str = "2020-02-02";
/// serverfarms and sites; `functionAppConfig` (Flex) needs 2023-12-01 or later.
pub const WEB_API: &str = "2024-11-01";
pub const ROLE_ASSIGNMENTS_API: &str = "2022-04-01";

const SUBSCRIPTION_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";
const RESOURCE_GROUP_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMETERS_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
const CONTENT_VERSION: &str = "1.0.0.0";

/// The switch for the second deploy step (facts pitfall P1): the SignalR upstream needs
/// the `signalr_extension` host key, which exists only once the code is published.
pub const UPSTREAM_SWITCH: &str = "signalRUpstreamEnabled";
const LOCATION: &str = "location";

/// The ARM type of a contract output: the port is a number, the rest are strings.
fn output_type(name: &str) -> &'static str {
    if name == "signalr_public_port" {
        "int"
    } else {
        "string"
    }
}

pub fn emit(graph: &ResourceGraph) -> Result<Vec<Artifact>> {
    let template = template(graph).context("building the ARM template")?;
    let parameters = parameters_file(graph);
    Ok(vec![
        Artifact::new("arm/azuredeploy.json", render(&template)?),
        Artifact::new("arm/azuredeploy.parameters.json", render(&parameters)?),
    ])
}

/// Pretty-printed (2 spaces) with a final newline.
fn render(value: &Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("serialising ARM JSON")?;
    text.push('\n');
    Ok(text)
}

/// A user string as an ARM JSON string literal: ARM evaluates a string that starts
/// with `[` and ends with `]` as an expression; `[[` escapes such a string.
pub fn arm_string(s: &str) -> String {
    // ARM reads a string as an expression only when it starts with `[` and ends with
    // `]`; only then does a doubled `[[` mean a literal `[` (template syntax docs).
    if s.starts_with('[') && s.ends_with(']') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

/// A user string as a literal inside an ARM expression: single quotes, `'` doubled.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn lit(s: &str) -> Value {
    Value::String(arm_string(s))
}

fn expr(body: impl AsRef<str>) -> Value {
    Value::String(format!("[{}]", body.as_ref()))
}

fn lits(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| lit(s)).collect())
}

fn param(name: &str) -> String {
    format!("parameters({})", quote(name))
}

/// How ARM addresses one graph resource.
struct ArmRef {
    ty: &'static str,
    api: &'static str,
    /// Name segments, one per type segment after the namespace.
    names: Vec<String>,
}

impl ArmRef {
    /// `resourceId('<type>', '<name>', ...)`, the id inside the resource group.
    fn id(&self) -> String {
        let names: Vec<String> = self.names.iter().map(|n| quote(n)).collect();
        format!("resourceId({}, {})", quote(self.ty), names.join(", "))
    }

    /// The relative form `Provider/type/{0}` an extension resource's `scope` takes.
    fn scope(&self) -> String {
        let mut segments = self.ty.split('/');
        let mut pattern = segments.next().unwrap_or_default().to_string();
        for (i, segment) in segments.enumerate() {
            pattern.push_str(&format!("/{segment}/{{{i}}}"));
        }
        let names: Vec<String> = self.names.iter().map(|n| quote(n)).collect();
        format!("format({}, {})", quote(&pattern), names.join(", "))
    }

    /// `reference(<id>, '<api>')`: the resource's runtime properties.
    fn reference(&self) -> String {
        format!("reference({}, {})", self.id(), quote(self.api))
    }
}

/// The ARM type and name of a graph resource. The network ACL is a property of the
/// SignalR resource, so it is addressed as that resource.
fn arm_ref(graph: &ResourceGraph, id: ResId) -> Result<ArmRef> {
    let resource = graph
        .get(id)
        .with_context(|| format!("{} is not in the graph", id.address()))?;
    let one = |ty, api| {
        Ok(ArmRef {
            ty,
            api,
            names: vec![resource.name.clone()],
        })
    };
    match &resource.settings {
        Settings::LogAnalytics(_) => one("Microsoft.OperationalInsights/workspaces", WORKSPACES_API),
        Settings::AppInsights(_) => one("Microsoft.Insights/components", COMPONENTS_API),
        Settings::Storage(_) => one("Microsoft.Storage/storageAccounts", STORAGE_API),
        Settings::PackageContainer(c) => {
            let storage = graph
                .get(c.storage)
                .context("the package container's storage account")?;
            Ok(ArmRef {
                ty: "Microsoft.Storage/storageAccounts/blobServices/containers",
                api: STORAGE_API,
                names: vec![storage.name.clone(), "default".into(), resource.name.clone()],
            })
        }
        Settings::ServicePlan(_) => one("Microsoft.Web/serverfarms", WEB_API),
        Settings::FunctionApp(_) => one("Microsoft.Web/sites", WEB_API),
        Settings::SignalR(_) => one("Microsoft.SignalRService/signalR", SIGNALR_API),
        Settings::SignalRNetworkAcl(acl) => arm_ref(graph, acl.signalr),
        Settings::HostKey(k) => {
            let app = graph.get(k.function_app).context("the host key's function app")?;
            Ok(ArmRef {
                ty: host_key_type(k),
                api: WEB_API,
                names: vec![app.name.clone(), "default".into(), k.key_name.clone()],
            })
        }
        Settings::ResourceGroup | Settings::RoleAssignment(_) => {
            bail!("{} has no resource-group-scoped id", id.address())
        }
        Settings::VirtualNetwork(_)
        | Settings::Subnet(_)
        | Settings::PrivateEndpoint(_)
        | Settings::PrivateDnsZone(_)
        | Settings::PrivateDnsZoneLink(_)
        | Settings::SignalRReplica(_)
        | Settings::SignalRCustomCertificate(_)
        | Settings::SignalRCustomDomain(_)
        | Settings::ExternalRoleAssignment(_)
        | Settings::ManagementLock(_) => {
            bail!(
                "{} is not in the ARM target yet (issue 10: private networking, replicas, custom domain, lock)",
                id.address()
            )
        }
    }
}

/// `dependsOn` of an inner resource: its graph dependencies minus the resource group
/// (the deployment's scope), the ACL folded into SignalR, without repeats or itself.
fn depends_on(graph: &ResourceGraph, resource: &Resource) -> Result<Value> {
    let own = arm_ref(graph, resource.id).map(|r| r.id()).ok();
    let mut ids: Vec<String> = Vec::new();
    for dep in graph.depends_on(resource.id) {
        if dep == ResId::ResourceGroup {
            continue;
        }
        let id = dependency_id(graph, dep)?;
        if Some(&id) != own.as_ref() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Value::Array(ids.iter().map(expr).collect()))
}

/// How `dependsOn` names one graph resource: its id; a role assignment (an extension
/// resource) by `extensionResourceId` on its scope.
fn dependency_id(graph: &ResourceGraph, dep: ResId) -> Result<String> {
    match graph.get(dep).map(|d| &d.settings) {
        Some(Settings::RoleAssignment(ra)) => role_assignment_id(graph, ra),
        _ => Ok(arm_ref(graph, dep)?.id()),
    }
}

/// Tags, each key and value an escaped literal.
fn tags(resource: &Resource) -> Value {
    Value::Object(resource.tags.iter().map(|(k, v)| (arm_string(k), lit(v))).collect())
}

/// The common head of a resource, in the key order used throughout the file.
fn head(r: &ArmRef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(r.ty));
    m.insert("apiVersion".into(), json!(r.api));
    m.insert("name".into(), lit(&r.names.join("/")));
    m
}

fn located(r: &ArmRef, resource: &Resource) -> Map<String, Value> {
    let mut m = head(r);
    m.insert("location".into(), expr(param(LOCATION)));
    m.insert("tags".into(), tags(resource));
    m
}

fn finish(mut m: Map<String, Value>, properties: Value, graph: &ResourceGraph, resource: &Resource) -> Result<Value> {
    m.insert("properties".into(), properties);
    m.insert("dependsOn".into(), depends_on(graph, resource)?);
    // The deployment engine ignores `metadata`; checkov reads its skips from `metadata.checkov`.
    let skips = checkov::skips(resource, graph, Target::Arm);
    if !skips.is_empty() {
        let entries: Vec<Value> = skips.iter().map(|s| lit(&s.arm_entry())).collect();
        m.insert("metadata".into(), json!({"checkov": entries}));
    }
    Ok(Value::Object(m))
}

fn template(graph: &ResourceGraph) -> Result<Value> {
    let info = &graph.info;
    let rg = graph
        .get(ResId::ResourceGroup)
        .context("the stack has a resource group")?;
    let deployment = format!("sigc-{}-{}", info.workload, info.environment);
    let rg_id = format!(
        "subscriptionResourceId('Microsoft.Resources/resourceGroups', {})",
        quote(&rg.name)
    );
    let deployment_id = format!(
        "extensionResourceId(format('/subscriptions/{{0}}/resourceGroups/{{1}}', subscription().subscriptionId, {}), 'Microsoft.Resources/deployments', {})",
        quote(&rg.name),
        quote(&deployment)
    );

    let resource_group = json!({
        "type": "Microsoft.Resources/resourceGroups",
        "apiVersion": RESOURCES_API,
        "name": lit(&rg.name),
        "location": expr(param(LOCATION)),
        "tags": tags(rg),
        "properties": {},
    });
    let mut nested = json!({
        "type": "Microsoft.Resources/deployments",
        "apiVersion": RESOURCES_API,
        "name": lit(&deployment),
        "resourceGroup": lit(&rg.name),
        "properties": {
            "expressionEvaluationOptions": {"scope": "Inner"},
            "mode": "Incremental",
            "parameters": {
                LOCATION: {"value": expr(param(LOCATION))},
                UPSTREAM_SWITCH: {"value": expr(param(UPSTREAM_SWITCH))},
            },
            // Filled in below: `json!` would copy the whole inner template.
            "template": null,
        },
        "dependsOn": [expr(&rg_id)],
    });
    nested["properties"]["template"] = inner_template(graph)?;
    let switch = two_step(graph);
    if !switch {
        remove_switch(&mut nested["properties"]["parameters"]);
    }
    let outputs: Map<String, Value> = CONTRACT_OUTPUTS
        .iter()
        .map(|name| {
            let ty = output_type(name);
            let value = format!(
                "reference({deployment_id}, {}).outputs.{name}.value",
                quote(RESOURCES_API)
            );
            (name.to_string(), json!({"type": ty, "value": expr(value)}))
        })
        .collect();

    let mut template = json!({
        "$schema": SUBSCRIPTION_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "metadata": {
            "generator": "sigc",
            "description": "Azure SignalR Service (Serverless) with a Linux Python Function App, storage, Log Analytics and Application Insights. Deploy at subscription scope: az deployment sub create --location <region> --template-file azuredeploy.json --parameters @azuredeploy.parameters.json",
            "secondStep": second_step(),
        },
        "parameters": {
            LOCATION: {
                "type": "string",
                "defaultValue": lit(&info.location),
                "metadata": {"description": "Azure region of the resource group and every resource in it."},
            },
            UPSTREAM_SWITCH: {
                "type": "bool",
                "defaultValue": false,
                "metadata": {"description": second_step()},
            },
        },
        "resources": null,
        "outputs": outputs,
    });
    template["resources"] = Value::Array(vec![resource_group, nested]);
    if !switch {
        remove_switch(&mut template["parameters"]);
        if let Some(meta) = template["metadata"].as_object_mut() {
            meta.remove("secondStep");
            meta.insert("wiring".into(), json!(ONE_APPLY));
        }
    }
    Ok(template)
}

/// Whether the upstream waits for the second deploy step (`wiring = "two-step"`).
fn two_step(graph: &ResourceGraph) -> bool {
    graph.in_order().any(|r| match &r.settings {
        Settings::SignalR(s) => s.upstream.as_ref().is_some_and(|u| u.host_key.is_none()),
        _ => false,
    })
}

fn remove_switch(parameters: &mut Value) {
    if let Some(p) = parameters.as_object_mut() {
        p.remove(UPSTREAM_SWITCH);
    }
}

const ONE_APPLY: &str = "One deployment: the template creates the function app's signalr_extension system key (Microsoft.Web/sites/host/systemKeys, value generated by the host) after the app's storage role assignments, and the SignalR upstream reads it with listKeys in the same deployment. No second step.";

fn second_step() -> String {
    format!(
        "Second step: publish the Functions code (functions/), which creates the signalr_extension host key, then deploy this template again with {UPSTREAM_SWITCH}=true so SignalR sends upstream events to the function app."
    )
}

fn inner_template(graph: &ResourceGraph) -> Result<Value> {
    let mut resources = Vec::new();
    for resource in graph.in_order() {
        let context = || format!("emitting {}", resource.id.address());
        let emitted = match &resource.settings {
            // The deployment's scope, created by the outer template.
            Settings::ResourceGroup => continue,
            // A property of the one SignalR resource.
            Settings::SignalRNetworkAcl(_) => continue,
            Settings::VirtualNetwork(_)
            | Settings::Subnet(_)
            | Settings::PrivateEndpoint(_)
            | Settings::PrivateDnsZone(_)
            | Settings::PrivateDnsZoneLink(_)
            | Settings::SignalRReplica(_)
            | Settings::SignalRCustomCertificate(_)
            | Settings::SignalRCustomDomain(_)
            | Settings::ExternalRoleAssignment(_)
            | Settings::ManagementLock(_) => bail!(
                "{} is not in the ARM target yet (issue 10: private networking, replicas, custom domain, lock)",
                resource.id.address()
            ),
            Settings::LogAnalytics(s) => log_analytics(graph, resource, s),
            Settings::AppInsights(s) => app_insights(graph, resource, s),
            Settings::Storage(s) => storage(graph, resource, s),
            Settings::PackageContainer(_) => package_container(graph, resource),
            Settings::ServicePlan(s) => service_plan(graph, resource, s),
            Settings::FunctionApp(s) => function_app(graph, resource, s),
            Settings::SignalR(s) => signalr(graph, resource, s),
            Settings::RoleAssignment(s) => role_assignment(graph, resource, s),
            Settings::HostKey(k) => host_key(graph, resource, k),
        };
        resources.push(emitted.with_context(context)?);
    }
    let mut template = json!({
        "$schema": RESOURCE_GROUP_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": {
            LOCATION: {"type": "string"},
            UPSTREAM_SWITCH: {"type": "bool"},
        },
        "resources": null,
        "outputs": inner_outputs(graph)?,
    });
    // Assigned, not interpolated: `json!` would copy every resource.
    template["resources"] = Value::Array(resources);
    if !two_step(graph) {
        remove_switch(&mut template["parameters"]);
    }
    Ok(template)
}

fn inner_outputs(graph: &ResourceGraph) -> Result<Value> {
    let signalr = arm_ref(graph, ResId::SignalR)?.reference();
    let host = format!("{}.defaultHostName", arm_ref(graph, ResId::FunctionApp)?.reference());
    let values = [
        format!("{signalr}.hostName"),
        format!("{signalr}.publicPort"),
        format!("format('https://{{0}}', {host})"),
        format!("format('https://{{0}}/api/negotiate', {host})"),
        "resourceGroup().name".to_string(),
    ];
    Ok(Value::Object(
        CONTRACT_OUTPUTS
            .iter()
            .zip(values)
            .map(|(name, value)| {
                (
                    name.to_string(),
                    json!({"type": output_type(name), "value": expr(value)}),
                )
            })
            .collect(),
    ))
}

fn log_analytics(graph: &ResourceGraph, resource: &Resource, s: &LogAnalytics) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let mut properties = json!({
        "sku": {"name": lit(&s.sku)},
        "retentionInDays": s.retention_days,
    });
    if let Some(quota) = s.daily_quota_gb {
        let quota = serde_json::Number::from_f64(quota).context("daily quota is a finite number")?;
        properties["workspaceCapping"] = json!({"dailyQuotaGb": quota});
    }
    finish(located(&r, resource), properties, graph, resource)
}

fn app_insights(graph: &ResourceGraph, resource: &Resource, s: &AppInsights) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let mut m = located(&r, resource);
    m.insert("kind".into(), lit(&s.application_type));
    let properties = json!({
        "Application_Type": lit(&s.application_type),
        "WorkspaceResourceId": expr(arm_ref(graph, s.workspace)?.id()),
    });
    finish(m, properties, graph, resource)
}

fn storage(graph: &ResourceGraph, resource: &Resource, s: &Storage) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let mut m = located(&r, resource);
    m.insert("sku".into(), json!({"name": lit(&s.sku_name)}));
    m.insert("kind".into(), lit(&s.kind));
    let properties = json!({
        "minimumTlsVersion": lit(&s.min_tls_version),
        "allowBlobPublicAccess": s.allow_blob_public_access,
        "supportsHttpsTrafficOnly": s.https_only,
    });
    finish(m, properties, graph, resource)
}

/// The Flex deployment package container; the `default` blob service always exists.
fn package_container(graph: &ResourceGraph, resource: &Resource) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    finish(head(&r), json!({"publicAccess": "None"}), graph, resource)
}

fn service_plan(graph: &ResourceGraph, resource: &Resource, s: &ServicePlan) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let mut m = located(&r, resource);
    m.insert(
        "sku".into(),
        json!({"name": s.plan.sku_name(), "tier": s.plan.sku_tier()}),
    );
    m.insert("kind".into(), json!(s.plan.plan_kind()));
    finish(
        m,
        json!({"reserved": s.os_type.eq_ignore_ascii_case("linux")}),
        graph,
        resource,
    )
}

/// A storage connection string built from the account key (Azure Files needs keys).
fn storage_connection_string(storage: &ArmRef) -> String {
    format!(
        "format('DefaultEndpointsProtocol=https;AccountName={{0}};EndpointSuffix={{1}};AccountKey={{2}}', {}, environment().suffixes.storage, listKeys({}, {}).keys[0].value)",
        quote(&storage.names[0]),
        storage.id(),
        quote(storage.api)
    )
}

fn function_app(graph: &ResourceGraph, resource: &Resource, f: &FunctionApp) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let storage = arm_ref(graph, f.storage)?;

    // One list with every setting: a later PUT of appSettings replaces the whole set.
    let mut settings: BTreeMap<String, Value> = f.app_settings.iter().map(|(k, v)| (k.clone(), lit(v))).collect();
    let mut computed = vec![(
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        expr(format!(
            "{}.ConnectionString",
            arm_ref(graph, f.app_insights)?.reference()
        )),
    )];
    if f.storage_auth == StorageAuth::AccessKey {
        computed.push(("AzureWebJobsStorage", expr(storage_connection_string(&storage))));
    }
    if let Some(share) = &f.content_share {
        computed.push((
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            expr(storage_connection_string(&storage)),
        ));
        computed.push(("WEBSITE_CONTENTSHARE", lit(share)));
    }
    if f.flex.is_none() {
        // Deprecated on Flex (facts §5): the runtime lives in functionAppConfig there.
        computed.push(("FUNCTIONS_EXTENSION_VERSION", lit(&f.functions_extension_version)));
        computed.push(("FUNCTIONS_WORKER_RUNTIME", lit(&f.runtime)));
    }
    for (name, value) in computed {
        if settings.insert(name.to_string(), value).is_some() {
            bail!("app setting `{name}` is both in the graph and set by the ARM emitter");
        }
    }
    let app_settings: Vec<Value> = settings
        .into_iter()
        .map(|(name, value)| json!({"name": arm_string(&name), "value": value}))
        .collect();

    let mut site_config = Map::new();
    if f.flex.is_none() {
        site_config.insert(
            "linuxFxVersion".into(),
            lit(&format!("{}|{}", stack_name(&f.runtime), f.runtime_version)),
        );
    }
    site_config.insert("minTlsVersion".into(), lit(&f.min_tls_version));
    site_config.insert("scmMinTlsVersion".into(), lit(&f.scm_min_tls_version));
    site_config.insert("ftpsState".into(), lit(&f.ftps_state));
    site_config.insert("http20Enabled".into(), json!(f.http2_enabled));
    site_config.insert("remoteDebuggingEnabled".into(), json!(f.remote_debugging_enabled));
    if !f.cors_allowed_origins.is_empty() {
        site_config.insert(
            "cors".into(),
            json!({"allowedOrigins": lits(&f.cors_allowed_origins), "supportCredentials": f.cors_support_credentials}),
        );
    }
    site_config.insert("appSettings".into(), Value::Array(app_settings));

    let mut properties = Map::new();
    properties.insert("serverFarmId".into(), expr(arm_ref(graph, f.service_plan)?.id()));
    properties.insert("reserved".into(), json!(true));
    properties.insert("httpsOnly".into(), json!(f.https_only));
    properties.insert("siteConfig".into(), Value::Object(site_config));
    if let Some(flex) = &f.flex {
        let container = graph.get(flex.container).context("the Flex package container")?;
        if container.name != flex.container_name {
            bail!(
                "Flex container name `{}` differs from its resource `{}`",
                flex.container_name,
                container.name
            );
        }
        let blob = format!("{}.primaryEndpoints.blob", storage.reference());
        properties.insert(
            "functionAppConfig".into(),
            json!({
                "deployment": {
                    "storage": {
                        "type": "blobContainer",
                        "value": expr(format!("concat({blob}, {})", quote(&flex.container_name))),
                        "authentication": {"type": "SystemAssignedIdentity"},
                    },
                },
                "scaleAndConcurrency": {
                    "maximumInstanceCount": flex.maximum_instance_count,
                    "instanceMemoryMB": flex.instance_memory_mb,
                },
                "runtime": {"name": lit(&f.runtime), "version": lit(&f.runtime_version)},
            }),
        );
    }

    let mut m = located(&r, resource);
    m.insert("kind".into(), json!("functionapp,linux"));
    m.insert("identity".into(), json!({"type": "SystemAssigned"}));
    finish(m, Value::Object(properties), graph, resource)
}

/// The stack name in `linuxFxVersion` (`Python|3.12`).
fn stack_name(runtime: &str) -> String {
    match runtime {
        "python" => "Python".to_string(),
        other => other.to_string(),
    }
}

fn signalr(graph: &ResourceGraph, resource: &Resource, s: &SignalR) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    let flag = |on: bool| if on { "True" } else { "False" };
    let category = |name: &str, on: bool| json!({"name": name, "enabled": if on { "true" } else { "false" }});

    let mut properties = Map::new();
    properties.insert(
        "features".into(),
        json!([
            {"flag": "ServiceMode", "value": lit(&s.service_mode)},
            {"flag": "EnableConnectivityLogs", "value": flag(s.connectivity_logs)},
            {"flag": "EnableMessagingLogs", "value": flag(s.messaging_logs)},
            {"flag": "EnableLiveTrace", "value": "False"},
        ]),
    );
    properties.insert(
        "resourceLogConfiguration".into(),
        json!({"categories": [
            category("ConnectivityLogs", s.connectivity_logs),
            category("MessagingLogs", s.messaging_logs),
            category("HttpRequestLogs", s.http_request_logs),
        ]}),
    );
    if !s.cors_allowed_origins.is_empty() {
        properties.insert("cors".into(), json!({"allowedOrigins": lits(&s.cors_allowed_origins)}));
    }
    if let Some(acl) = network_acl(graph, resource.id) {
        properties.insert(
            "networkACLs".into(),
            json!({
                "defaultAction": lit(&acl.default_action),
                "publicNetwork": {"allow": lits(&acl.public_allow), "deny": lits(&acl.public_deny)},
            }),
        );
    }
    properties.insert(
        "publicNetworkAccess".into(),
        json!(if s.public_network_access { "Enabled" } else { "Disabled" }),
    );
    properties.insert("disableLocalAuth".into(), json!(!s.local_auth));
    properties.insert(
        "serverless".into(),
        json!({"connectionTimeoutInSeconds": s.serverless_connection_timeout_seconds}),
    );
    if let Some(upstream) = &s.upstream {
        properties.insert("upstream".into(), expr(upstream_settings(graph, upstream)?));
    }

    let mut m = located(&r, resource);
    m.insert(
        "sku".into(),
        json!({"name": lit(&s.sku.name), "tier": lit(&s.sku.tier), "capacity": s.sku.capacity}),
    );
    m.insert("kind".into(), json!("SignalR"));
    m.insert(
        "identity".into(),
        json!({"type": if s.system_assigned_identity { "SystemAssigned" } else { "None" }}),
    );
    finish(m, Value::Object(properties), graph, resource)
}

fn network_acl(graph: &ResourceGraph, signalr: ResId) -> Option<&NetworkAcl> {
    graph.in_order().find_map(|r| match &r.settings {
        Settings::SignalRNetworkAcl(acl) if acl.signalr == signalr => Some(acl),
        _ => None,
    })
}

/// The upstream as one `if()` on the switch: ARM evaluates only the taken branch, so
/// the host key is read (listKeys) only when the switch is on. Off, the template list
/// is empty, which also removes an upstream set by an earlier deployment.
fn upstream_settings(graph: &ResourceGraph, u: &Upstream) -> Result<String> {
    let app = arm_ref(graph, u.function_app)?;
    let host_keys = format!(
        "listKeys(resourceId('Microsoft.Web/sites/host', {}, 'default'), {}).systemKeys.signalr_extension",
        quote(&app.names[0]),
        quote(app.api)
    );
    let url = format!(
        "concat('https://', {}.defaultHostName, {}, {host_keys})",
        app.reference(),
        quote(&format!("{}?code=", u.webhook_path))
    );
    let mut fields = vec![
        format!("'hubPattern', {}", quote(&u.hub_patterns.join(","))),
        format!("'eventPattern', {}", quote(&u.event_patterns.join(","))),
        format!("'categoryPattern', {}", quote(&u.category_patterns.join(","))),
        format!("'urlTemplate', {url}"),
    ];
    match (u.auth, &u.auth_resource) {
        (UpstreamAuth::None, _) => {}
        (UpstreamAuth::ManagedIdentity, Some(audience)) => fields.push(format!(
            "'auth', createObject('type', 'ManagedIdentity', 'managedIdentity', createObject('resource', {}))",
            quote(audience)
        )),
        (UpstreamAuth::ManagedIdentity, None) => bail!("managed-identity upstream auth without a token audience"),
    }
    let templates = format!(
        "createObject('templates', createArray(createObject({})))",
        fields.join(", ")
    );
    if u.host_key.is_some() {
        // One deployment (facts P19): the key resource is in this template and SignalR
        // depends on it, so `listKeys` runs after the key exists.
        return Ok(templates);
    }
    Ok(format!(
        "if({}, {templates}, createObject('templates', createArray()))",
        param(UPSTREAM_SWITCH),
    ))
}

/// The ARM type of a host key: `Microsoft.Web/sites/host/systemKeys` (or `functionKeys`).
fn host_key_type(k: &HostKey) -> &'static str {
    if k.key_type == "functionKeys" {
        "Microsoft.Web/sites/host/functionKeys"
    } else {
        "Microsoft.Web/sites/host/systemKeys"
    }
}

/// The `signalr_extension` system key, created by the deployment (facts P19). Only its
/// name is sent: the host generates the value (REST "Web Apps - Create Or Update Host
/// Secret", body `value` optional), so the template never holds it; SignalR reads it
/// back with `listKeys` in the same deployment. `dependsOn` is the graph's: the app and
/// the storage role assignments the host needs to write its secrets.
fn host_key(graph: &ResourceGraph, resource: &Resource, k: &HostKey) -> Result<Value> {
    let r = arm_ref(graph, resource.id)?;
    finish(head(&r), json!({"name": lit(&k.key_name)}), graph, resource)
}

/// The id of a role assignment as `dependsOn` names it: the extension resource on its scope.
fn role_assignment_id(graph: &ResourceGraph, ra: &RoleAssignment) -> Result<String> {
    let scope = arm_ref(graph, ra.scope)?;
    Ok(format!(
        "extensionResourceId({}, 'Microsoft.Authorization/roleAssignments', {})",
        scope.id(),
        role_assignment_name(graph, ra)?
    ))
}

fn role_assignment_name(graph: &ResourceGraph, ra: &RoleAssignment) -> Result<String> {
    let scope = arm_ref(graph, ra.scope)?;
    let principal = arm_ref(graph, ra.principal)?;
    let role = format!(
        "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {})",
        quote(&ra.role_definition_id)
    );
    Ok(format!("guid({}, {}, {role})", scope.id(), principal.id()))
}

/// An extension resource on its scope; the name is a GUID of (scope, principal, role)
/// so a re-deployment finds the same assignment (facts pitfall P12).
fn role_assignment(graph: &ResourceGraph, resource: &Resource, ra: &RoleAssignment) -> Result<Value> {
    let scope = arm_ref(graph, ra.scope)?;
    let principal = arm_ref(graph, ra.principal)?;
    let role = format!(
        "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', {})",
        quote(&ra.role_definition_id)
    );
    let mut m = Map::new();
    m.insert("type".into(), json!("Microsoft.Authorization/roleAssignments"));
    m.insert("apiVersion".into(), json!(ROLE_ASSIGNMENTS_API));
    m.insert("scope".into(), expr(scope.scope()));
    m.insert("name".into(), expr(role_assignment_name(graph, ra)?));
    let properties = json!({
        "roleDefinitionId": expr(&role),
        "principalId": expr(format!(
            "reference({}, {}, 'full').identity.principalId",
            principal.id(),
            quote(principal.api)
        )),
        "principalType": lit(&ra.principal_type),
    });
    finish(m, properties, graph, resource)
}

fn parameters_file(graph: &ResourceGraph) -> Value {
    let mut file = json!({
        "$schema": PARAMETERS_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "parameters": {
            LOCATION: {"value": graph.info.location},
            UPSTREAM_SWITCH: {"value": false},
        },
    });
    if !two_step(graph) {
        remove_switch(&mut file["parameters"]);
    }
    file
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::graph::sample::{sample_graph, sample_graph_two_step};
    use crate::graph::FunctionPlan;
    use crate::verify::arm::{check_parameters, check_template};

    const PLANS: [FunctionPlan; 3] = [FunctionPlan::FC1, FunctionPlan::Y1, FunctionPlan::EP1];

    fn emitted(graph: &ResourceGraph) -> (Value, Value) {
        let files = emit(graph).expect("the sample emits");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].path, "arm/azuredeploy.json");
        assert_eq!(files[1].path, "arm/azuredeploy.parameters.json");
        for f in &files {
            assert!(
                f.contents.ends_with("}\n") && !f.contents.ends_with("\n\n"),
                "{}",
                f.path
            );
        }
        let parse = |a: &Artifact| serde_json::from_str::<Value>(&a.contents).expect("valid JSON");
        (parse(&files[0]), parse(&files[1]))
    }

    fn inner(template: &Value) -> &Value {
        &template["resources"][1]["properties"]["template"]
    }

    /// The one inner resource of `ty`.
    fn inner_resource(template: &Value, ty: &str) -> Value {
        inner(template)["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == ty)
            .cloned()
            .unwrap_or_else(|| panic!("no {ty} in the inner template"))
    }

    #[test]
    fn arm_string_escapes_only_a_leading_bracket() {
        assert_eq!(arm_string("[concat('a')]"), "[[concat('a')]");
        assert_eq!(arm_string("[[x]"), "[[[x]");
        assert_eq!(arm_string("[odd"), "[odd", "not an expression: stays as written");
        assert_eq!(arm_string("[]"), "[[]");
        assert_eq!(arm_string("a[b]"), "a[b]");
        assert_eq!(arm_string(""), "");
        assert_eq!(quote("it's"), "'it''s'");
    }

    #[test]
    fn sample_templates_pass_the_schema_check() {
        for plan in PLANS {
            let (template, parameters) = emitted(&sample_graph(plan));
            assert_eq!(check_template(&template), Vec::<String>::new(), "{plan:?}");
            assert_eq!(
                check_parameters(&parameters, &template),
                Vec::<String>::new(),
                "{plan:?}"
            );
        }
    }

    #[test]
    fn inner_resources_follow_the_graph_and_depend_on_exactly_its_edges() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            let resources = inner(&template)["resources"].as_array().expect("inner resources");
            let expected: Vec<&Resource> = graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)))
                .collect();
            assert_eq!(resources.len(), expected.len(), "{plan:?}");
            let mut identities = BTreeSet::new();
            for (json, resource) in resources.iter().zip(expected) {
                let deps: BTreeSet<String> = graph
                    .depends_on(resource.id)
                    .into_iter()
                    .filter(|d| *d != ResId::ResourceGroup)
                    .map(|d| format!("[{}]", dependency_id(&graph, d).unwrap()))
                    .collect();
                let actual: BTreeSet<String> = json["dependsOn"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(actual, deps, "{plan:?} {}", resource.id.address());
                assert_eq!(json["dependsOn"].as_array().unwrap().len(), deps.len());
                let key = (json["type"].to_string(), json["name"].to_string());
                assert!(identities.insert(key.clone()), "{plan:?}: {key:?} declared twice");
            }
            let signalr = resources
                .iter()
                .filter(|r| r["type"] == "Microsoft.SignalRService/signalR")
                .count();
            assert_eq!(signalr, 1, "{plan:?}");
        }
    }

    #[test]
    fn outer_template_creates_the_group_and_one_nested_deployment() {
        let (template, parameters) = emitted(&sample_graph(FunctionPlan::FC1));
        let outer = template["resources"].as_array().unwrap();
        assert_eq!(outer.len(), 2);
        assert_eq!(outer[0]["type"], "Microsoft.Resources/resourceGroups");
        assert_eq!(outer[1]["type"], "Microsoft.Resources/deployments");
        assert_eq!(outer[1]["resourceGroup"], "rg-chat-dev");
        assert_eq!(
            outer[1]["dependsOn"],
            json!(["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-chat-dev')]"])
        );
        let names: Vec<&String> = template["outputs"].as_object().unwrap().keys().collect();
        assert_eq!(names, crate::emit::CONTRACT_OUTPUTS);
        let inner_outputs: Vec<&String> = inner(&template)["outputs"].as_object().unwrap().keys().collect();
        assert_eq!(names, inner_outputs);
        assert_eq!(
            parameters["parameters"].get(UPSTREAM_SWITCH),
            None,
            "one-apply has no switch"
        );
        assert_eq!(template["parameters"].get(UPSTREAM_SWITCH), None);
        let (template, parameters) = emitted(&sample_graph_two_step(FunctionPlan::FC1));
        assert_eq!(parameters["parameters"][UPSTREAM_SWITCH]["value"], json!(false));
        assert_eq!(template["parameters"][UPSTREAM_SWITCH]["defaultValue"], json!(false));
    }

    #[test]
    fn flex_and_consumption_sites_differ_as_the_plans_require() {
        let site = |plan| {
            let (template, _) = emitted(&sample_graph(plan));
            inner_resource(&template, "Microsoft.Web/sites")
        };
        let setting_names = |site: &Value| -> Vec<String> {
            site["properties"]["siteConfig"]["appSettings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect()
        };
        let flex = site(FunctionPlan::FC1);
        let config = &flex["properties"]["functionAppConfig"];
        assert_eq!(config["runtime"], json!({"name": "python", "version": "3.12"}));
        assert_eq!(
            config["deployment"]["storage"]["authentication"]["type"],
            "SystemAssignedIdentity"
        );
        assert!(flex["properties"]["siteConfig"].get("linuxFxVersion").is_none());
        let names = setting_names(&flex);
        for deprecated in [
            "FUNCTIONS_WORKER_RUNTIME",
            "FUNCTIONS_EXTENSION_VERSION",
            "WEBSITE_CONTENTSHARE",
        ] {
            assert!(!names.iter().any(|n| n == deprecated), "{deprecated} on Flex");
        }
        assert!(
            !flex.to_string().contains("listKeys"),
            "Flex uses identity-based storage"
        );

        let y1 = site(FunctionPlan::Y1);
        assert_eq!(y1["properties"]["siteConfig"]["linuxFxVersion"], "Python|3.12");
        assert!(y1["properties"].get("functionAppConfig").is_none());
        let names = setting_names(&y1);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "one sorted list");
        for required in [
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "AzureSignalRConnectionString__credential",
            "AzureSignalRConnectionString__serviceUri",
            "AzureWebJobsStorage",
            "FUNCTIONS_EXTENSION_VERSION",
            "FUNCTIONS_WORKER_RUNTIME",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            "WEBSITE_CONTENTSHARE",
        ] {
            assert!(names.iter().any(|n| n == required), "{required} missing on Y1");
        }
        assert!(!names.iter().any(|n| n == "APPINSIGHTS_INSTRUMENTATIONKEY"));
    }

    #[test]
    fn one_apply_creates_the_system_key_after_the_storage_roles_and_the_upstream_reads_it() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            let key = inner_resource(&template, "Microsoft.Web/sites/host/systemKeys");
            assert_eq!(key["name"], "func-chat-dev/default/signalr_extension");
            // Only the name: the host generates the value, the template never holds it.
            assert_eq!(key["properties"], json!({"name": "signalr_extension"}));
            let deps: Vec<&str> = key["dependsOn"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
                .collect();
            assert_eq!(deps[0], "[resourceId('Microsoft.Web/sites', 'func-chat-dev')]");
            let roles = deps
                .iter()
                .filter(|d| d.contains("Microsoft.Authorization/roleAssignments"))
                .count();
            assert_eq!(roles, if plan.is_flex() { 3 } else { 0 }, "{plan:?}: {deps:?}");
            let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
            let upstream = signalr["properties"]["upstream"].as_str().unwrap();
            assert!(
                upstream.starts_with("[createObject('templates', createArray("),
                "{upstream}"
            );
            assert!(upstream.contains("?code=', listKeys(resourceId('Microsoft.Web/sites/host', 'func-chat-dev', 'default'), '2024-11-01').systemKeys.signalr_extension"));
            assert!(signalr["dependsOn"].as_array().unwrap().contains(&json!(
                "[resourceId('Microsoft.Web/sites/host/systemKeys', 'func-chat-dev', 'default', 'signalr_extension')]"
            )));
            assert_eq!(check_template(&template), Vec::<String>::new());
        }
    }

    #[test]
    fn upstream_reads_the_host_key_only_behind_the_switch() {
        let (template, _) = emitted(&sample_graph_two_step(FunctionPlan::Y1));
        let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
        let upstream = signalr["properties"]["upstream"].as_str().unwrap();
        assert!(
            upstream.starts_with("[if(parameters('signalRUpstreamEnabled'), "),
            "{upstream}"
        );
        assert!(upstream.contains(".systemKeys.signalr_extension"));
        assert!(upstream.ends_with(", createObject('templates', createArray()))]"));
        assert_eq!(signalr["properties"]["networkACLs"]["defaultAction"], "Deny");
        assert_eq!(
            signalr["sku"],
            json!({"name": "Standard_S1", "tier": "Standard", "capacity": 1})
        );
        // listKeys appears nowhere else in SignalR, and in no output.
        assert_eq!(signalr.to_string().matches("listKeys(").count(), 1);
        assert!(!template["outputs"].to_string().contains("listKeys"));
    }

    #[test]
    fn user_strings_are_escaped() {
        let graph = sample_graph(FunctionPlan::FC1);
        let resources: Vec<Resource> = graph
            .in_order()
            .cloned()
            .map(|mut r| {
                r.tags.insert("note".into(), "[concat('a')]".into());
                if let Settings::FunctionApp(f) = &mut r.settings {
                    f.app_settings.insert("[odd".into(), "[concat('b')]".into());
                }
                r
            })
            .collect();
        let graph = ResourceGraph::new(graph.info.clone(), resources).expect("still a valid graph");
        let (template, _) = emitted(&graph);
        assert_eq!(template["resources"][0]["tags"]["note"], "[[concat('a')]");
        let site = inner_resource(&template, "Microsoft.Web/sites");
        assert_eq!(site["tags"]["note"], "[[concat('a')]");
        let settings = site["properties"]["siteConfig"]["appSettings"].as_array().unwrap();
        assert!(
            settings.contains(&json!({"name": "[odd", "value": "[[concat('b')]"})),
            "{settings:?}"
        );
        assert_eq!(check_template(&template), Vec::<String>::new());
    }

    #[test]
    fn checkov_skips_sit_in_the_metadata_of_their_resource() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            let (template, _) = emitted(&graph);
            let resources = inner(&template)["resources"].as_array().unwrap();
            let expected = graph
                .in_order()
                .filter(|r| !matches!(r.settings, Settings::ResourceGroup | Settings::SignalRNetworkAcl(_)));
            let mut total = 0;
            for (json, resource) in resources.iter().zip(expected) {
                let want: Vec<String> = checkov::skips(resource, &graph, Target::Arm)
                    .iter()
                    .map(checkov::Skip::arm_entry)
                    .collect();
                total += want.len();
                match json.get("metadata") {
                    Some(meta) => assert_eq!(meta, &json!({"checkov": want}), "{plan:?} {}", resource.id.address()),
                    None => assert!(want.is_empty(), "{plan:?} {} lacks its skips", resource.id.address()),
                }
            }
            assert!(total > 0, "{plan:?}: the sample stack has accepted findings");
            assert!(
                template["resources"][0].get("metadata").is_none(),
                "nothing to skip on the resource group"
            );
            assert_eq!(check_template(&template), Vec::<String>::new());
        }
    }

    #[test]
    fn sites_turn_off_ftp_and_remote_debugging_and_turn_on_http2() {
        for plan in PLANS {
            let (template, _) = emitted(&sample_graph(plan));
            let site = inner_resource(&template, "Microsoft.Web/sites");
            let config = &site["properties"]["siteConfig"];
            assert_eq!(config["ftpsState"], "Disabled", "{plan:?}");
            assert_eq!(config["http20Enabled"], true, "{plan:?}");
            assert_eq!(config["remoteDebuggingEnabled"], false, "{plan:?}");
            assert_eq!(config["scmMinTlsVersion"], "1.2", "{plan:?}");
        }
    }

    #[test]
    fn emission_is_deterministic() {
        for plan in PLANS {
            let graph = sample_graph(plan);
            assert_eq!(emit(&graph).unwrap(), emit(&graph).unwrap());
        }
    }

    /// Breaks one emitted resource in the way a faulty emitter would, and expects the
    /// check to name the resource and the path.
    #[test]
    fn broken_templates_are_caught() {
        let (template, _) = emitted(&sample_graph(FunctionPlan::EP1));
        let find = |t: &Value, ty: &str| -> usize {
            inner(t)["resources"]
                .as_array()
                .unwrap()
                .iter()
                .position(|r| r["type"] == ty)
                .unwrap()
        };
        /// (what, resource type, how to break it, expected message part)
        type Case = (&'static str, &'static str, fn(&mut Value), &'static str);
        let cases: [Case; 5] = [
            (
                "unknown property",
                "Microsoft.Web/sites",
                |r| r["properties"]["siteConfig"]["linuxFxVerison"] = json!("Python|3.12"),
                "`linuxFxVerison` is not a known property",
            ),
            (
                "wrong enum",
                "Microsoft.SignalRService/signalR",
                |r| r["kind"] = json!("SignalRR"),
                "`SignalRR` is not one of",
            ),
            (
                "wrong type",
                "Microsoft.SignalRService/signalR",
                |r| r["sku"]["capacity"] = json!("1"),
                "expected integer, found string `1`",
            ),
            (
                "missing required",
                "Microsoft.Authorization/roleAssignments",
                |r| {
                    r["properties"].as_object_mut().unwrap().remove("principalId");
                },
                "required property `principalId` is missing",
            ),
            (
                "dangling dependsOn",
                "Microsoft.Insights/components",
                |r| r["dependsOn"] = json!(["[resourceId('Microsoft.Web/sites', 'nope')]"]),
                "names no resource",
            ),
        ];
        for (what, ty, break_it, expected) in cases {
            let mut broken = template.clone();
            let i = find(&broken, ty);
            break_it(&mut broken["resources"][1]["properties"]["template"]["resources"][i]);
            let problems = check_template(&broken);
            assert_eq!(problems.len(), 1, "{what}: {problems:?}");
            assert!(
                problems[0].contains(expected) && problems[0].contains(ty),
                "{what}: {problems:?}"
            );
            assert!(
                problems[0].contains(&format!("$.resources[1].properties.template.resources[{i}]")),
                "{what}: {problems:?}"
            );
        }
    }

    #[test]
    fn free_tier_without_acl_or_cors_omits_those_properties() {
        let graph = sample_graph(FunctionPlan::FC1);
        let resources: Vec<Resource> = graph
            .in_order()
            .filter(|r| r.id != ResId::SignalRNetworkAcl)
            .cloned()
            .map(|mut r| {
                if let Settings::SignalR(s) = &mut r.settings {
                    s.sku = crate::graph::SignalRSku {
                        name: "Free_F1".into(),
                        tier: "Free".into(),
                        capacity: 1,
                    };
                    s.cors_allowed_origins.clear();
                }
                r
            })
            .collect();
        let graph = ResourceGraph::new(graph.info.clone(), resources).expect("valid graph");
        let (template, _) = emitted(&graph);
        let signalr = inner_resource(&template, "Microsoft.SignalRService/signalR");
        assert!(signalr["properties"].get("networkACLs").is_none());
        assert!(signalr["properties"].get("cors").is_none());
        assert_eq!(check_template(&template), Vec::<String>::new());
    }
}
