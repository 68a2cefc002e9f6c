//! One `resource` block per graph node, in azurerm 4.x terms.

use anyhow::{bail, Context};
use hcl::{Block, BlockBuilder, Expression};

use super::syntax::{
    bool, call, cond, ident_object, interp, lit, num, reference, root, string_map, strings, template, text, var, Part,
};
use super::{CLIENT_CONFIG, HOST_KEYS, UPSTREAM_SWITCH};
use crate::graph::{
    CustomCertificate, CustomDomain, ExternalRoleAssignment, FunctionApp, FunctionPlan, HostKey, ManagementLock,
    NetworkAcl, PrivateDnsZoneLink, PrivateEndpoint, ResId, Resource, ResourceGraph, RoleAssignment, Settings, SignalR,
    SignalRReplica, StorageAuth, Subnet, UpstreamAuth,
};

/// The azurerm resource type of a graph node.
pub fn tf_type(resource: &Resource) -> &'static str {
    match &resource.settings {
        Settings::ResourceGroup => "azurerm_resource_group",
        Settings::LogAnalytics(_) => "azurerm_log_analytics_workspace",
        Settings::AppInsights(_) => "azurerm_application_insights",
        Settings::Storage(_) => "azurerm_storage_account",
        Settings::PackageContainer(_) => "azurerm_storage_container",
        Settings::ServicePlan(_) => "azurerm_service_plan",
        Settings::FunctionApp(f) if f.plan.is_flex() => "azurerm_function_app_flex_consumption",
        Settings::FunctionApp(_) => "azurerm_linux_function_app",
        Settings::SignalR(_) => "azurerm_signalr_service",
        Settings::SignalRNetworkAcl(_) => "azurerm_signalr_service_network_acl",
        Settings::RoleAssignment(_) => "azurerm_role_assignment",
        Settings::HostKey(_) => "azapi_resource",
        Settings::VirtualNetwork(_) => "azurerm_virtual_network",
        Settings::Subnet(_) => "azurerm_subnet",
        Settings::PrivateEndpoint(_) => "azurerm_private_endpoint",
        Settings::PrivateDnsZone(_) => "azurerm_private_dns_zone",
        Settings::PrivateDnsZoneLink(_) => "azurerm_private_dns_zone_virtual_network_link",
        // azurerm has no replica resource (facts P21, hashicorp/terraform-provider-azurerm#26636).
        Settings::SignalRReplica(_) => "azapi_resource",
        Settings::SignalRCustomCertificate(_) => "azurerm_signalr_service_custom_certificate",
        Settings::SignalRCustomDomain(_) => "azurerm_signalr_service_custom_domain",
        Settings::ExternalRoleAssignment(_) => "azurerm_role_assignment",
        Settings::ManagementLock(_) => "azurerm_management_lock",
        Settings::DiagnosticSetting(_) => "azurerm_monitor_diagnostic_setting",
    }
}

/// The Terraform local name: the key of the graph address (`main`, the role, `westus2`),
/// which [`crate::graph::Key`] keeps a valid label. The host key keeps the name it had
/// before keyed identity, so existing state does not move. Replicas (`azapi_resource`
/// too) are labelled by their region, which never collides with it.
pub fn local_name(id: &ResId) -> &str {
    match *id {
        ResId::HostKey => "signalr_extension_key",
        _ => id.label(),
    }
}

/// Reference to an attribute of another resource in the stack, e.g.
/// `azurerm_storage_account.main.id`.
pub fn attr(graph: &ResourceGraph, id: ResId, path: &[&str]) -> anyhow::Result<Expression> {
    let target = graph
        .get(id)
        .with_context(|| format!("{} is referenced but not in the graph", id.address()))?;
    let mut full = vec![local_name(&id)];
    full.extend_from_slice(path);
    Ok(reference(tf_type(target), &full))
}

/// `<function app>.identity[0].principal_id`: the system-assigned identity of a resource.
fn principal_id(graph: &ResourceGraph, id: ResId) -> anyhow::Result<Expression> {
    let target = graph
        .get(id)
        .with_context(|| format!("{} is referenced but not in the graph", id.address()))?;
    Ok(root(tf_type(target))
        .attr(local_name(&id))
        .attr("identity")
        .index(0u32)
        .attr("principal_id")
        .build()
        .into())
}

fn rg(graph: &ResourceGraph, field: &str) -> anyhow::Result<Expression> {
    attr(graph, ResId::ResourceGroup, &[field])
}

/// `name`, `resource_group_name`, `location`: the head of every resource in the group.
fn placed(graph: &ResourceGraph, resource: &Resource) -> anyhow::Result<BlockBuilder> {
    Ok(start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("resource_group_name", rg(graph, "name")?))
        .add_attribute(("location", rg(graph, "location")?)))
}

fn start(resource: &Resource) -> BlockBuilder {
    Block::builder("resource")
        .add_label(tf_type(resource))
        .add_label(local_name(&resource.id))
}

fn tags(builder: BlockBuilder, resource: &Resource) -> BlockBuilder {
    builder.add_attribute(("tags", string_map(&resource.tags)))
}

fn identity_block() -> Block {
    Block::builder("identity")
        .add_attribute(("type", lit("SystemAssigned")))
        .build()
}

/// Builds the block of one resource.
pub fn resource_block(graph: &ResourceGraph, resource: &Resource) -> anyhow::Result<Block> {
    let what = || format!("building the Terraform block of {}", resource.id.address());
    let block = match &resource.settings {
        Settings::ResourceGroup => {
            let b = start(resource)
                .add_attribute(("name", lit(&resource.name)))
                .add_attribute(("location", lit(&graph.info.location)));
            tags(b, resource).build()
        }
        Settings::LogAnalytics(law) => {
            let mut b = placed(graph, resource)
                .with_context(what)?
                .add_attribute(("sku", lit(&law.sku)))
                .add_attribute(("retention_in_days", num(law.retention_days)));
            if let Some(quota) = law.daily_quota_gb {
                let n = hcl::Number::from_f64(quota)
                    .with_context(|| format!("daily quota `{quota}` of {} is not finite", resource.id.address()))?;
                b = b.add_attribute(("daily_quota_gb", Expression::Number(n)));
            }
            tags(b, resource).build()
        }
        Settings::AppInsights(appi) => {
            let b = placed(graph, resource)
                .with_context(what)?
                .add_attribute(("workspace_id", attr(graph, appi.workspace, &["id"])?))
                .add_attribute(("application_type", lit(&appi.application_type)));
            tags(b, resource).build()
        }
        Settings::Storage(st) => {
            let b = placed(graph, resource)
                .with_context(what)?
                .add_attribute(("account_tier", lit(&st.tier)))
                .add_attribute(("account_replication_type", lit(&st.replication)))
                .add_attribute(("account_kind", lit(&st.kind)))
                .add_attribute(("min_tls_version", lit(&st.min_tls_version)))
                .add_attribute(("https_traffic_only_enabled", bool(st.https_only)))
                .add_attribute(("allow_nested_items_to_be_public", bool(st.allow_blob_public_access)));
            let b = if st.public_network_access {
                b
            } else {
                // Private mode: reached through its private endpoints only.
                b.add_attribute(("public_network_access_enabled", bool(false)))
            };
            tags(b, resource).build()
        }
        Settings::PackageContainer(c) => start(resource)
            .add_attribute(("name", lit(&resource.name)))
            .add_attribute(("storage_account_id", attr(graph, c.storage, &["id"])?))
            .add_attribute(("container_access_type", lit("private")))
            .build(),
        Settings::ServicePlan(plan) => {
            let b = placed(graph, resource)
                .with_context(what)?
                .add_attribute(("os_type", lit(&plan.os_type)))
                .add_attribute(("sku_name", lit(plan.plan.sku_name())));
            tags(b, resource).build()
        }
        Settings::FunctionApp(app) => function_app(graph, resource, app).with_context(what)?,
        Settings::SignalR(s) => signalr(graph, resource, s).with_context(what)?,
        Settings::SignalRNetworkAcl(acl) => network_acl(graph, resource, acl).with_context(what)?,
        Settings::RoleAssignment(ra) => role_assignment(graph, resource, ra).with_context(what)?,
        Settings::HostKey(k) => host_key(graph, resource, k).with_context(what)?,
        Settings::VirtualNetwork(v) => {
            let b = placed(graph, resource)
                .with_context(what)?
                .add_attribute(("address_space", strings(std::slice::from_ref(&v.address_space))));
            tags(b, resource).build()
        }
        Settings::Subnet(sn) => subnet(graph, resource, sn).with_context(what)?,
        Settings::PrivateEndpoint(pe) => private_endpoint(graph, resource, pe).with_context(what)?,
        Settings::PrivateDnsZone(_) => {
            // Private DNS zones are global: no `location`.
            let b = start(resource)
                .add_attribute(("name", lit(&resource.name)))
                .add_attribute(("resource_group_name", rg(graph, "name")?));
            tags(b, resource).build()
        }
        Settings::PrivateDnsZoneLink(l) => zone_link(graph, resource, l).with_context(what)?,
        Settings::SignalRReplica(r) => replica(graph, resource, r).with_context(what)?,
        Settings::SignalRCustomCertificate(c) => custom_certificate(graph, resource, c).with_context(what)?,
        Settings::SignalRCustomDomain(d) => custom_domain(graph, resource, d).with_context(what)?,
        Settings::ExternalRoleAssignment(ra) => external_role_assignment(graph, resource, ra).with_context(what)?,
        Settings::ManagementLock(l) => management_lock(graph, resource, l).with_context(what)?,
        Settings::DiagnosticSetting(d) => {
            let mut b = start(resource)
                .add_attribute(("name", lit(&resource.name)))
                .add_attribute(("target_resource_id", attr(graph, d.source, &["id"])?))
                .add_attribute(("log_analytics_workspace_id", attr(graph, d.workspace, &["id"])?));
            for group in &d.category_groups {
                b = b.add_block(
                    Block::builder("enabled_log")
                        .add_attribute(("category_group", lit(group)))
                        .build(),
                );
            }
            for category in &d.categories {
                b = b.add_block(
                    Block::builder("enabled_log")
                        .add_attribute(("category", lit(category)))
                        .build(),
                );
            }
            b.build()
        }
    };
    Ok(block)
}

/// The app setting blanked on Flex with identity-based storage (P13, see [`function_app`]).
pub const FLEX_STORAGE_WORKAROUND: &str = "AzureWebJobsStorage";

/// The comment put on the Flex function app block when the P13 workaround is in it.
pub const FLEX_STORAGE_NOTE: &str = " P13: AzureWebJobsStorage = \"\" keeps azurerm's key-less connection string out of Azure (hashicorp/terraform-provider-azurerm#29149, #30732, #33211)";

fn function_app(graph: &ResourceGraph, resource: &Resource, app: &FunctionApp) -> anyhow::Result<Block> {
    // The `site_config.application_stack` attribute that carries the version (tf-lfa-doc:
    // `python_version`, `node_version`); the Flex resource takes `runtime_name` instead.
    let stack_attribute = match app.runtime.as_str() {
        "python" => "python_version",
        "node" => "node_version",
        other => bail!("runtime `{other}` has no azurerm application stack in sigc"),
    };
    let mut b = placed(graph, resource)?.add_attribute(("service_plan_id", attr(graph, app.service_plan, &["id"])?));
    let mut settings = app.app_settings.clone();
    match (&app.flex, app.plan) {
        (Some(flex), FunctionPlan::FC1) => {
            let endpoint = template(vec![
                interp(attr(graph, app.storage, &["primary_blob_endpoint"])?),
                interp(attr(graph, flex.container, &["name"])?),
            ])?;
            let auth = match app.storage_auth {
                StorageAuth::SystemAssignedIdentity => "SystemAssignedIdentity",
                StorageAuth::AccessKey => "StorageAccountConnectionString",
            };
            b = b
                .add_attribute(("storage_container_type", lit("blobContainer")))
                .add_attribute(("storage_container_endpoint", endpoint))
                .add_attribute(("storage_authentication_type", lit(auth)));
            if app.storage_auth == StorageAuth::AccessKey {
                b = b.add_attribute(("storage_access_key", attr(graph, app.storage, &["primary_access_key"])?));
            } else {
                // P13: with an identity, azurerm still writes a key-less `AzureWebJobsStorage`
                // connection string, which wins over `AzureWebJobsStorage__accountName` and stops
                // the host. An empty value in `app_settings` replaces it and the provider does not
                // send empty values, so the setting is absent in Azure (a plan diff remains).
                // Source: hashicorp/terraform-provider-azurerm#29149, #30732, #33211.
                settings.insert(FLEX_STORAGE_WORKAROUND.to_string(), String::new());
            }
            b = b
                .add_attribute(("runtime_name", lit(&app.runtime)))
                .add_attribute(("runtime_version", lit(&app.runtime_version)))
                .add_attribute(("maximum_instance_count", num(flex.maximum_instance_count)))
                .add_attribute(("instance_memory_in_mb", num(flex.instance_memory_mb)));
        }
        (None, plan) if !plan.is_flex() => {
            b = b.add_attribute(("storage_account_name", attr(graph, app.storage, &["name"])?));
            match app.storage_auth {
                StorageAuth::AccessKey => {
                    b = b.add_attribute((
                        "storage_account_access_key",
                        attr(graph, app.storage, &["primary_access_key"])?,
                    ))
                }
                StorageAuth::SystemAssignedIdentity => {
                    b = b.add_attribute(("storage_uses_managed_identity", bool(true)))
                }
            }
            b = b.add_attribute(("functions_extension_version", lit(&app.functions_extension_version)));
            if let Some(share) = &app.content_share {
                settings.insert("WEBSITE_CONTENTSHARE".to_string(), share.clone());
            }
        }
        (_, plan) => bail!(
            "plan `{}` and the Flex settings of the function app disagree",
            plan.sku_name()
        ),
    }
    b = b.add_attribute(("https_only", bool(app.https_only)));
    if let Some(subnet) = app.vnet_subnet {
        b = b.add_attribute(("virtual_network_subnet_id", attr(graph, subnet, &["id"])?));
    }
    if !settings.is_empty() {
        b = b.add_attribute(("app_settings", string_map(&settings)));
    }
    b = tags(b, resource);

    let mut site = Block::builder("site_config")
        .add_attribute((
            "application_insights_connection_string",
            attr(graph, app.app_insights, &["connection_string"])?,
        ))
        .add_attribute(("minimum_tls_version", lit(&app.min_tls_version)))
        .add_attribute(("scm_minimum_tls_version", lit(&app.scm_min_tls_version)))
        .add_attribute(("http2_enabled", bool(app.http2_enabled)))
        .add_attribute(("remote_debugging_enabled", bool(app.remote_debugging_enabled)));
    // The Flex resource has no `ftps_state` (see its schema in schemas/azurerm/).
    // EP: all outbound traffic through the integration subnet (Flex routes all of it anyway;
    // learn.microsoft.com/azure/azure-functions/functions-networking-options).
    if app.vnet_subnet.is_some() && app.plan.is_elastic_premium() {
        site = site.add_attribute(("vnet_route_all_enabled", bool(true)));
    }
    if !app.plan.is_flex() {
        site = site.add_attribute(("ftps_state", lit(&app.ftps_state))).add_block(
            Block::builder("application_stack")
                .add_attribute((stack_attribute, lit(&app.runtime_version)))
                .build(),
        );
    }
    if !app.cors_allowed_origins.is_empty() {
        site = site.add_block(
            Block::builder("cors")
                .add_attribute(("allowed_origins", strings(&app.cors_allowed_origins)))
                .add_attribute(("support_credentials", bool(app.cors_support_credentials)))
                .build(),
        );
    }
    let mut b = b.add_block(site.build()).add_block(identity_block());
    if !app.publish_settings.is_empty() {
        // P14: publishing sets these; without this the next apply plans their removal and
        // the published code disappears (hashicorp/terraform-provider-azurerm#17081, #24848).
        let ignored = app
            .publish_settings
            .iter()
            .map(|s| Expression::from(root("app_settings").index(lit(s)).build()))
            .collect();
        b = b.add_block(
            Block::builder("lifecycle")
                .add_attribute(("ignore_changes", Expression::Array(ignored)))
                .build(),
        );
    }
    Ok(b.build())
}

fn signalr(graph: &ResourceGraph, resource: &Resource, s: &SignalR) -> anyhow::Result<Block> {
    let b = placed(graph, resource)?
        .add_attribute(("service_mode", lit(&s.service_mode)))
        .add_attribute(("connectivity_logs_enabled", bool(s.connectivity_logs)))
        .add_attribute(("messaging_logs_enabled", bool(s.messaging_logs)))
        .add_attribute(("http_request_logs_enabled", bool(s.http_request_logs)))
        .add_attribute(("local_auth_enabled", bool(s.local_auth)))
        .add_attribute(("public_network_access_enabled", bool(s.public_network_access)))
        .add_attribute((
            "serverless_connection_timeout_in_seconds",
            num(s.serverless_connection_timeout_seconds),
        ));
    let mut b = tags(b, resource).add_block(
        Block::builder("sku")
            .add_attribute(("name", lit(&s.sku.name)))
            .add_attribute(("capacity", num(s.sku.capacity)))
            .build(),
    );
    if !s.cors_allowed_origins.is_empty() {
        b = b.add_block(
            Block::builder("cors")
                .add_attribute(("allowed_origins", strings(&s.cors_allowed_origins)))
                .build(),
        );
    }
    if s.system_assigned_identity {
        b = b.add_block(identity_block());
    }
    if let Some(up) = &s.upstream {
        let key = if up.host_key.is_some() {
            root("data")
                .attr(HOST_KEYS.0)
                .attr(HOST_KEYS.1)
                .attr("signalr_extension_key")
                .build()
        } else {
            root("data")
                .attr(HOST_KEYS.0)
                .attr(HOST_KEYS.1)
                .index(0u32)
                .attr("signalr_extension_key")
                .build()
        };
        let url = template(vec![
            text("https://"),
            interp(attr(graph, up.function_app, &["default_hostname"])?),
            text(&up.webhook_path),
            text("?code="),
            interp(key.into()),
        ])?;
        let one_apply = up.host_key.is_some();
        let mut content = Block::builder(if one_apply { "upstream_endpoint" } else { "content" })
            .add_attribute(("hub_pattern", strings(&up.hub_patterns)))
            .add_attribute(("event_pattern", strings(&up.event_patterns)))
            .add_attribute(("category_pattern", strings(&up.category_patterns)))
            .add_attribute(("url_template", url));
        match (up.auth, &up.auth_resource) {
            (UpstreamAuth::ManagedIdentity, Some(audience)) => {
                content = content.add_attribute(("user_assigned_identity_id", lit(audience)));
            }
            (UpstreamAuth::ManagedIdentity, None) => {
                bail!("managed-identity upstream auth without a token audience")
            }
            (UpstreamAuth::None, _) => {}
        }
        if one_apply {
            // One apply: the key resource is in this stack, the data source reads it after.
            b = b.add_block(content.build());
            return Ok(b.build());
        }
        let on = cond(
            var(UPSTREAM_SWITCH),
            Expression::Array(vec![num(1)]),
            Expression::Array(vec![]),
        );
        b = b.add_block(
            Block::builder("dynamic")
                .add_label("upstream_endpoint")
                .add_attribute(("for_each", on))
                .add_block(content.build())
                .build(),
        );
    }
    Ok(b.build())
}

/// The `signalr_extension` system key through azapi (azurerm has no host-key resource;
/// facts P19): REST "Web Apps - Create Or Update Host Secret", ARM type
/// `Microsoft.Web/sites/host/systemKeys`. Only the name is sent, the host generates the
/// value; the upstream reads it back through `data.azurerm_function_app_host_keys`.
/// azapi validates bodies against the Bicep type library, which has no `sites/host/*`
/// types (Azure/bicep-types-az#1356), hence `schema_validation_enabled = false`. `retry`
/// covers a host that is still starting (Azure/bicep#7027: "ServiceUnavailable from host
/// runtime"). Ordered after the app and the storage role assignments (graph edges).
fn host_key(graph: &ResourceGraph, resource: &Resource, k: &HostKey) -> anyhow::Result<Block> {
    let ty = if k.key_type == "functionKeys" {
        "functionKeys"
    } else {
        "systemKeys"
    };
    let parent = template(vec![
        interp(attr(graph, k.function_app, &["id"])?),
        text("/host/default"),
    ])?;
    let mut after = Vec::new();
    for dep in graph.depends_on(resource.id) {
        if matches!(dep, ResId::ResourceGroup) || dep == k.function_app {
            continue;
        }
        let target = graph
            .get(dep)
            .with_context(|| format!("{} is referenced but not in the graph", dep.address()))?;
        after.push(Expression::from(root(tf_type(target)).attr(local_name(&dep)).build()));
    }
    let mut b = start(resource)
        .add_attribute(("type", lit(&format!("Microsoft.Web/sites/host/{ty}@{HOST_KEY_API}"))))
        .add_attribute(("name", lit(&k.key_name)))
        .add_attribute(("parent_id", parent))
        .add_attribute((
            "body",
            ident_object(vec![("properties", ident_object(vec![("name", lit(&k.key_name))]))]),
        ))
        .add_attribute(("schema_validation_enabled", bool(false)))
        .add_attribute((
            "retry",
            ident_object(vec![
                (
                    "error_message_regex",
                    strings(&HOST_KEY_RETRY.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                ),
                ("interval_seconds", num(10)),
                ("max_interval_seconds", num(60)),
            ]),
        ));
    if !after.is_empty() {
        b = b.add_attribute(("depends_on", Expression::Array(after)));
    }
    Ok(b.build())
}

/// The `Microsoft.Web` API version of the host key (the one `sites` uses in ARM).
pub const HOST_KEY_API: &str = "2024-11-01";
/// Errors a host that is not up yet returns (Azure/bicep#7027), retried by azapi.
const HOST_KEY_RETRY: [&str; 3] = ["ServiceUnavailable", "host runtime", "BadGateway"];

fn network_acl(graph: &ResourceGraph, resource: &Resource, acl: &NetworkAcl) -> anyhow::Result<Block> {
    let mut public = Block::builder("public_network");
    if !acl.public_allow.is_empty() {
        public = public.add_attribute(("allowed_request_types", strings(&acl.public_allow)));
    }
    if !acl.public_deny.is_empty() {
        public = public.add_attribute(("denied_request_types", strings(&acl.public_deny)));
    }
    let mut b = start(resource)
        .add_attribute(("signalr_service_id", attr(graph, acl.signalr, &["id"])?))
        .add_attribute(("default_action", lit(&acl.default_action)))
        .add_block(public.build());
    for pe in &acl.private_endpoints {
        // Under `Allow` the provider takes only denials: the endpoint then needs none.
        let mut block = Block::builder("private_endpoint").add_attribute(("id", attr(graph, pe.endpoint, &["id"])?));
        if acl.default_action == "Deny" {
            block = block.add_attribute(("allowed_request_types", strings(&pe.allow)));
        }
        b = b.add_block(block.build());
    }
    Ok(b.build())
}

/// Role assignment with a deterministic name: `uuidv5("url", "<scope>/<principal>/<role>")`,
/// so a re-apply never creates a second assignment (facts pitfall P12).
fn role_assignment(graph: &ResourceGraph, resource: &Resource, ra: &RoleAssignment) -> anyhow::Result<Block> {
    let scope = attr(graph, ra.scope, &["id"])?;
    let principal = principal_id(graph, ra.principal)?;
    role_block(
        resource,
        interp(scope.clone()),
        scope,
        principal,
        &ra.role_definition_id,
        &ra.principal_type,
    )
}

/// A role assignment named `uuidv5("url", "<scope id>/<principal id>/<role id>")` (P12, P17):
/// the same name on every apply, a new one when the identity is recreated.
fn role_block(
    resource: &Resource,
    scope_part: Part,
    scope: Expression,
    principal: Expression,
    role_definition_id: &str,
    principal_type: &str,
) -> anyhow::Result<Block> {
    let seed = template(vec![
        scope_part,
        text("/"),
        interp(principal.clone()),
        text("/"),
        text(role_definition_id),
    ])?;
    let definition = template(vec![
        text("/subscriptions/"),
        interp(reference(
            "data",
            &[CLIENT_CONFIG.0, CLIENT_CONFIG.1, "subscription_id"],
        )),
        text("/providers/Microsoft.Authorization/roleDefinitions/"),
        text(role_definition_id),
    ])?;
    Ok(start(resource)
        .add_attribute(("name", call("uuidv5", vec![lit("url"), seed])))
        .add_attribute(("scope", scope))
        .add_attribute(("role_definition_id", definition))
        .add_attribute(("principal_id", principal))
        .add_attribute(("principal_type", lit(principal_type)))
        .build())
}

fn subnet(graph: &ResourceGraph, resource: &Resource, sn: &Subnet) -> anyhow::Result<Block> {
    let mut b = start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("resource_group_name", rg(graph, "name")?))
        .add_attribute(("virtual_network_name", attr(graph, sn.vnet, &["name"])?))
        .add_attribute(("address_prefixes", strings(std::slice::from_ref(&sn.address_prefix))));
    match &sn.delegation {
        Some(service) => {
            b = b.add_block(
                Block::builder("delegation")
                    .add_attribute(("name", lit("delegation")))
                    .add_block(
                        Block::builder("service_delegation")
                            .add_attribute(("name", lit(service)))
                            .add_attribute((
                                "actions",
                                strings(&["Microsoft.Network/virtualNetworks/subnets/action".to_string()]),
                            ))
                            .build(),
                    )
                    .build(),
            )
        }
        // Private endpoints ignore NSG and route policies unless enabled; keep them off.
        None => b = b.add_attribute(("private_endpoint_network_policies", lit("Disabled"))),
    }
    Ok(b.build())
}

fn private_endpoint(graph: &ResourceGraph, resource: &Resource, pe: &PrivateEndpoint) -> anyhow::Result<Block> {
    let b = placed(graph, resource)?
        .add_attribute(("subnet_id", attr(graph, pe.subnet, &["id"])?))
        .add_block(
            Block::builder("private_service_connection")
                .add_attribute(("name", lit(&pe.connection_name)))
                .add_attribute(("private_connection_resource_id", attr(graph, pe.target, &["id"])?))
                .add_attribute(("subresource_names", strings(std::slice::from_ref(&pe.group_id))))
                .add_attribute(("is_manual_connection", bool(false)))
                .build(),
        )
        .add_block(
            Block::builder("private_dns_zone_group")
                .add_attribute(("name", lit("default")))
                .add_attribute((
                    "private_dns_zone_ids",
                    Expression::Array(vec![attr(graph, pe.zone, &["id"])?]),
                ))
                .build(),
        );
    Ok(tags(b, resource).build())
}

fn zone_link(graph: &ResourceGraph, resource: &Resource, l: &PrivateDnsZoneLink) -> anyhow::Result<Block> {
    let b = start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("resource_group_name", rg(graph, "name")?))
        .add_attribute(("private_dns_zone_name", attr(graph, l.zone, &["name"])?))
        .add_attribute(("virtual_network_id", attr(graph, l.vnet, &["id"])?))
        .add_attribute(("registration_enabled", bool(false)));
    Ok(tags(b, resource).build())
}

/// The ARM API version of `Microsoft.SignalRService/signalR/replicas` (the SignalR one).
pub const REPLICA_API: &str = "2024-03-01";

/// A geo-replica through azapi: azurerm has none (facts P21). ARM type
/// `Microsoft.SignalRService/signalR/replicas`, body `{sku, properties}` as in
/// Azure/azure-rest-api-specs signalr.json 2024-03-01 (`SignalRReplicas_CreateOrUpdate`).
fn replica(graph: &ResourceGraph, resource: &Resource, r: &SignalRReplica) -> anyhow::Result<Block> {
    let b = start(resource)
        .add_attribute((
            "type",
            lit(&format!("Microsoft.SignalRService/signalR/replicas@{REPLICA_API}")),
        ))
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("parent_id", attr(graph, r.signalr, &["id"])?))
        .add_attribute(("location", lit(&r.location)))
        .add_attribute((
            "body",
            ident_object(vec![(
                "sku",
                ident_object(vec![
                    ("name", lit(&r.sku.name)),
                    ("tier", lit(&r.sku.tier)),
                    ("capacity", num(r.sku.capacity)),
                ]),
            )]),
        ));
    Ok(tags(b, resource).build())
}

/// The certificate from the versionless Key Vault secret: azurerm splits it into vault
/// URI and secret name (`ParseOptionallyVersionedNestedItemID`,
/// hashicorp/terraform-provider-azurerm:internal/services/signalr/signalr_service_custom_certificate_resource.go).
/// SignalR's identity must read the secret first: after the role assignment.
fn custom_certificate(graph: &ResourceGraph, resource: &Resource, c: &CustomCertificate) -> anyhow::Result<Block> {
    let access = graph
        .get(c.access)
        .with_context(|| format!("{} is referenced but not in the graph", c.access.address()))?;
    Ok(start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("signalr_service_id", attr(graph, c.signalr, &["id"])?))
        .add_attribute(("custom_certificate_id", lit(&c.secret_id)))
        .add_attribute((
            "depends_on",
            Expression::Array(vec![root(tf_type(access)).attr(local_name(&c.access)).build().into()]),
        ))
        .build())
}

fn custom_domain(graph: &ResourceGraph, resource: &Resource, d: &CustomDomain) -> anyhow::Result<Block> {
    Ok(start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("signalr_service_id", attr(graph, d.signalr, &["id"])?))
        .add_attribute(("domain_name", lit(&d.host_name)))
        .add_attribute(("signalr_custom_certificate_id", attr(graph, d.certificate, &["id"])?))
        .build())
}

/// A role on a resource outside the stack (the custom domain's vault), named like the
/// stack's own role assignments (P12, P17).
fn external_role_assignment(
    graph: &ResourceGraph,
    resource: &Resource,
    ra: &ExternalRoleAssignment,
) -> anyhow::Result<Block> {
    let principal = principal_id(graph, ra.principal)?;
    role_block(
        resource,
        text(&ra.scope_id),
        lit(&ra.scope_id),
        principal,
        &ra.role_definition_id,
        &ra.principal_type,
    )
}

/// The resource group's lock, created after (and destroyed before) everything else.
fn management_lock(graph: &ResourceGraph, resource: &Resource, l: &ManagementLock) -> anyhow::Result<Block> {
    let mut after = Vec::new();
    for dep in &l.after {
        let target = graph
            .get(*dep)
            .with_context(|| format!("{} is referenced but not in the graph", dep.address()))?;
        after.push(Expression::from(root(tf_type(target)).attr(local_name(dep)).build()));
    }
    Ok(start(resource)
        .add_attribute(("name", lit(&resource.name)))
        .add_attribute(("scope", attr(graph, l.scope, &["id"])?))
        .add_attribute(("lock_level", lit(&l.level)))
        .add_attribute(("notes", lit(&l.notes)))
        .add_attribute(("depends_on", Expression::Array(after)))
        .build())
}
