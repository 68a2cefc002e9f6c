//! No secret leaves sigc where it should not (CONTRACT §4): every example and case is
//! built with every target through the real binary, and
//! - no file, log line or plan view holds a key or connection string value;
//! - a Terraform output that reads a secret-ish attribute is `sensitive = true`;
//! - ARM and Bicep outputs never call `list*()` or read keys or connection strings
//!   (the Bicep linter's outputs-should-not-contain-secrets);
//! - a secret the user put in an app setting stays in that setting: it reaches no
//!   output, plan view or diagnostic.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::Value;

mod common;

use common::{code, inputs, sigc, stderr, stdout, tree};

/// A fake SignalR connection string a user might paste into an app setting.
const PLANTED_KEY: &str = "c2lnY1Rlc3RLZXlOZXZlckluQW5PdXRwdXQwMTIzNDU2Nzg5QUJDREVGRw==";

fn planted_setting() -> String {
    format!("Endpoint=https://other.service.signalr.net;AccessKey={PLANTED_KEY};Version=1.0;")
}

/// Value patterns of Azure keys and connection strings: the literal secret after the
/// `=`, so a deploy-time expression that builds one (`AccountKey=${...}`,
/// `AccountKey={2}`) does not match, and an embedded key does.
fn secret_values() -> Vec<Regex> {
    [
        r"AccountKey=[A-Za-z0-9+/]{20,}",
        r"AccessKey=[A-Za-z0-9+/]{20,}",
        r"SharedAccessSignature=[^;'\x22\s]{10,}",
        r"[?&]sig=[A-Za-z0-9%+/]{20,}",
        r"InstrumentationKey=[0-9a-fA-F]{8}-",
        r"SharedAccessKey=[A-Za-z0-9+/]{20,}",
        // A bare 512-bit key in base64, as storage and SignalR keys are.
        r"[A-Za-z0-9+/]{86}==",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
}

/// Attribute names and functions whose value is a secret.
fn secret_reference() -> Regex {
    Regex::new(r"(?i)(access_key|connection_string|connectionstring|_key\b|host_keys|primary_key|secondary_key|\bsas\b|password|secret|\blist[a-z]*\(|\.keys\b|keys\[|instrumentationkey)").unwrap()
}

/// Every file under `dir` (full path) with its text.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    tree(dir)
        .into_iter()
        .map(|(rel, bytes)| (dir.join(rel), String::from_utf8(bytes).expect("outputs are UTF-8")))
        .collect()
}

fn assert_no_secret_value(what: &str, text: &str) {
    for re in secret_values() {
        if let Some(m) = re.find(text) {
            panic!("{what} holds a secret value: `{}`", m.as_str());
        }
    }
}

/// Problems with Terraform `output` blocks (HCL): a secret-ish value not marked sensitive.
fn terraform_output_problems(outputs_tf: &str) -> Vec<String> {
    let body = hcl::parse(outputs_tf).expect("outputs.tf parses");
    let mut problems = Vec::new();
    for block in body.blocks().filter(|b| b.identifier() == "output") {
        let name = block
            .labels()
            .first()
            .map(|l| l.as_str().to_string())
            .unwrap_or_default();
        let attr = |k: &str| {
            block
                .body()
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| a.expr().clone())
        };
        let value = attr("value")
            .map(|e| hcl::format::to_string(&e).unwrap())
            .unwrap_or_default();
        let sensitive = attr("sensitive") == Some(hcl::Expression::Bool(true));
        if secret_reference().is_match(&value) && !sensitive {
            problems.push(format!("output `{name}` = {value} is not sensitive"));
        }
    }
    problems
}

/// The same for Terraform JSON's `output` object.
fn terraform_json_output_problems(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, o) in doc["output"].as_object().into_iter().flatten() {
        let value = o["value"].to_string();
        if secret_reference().is_match(&value) && o["sensitive"] != Value::Bool(true) {
            problems.push(format!("output `{name}` = {value} is not sensitive"));
        }
    }
    problems
}

/// ARM outputs, top level and of nested deployments, that read a secret.
fn arm_output_problems(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(outputs)) = m.get("outputs") {
                    // A template's outputs have a `type`; a deployment's `outputs` in a
                    // `reference(...)` path never appear as an object here.
                    for (name, o) in outputs {
                        let text = o.to_string();
                        if secret_reference().is_match(&text)
                            || o["type"]
                                .as_str()
                                .is_some_and(|t| t.to_lowercase().starts_with("secure"))
                        {
                            out.push(format!("ARM output `{name}` = {text}"));
                        }
                    }
                }
                m.values().for_each(|c| walk(c, out));
            }
            Value::Array(items) => items.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

/// Bicep `output` declarations that read a secret (name or value).
fn bicep_output_problems(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("output "))
        .filter(|l| secret_reference().is_match(l))
        .map(|l| format!("Bicep {l}"))
        .collect()
}

/// Builds one input with every target; `None` when it has errors (exit 1).
fn build_all(input: &Path, out: &Path) -> Option<Vec<(PathBuf, String)>> {
    let run = sigc(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "build",
            input.to_str().unwrap(),
            "--target",
            "all",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let log = format!("{}{}", stdout(&run), stderr(&run));
    assert_no_secret_value(&format!("the build log of {}", input.display()), &log);
    match code(&run) {
        0 => Some(files(out)),
        1 => None,
        c => panic!("{}: exit {c}\n{log}", input.display()),
    }
}

fn output_problems(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.ends_with(".tf") {
            problems.extend(terraform_output_problems(text));
        } else if name == "main.tf.json" {
            problems.extend(terraform_json_output_problems(&serde_json::from_str(text).unwrap()));
        } else if name.ends_with(".json") && path.to_string_lossy().contains("/arm/") {
            problems.extend(arm_output_problems(&serde_json::from_str(text).unwrap()));
        } else if name.ends_with(".bicep") {
            problems.extend(bicep_output_problems(text));
        }
    }
    problems
}

#[test]
fn no_output_of_any_example_or_case_holds_or_exports_a_secret() {
    let mut built = 0;
    for input in inputs() {
        let dir = tempfile::tempdir().unwrap();
        let Some(files) = build_all(&input, dir.path()) else {
            continue;
        };
        built += 1;
        for (path, text) in &files {
            assert_no_secret_value(&path.display().to_string(), text);
        }
        let problems = output_problems(&files);
        assert!(problems.is_empty(), "{}:\n{}", input.display(), problems.join("\n"));
        let has_outputs = files.iter().any(|(p, _)| p.ends_with("terraform/outputs.tf"));
        assert!(has_outputs, "{}: the Terraform target has outputs.tf", input.display());
    }
    assert!(built >= 4, "only {built} inputs built");
}

#[test]
fn plan_views_hold_no_secret() {
    for input in inputs() {
        for format in ["human", "markdown", "json", "dot", "mermaid"] {
            let run = sigc(
                Path::new(env!("CARGO_MANIFEST_DIR")),
                &["plan", input.to_str().unwrap(), "--format", format],
            );
            assert!(
                matches!(code(&run), 0 | 1),
                "{} {format}: exit {}",
                input.display(),
                code(&run)
            );
            assert_no_secret_value(
                &format!("plan --format {format} of {}", input.display()),
                &format!("{}{}", stdout(&run), stderr(&run)),
            );
        }
    }
}

/// A connection string the user puts in an app setting reaches that setting and
/// nothing else: no output, no plan view, no diagnostic.
#[test]
fn a_planted_secret_stays_in_its_app_setting() {
    let dir = tempfile::tempdir().unwrap();
    let env = format!(
        "{}\n[functions]\napp_settings = {{ THIRD_PARTY_SIGNALR = \"{}\" }}\n",
        common::GOOD,
        planted_setting()
    );
    fs::write(dir.path().join("env.toml"), &env).unwrap();
    let build = sigc(dir.path(), &["build", "env.toml", "--target", "all", "--out", "out"]);
    let log = format!("{}{}", stdout(&build), stderr(&build));
    assert!(
        !log.contains(PLANTED_KEY),
        "the build log shows the planted key:\n{log}"
    );
    if code(&build) == 0 {
        let files = files(&dir.path().join("out"));
        let mut carried = 0;
        for (path, text) in &files {
            let rel = path.strip_prefix(dir.path()).unwrap().display().to_string();
            if text.contains(PLANTED_KEY) {
                assert!(
                    [
                        "main.tf",
                        "main.tf.json",
                        "azuredeploy.json",
                        "stack.bicep",
                        "pulumi/__main__.py"
                    ]
                    .iter()
                    .any(|f| rel.ends_with(f)),
                    "{rel} carries the planted key"
                );
                carried += 1;
            }
        }
        assert_eq!(carried, 5, "the setting reaches the function app in each deploy target");
        assert!(output_problems(&files).is_empty());
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with("terraform/outputs.tf")) {
            assert!(!text.contains(PLANTED_KEY), "{}", path.display());
        }
    } else {
        // A rule refused the setting: its finding must not echo the key.
        assert_eq!(code(&build), 1, "{log}");
    }
    for format in ["human", "markdown", "json", "dot", "mermaid"] {
        let plan = sigc(dir.path(), &["plan", "env.toml", "--format", format]);
        let text = format!("{}{}", stdout(&plan), stderr(&plan));
        assert!(
            !text.contains(PLANTED_KEY),
            "plan --format {format} shows the planted key"
        );
    }
    for format in ["human", "json", "sarif"] {
        let check = sigc(dir.path(), &["check", "env.toml", "--format", format]);
        let text = format!("{}{}", stdout(&check), stderr(&check));
        assert!(
            !text.contains(PLANTED_KEY),
            "check --format {format} shows the planted key"
        );
    }
}

/// The checkers themselves catch what they look for.
#[test]
fn the_checkers_catch_leaks() {
    assert_no_secret_value(
        "clean",
        "AccountKey=${storageAccount.listKeys().keys[0].value} AccountKey={2}",
    );
    let leak = std::panic::catch_unwind(|| assert_no_secret_value("leak", &planted_setting()));
    assert!(leak.is_err());
    let tf = "output \"k\" {\n  value = azurerm_storage_account.main.primary_access_key\n}\noutput \"ok\" {\n  value     = azurerm_signalr_service.main.primary_connection_string\n  sensitive = true\n}\noutput \"h\" {\n  value = azurerm_signalr_service.main.hostname\n}\n";
    assert_eq!(
        terraform_output_problems(tf).len(),
        1,
        "{:?}",
        terraform_output_problems(tf)
    );
    let json: Value =
        serde_json::json!({"output": {"c": {"value": "${azurerm_application_insights.main.connection_string}"}}});
    assert_eq!(terraform_json_output_problems(&json).len(), 1);
    let arm: Value = serde_json::json!({"outputs": {"k": {"type": "string", "value": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 's'), '2025-08-01').keys[0].value]"}}});
    assert_eq!(arm_output_problems(&arm).len(), 1);
    assert_eq!(
        bicep_output_problems(
            "output key string = storageAccount.listKeys().keys[0].value\noutput url string = 'https://x'\n"
        )
        .len(),
        1
    );
}
