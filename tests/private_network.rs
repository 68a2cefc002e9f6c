//! Issue 10 through the real CLI: private networking, geo-replicas, custom domain and
//! the resource group lock, checked in the Terraform (HCL and JSON) output.

mod common;

use std::fs;
use std::path::Path;

use common::{code, sigc, stderr, stdout, workspace};
use hcl::{Block, Body, Expression};

const PRIVATE: &str = include_str!("../examples/production-private.toml");

/// Builds `text` as `env.toml` for the given targets; returns the workspace and exit code.
fn build(text: &str, targets: &[&str]) -> (tempfile::TempDir, i32, String) {
    let ws = workspace(&[("env.toml", text)]);
    let mut args = vec!["build", "env.toml", "--out", "out"];
    for t in targets {
        args.extend(["--target", t]);
    }
    let out = sigc(ws.path(), &args);
    (ws, code(&out), stderr(&out))
}

fn env_dir(ws: &tempfile::TempDir) -> std::path::PathBuf {
    let out = ws.path().join("out");
    let mut dirs: Vec<_> = fs::read_dir(&out).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(dirs.len(), 1, "one environment folder");
    dirs.pop().unwrap()
}

fn main_tf(dir: &Path) -> Body {
    hcl::from_str(&fs::read_to_string(dir.join("terraform/main.tf")).unwrap()).unwrap()
}

/// Every `resource "<ty>" "<name>"` block, in file order.
fn resources<'a>(body: &'a Body, ty: &str) -> Vec<(&'a str, &'a Block)> {
    body.blocks()
        .filter(|b| b.identifier() == "resource" && b.labels()[0].as_str() == ty)
        .map(|b| (b.labels()[1].as_str(), b))
        .collect()
}

fn attr<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block.body().attributes().find(|a| a.key() == key).map(|a| a.expr())
}

fn text(block: &Block, key: &str) -> String {
    match attr(block, key) {
        Some(Expression::String(s)) => s.clone(),
        // Everything else as HCL without whitespace: `["blob"]`, `{sku={capacity=1}}`.
        Some(other) => other.to_string().split_whitespace().collect(),
        None => panic!("no `{key}` in {:?}", block.labels()),
    }
}

fn inner<'a>(block: &'a Block, name: &str) -> Vec<&'a Block> {
    block.body().blocks().filter(|b| b.identifier() == name).collect()
}

fn with(base: &str, extra: &str) -> String {
    format!("{base}\n{extra}")
}

#[test]
fn private_mode_builds_the_vnet_endpoints_zones_and_closes_storage() {
    let (ws, rc, err) = build(PRIVATE, &["terraform", "terraform-json"]);
    assert_eq!(rc, 0, "{err}");
    let dir = env_dir(&ws);
    let body = main_tf(&dir);

    let vnets = resources(&body, "azurerm_virtual_network");
    assert_eq!(vnets.len(), 1);
    assert!(text(vnets[0].1, "address_space").contains("10.40.0.0/16"));

    let subnets = resources(&body, "azurerm_subnet");
    let names: Vec<_> = subnets.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["endpoints", "functions"]);
    let functions = subnets[1].1;
    let delegation = inner(functions, "delegation");
    let service = inner(delegation[0], "service_delegation");
    assert_eq!(text(service[0], "name"), "Microsoft.App/environments", "FC1 delegation");
    assert_eq!(text(subnets[0].1, "private_endpoint_network_policies"), "Disabled");

    // FC1 keeps no content share: blob, queue, table and SignalR, no file.
    let endpoints = resources(&body, "azurerm_private_endpoint");
    let keys: Vec<_> = endpoints.iter().map(|(n, _)| *n).collect();
    assert_eq!(keys, ["blob", "queue", "table", "signalr"]);
    for (key, pe) in &endpoints {
        let conn = inner(pe, "private_service_connection");
        assert_eq!(text(conn[0], "subresource_names"), format!("[\"{key}\"]"));
        let group = inner(pe, "private_dns_zone_group");
        assert_eq!(
            text(group[0], "private_dns_zone_ids"),
            format!("[azurerm_private_dns_zone.{key}.id]")
        );
        assert_eq!(text(pe, "subnet_id"), "azurerm_subnet.endpoints.id");
    }
    let zones: Vec<String> = resources(&body, "azurerm_private_dns_zone")
        .iter()
        .map(|(_, b)| text(b, "name"))
        .collect();
    assert_eq!(
        zones,
        [
            "privatelink.blob.core.windows.net",
            "privatelink.queue.core.windows.net",
            "privatelink.service.signalr.net",
            "privatelink.table.core.windows.net"
        ]
    );
    let links = resources(&body, "azurerm_private_dns_zone_virtual_network_link");
    assert_eq!(links.len(), 4);
    for (key, link) in &links {
        assert_eq!(
            text(link, "private_dns_zone_name"),
            format!("azurerm_private_dns_zone.{key}.name")
        );
        assert_eq!(text(link, "virtual_network_id"), "azurerm_virtual_network.main.id");
    }

    let storage = resources(&body, "azurerm_storage_account")[0].1;
    assert_eq!(text(storage, "public_network_access_enabled"), "false");
    let app = resources(&body, "azurerm_function_app_flex_consumption")[0].1;
    assert_eq!(text(app, "virtual_network_subnet_id"), "azurerm_subnet.functions.id");

    // Server and REST traffic through the private endpoint, browsers on the public side.
    let acl = resources(&body, "azurerm_signalr_service_network_acl")[0].1;
    assert_eq!(
        text(inner(acl, "public_network")[0], "allowed_request_types"),
        "[\"ClientConnection\"]"
    );
    let private = inner(acl, "private_endpoint");
    assert_eq!(private.len(), 1);
    assert_eq!(text(private[0], "id"), "azurerm_private_endpoint.signalr.id");
    assert!(text(private[0], "allowed_request_types").contains("RESTAPI"));

    // The host key waits for the storage endpoints and the zone links (the host reaches
    // its storage only through them).
    let key = resources(&body, "azapi_resource")
        .into_iter()
        .find(|(n, _)| *n == "signalr_extension_key")
        .unwrap()
        .1;
    let after = text(key, "depends_on");
    for dep in [
        "azurerm_private_endpoint.blob",
        "azurerm_private_dns_zone_virtual_network_link.table",
    ] {
        assert!(after.contains(dep), "{after}");
    }

    // Terraform JSON carries the same resources.
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("terraform-json/main.tf.json")).unwrap()).unwrap();
    let r = &json["resource"];
    assert_eq!(r["azurerm_private_endpoint"].as_object().unwrap().len(), 4);
    assert_eq!(
        r["azurerm_storage_account"]["main"]["public_network_access_enabled"],
        false
    );
    assert_eq!(
        r["azapi_resource"].as_object().unwrap().len(),
        3,
        "host key and two replicas"
    );
}

#[test]
fn replicas_go_through_azapi_with_their_own_units_and_plan_counts_them() {
    let (ws, rc, err) = build(PRIVATE, &["terraform"]);
    assert_eq!(rc, 0, "{err}");
    let body = main_tf(&env_dir(&ws));
    let replicas: Vec<_> = resources(&body, "azapi_resource")
        .into_iter()
        .filter(|(_, b)| text(b, "type").starts_with("Microsoft.SignalRService/signalR/replicas@"))
        .collect();
    let summary: Vec<(String, String, String)> = replicas
        .iter()
        .map(|(_, b)| (text(b, "location"), text(b, "name"), text(b, "body")))
        .collect();
    assert_eq!(summary.len(), 2);
    assert_eq!(summary[0].0, "northeurope");
    assert_eq!(summary[0].1, "sigr-realtime-prodprivate-northeurope");
    assert!(summary[0].2.contains("capacity=1"), "{}", summary[0].2);
    assert_eq!(summary[1].0, "westus2");
    assert!(
        summary[1].2.contains("capacity=2"),
        "the primary's capacity by default: {}",
        summary[1].2
    );
    for (_, b) in &replicas {
        assert_eq!(text(b, "parent_id"), "azurerm_signalr_service.main.id");
    }
    let versions = fs::read_to_string(env_dir(&ws).join("terraform/versions.tf")).unwrap();
    assert!(versions.contains("Azure/azapi"));

    let plan = sigc(ws.path(), &["plan", "env.toml"]);
    assert_eq!(code(&plan), 0);
    assert!(
        stdout(&plan).contains(
            "SignalR units: 5, each billed (signalr.main x2, signalr_replica.northeurope x1, signalr_replica.westus2 x2)"
        ),
        "{}",
        stdout(&plan)
    );
    let json = sigc(ws.path(), &["plan", "env.toml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(doc["signalr_units"], 5);
}

#[test]
fn the_lock_comes_last_and_names_its_level() {
    let (ws, rc, err) = build(PRIVATE, &["terraform"]);
    assert_eq!(rc, 0, "{err}");
    let body = main_tf(&env_dir(&ws));
    let last = body.blocks().next_back().unwrap();
    assert_eq!(last.labels()[0].as_str(), "azurerm_management_lock");
    assert_eq!(text(last, "lock_level"), "CanNotDelete");
    assert_eq!(text(last, "scope"), "azurerm_resource_group.main.id");
    let after = text(last, "depends_on");
    for dep in [
        "azurerm_signalr_service.main",
        "azapi_resource.westus2",
        "azurerm_subnet.functions",
    ] {
        assert!(after.contains(dep), "{after}");
    }
    let unlocked = PRIVATE.replace("lock = \"CanNotDelete\"", "lock = \"none\"");
    let (ws, rc, err) = build(&unlocked, &["terraform"]);
    assert_eq!(rc, 0, "a warning only: {err}");
    assert!(err.contains("warning[security/resource-group-unlocked]"), "{err}");
    assert!(resources(&main_tf(&env_dir(&ws)), "azurerm_management_lock").is_empty());
}

#[test]
fn elastic_premium_routes_all_traffic_and_gets_a_file_endpoint() {
    let ep = PRIVATE.replace("plan = \"FC1\"", "plan = \"EP1\"");
    let (ws, rc, err) = build(&ep, &["terraform"]);
    assert_eq!(rc, 0, "{err}");
    let body = main_tf(&env_dir(&ws));
    let keys: Vec<_> = resources(&body, "azurerm_private_endpoint")
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert!(keys.contains(&"file"), "the content share is on Azure Files: {keys:?}");
    let subnet = resources(&body, "azurerm_subnet")
        .into_iter()
        .find(|(n, _)| *n == "functions")
        .unwrap()
        .1;
    let service = inner(inner(subnet, "delegation")[0], "service_delegation");
    assert_eq!(text(service[0], "name"), "Microsoft.Web/serverFarms");
    let app = resources(&body, "azurerm_linux_function_app")[0].1;
    assert_eq!(text(app, "virtual_network_subnet_id"), "azurerm_subnet.functions.id");
    assert_eq!(text(inner(app, "site_config")[0], "vnet_route_all_enabled"), "true");
    assert!(text(app, "app_settings").contains("WEBSITE_CONTENTOVERVNET"));
}

#[test]
fn custom_domain_reads_the_certificate_after_the_vault_grant() {
    let domain = with(
        PRIVATE,
        r#"
[signalr.custom_domain]
host_name = "realtime.example.com"
certificate_secret_id = "https://kv-contoso.vault.azure.net/secrets/realtime-cert"
key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-contoso"
"#,
    );
    let (ws, rc, err) = build(&domain, &["terraform"]);
    assert_eq!(rc, 0, "{err}");
    let body = main_tf(&env_dir(&ws));
    let grant = resources(&body, "azurerm_role_assignment")
        .into_iter()
        .find(|(n, _)| *n == "key_vault_secrets_user")
        .expect("SignalR's identity is granted the vault's secrets")
        .1;
    assert!(text(grant, "scope").ends_with("/vaults/kv-contoso"));
    assert!(text(grant, "role_definition_id").contains("4633458b-17de-408a-b874-0445c86b69e6"));
    assert!(text(grant, "principal_id").contains("azurerm_signalr_service.main.identity"));
    let cert = resources(&body, "azurerm_signalr_service_custom_certificate")[0].1;
    assert_eq!(
        text(cert, "custom_certificate_id"),
        "https://kv-contoso.vault.azure.net/secrets/realtime-cert"
    );
    assert!(text(cert, "depends_on").contains("azurerm_role_assignment.key_vault_secrets_user"));
    let bound = resources(&body, "azurerm_signalr_service_custom_domain")[0].1;
    assert_eq!(text(bound, "domain_name"), "realtime.example.com");
    assert_eq!(
        text(bound, "signalr_custom_certificate_id"),
        "azurerm_signalr_service_custom_certificate.main.id"
    );
}

#[test]
fn refused_combinations_write_nothing_and_point_at_the_line() {
    let y1 = PRIVATE.replace("plan = \"FC1\"", "plan = \"Y1\"");
    let (ws, rc, err) = build(&y1, &["terraform"]);
    assert_eq!(rc, 1, "{err}");
    assert!(err.contains("error[network/private-mode-on-y1]"), "{err}");
    assert!(!ws.path().join("out").exists(), "nothing written");

    let standard = PRIVATE.replace("sku = \"Premium_P1\"", "sku = \"Standard_S1\"");
    let (_, rc, err) = build(&standard, &["terraform"]);
    assert_eq!(rc, 1);
    assert!(
        err.contains("error[sku/premium-feature-not-offered]: SKU `Standard_S1` does not offer geo-replicas"),
        "{err}"
    );

    let overlap = PRIVATE.replace(
        "endpoints_subnet = \"10.40.2.0/24\"",
        "endpoints_subnet = \"10.40.1.128/25\"",
    );
    let (_, rc, err) = build(&overlap, &["terraform"]);
    assert_eq!(rc, 1);
    assert!(err.contains("error[network/subnets-overlap]"), "{err}");
    assert!(err.contains("env.toml:39:20"), "points at the value: {err}");
}

#[test]
fn arm_and_bicep_declare_the_same_private_stack() {
    let (ws, rc, err) = build(PRIVATE, &["arm", "bicep"]);
    assert_eq!(rc, 0, "{err}");
    let dir = env_dir(&ws);
    let template: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("arm/azuredeploy.json")).unwrap()).unwrap();
    let inner = &template["resources"][1]["properties"]["template"]["resources"];
    let types: Vec<&str> = inner
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    let count = |t: &str| types.iter().filter(|x| **x == t).count();
    assert_eq!(count("Microsoft.Network/virtualNetworks"), 1);
    assert_eq!(
        count("Microsoft.Network/virtualNetworks/subnets"),
        0,
        "subnets are inline in the VNet"
    );
    assert_eq!(count("Microsoft.Network/privateEndpoints"), 4);
    assert_eq!(count("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"), 4);
    assert_eq!(count("Microsoft.Network/privateDnsZones"), 4);
    assert_eq!(count("Microsoft.Network/privateDnsZones/virtualNetworkLinks"), 4);
    assert_eq!(count("Microsoft.SignalRService/signalR/replicas"), 2);
    assert_eq!(
        types.last(),
        Some(&"Microsoft.Authorization/locks"),
        "the lock comes last"
    );
    let by_type = |t: &str| inner.as_array().unwrap().iter().find(|r| r["type"] == t).unwrap();
    let vnet = by_type("Microsoft.Network/virtualNetworks");
    let subnets = vnet["properties"]["subnets"].as_array().unwrap();
    assert_eq!(subnets.len(), 2);
    let delegated = subnets.iter().find(|s| s["name"] == "snet-functions").unwrap();
    assert_eq!(
        delegated["properties"]["delegations"][0]["properties"]["serviceName"],
        "Microsoft.App/environments"
    );
    let storage = by_type("Microsoft.Storage/storageAccounts");
    assert_eq!(storage["properties"]["publicNetworkAccess"], "Disabled");
    assert_eq!(storage["properties"]["networkAcls"]["defaultAction"], "Deny");
    let site = by_type("Microsoft.Web/sites");
    assert!(site["properties"]["virtualNetworkSubnetId"]
        .as_str()
        .unwrap()
        .contains("'snet-functions'"));
    let signalr = by_type("Microsoft.SignalRService/signalR");
    assert_eq!(
        signalr["properties"]["networkACLs"]["publicNetwork"]["allow"],
        serde_json::json!(["ClientConnection"])
    );
    let replica = by_type("Microsoft.SignalRService/signalR/replicas");
    assert_eq!(
        replica["location"], "['northeurope']",
        "a literal region, as an ARM expression"
    );
    assert_eq!(replica["sku"]["capacity"], 1);

    let bicep = fs::read_to_string(dir.join("bicep/stack.bicep")).unwrap();
    for decl in [
        "resource vnet 'Microsoft.Network/virtualNetworks@",
        "resource privateEndpointSignalr 'Microsoft.Network/privateEndpoints@",
        "resource privateEndpointSignalrZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@",
        "resource signalRReplicaWestus2 'Microsoft.SignalRService/signalR/replicas@",
        "resource resourceGroupLock 'Microsoft.Authorization/locks@",
        "resource subnetFunctions 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing",
    ] {
        assert!(bicep.contains(decl), "{decl}");
    }
}

#[test]
fn arm_and_bicep_grant_the_vault_in_its_own_resource_group() {
    let domain = with(
        PRIVATE,
        r#"
[signalr.custom_domain]
host_name = "realtime.example.com"
certificate_secret_id = "https://kv-contoso.vault.azure.net/secrets/realtime-cert"
key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-contoso"
"#,
    );
    let (ws, rc, err) = build(&domain, &["arm", "bicep"]);
    assert_eq!(rc, 0, "{err}");
    let dir = env_dir(&ws);
    let template: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("arm/azuredeploy.json")).unwrap()).unwrap();
    let inner = template["resources"][1]["properties"]["template"]["resources"]
        .as_array()
        .unwrap()
        .clone();
    let grant = inner
        .iter()
        .find(|r| r["name"] == "sigc-role-key-vault-secrets-user")
        .expect("the vault grant is a nested deployment");
    assert_eq!(grant["type"], "Microsoft.Resources/deployments");
    assert_eq!(grant["resourceGroup"], "rg-kv");
    assert_eq!(grant["subscriptionId"], "00000000-0000-0000-0000-000000000000");
    let text = grant.to_string();
    assert!(
        text.contains("4633458b-17de-408a-b874-0445c86b69e6"),
        "Key Vault Secrets User"
    );
    assert!(text.contains("kv-contoso"));
    let cert = inner
        .iter()
        .find(|r| r["type"] == "Microsoft.SignalRService/signalR/customCertificates")
        .unwrap();
    assert_eq!(
        cert["properties"]["keyVaultBaseUri"],
        "https://kv-contoso.vault.azure.net/"
    );
    assert_eq!(cert["properties"]["keyVaultSecretName"], "realtime-cert");
    let after = cert["dependsOn"].to_string();
    assert!(
        after.contains("'rg-kv'") && after.contains("sigc-role-key-vault-secrets-user"),
        "{after}"
    );
    let domain_res = inner
        .iter()
        .find(|r| r["type"] == "Microsoft.SignalRService/signalR/customDomains")
        .unwrap();
    assert_eq!(domain_res["properties"]["domainName"], "realtime.example.com");

    let bicep = fs::read_to_string(dir.join("bicep/stack.bicep")).unwrap();
    assert!(
        bicep.contains("scope: resourceGroup('00000000-0000-0000-0000-000000000000', 'rg-kv')"),
        "{bicep}"
    );
    assert!(dir.join("bicep/role_assignment_key_vault.bicep").exists());
}

/// ARM and Bicep cannot name SignalR's private endpoint connection (Azure names it
/// `<service>.<guid>` when the endpoint is created), and an unnamed endpoint falls to the
/// default action. So in private mode they write `Allow` as the default and deny the public
/// network every request type but ClientConnection: server and REST traffic reach SignalR only
/// through the private endpoint, browsers keep the public client endpoint.
#[test]
fn arm_and_bicep_let_the_private_endpoint_carry_server_traffic_without_naming_it() {
    let (ws, rc, err) = build(PRIVATE, &["arm", "bicep"]);
    assert_eq!(rc, 0, "{err}");
    let dir = env_dir(&ws);
    let template: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("arm/azuredeploy.json")).unwrap()).unwrap();
    let inner = template["resources"][1]["properties"]["template"]["resources"]
        .as_array()
        .unwrap();
    let signalr = inner
        .iter()
        .find(|r| r["type"] == "Microsoft.SignalRService/signalR")
        .expect("SignalR");
    let acl = &signalr["properties"]["networkACLs"];
    assert_eq!(acl["defaultAction"], "Allow", "{acl}");
    assert_eq!(acl["publicNetwork"]["allow"], serde_json::json!(["ClientConnection"]));
    assert_eq!(
        acl["publicNetwork"]["deny"],
        serde_json::json!(["ServerConnection", "RESTAPI", "Trace"])
    );
    assert!(acl.get("privateEndpoints").is_none(), "no connection name is guessed");
    let bicep = fs::read_to_string(dir.join("bicep/stack.bicep")).unwrap();
    assert!(bicep.contains("defaultAction: 'Allow'"), "Bicep says what ARM says");
}
