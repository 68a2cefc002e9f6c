//! One test per first-deploy pitfall of azure-facts §8 (P13-P18), named after it: each builds
//! the affected plans through the real CLI (`--target all`) and asserts every deploy target.

use std::fs;

mod common;

use common::{code, sigc, stderr};

/// A clean development environment on `plan` (`FC1`, `Y1` or `EP1`).
fn env(plan: &str) -> String {
    env_with(plan, "")
}

/// [`env`] with `extra` TOML appended.
fn env_with(plan: &str, extra: &str) -> String {
    format!(
        r#"[environment]
name = "dev"
workload = "chat"
location = "eastus"
profile = "development"

[signalr]
sku = "Free_F1"

[functions]
plan = "{plan}"
{extra}"#
    )
}

/// Every deploy target of one build.
struct Outputs {
    terraform: String,
    terraform_json: serde_json::Value,
    arm: String,
    bicep: String,
}

fn build(plan: &str) -> Outputs {
    build_text(plan, &env(plan))
}

fn build_text(plan: &str, text: &str) -> Outputs {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("env.toml"), text).unwrap();
    let out = sigc(dir.path(), &["build", "env.toml", "--target", "all"]);
    assert_eq!(code(&out), 0, "{plan}: {}", stderr(&out));
    let root = dir.path().join("build/dev");
    let read = |p: &str| fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{plan}: {p}: {e}"));
    let mut bicep = String::new();
    let mut files: Vec<_> = fs::read_dir(root.join("bicep"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files.iter().filter(|p| p.extension().is_some_and(|x| x == "bicep")) {
        bicep.push_str(&fs::read_to_string(path).unwrap());
    }
    Outputs {
        terraform: read("terraform/main.tf"),
        terraform_json: serde_json::from_str(&read("terraform-json/main.tf.json")).unwrap(),
        arm: read("arm/azuredeploy.json"),
        bicep,
    }
}

/// The `app_settings` object of the function app in Terraform JSON.
fn json_app_settings<'a>(doc: &'a serde_json::Value, plan: &str) -> &'a serde_json::Map<String, serde_json::Value> {
    let ty = if plan == "FC1" {
        "azurerm_function_app_flex_consumption"
    } else {
        "azurerm_linux_function_app"
    };
    let app = doc["resource"][ty]
        .as_object()
        .and_then(|m| m.values().next())
        .unwrap_or_else(|| panic!("{plan}: no {ty}"));
    app["app_settings"].as_object().expect("app_settings")
}

#[test]
fn p13_flex_terraform_drops_keyless_azurewebjobsstorage() {
    for plan in ["FC1", "Y1", "EP1"] {
        let o = build(plan);
        let settings = json_app_settings(&o.terraform_json, plan);
        if plan == "FC1" {
            // Terraform: the empty value that keeps azurerm's key-less connection string out of
            // Azure, next to the identity-based settings, with its source as a comment on the block.
            assert_eq!(
                settings.get("AzureWebJobsStorage"),
                Some(&serde_json::json!("")),
                "{plan}"
            );
            assert_eq!(settings["AzureWebJobsStorage__credential"], "managedidentity", "{plan}");
            assert!(settings.contains_key("AzureWebJobsStorage__accountName"), "{plan}");
            let block = o
                .terraform
                .split("resource \"azurerm_function_app_flex_consumption\"")
                .nth(1)
                .expect("flex function app block");
            let block = &block[..block.find("\n}\n").unwrap()];
            assert!(
                block.contains("\"AzureWebJobsStorage\"") && block.contains("= \"\""),
                "{block}"
            );
            assert!(
                block.contains("# P13:") && block.contains("terraform-provider-azurerm#29149"),
                "{block}"
            );
            assert!(
                block.contains("storage_authentication_type = \"SystemAssignedIdentity\""),
                "{block}"
            );
        } else {
            // Y1/EP keep their content share on Azure Files, which takes the account key: the
            // provider builds a full connection string from it, so no workaround is written.
            assert!(!settings.contains_key("AzureWebJobsStorage"), "{plan}: {settings:?}");
            assert!(!o.terraform.contains("# P13:"), "{plan}");
            assert!(o.terraform.contains("storage_account_access_key"), "{plan}");
        }
        // ARM and Bicep are not affected: with identity-based storage (FC1) they carry only the
        // `__accountName` / `__credential` pair, never a key-less connection string.
        if plan == "FC1" {
            assert!(
                !o.arm.contains("\"AzureWebJobsStorage\""),
                "{plan}: ARM has a plain AzureWebJobsStorage"
            );
            assert!(
                !o.bicep.contains("'AzureWebJobsStorage'"),
                "{plan}: Bicep has a plain AzureWebJobsStorage"
            );
            assert!(o.arm.contains("\"AzureWebJobsStorage__accountName\""), "{plan}");
            assert!(o.bicep.contains("'AzureWebJobsStorage__accountName'"), "{plan}");
        } else {
            for (target, text) in [("ARM", &o.arm), ("Bicep", &o.bicep)] {
                let at = text
                    .find("AzureWebJobsStorage")
                    .unwrap_or_else(|| panic!("{plan}: {target}"));
                let value = &text[at..(at + 400).min(text.len())];
                assert!(
                    value.contains("AccountKey="),
                    "{plan}: {target} connection string has no key: {value}"
                );
            }
        }
    }
}

#[test]
fn p15_function_app_cors_allows_credentials_for_signalr_origins() {
    let origins = r#"
[signalr.cors]
allowed_origins = ["https://chat.example.com", "http://localhost:3000"]
"#;
    for plan in ["FC1", "Y1", "EP1"] {
        let o = build_text(plan, &env_with(plan, origins));
        // Terraform JSON: the function app's CORS = the SignalR origins, with credentials.
        let ty = if plan == "FC1" {
            "azurerm_function_app_flex_consumption"
        } else {
            "azurerm_linux_function_app"
        };
        let app = o.terraform_json["resource"][ty]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        let cors = &app["site_config"]["cors"];
        assert_eq!(
            cors["allowed_origins"],
            serde_json::json!(["https://chat.example.com", "http://localhost:3000"]),
            "{plan}: {cors}"
        );
        assert_eq!(cors["support_credentials"], true, "{plan}: {cors}");
        // Terraform HCL: the same inside the function app block (SignalR's own CORS has no such key).
        let block = o.terraform.split(&format!("resource \"{ty}\"")).nth(1).unwrap();
        let block = &block[..block.find("\n}\n").unwrap()];
        assert!(block.contains("support_credentials = true"), "{plan}: {block}");
        // ARM: siteConfig.cors.supportCredentials.
        let arm: serde_json::Value = serde_json::from_str(&o.arm).unwrap();
        let mut found = Vec::new();
        collect_key(&arm, "supportCredentials", &mut found);
        assert_eq!(found, vec![serde_json::json!(true)], "{plan}: ARM");
        assert!(o.arm.contains("\"https://chat.example.com\""), "{plan}");
        // Bicep.
        assert!(o.bicep.contains("supportCredentials: true"), "{plan}: Bicep");
    }
    // No origins: no function-app CORS block, so nothing claims credentials.
    let o = build("FC1");
    assert!(!o.terraform.contains("support_credentials"));
    assert!(!o.arm.contains("supportCredentials") && !o.bicep.contains("supportCredentials"));
}

#[test]
fn p15_dev_example_has_function_app_cors_with_credentials() {
    let text = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/dev.toml")).unwrap();
    let o = build_text("FC1", &text);
    assert!(o.terraform.contains("support_credentials = true"), "{}", o.terraform);
    assert!(o.bicep.contains("supportCredentials: true"));
    assert!(o.arm.contains("\"supportCredentials\": true"));
}

/// Every value stored under `key` anywhere in `v` (ARM nests the stack in deployments).
fn collect_key(v: &serde_json::Value, key: &str, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.push(x.clone());
                }
                collect_key(x, key, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_key(x, key, out)),
        _ => {}
    }
}

#[test]
fn p18_default_azurerm_constraint_starts_at_the_lowest_release_with_everything_emitted() {
    for plan in ["FC1", "Y1", "EP1"] {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("env.toml"), env(plan)).unwrap();
        let out = sigc(dir.path(), &["build", "env.toml", "--target", "all"]);
        assert_eq!(code(&out), 0, "{plan}: {}", stderr(&out));
        let versions = fs::read_to_string(dir.path().join("build/dev/terraform/versions.tf")).unwrap();
        assert!(versions.contains("version = \">= 4.31, < 5.0\""), "{plan}: {versions}");
        let json: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(dir.path().join("build/dev/terraform-json/main.tf.json")).unwrap(),
        )
        .unwrap();
        let azurerm = &json["terraform"]["required_providers"]["azurerm"];
        assert_eq!(azurerm["version"], ">= 4.31, < 5.0", "{plan}: {json}");
    }
    // An explicit constraint still wins.
    let o = build_text("FC1", &env_with("FC1", "\n[outputs]\nazurerm_version = \"~> 4.40\"\n"));
    let azurerm = &o.terraform_json["terraform"]["required_providers"]["azurerm"];
    assert_eq!(azurerm["version"], "~> 4.40");
}

/// The role-assignment resources of an ARM template: (nested deployment, the assignment in it).
fn arm_role_assignments(arm: &serde_json::Value) -> Vec<(serde_json::Value, serde_json::Value)> {
    arm["resources"][1]["properties"]["template"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "Microsoft.Resources/deployments")
        .map(|d| (d.clone(), d["properties"]["template"]["resources"][0].clone()))
        .collect()
}

/// Evaluates one Terraform expression with `terraform console` (no providers needed for
/// built-in functions), or `None` when no terraform binary is installed.
fn terraform_eval(expression: &str) -> Option<String> {
    let bin = ["terraform", "/usr/local/bin/terraform"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(bin)
        .arg("console")
        .current_dir(dir.path())
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{expression}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "terraform console failed on {expression}");
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .trim_matches('"')
            .to_string(),
    )
}

#[test]
fn p17_role_assignment_names_come_from_scope_principal_id_and_role_in_every_target() {
    const STORAGE_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-chat-dev/providers/Microsoft.Storage/storageAccounts/stchatdev";
    for plan in ["FC1", "Y1", "EP1"] {
        let app = |name: &str| {
            build_text(
                plan,
                &env_with(plan, &format!("\n[naming.names]\nfunction_app = \"{name}\"\n")),
            )
        };
        let (a, a_again, b) = (app("func-a"), app("func-a"), app("func-b"));
        // Same inputs, same names, in every target.
        assert_eq!(a.terraform, a_again.terraform, "{plan}");
        assert_eq!(a.arm, a_again.arm, "{plan}");
        assert_eq!(a.bicep, a_again.bicep, "{plan}");

        // Terraform: uuidv5 over scope id, principal id and role definition id.
        let ty = if plan == "FC1" {
            "azurerm_function_app_flex_consumption"
        } else {
            "azurerm_linux_function_app"
        };
        let assignments = a.terraform_json["resource"]["azurerm_role_assignment"]
            .as_object()
            .unwrap();
        assert_eq!(assignments.len(), if plan == "FC1" { 4 } else { 1 }, "{plan}");
        for (label, ra) in assignments {
            let name = ra["name"].as_str().unwrap();
            let principal = format!("${{{ty}.main.identity[0].principal_id}}");
            assert!(name.starts_with("${uuidv5(\"url\", \""), "{plan} {label}: {name}");
            assert!(name.contains(&principal), "{plan} {label}: {name}");
            let role = ra["role_definition_id"].as_str().unwrap().rsplit('/').next().unwrap();
            assert!(name.contains(&format!("}}/{role}\")}}")), "{plan} {label}: {name}");
            assert!(
                !name.contains(&format!("{ty}.main.id}}")),
                "{plan} {label}: not the app's resource id: {name}"
            );
            // Evaluated: two principals on one scope and role get two names, one principal one name.
            let scope = ra["scope"].as_str().unwrap();
            let seed = |principal_id: &str| {
                let inner = &name["${uuidv5(\"url\", ".len()..name.len() - 2];
                format!(
                    "uuidv5(\"url\", {})",
                    inner.replace(scope, STORAGE_ID).replace(&principal, principal_id)
                )
            };
            let one = seed("11111111-1111-1111-1111-111111111111");
            let two = seed("22222222-2222-2222-2222-222222222222");
            if let (Some(x), Some(y), Some(x_again)) =
                (terraform_eval(&one), terraform_eval(&two), terraform_eval(&one))
            {
                assert_ne!(x, y, "{plan} {label}: {one} vs {two}");
                assert_eq!(x, x_again, "{plan} {label}");
                assert_eq!(x.len(), 36, "{plan} {label}: a GUID: {x}");
            }
        }

        // ARM: each assignment in its own nested deployment; the outer one passes the app's
        // principal id in, the inner one names the assignment from that parameter.
        let parse = |o: &Outputs| serde_json::from_str::<serde_json::Value>(&o.arm).unwrap();
        let (arm_a, arm_b) = (parse(&a), parse(&b));
        let (roles_a, roles_b) = (arm_role_assignments(&arm_a), arm_role_assignments(&arm_b));
        assert_eq!(roles_a.len(), if plan == "FC1" { 4 } else { 1 }, "{plan}");
        for ((dep_a, ra_a), (dep_b, ra_b)) in roles_a.iter().zip(&roles_b) {
            let name = ra_a["name"].as_str().unwrap();
            assert!(name.starts_with("[guid(resourceId('Microsoft."), "{plan}: {name}");
            assert!(
                name.contains(
                    ", parameters('principalId'), subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '"
                ),
                "{plan}: {name}"
            );
            assert!(
                !name.contains("Microsoft.Web/sites"),
                "{plan}: named from the app's resource id: {name}"
            );
            assert_eq!(
                ra_a["properties"]["principalId"], "[parameters('principalId')]",
                "{plan}"
            );
            assert_eq!(dep_a["properties"]["expressionEvaluationOptions"]["scope"], "Inner");
            let passed = |d: &serde_json::Value| {
                d["properties"]["parameters"]["principalId"]["value"]
                    .as_str()
                    .unwrap()
                    .to_string()
            };
            assert_eq!(
                passed(dep_a),
                "[reference(resourceId('Microsoft.Web/sites', 'func-a'), '2024-11-01', 'full').identity.principalId]"
            );
            assert_eq!(
                passed(dep_b),
                "[reference(resourceId('Microsoft.Web/sites', 'func-b'), '2024-11-01', 'full').identity.principalId]"
            );
            // The two apps differ only in the principal passed in: the name formula is the same.
            assert_eq!(ra_a["name"], ra_b["name"], "{plan}");
            assert_eq!(dep_a["name"], dep_b["name"], "{plan}: a fixed deployment name");
        }

        // Bicep: a module per scope type computes guid(scope, principal id, role) from its params.
        assert!(
            a.bicep
                .contains("  name: guid(scopeResource.id, principalId, roleDefinitionId)\n"),
            "{plan}"
        );
        assert!(
            a.bicep.contains("    principalId: functionApp.identity.principalId\n"),
            "{plan}"
        );
        assert!(
            !a.bicep.contains("functionApp.id,"),
            "{plan}: named from the app's resource id"
        );
    }
}

#[test]
fn p16_diagnostic_settings_send_signalr_and_function_app_logs_to_the_workspace() {
    for plan in ["FC1", "Y1", "EP1"] {
        let app_ty = if plan == "FC1" {
            "azurerm_function_app_flex_consumption"
        } else {
            "azurerm_linux_function_app"
        };
        let on = build(plan);
        // Terraform (HCL and JSON: one configuration model).
        let diag = &on.terraform_json["resource"]["azurerm_monitor_diagnostic_setting"];
        assert_eq!(diag.as_object().map(|m| m.len()), Some(2), "{plan}: {diag}");
        let signalr = &diag["signalr"];
        assert_eq!(
            signalr["target_resource_id"], "${azurerm_signalr_service.main.id}",
            "{plan}"
        );
        assert_eq!(
            signalr["log_analytics_workspace_id"], "${azurerm_log_analytics_workspace.main.id}",
            "{plan}"
        );
        assert_eq!(
            signalr["enabled_log"],
            serde_json::json!({"category_group": "allLogs"}),
            "{plan}"
        );
        let app = &diag["function_app"];
        assert_eq!(app["target_resource_id"], format!("${{{app_ty}.main.id}}"), "{plan}");
        assert_eq!(
            app["enabled_log"],
            serde_json::json!({"category": "FunctionAppLogs"}),
            "{plan}"
        );
        assert!(
            on.terraform.contains(
                "resource \"azurerm_monitor_diagnostic_setting\" \"signalr\" {\n  name                       = \"diag-sigr-chat-dev\"\n  target_resource_id         = azurerm_signalr_service.main.id\n  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id\n\n  enabled_log {\n    category_group = \"allLogs\"\n  }\n}"
            ),
            "{plan}: {}",
            on.terraform
        );
        // ARM: extension resources with `scope`, after their source and the workspace.
        let arm: serde_json::Value = serde_json::from_str(&on.arm).unwrap();
        let settings: Vec<&serde_json::Value> = arm["resources"][1]["properties"]["template"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "Microsoft.Insights/diagnosticSettings")
            .collect();
        assert_eq!(settings.len(), 2, "{plan}");
        let by_scope = |scope: &str| {
            *settings
                .iter()
                .find(|s| s["scope"] == scope)
                .unwrap_or_else(|| panic!("{plan}: no setting on {scope}"))
        };
        let s = by_scope("[format('Microsoft.SignalRService/signalR/{0}', 'sigr-chat-dev')]");
        assert_eq!(
            s["properties"]["logs"],
            serde_json::json!([{"categoryGroup": "allLogs", "enabled": true}])
        );
        assert_eq!(
            s["properties"]["workspaceId"],
            "[resourceId('Microsoft.OperationalInsights/workspaces', 'log-chat-dev')]"
        );
        assert!(
            s["dependsOn"].to_string().contains("Microsoft.SignalRService/signalR"),
            "{plan}"
        );
        let f = by_scope("[format('Microsoft.Web/sites/{0}', 'func-chat-dev')]");
        assert_eq!(
            f["properties"]["logs"],
            serde_json::json!([{"category": "FunctionAppLogs", "enabled": true}])
        );
        // Bicep.
        assert!(
            on.bicep.contains("resource signalRDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  name: 'diag-sigr-chat-dev'\n  scope: signalR\n  properties: {\n    workspaceId: logAnalytics.id\n    logs: [\n      {\n        categoryGroup: 'allLogs'\n        enabled: true\n      }\n    ]\n  }\n}"),
            "{plan}: {}",
            on.bicep
        );
        assert!(
            on.bicep.contains("  scope: functionApp\n  properties: {\n    workspaceId: logAnalytics.id\n    logs: [\n      {\n        category: 'FunctionAppLogs'\n        enabled: true\n      }\n    ]"),
            "{plan}"
        );

        // `diagnostic_settings = false`: none in any target.
        let off = build_text(plan, &env_with(plan, "\n[monitoring]\ndiagnostic_settings = false\n"));
        assert!(
            off.terraform_json["resource"]
                .get("azurerm_monitor_diagnostic_setting")
                .is_none(),
            "{plan}"
        );
        assert!(!off.terraform.contains("azurerm_monitor_diagnostic_setting"), "{plan}");
        assert!(!off.arm.contains("Microsoft.Insights/diagnosticSettings"), "{plan}");
        assert!(!off.bicep.contains("Microsoft.Insights/diagnosticSettings"), "{plan}");
    }
}

#[test]
fn p14_reapplies_never_remove_the_setting_publishing_adds() {
    const RFP: &str = "WEBSITE_RUN_FROM_PACKAGE";
    for plan in ["FC1", "Y1", "EP1"] {
        let publish = plan != "FC1";
        let o = build_text(
            plan,
            &env_with(plan, "app_settings = { NOTE = \"it's [concat('x')]\" }\n"),
        );
        // Terraform HCL: lifecycle.ignore_changes on the map key, as Terraform writes it.
        let hcl = "  lifecycle {\n    ignore_changes = [app_settings[\"WEBSITE_RUN_FROM_PACKAGE\"]]\n  }\n";
        assert_eq!(o.terraform.contains(hcl), publish, "{plan}: {}", o.terraform);
        // Terraform JSON: the same, each element a string holding the bare expression.
        let ty = if publish {
            "azurerm_linux_function_app"
        } else {
            "azurerm_function_app_flex_consumption"
        };
        let lifecycle = &o.terraform_json["resource"][ty]["main"]["lifecycle"];
        if publish {
            assert_eq!(
                lifecycle,
                &serde_json::json!({"ignore_changes": ["app_settings[\"WEBSITE_RUN_FROM_PACKAGE\"]"]}),
                "{plan}"
            );
        } else {
            assert!(lifecycle.is_null(), "{plan}: {lifecycle}");
        }
        // Nothing in any target presets the setting (P2: the publish step owns it).
        assert!(!json_app_settings(&o.terraform_json, plan).contains_key(RFP), "{plan}");

        // ARM: on Y1/EP the site carries no settings; a sites/config `appsettings` resource
        // after it writes the stack's settings and carries over the current publish setting.
        let arm: serde_json::Value = serde_json::from_str(&o.arm).unwrap();
        let inner = arm["resources"][1]["properties"]["template"]["resources"]
            .as_array()
            .unwrap();
        let find = |ty: &str| inner.iter().find(|r| r["type"] == ty);
        let site = find("Microsoft.Web/sites").unwrap();
        let config = find("Microsoft.Web/sites/config");
        assert_eq!(
            site["properties"]["siteConfig"].get("appSettings").is_none(),
            publish,
            "{plan}"
        );
        assert_eq!(config.is_some(), publish, "{plan}");
        if let Some(config) = config {
            assert_eq!(config["name"], "func-chat-dev/appsettings");
            assert_eq!(
                config["dependsOn"],
                serde_json::json!(["[resourceId('Microsoft.Web/sites', 'func-chat-dev')]"])
            );
            let p = config["properties"].as_str().unwrap();
            let current = "list(resourceId('Microsoft.Web/sites/config', 'func-chat-dev', 'appsettings'), '2024-11-01').properties";
            assert!(
                p.starts_with("[union(createObject('APPLICATIONINSIGHTS_CONNECTION_STRING', "),
                "{plan}: {p}"
            );
            assert!(
                p.ends_with(&format!(
                    ", if(contains({current}, 'WEBSITE_RUN_FROM_PACKAGE'), createObject('WEBSITE_RUN_FROM_PACKAGE', {current}['WEBSITE_RUN_FROM_PACKAGE']), createObject()))]"
                )),
                "{plan}: {p}"
            );
            // A user value is a quoted literal inside the expression, never evaluated.
            assert!(p.contains("'NOTE', 'it''s [concat(''x'')]'"), "{plan}: {p}");
            assert!(p.contains("'WEBSITE_CONTENTSHARE', 'func-chat-dev'"), "{plan}: {p}");
            // The host stores its secrets with those settings: the key comes after them.
            let key = find("Microsoft.Web/sites/host/systemKeys").unwrap();
            assert!(
                key["dependsOn"]
                    .to_string()
                    .contains("Microsoft.Web/sites/config', 'func-chat-dev', 'appsettings'"),
                "{plan}"
            );
        } else {
            let names = site["properties"]["siteConfig"]["appSettings"].to_string();
            assert!(names.contains("\"NOTE\""), "{plan}");
        }

        // Bicep: the same shape.
        let settings = o
            .bicep
            .find("resource functionAppSettings 'Microsoft.Web/sites/config@2024-11-01' = {");
        assert_eq!(settings.is_some(), publish, "{plan}");
        if let Some(at) = settings {
            let decl = &o.bicep[at..at + o.bicep[at..].find("\n}\n").unwrap()];
            assert!(
                decl.contains("  parent: functionApp\n  name: 'appsettings'\n  properties: union({\n"),
                "{decl}"
            );
            assert!(decl.contains("    NOTE: 'it\\'s [concat(\\'x\\')]'\n"), "{decl}");
            assert!(
                decl.contains("}, contains(list('${functionApp.id}/config/appsettings', '2024-11-01').properties, 'WEBSITE_RUN_FROM_PACKAGE') ? {\n    WEBSITE_RUN_FROM_PACKAGE: list('${functionApp.id}/config/appsettings', '2024-11-01').properties['WEBSITE_RUN_FROM_PACKAGE']\n  } : {})"),
                "{decl}"
            );
            assert!(
                o.bicep.contains("  dependsOn: [\n    functionAppSettings\n  ]"),
                "{plan}"
            );
            let site = &o.bicep[o.bicep.find("resource functionApp 'Microsoft.Web/sites@").unwrap()..at];
            assert!(!site.contains("appSettings:"), "{plan}: {site}");
        } else {
            assert!(o.bicep.contains("      appSettings: [\n"), "{plan}");
        }
    }
}

#[test]
fn p15_wildcard_with_credentials_is_refused_at_its_line_and_never_emitted() {
    for plan in ["FC1", "Y1", "EP1"] {
        // The file asks for both: an error at the `*`, exit 1, nothing written.
        let dir = tempfile::tempdir().unwrap();
        let text = env_with(
            plan,
            "cors_allowed_origins = [\"*\"]\ncors_support_credentials = true\n",
        );
        fs::write(dir.path().join("env.toml"), &text).unwrap();
        let out = sigc(dir.path(), &["build", "env.toml", "--target", "all"]);
        assert_eq!(code(&out), 1, "{plan}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("error[cors/wildcard-with-credentials]: `*` in `functions.cors_allowed_origins` cannot be combined with `cors_support_credentials = true`"),
            "{plan}: {err}"
        );
        let line = text
            .lines()
            .position(|l| l.starts_with("cors_allowed_origins"))
            .unwrap()
            + 1;
        assert!(err.contains(&format!(" --> env.toml:{line}:25\n")), "{plan}: {err}");
        assert!(!dir.path().join("build").exists(), "{plan}: nothing is written");

        // `*` alone (development waives nothing, the wildcard rule only warns there): emitted
        // without credentials in every target.
        let o = build_text(plan, &env_with(plan, "cors_allowed_origins = [\"*\"]\n"));
        assert!(o.terraform.contains("support_credentials = false"), "{plan}");
        assert!(!o.terraform.contains("support_credentials = true"), "{plan}");
        assert!(o.arm.contains("\"supportCredentials\": false"), "{plan}");
        assert!(o.bicep.contains("supportCredentials: false"), "{plan}");
        let json = o.terraform_json.to_string();
        assert!(json.contains("\"support_credentials\":false"), "{plan}");

        // Exact origins with credentials asked for explicitly: credentials on.
        let o = build_text(
            plan,
            &env_with(
                plan,
                "cors_allowed_origins = [\"https://app.example.com\"]\ncors_support_credentials = true\n",
            ),
        );
        assert!(o.terraform.contains("support_credentials = true"), "{plan}");
        assert!(o.arm.contains("\"supportCredentials\": true"), "{plan}");
        assert!(o.bicep.contains("supportCredentials: true"), "{plan}");
    }
}

#[test]
fn p15_y1_gets_a_warning_that_platform_cors_is_documented_unavailable() {
    for plan in ["FC1", "Y1", "EP1"] {
        let dir = tempfile::tempdir().unwrap();
        let text = env_with(plan, "cors_allowed_origins = [\"https://app.example.com\"]\n");
        fs::write(dir.path().join("env.toml"), &text).unwrap();
        let out = sigc(dir.path(), &["check", "env.toml"]);
        assert_eq!(code(&out), 0, "{plan}: a warning: {}", stderr(&out));
        let found = stderr(&out).contains(
            "warning[functions/cors-unavailable-on-y1]: platform CORS is documented as unavailable on Linux Consumption (`Y1`)",
        );
        assert_eq!(found, plan == "Y1", "{plan}: {}", stderr(&out));
        if plan == "Y1" {
            let line = text.lines().position(|l| l.starts_with("plan = ")).unwrap() + 1;
            assert!(
                stderr(&out).contains(&format!(" --> env.toml:{line}:8\n")),
                "{}",
                stderr(&out)
            );
            // The build still writes the origins (a warning does not stop it).
            let o = build_text(plan, &text);
            assert!(o.arm.contains("https://app.example.com"));
        }
    }
}
