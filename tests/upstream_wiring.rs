//! Pitfalls P19 and P20 (facts §8) through the real binary, for FC1, Y1 and EP1 and
//! both `[signalr.upstream] wiring` values, asserting every deploy target.
//!
//! P19: with `wiring = "one-apply"` (the default) the stack itself creates the
//! `signalr_extension` system key, after the app and its storage role assignments, and
//! the SignalR upstream carries it in the same deployment; no key value is in any file
//! or plan view. `two-step` keeps the switch.
//! P20: the upstream URL always carries `?code=<key>`, also with managed identity.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;

use common::{code, sigc, stderr, stdout};

const PLANS: [&str; 3] = ["FC1", "Y1", "EP1"];

fn env(plan: &str, wiring: Option<&str>, auth: &str) -> String {
    let mut text = String::from(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\n\n[signalr]\nsku = \"Standard_S1\"\n\n[signalr.cors]\nallowed_origins = [\"https://app.example.com\"]\n\n[signalr.upstream]\n",
    );
    if let Some(w) = wiring {
        text.push_str(&format!("wiring = \"{w}\"\n"));
    }
    if auth == "managed-identity" {
        text.push_str("auth = \"managed-identity\"\naudience = \"00000000-0000-0000-0000-0000000000aa\"\n");
    }
    text.push_str(&format!("\n[functions]\nplan = \"{plan}\"\n"));
    text
}

struct Built {
    arm: Value,
    bicep: String,
    tf: String,
    versions: String,
    tf_json: Value,
    plan: String,
}

fn build(plan: &str, wiring: Option<&str>, auth: &str) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("ENV.toml"), env(plan, wiring, auth)).unwrap();
    let out = sigc(dir.path(), &["build", "ENV.toml", "--out", "out", "--target", "all"]);
    assert_eq!(code(&out), 0, "{plan} {wiring:?}: {}", stderr(&out));
    let root = dir.path().join("out/dev");
    let read = |p: &str| fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let plan_out = sigc(dir.path(), &["plan", "ENV.toml"]);
    assert_eq!(code(&plan_out), 0, "{}", stderr(&plan_out));
    let json = |p: &str| serde_json::from_str::<Value>(&read(p)).unwrap();
    let tf_json_path = walk(&root)
        .into_iter()
        .find(|p| p.ends_with(".tf.json"))
        .unwrap_or_else(|| panic!("a Terraform JSON file under {}", root.display()));
    let tf_json_path = tf_json_path.as_str();
    Built {
        arm: json("arm/azuredeploy.json"),
        bicep: read("bicep/stack.bicep") + &read("bicep/main.bicep"),
        tf: read("terraform/main.tf"),
        versions: read("terraform/versions.tf"),
        tf_json: json(tf_json_path),
        plan: stdout(&plan_out),
    }
}

fn walk(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            found.extend(walk(&path).into_iter().map(|p| format!("{rel}/{p}")));
        } else {
            found.push(rel);
        }
    }
    found.sort();
    found
}

fn inner_resources(arm: &Value) -> &Vec<Value> {
    arm["resources"][1]["properties"]["template"]["resources"]
        .as_array()
        .unwrap()
}

fn arm_resource<'a>(arm: &'a Value, ty: &str) -> Option<&'a Value> {
    inner_resources(arm).iter().find(|r| r["type"] == ty)
}

#[test]
fn p19_one_apply_creates_the_system_key_and_wires_the_upstream_in_one_deployment() {
    for plan in PLANS {
        for wiring in [None, Some("one-apply")] {
            let b = build(plan, wiring, "none");
            let flex = plan == "FC1";

            // ARM: the key resource, name only, after the app and the storage roles.
            let key = arm_resource(&b.arm, "Microsoft.Web/sites/host/systemKeys").expect("ARM host key");
            assert_eq!(key["name"], "func-chat-dev/default/signalr_extension");
            assert_eq!(key["properties"], serde_json::json!({"name": "signalr_extension"}));
            let deps = key["dependsOn"].to_string();
            assert!(
                deps.contains("resourceId('Microsoft.Web/sites', 'func-chat-dev')"),
                "{deps}"
            );
            assert_eq!(
                // Each storage role is its own nested deployment (P17).
                deps.matches("'Microsoft.Resources/deployments', 'sigc-role-storage-")
                    .count(),
                if flex { 3 } else { 0 }
            );
            let signalr = arm_resource(&b.arm, "Microsoft.SignalRService/signalR").unwrap();
            let upstream = signalr["properties"]["upstream"].as_str().unwrap();
            assert!(!upstream.contains("if("), "{plan}: no switch: {upstream}");
            assert!(signalr["dependsOn"]
                .to_string()
                .contains("Microsoft.Web/sites/host/systemKeys"));
            assert!(b.arm["parameters"].get("signalRUpstreamEnabled").is_none());

            // Bicep.
            assert!(b
                .bicep
                .contains("resource signalrHostKey 'Microsoft.Web/sites/host/systemKeys@2024-11-01' = {"));
            // SignalR waits for the key (and, on Y1/EP, for the app's separate settings, P14).
            assert!(
                b.bicep.contains("  dependsOn: [\n    signalrHostKey\n  ]")
                    || !flex
                        && b.bicep
                            .contains("  dependsOn: [\n    functionAppSettings\n    signalrHostKey\n  ]"),
                "{plan}"
            );
            assert_eq!(b.bicep.contains("    storageBlobDataOwnerAssignment\n"), flex);
            assert!(!b.bicep.contains("signalRUpstreamEnabled"));

            // Terraform HCL: azapi provider, key resource with retry, data source after it.
            assert!(b.versions.contains("source  = \"Azure/azapi\""), "{}", b.versions);
            assert!(b.tf.contains("resource \"azapi_resource\" \"signalr_extension_key\" {"));
            assert!(b
                .tf
                .contains("type      = \"Microsoft.Web/sites/host/systemKeys@2024-11-01\""));
            assert!(b.tf.contains("  retry = {\n"));
            assert_eq!(b.tf.contains("azurerm_role_assignment.storage_blob_data_owner, "), flex);
            assert!(b
                .tf
                .contains("  depends_on          = [azapi_resource.signalr_extension_key]\n"));
            assert!(!b.tf.contains("signalr_upstream_enabled"));

            // Terraform JSON: the same resource and ordering.
            let key = &b.tf_json["resource"]["azapi_resource"]["signalr_extension_key"];
            assert_eq!(
                key["body"]["properties"],
                serde_json::json!({"name": "signalr_extension"})
            );
            assert_eq!(
                b.tf_json["data"]["azurerm_function_app_host_keys"]["main"]["depends_on"],
                serde_json::json!(["azapi_resource.signalr_extension_key"])
            );
            assert!(b.tf_json.get("variable").is_none());

            // `sigc plan` lists the key and what it waits for, never a value.
            let line = b
                .plan
                .lines()
                .position(|l| l.contains("host_key.main"))
                .expect("plan lists the key");
            let deps = b.plan.lines().nth(line + 2).unwrap();
            assert!(deps.contains("function_app.main"), "{deps}");
            assert_eq!(deps.contains("role_assignment.storage_blob_data_owner"), flex, "{deps}");
        }
    }
}

#[test]
fn p19_two_step_keeps_the_switch_and_creates_no_key() {
    for plan in PLANS {
        let b = build(plan, Some("two-step"), "none");
        assert!(arm_resource(&b.arm, "Microsoft.Web/sites/host/systemKeys").is_none());
        assert_eq!(b.arm["parameters"]["signalRUpstreamEnabled"]["defaultValue"], false);
        let signalr = arm_resource(&b.arm, "Microsoft.SignalRService/signalR").unwrap();
        assert!(signalr["properties"]["upstream"]
            .as_str()
            .unwrap()
            .starts_with("[if(parameters('signalRUpstreamEnabled'), "));
        assert!(b.bicep.contains("param signalRUpstreamEnabled bool = false"));
        assert!(!b.bicep.contains("systemKeys@"));
        assert!(b.tf.contains("variable \"signalr_upstream_enabled\""));
        assert!(!b.tf.contains("azapi_resource"));
        assert!(!b.versions.contains("azapi"));
        assert_eq!(b.tf_json["variable"]["signalr_upstream_enabled"]["default"], false);
        assert!(!b.plan.contains("host_key.main"));
    }
}

#[test]
fn p20_the_upstream_url_always_carries_the_system_key() {
    for plan in PLANS {
        for wiring in ["one-apply", "two-step"] {
            for auth in ["none", "managed-identity"] {
                let b = build(plan, Some(wiring), auth);
                let what = format!("{plan} {wiring} {auth}");
                let signalr = arm_resource(&b.arm, "Microsoft.SignalRService/signalR").unwrap();
                let upstream = signalr["properties"]["upstream"].as_str().unwrap();
                assert!(
                    upstream.contains("'/runtime/webhooks/signalr?code=', listKeys("),
                    "{what}: {upstream}"
                );
                assert!(upstream.contains(".systemKeys.signalr_extension"), "{what}");
                assert_eq!(
                    upstream.contains("'ManagedIdentity'"),
                    auth == "managed-identity",
                    "{what}"
                );
                assert!(
                    b.bicep
                        .contains("var signalRWebhookPath = '/runtime/webhooks/signalr'\n"),
                    "{what}"
                );
                assert!(
                    b.bicep
                        .contains("${signalRWebhookPath}?code=${host.listKeys().systemKeys.signalr_extension}'"),
                    "{what}"
                );
                assert!(
                    b.tf.contains("/runtime/webhooks/signalr?code=${data.azurerm_function_app_host_keys.main"),
                    "{what}"
                );
                let endpoint = b.tf_json["resource"]["azurerm_signalr_service"]["main"].to_string();
                assert!(
                    endpoint.contains("/runtime/webhooks/signalr?code=${data.azurerm_function_app_host_keys.main"),
                    "{what}"
                );
            }
        }
    }
}

#[test]
fn p19_wiring_rejects_an_unknown_value_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ENV.toml"), env("FC1", Some("three-step"), "none")).unwrap();
    let out = sigc(dir.path(), &["build", "ENV.toml", "--out", "out"]);
    assert!(matches!(code(&out), 1 | 2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("ENV.toml:13"), "points at the wiring line: {err}");
    assert!(!Path::new(&dir.path().join("out")).exists(), "nothing written");
}
