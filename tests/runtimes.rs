//! Both runtimes through the real binary: `runtime = "node"` (TypeScript, JavaScript) and
//! Python build for FC1, Y1 and EP; the infrastructure's runtime stack follows the runtime
//! in every deploy target, and the Functions target writes the files of the language.

mod common;

use std::fs;
use std::path::Path;

use common::{code, sigc, stderr, workspace};

fn env(plan: &str, functions: &str) -> String {
    format!(
        "[environment]\nname = \"rt\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n\n\
         [signalr]\nsku = \"Standard_S1\"\nhubs = [\"chat\", \"lobby\"]\n\n[functions]\nplan = \"{plan}\"\n{functions}"
    )
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Every app setting of the ARM template's function app, by name.
fn arm_site(template: &serde_json::Value) -> serde_json::Value {
    fn find(v: &serde_json::Value) -> Option<serde_json::Value> {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("type").and_then(|t| t.as_str()) == Some("Microsoft.Web/sites") {
                    return Some(v.clone());
                }
                m.values().find_map(find)
            }
            serde_json::Value::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    find(template).expect("the template has a function app")
}

#[test]
fn node_and_python_build_for_every_plan_with_the_stack_of_their_runtime() {
    let cases = [
        ("FC1", "runtime = \"node\"\n", "typescript", "22"),
        (
            "FC1",
            "runtime = \"node\"\nruntime_version = \"20\"\nlanguage = \"javascript\"\n",
            "javascript",
            "20",
        ),
        (
            "Y1",
            "runtime = \"node\"\nruntime_version = \"20\"\n",
            "typescript",
            "20",
        ),
        (
            "Y1",
            "runtime = \"node\"\nlanguage = \"javascript\"\n",
            "javascript",
            "22",
        ),
        (
            "EP1",
            "runtime = \"node\"\nruntime_version = \"22\"\n",
            "typescript",
            "22",
        ),
        (
            "EP2",
            "runtime = \"node\"\nlanguage = \"javascript\"\n",
            "javascript",
            "22",
        ),
        ("FC1", "", "python", "3.12"),
        ("Y1", "runtime_version = \"3.11\"\n", "python", "3.11"),
        (
            "EP3",
            "runtime = \"python\"\nruntime_version = \"3.13\"\n",
            "python",
            "3.13",
        ),
    ];
    for (plan, functions, language, version) in cases {
        let what = format!("{plan} {language} {version}");
        let dir = workspace(&[("env.toml", &env(plan, functions))]);
        let out = sigc(
            dir.path(),
            &["build", "env.toml", "--target", "all", "--color", "never"],
        );
        assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
        let root = dir.path().join("build/rt");
        let node = language != "python";
        let runtime = if node { "node" } else { "python" };

        let app: Vec<String> = files_under(&root.join("functions"));
        let expected: &[&str] = match language {
            "typescript" => &[
                "host.json",
                "package.json",
                "src/functions/http.ts",
                "src/functions/hubs.ts",
                "tsconfig.json",
            ],
            "javascript" => &[
                "host.json",
                "package.json",
                "src/functions/http.js",
                "src/functions/hubs.js",
            ],
            _ => &["function_app.py", "host.json", "requirements.txt"],
        };
        assert_eq!(app, expected, "{what}");
        if node {
            let package: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(root.join("functions/package.json")).unwrap()).unwrap();
            assert!(
                package["dependencies"]["@azure/functions"]
                    .as_str()
                    .unwrap()
                    .starts_with("^4."),
                "{what}"
            );
            let ext = if language == "typescript" { "ts" } else { "js" };
            let hubs = fs::read_to_string(root.join(format!("functions/src/functions/hubs.{ext}"))).unwrap();
            assert!(hubs.contains("serveHub('chat', 'on_chat');"), "{what}: {hubs}");
            assert!(hubs.contains("serveHub('lobby', 'on_lobby');"), "{what}");
        }

        // Terraform: Flex takes runtime_name/runtime_version, Y1/EP an application stack attribute.
        let main = fs::read_to_string(root.join("terraform/main.tf")).unwrap();
        if plan == "FC1" {
            assert!(
                main.contains(&format!("runtime_name                = \"{runtime}\"")),
                "{what}: {main}"
            );
            assert!(
                main.contains(&format!("runtime_version             = \"{version}\"")),
                "{what}"
            );
        } else {
            let attribute = if node { "node_version" } else { "python_version" };
            assert!(main.contains(&format!("{attribute} = \"{version}\"")), "{what}: {main}");
        }

        // ARM: linuxFxVersion and FUNCTIONS_WORKER_RUNTIME on Y1/EP, functionAppConfig.runtime on Flex.
        let template: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(root.join("arm/azuredeploy.json")).unwrap()).unwrap();
        let site = arm_site(&template);
        let props = &site["properties"];
        if plan == "FC1" {
            assert_eq!(
                props["functionAppConfig"]["runtime"],
                serde_json::json!({"name": runtime, "version": version}),
                "{what}"
            );
            assert!(props["siteConfig"].get("linuxFxVersion").is_none(), "{what}");
        } else {
            let stack = if node { "Node" } else { "Python" };
            assert_eq!(
                props["siteConfig"]["linuxFxVersion"],
                format!("{stack}|{version}"),
                "{what}"
            );
            // P14: on Y1/EP the settings are a separate `sites/config` `appsettings` resource.
            assert!(props["siteConfig"].get("appSettings").is_none(), "{what}");
            let config = template["resources"][1]["properties"]["template"]["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["type"] == "Microsoft.Web/sites/config")
                .expect("the appsettings resource");
            let settings = config["properties"].as_str().unwrap();
            assert!(
                settings.contains(&format!("'FUNCTIONS_WORKER_RUNTIME', '{runtime}'")),
                "{what}: {settings}"
            );
        }

        // Bicep: the same values.
        let stack_bicep = fs::read_to_string(root.join("bicep/stack.bicep")).unwrap();
        if plan == "FC1" {
            assert!(stack_bicep.contains(&format!("name: '{runtime}'")), "{what}");
        } else {
            let stack = if node { "Node" } else { "Python" };
            assert!(
                stack_bicep.contains(&format!("linuxFxVersion: '{stack}|{version}'")),
                "{what}"
            );
        }
    }
}

#[test]
fn a_language_or_version_the_runtime_does_not_run_is_refused_at_its_line() {
    for (functions, rule, line) in [
        (
            "runtime = \"python\"\nlanguage = \"typescript\"\n",
            "functions/language-not-for-runtime",
            14,
        ),
        (
            "runtime = \"node\"\nruntime_version = \"3.12\"\n",
            "functions/runtime-not-supported",
            14,
        ),
        (
            "runtime = \"node\"\nlanguage = \"python\"\n",
            "functions/language-not-for-runtime",
            14,
        ),
        ("runtime_version = \"22\"\n", "functions/runtime-not-supported", 13),
        ("runtime = \"deno\"\n", "input/invalid-value", 13),
        (
            "runtime = \"node\"\nlanguage = \"coffeescript\"\n",
            "input/invalid-value",
            14,
        ),
    ] {
        let dir = workspace(&[("env.toml", &env("FC1", functions))]);
        let out = sigc(dir.path(), &["check", "env.toml", "--format", "json"]);
        assert_eq!(code(&out), 1, "{functions}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let hits: Vec<(String, u64)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
            .collect();
        assert!(hits.contains(&(rule.to_string(), line)), "{functions}: {hits:?}");
        let build = sigc(dir.path(), &["build", "env.toml", "--color", "never"]);
        assert_eq!(code(&build), 1, "{functions}");
        assert!(!dir.path().join("build").exists(), "{functions}: nothing is written");
    }
}
