//! The real binary against the contract: exit codes, what is written and when.

use std::fs;
use std::path::Path;
use std::process::Command;

mod common;

use common::{code, sigc, stderr, stdout, tree, workspace, BAD, GOOD};

#[test]
fn check_exit_codes_follow_the_contract() {
    let ws = workspace(&[("good.toml", GOOD), ("bad.toml", BAD)]);
    assert_eq!(code(&sigc(ws.path(), &["check", "good.toml"])), 0);
    let bad = sigc(ws.path(), &["check", "bad.toml"]);
    assert_eq!(code(&bad), 1);
    assert!(
        stderr(&bad).contains("error[sku/capacity-not-offered]"),
        "{}",
        stderr(&bad)
    );
    assert!(stderr(&bad).contains(" --> bad.toml:8:12"), "{}", stderr(&bad));
    assert_eq!(code(&sigc(ws.path(), &["check", "missing.toml"])), 2);
    assert_eq!(code(&sigc(ws.path(), &["check", "good.toml", "bad.toml"])), 1);
    assert_eq!(code(&sigc(ws.path(), &["frobnicate"])), 2);
    assert_eq!(code(&sigc(ws.path(), &["check", "good.toml", "--format", "yaml"])), 2);
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    // Y1 on production is fine for the checks of this version only if no rule warns;
    // the development profile relaxes nothing that is an error here.
    let ws = workspace(&[("good.toml", GOOD)]);
    let out = sigc(ws.path(), &["check", "good.toml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warnings = doc["summary"]["warnings"].as_u64().unwrap();
    let strict = sigc(ws.path(), &["check", "good.toml", "--deny-warnings"]);
    assert_eq!(code(&strict), if warnings > 0 { 1 } else { 0 });
}

#[test]
fn json_diagnostics_have_the_contract_shape() {
    let ws = workspace(&[("bad.toml", BAD)]);
    let out = sigc(ws.path(), &["check", "bad.toml", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["version"], 1);
    let d = &doc["diagnostics"][0];
    for key in [
        "rule",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["rule"], "sku/capacity-not-offered");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(8), Some(12)));
    assert_eq!(d["path"], "bad.toml");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "errors": 1, "warnings": 0})
    );
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let ws = workspace(&[("bad.toml", BAD)]);
    let out = sigc(ws.path(), &["check", "bad.toml", "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "sku/capacity-not-offered");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
}

#[test]
fn build_writes_every_default_target() {
    let ws = workspace(&[("good.toml", GOOD)]);
    let out = sigc(ws.path(), &["build", "good.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let root = ws.path().join("build/dev");
    for f in [
        "terraform/versions.tf",
        "terraform/main.tf",
        "terraform/outputs.tf",
        "arm/azuredeploy.json",
        "arm/azuredeploy.parameters.json",
        "bicep/main.bicep",
        "functions/function_app.py",
        "functions/host.json",
        "functions/requirements.txt",
    ] {
        assert!(root.join(f).is_file(), "missing {f}");
    }
    assert!(
        !root.join("terraform-json").exists(),
        "terraform-json is not a default target"
    );
    let all = sigc(ws.path(), &["build", "good.toml", "--target", "all", "--out", "other"]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    assert!(ws.path().join("other/dev/terraform-json/main.tf.json").is_file());
}

#[test]
fn a_failing_build_writes_nothing_and_keeps_the_previous_output() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let before = tree(&ws.path().join("build"));
    fs::write(ws.path().join("env.toml"), BAD).unwrap();
    let out = sigc(ws.path(), &["build", "env.toml"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("no artifacts were written"), "{}", stderr(&out));
    assert_eq!(
        tree(&ws.path().join("build")),
        before,
        "the earlier build must stay byte-identical"
    );

    let fresh = workspace(&[("env.toml", BAD)]);
    assert_eq!(code(&sigc(fresh.path(), &["build", "env.toml"])), 1);
    assert!(
        !fresh.path().join("build").exists(),
        "nothing is created for a failing build"
    );
}

#[test]
fn a_rebuild_removes_owned_files_it_no_longer_writes_and_leaves_no_temp_folder() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--target", "all"])), 0);
    // Without --target the file's own targets are the whole build: terraform-json goes.
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    let files: Vec<_> = tree(&ws.path().join("build/dev")).into_iter().map(|(p, _)| p).collect();
    assert!(!files.iter().any(|p| p.starts_with("terraform-json")), "{files:?}");
    assert!(
        !ws.path().join("build/dev/terraform-json").exists(),
        "the emptied folder is pruned"
    );
    let leftovers: Vec<_> = fs::read_dir(ws.path().join("build"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("dev")],
        "no temp folders are left beside the output"
    );
}

#[test]
fn stdout_prints_one_document_and_writes_nothing() {
    let ws = workspace(&[("env.toml", GOOD)]);
    let out = sigc(
        ws.path(),
        &["build", "env.toml", "--target", "terraform-json", "--stdout"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["resource"]["azurerm_signalr_service"].is_object());
    assert!(!ws.path().join("build").exists());
    let arm = sigc(ws.path(), &["build", "env.toml", "--target", "arm", "--stdout"]);
    assert!(stdout(&arm).contains("subscriptionDeploymentTemplate.json"));
    assert_eq!(
        code(&sigc(
            ws.path(),
            &["build", "env.toml", "--target", "bicep", "--stdout"]
        )),
        2
    );
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--stdout"])), 2);
    assert_eq!(
        code(&sigc(
            ws.path(),
            &["build", "env.toml", "env.toml", "--target", "arm", "--stdout"]
        )),
        2
    );
}

#[test]
fn check_flag_reports_stale_files_with_a_diff() {
    let ws = workspace(&[("env.toml", GOOD)]);
    let fresh = sigc(ws.path(), &["build", "env.toml", "--check"]);
    assert_eq!(code(&fresh), 1, "nothing built yet: everything is stale");
    assert!(!ws.path().join("build").exists(), "--check writes nothing");
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--check"])), 0);
    let main = ws.path().join("build/dev/terraform/main.tf");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(&main, text.replacen("managed_by", "managed_BY", 1)).unwrap();
    let stale = sigc(ws.path(), &["build", "env.toml", "--check"]);
    assert_eq!(code(&stale), 1);
    let diff = stdout(&stale);
    assert!(diff.contains("--- a/") && diff.contains("+++ b/"), "{diff}");
    assert!(diff.contains("-") && diff.contains("managed_BY"), "{diff}");
}

#[test]
fn schema_prints_the_shipped_schema() {
    let ws = workspace(&[]);
    let out = sigc(ws.path(), &["schema"]);
    assert_eq!(code(&out), 0);
    let shipped = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/env.schema.json")).unwrap();
    assert_eq!(stdout(&out), shipped);
}

#[test]
fn explain_prints_rule_docs_or_exits_2() {
    let ws = workspace(&[]);
    let out = sigc(ws.path(), &["explain", "sku/capacity-not-offered"]);
    assert_eq!(code(&out), 0);
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## How to fix",
        "## Source",
    ] {
        assert!(stdout(&out).contains(section), "{section}");
    }
    let unknown = sigc(ws.path(), &["explain", "sku/capacity-not-ofered"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("`sku/capacity-not-offered` is the closest"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn init_writes_a_file_that_passes_check_and_never_overwrites() {
    let ws = workspace(&[]);
    let out = sigc(ws.path(), &["init", "--env", "qa", "--workload", "chat"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(code(&sigc(ws.path(), &["check", "env.toml"])), 0);
    let before = fs::read(ws.path().join("env.toml")).unwrap();
    assert_eq!(code(&sigc(ws.path(), &["init", "--env", "other"])), 2);
    assert_eq!(fs::read(ws.path().join("env.toml")).unwrap(), before);
    assert_eq!(code(&sigc(ws.path(), &["init", "--env", "Bad\"Name", "x.toml"])), 2);
    assert!(!ws.path().join("x.toml").exists());
}

#[test]
fn plan_lists_resources_in_dependency_order() {
    let ws = workspace(&[("env.toml", GOOD)]);
    let out = sigc(ws.path(), &["plan", "env.toml", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let order: Vec<String> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_string())
        .collect();
    let pos = |a: &str| {
        order
            .iter()
            .position(|x| x == a)
            .unwrap_or_else(|| panic!("{a} in {order:?}"))
    };
    assert!(
        pos("function_app.main") < pos("signalr.main"),
        "SignalR's upstream needs the function app first"
    );
    assert!(pos("resource_group.main") == 0);
    for r in doc["resources"].as_array().unwrap() {
        for d in r["depends_on"].as_array().unwrap() {
            assert!(pos(d.as_str().unwrap()) < pos(r["address"].as_str().unwrap()));
        }
    }
    for format in ["human", "markdown", "dot", "mermaid"] {
        assert_eq!(
            code(&sigc(ws.path(), &["plan", "env.toml", "--format", format])),
            0,
            "{format}"
        );
    }
}

#[test]
fn completions_are_printed() {
    let ws = workspace(&[]);
    let out = sigc(ws.path(), &["completions", "bash"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("sigc"));
}

#[test]
fn colour_is_never_used_with_no_color_or_off_a_terminal() {
    let ws = workspace(&[("bad.toml", BAD)]);
    let out = sigc(ws.path(), &["check", "bad.toml", "--color", "always"]);
    assert!(!stderr(&out).contains('\u{1b}'), "NO_COLOR wins over --color always");
    let plain = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["check", "bad.toml"])
        .current_dir(ws.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&plain.stderr).contains('\u{1b}'),
        "stderr is not a terminal here"
    );
}

#[test]
fn a_write_error_midway_leaves_the_earlier_output_byte_identical() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--target", "all"])), 0);
    let before = tree(&ws.path().join("build"));
    let failing = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml", "--target", "all"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("SIGC_TEST_FAIL_WRITE_AT", "4")
        .output()
        .unwrap();
    assert_eq!(code(&failing), 2, "a write error is exit 2: {}", stderr(&failing));
    assert!(
        stderr(&failing).contains("previous output is unchanged"),
        "{}",
        stderr(&failing)
    );
    assert_eq!(tree(&ws.path().join("build")), before);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_write_leaves_no_half_folder() {
    let ws = workspace(&[("env.toml", GOOD)]);
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml", "--target", "all"])), 0);
    let before = tree(&ws.path().join("build"));
    let child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml", "--target", "all"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("SIGC_TEST_PAUSE_WRITE_MS", "300")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the temp folder exists, i.e. the write is under way.
    let started = std::time::Instant::now();
    while !fs::read_dir(ws.path().join("build"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("sigc-tmp"))
    {
        assert!(started.elapsed().as_secs() < 20, "the build never started writing");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        tree(&ws.path().join("build")),
        before,
        "the earlier build is intact and no temp folder is left"
    );
}

#[test]
fn two_files_for_one_environment_do_not_overwrite_each_other() {
    let ws = workspace(&[("a.toml", GOOD), ("b.toml", GOOD)]);
    let out = sigc(ws.path(), &["build", "a.toml", "b.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("both build environment `dev`"),
        "{}",
        stderr(&out)
    );
    assert!(
        ws.path().join("build/dev/terraform/main.tf").is_file(),
        "the first file is still built"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_is_refused_not_read() {
    let ws = workspace(&[("good.toml", GOOD)]);
    let out = sigc(ws.path(), &["check", "/dev/zero", "good.toml"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read `/dev/zero`: a device, not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("1 file checked"),
        "the good file is still checked: {}",
        stderr(&out)
    );
}
