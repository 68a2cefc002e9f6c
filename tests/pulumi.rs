//! The `pulumi` target through the real binary (issue 12): the files CONTRACT §4 names, the
//! SDK versions pinned, every key read kept secret, the two-step switch as the Pulumi config
//! key `signalr_upstream_enabled`, and every user string a Python literal of itself.
//!
//! The proof that the program runs and matches its ARM twin is external (it needs the real
//! SDKs): scripts/check-outputs.py `pulumi-mocks`, `pulumi-pyright` and `pulumi-mutants`.

mod common;

use std::fs;
use std::process::Command;

use common::{code, sigc, stderr, stdout};

fn env(plan: &str, wiring: &str) -> String {
    format!(
        "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n\n\
         [signalr]\nsku = \"Standard_S1\"\n\n[signalr.upstream]\nwiring = \"{wiring}\"\n\n[functions]\nplan = \"{plan}\"\n"
    )
}

/// Builds `--target pulumi` and returns (Pulumi.yaml, __main__.py, requirements.txt).
fn build(text: &str) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("env.toml"), text).unwrap();
    let out = sigc(dir.path(), &["build", "env.toml", "--target", "pulumi"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let read = |f: &str| fs::read_to_string(dir.path().join("build/dev/pulumi").join(f)).unwrap();
    (read("Pulumi.yaml"), read("__main__.py"), read("requirements.txt"))
}

#[test]
fn pulumi_target_writes_the_contract_files_with_pinned_sdks() {
    for plan in ["FC1", "Y1", "EP1"] {
        let (project, program, requirements) = build(&env(plan, "one-apply"));
        assert!(project.contains("runtime:\n  name: python"), "{project}");
        let pins: Vec<&str> = requirements.lines().collect();
        assert_eq!(pins.len(), 2, "{requirements}");
        assert!(pins[0].starts_with("pulumi==3."), "{requirements}");
        assert!(pins[1].starts_with("pulumi-azure-native==3."), "{requirements}");
        for class in [
            "resources.ResourceGroup(",
            "signalrservice.SignalR(",
            "web.WebApp(",
            "authorization.RoleAssignment(",
        ] {
            assert!(program.contains(class), "{plan}: {class} missing");
        }
        // The seed declared SignalR twice; sigc declares it once.
        assert_eq!(program.matches("signalrservice.SignalR(").count(), 1, "{plan}");
        // The seed's wrong argument names.
        assert!(!program.contains("network_ac_ls"), "{plan}");
        assert!(program.contains("resource_name_="), "{plan}");
        assert!(
            program.contains("signalrservice.ServiceKind.SIGNAL_R"),
            "{plan}: enum members, not strings"
        );
        let exports = &program[program.find("pulumi.export(").expect("exports")..];
        assert_eq!(exports.matches("pulumi.export(").count(), 5, "{plan}");
        for name in [
            "signalr_hostname",
            "signalr_public_port",
            "function_app_url",
            "negotiate_url",
            "resource_group_name",
        ] {
            assert!(exports.contains(&format!("\"{name}\"")), "{plan}: export {name}");
        }
    }
}

#[test]
fn every_key_read_is_a_pulumi_secret() {
    for plan in ["FC1", "Y1", "EP1"] {
        let (_, program, _) = build(&env(plan, "one-apply"));
        // Layout breaks lines anywhere inside brackets: compare without whitespace.
        let flat: String = program.chars().filter(|c| !c.is_whitespace()).collect();
        let mut reads = 0;
        for invoke in [
            "storage.list_storage_account_keys_output(",
            "web.list_web_app_host_keys_output(",
        ] {
            for (at, _) in flat.match_indices(invoke) {
                reads += 1;
                assert!(
                    flat[..at].ends_with("pulumi.Output.secret("),
                    "{plan}: {invoke} is not wrapped in pulumi.Output.secret\n{program}"
                );
            }
        }
        assert!(reads >= 1, "{plan}: the upstream reads the host key");
    }
}

#[test]
fn two_step_wiring_is_the_signalr_upstream_enabled_config_key() {
    let (project, program, _) = build(&env("Y1", "two-step"));
    assert!(
        project.contains("signalr_upstream_enabled:\n    type: boolean\n    default: false"),
        "{project}"
    );
    assert!(program.contains("signalr_upstream_enabled = config.get_bool(\"signalr_upstream_enabled\") or False"));
    assert!(
        program.contains("if signalr_upstream_enabled else"),
        "the upstream waits for the switch"
    );
    assert!(!program.contains("systemKeys"), "two-step creates no host key");
    let (project, program, _) = build(&env("Y1", "one-apply"));
    assert!(!project.contains("signalr_upstream_enabled"));
    assert!(
        program.contains("resource_type=\"systemKeys\""),
        "one-apply creates the key"
    );
}

/// Every hostile string of the case file must come back out of Python as itself.
#[test]
fn hostile_strings_are_python_literals_of_themselves() {
    let text = fs::read_to_string("tests/fixtures/cases/hostile-strings.env.toml").unwrap();
    let (_, program, _) = build(&text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.py");
    fs::write(&path, &program).unwrap();
    let script = "import ast, json, sys\n\
                  tree = ast.parse(open(sys.argv[1], encoding='utf-8').read())\n\
                  print(json.dumps(sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)})))\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the program parses as Python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let strings: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    for want in [
        "${file(\"/etc/passwd\")}",
        "%{ if true }x%{ endif }",
        "[concat('a','b')]",
        "it's ${x} \\ back\nline",
        "say \"hi\"",
        "${} %${path.cwd} $%{ if true }",
        "$${literal}",
        "[[already]",
        "héllo ✓",
    ] {
        assert!(
            strings.iter().any(|s| s == want),
            "{want:?} is not a literal of the program"
        );
    }
}

/// P14 in the Pulumi target: on Y1/EP the settings are their own resource that carries over
/// what publishing added (read back with the SDK's invoke); FC1 publishes no setting.
#[test]
fn p14_pulumi_keeps_the_published_package_on_y1_and_ep() {
    for plan in ["Y1", "EP1"] {
        let (_, program, _) = build(&env(plan, "one-apply"));
        assert!(program.contains("web.WebAppApplicationSettings("), "{plan}");
        assert!(
            program.contains("web.list_web_app_application_settings_output("),
            "{plan}"
        );
        assert!(
            program.contains("\"WEBSITE_RUN_FROM_PACKAGE\" in current"),
            "{plan}: read only when present"
        );
    }
    let (_, program, _) = build(&env("FC1", "one-apply"));
    assert!(
        !program.contains("WebAppApplicationSettings"),
        "FC1 keeps its settings on the site"
    );
}
