//! Deploy pitfalls (facts §8), one test each, named after the pitfall: every affected plan is built
//! through the real CLI and every deploy target's output is checked.
mod common;

use common::{code, sigc, stderr};
use std::fs;

const PLANS: [&str; 3] = ["FC1", "Y1", "EP1"];

/// An environment on `plan` whose upstream uses `auth` (with an audience for managed identity).
fn env(plan: &str, auth: &str) -> String {
    let audience = if auth == "managed-identity" {
        "audience = \"11111111-2222-3333-4444-555555555555\"\n"
    } else {
        ""
    };
    format!(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n\n\
         [signalr]\nsku = \"Standard_S1\"\n\n[signalr.upstream]\nauth = \"{auth}\"\n{audience}\n\
         [functions]\nplan = \"{plan}\"\n"
    )
}

/// Builds every target for `plan`/`auth` and returns (terraform, terraform-json, arm, bicep) texts.
fn build(plan: &str, auth: &str) -> [String; 4] {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("env.toml"), env(plan, auth)).unwrap();
    let out = sigc(ws.path(), &["build", "env.toml", "--target", "all"]);
    assert_eq!(code(&out), 0, "{plan}/{auth}: {}", stderr(&out));
    let root = ws.path().join("build/dev");
    let read = |f: &str| fs::read_to_string(root.join(f)).unwrap_or_else(|e| panic!("{plan}/{auth}: {f}: {e}"));
    [
        read("terraform/main.tf"),
        read("terraform-json/main.tf.json"),
        read("arm/azuredeploy.json"),
        read("bicep/stack.bicep"),
    ]
}

/// The line of `text` that holds the upstream URL template (`key` names the attribute).
fn url_line<'a>(text: &'a str, key: &str, what: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(key)).collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: exactly one upstream URL template expected, got {lines:?}"
    );
    lines[0]
}

/// P20: the SignalR extension's webhook is authorised by the `signalr_extension` system key
/// (`code=`); an upstream with managed-identity auth alone gets 403 (Azure/Azure-Functions#2531).
/// So on every plan, and for both upstream auth modes, every deploy target's URL carries the key,
/// and the managed-identity mode adds its token on top of it.
#[test]
fn p20_upstream_url_always_carries_the_system_key() {
    for plan in PLANS {
        for auth in ["none", "managed-identity"] {
            let what = format!("{plan}/{auth}");
            let [tf, tf_json, arm, bicep] = build(plan, auth);
            let hcl_key =
                "/runtime/webhooks/signalr?code=${data.azurerm_function_app_host_keys.main[0].signalr_extension_key}";
            assert!(
                url_line(&tf, "url_template", &what).contains(hcl_key),
                "{what} terraform"
            );
            assert!(
                url_line(&tf_json, "\"url_template\"", &what).contains(hcl_key),
                "{what} terraform-json"
            );
            let arm_url = url_line(&arm, "urlTemplate", &what);
            assert!(
                arm_url.contains("/runtime/webhooks/signalr?code=', listKeys(")
                    && arm_url.contains(").systemKeys.signalr_extension"),
                "{what} arm: {arm_url}"
            );
            let bicep_url = url_line(&bicep, "urlTemplate:", &what);
            assert!(
                bicep_url.contains("?code=${host.listKeys().systemKeys.signalr_extension}"),
                "{what} bicep: {bicep_url}"
            );
            assert!(
                bicep.contains("var signalRWebhookPath = '/runtime/webhooks/signalr'"),
                "{what} bicep: webhook path"
            );
            let identity = [
                tf.contains("user_assigned_identity_id = \"11111111-2222-3333-4444-555555555555\""),
                tf_json.contains("\"user_assigned_identity_id\": \"11111111-2222-3333-4444-555555555555\""),
                arm.contains("'managedIdentity', createObject('resource', '11111111-2222-3333-4444-555555555555')"),
                bicep.contains("resource: '11111111-2222-3333-4444-555555555555'"),
            ];
            let want = auth == "managed-identity";
            assert_eq!(
                identity, [want; 4],
                "{what}: managed-identity auth in [tf, tf-json, arm, bicep]"
            );
        }
    }
}
