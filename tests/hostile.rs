//! Hostile and odd input through the real binary: every case here was a defect
//! (a waiver switching off an Azure limit, an internal error on valid input, an
//! unbounded template, a wrong position) and must stay fixed.

mod common;

use std::fs;

use common::{code, sigc, stderr, stdout};

const ENV: &str =
    "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n";

/// Writes `env.toml` (bytes as given) into a fresh folder and runs sigc there.
fn run(text: impl AsRef<[u8]>, args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("env.toml"), text).unwrap();
    let out = sigc(dir.path(), args);
    (dir, out)
}

/// `check --format json`: the (rule, line, column) of every diagnostic, and the exit code.
fn findings(text: impl AsRef<[u8]>) -> (Vec<(String, u64, u64)>, i32) {
    let (_dir, out) = run(text, &["check", "env.toml", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("json output ({e}): {}{}", stdout(&out), stderr(&out)));
    let list = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    (list, code(&out))
}

fn rules_of(text: impl AsRef<[u8]>) -> Vec<String> {
    findings(text).0.into_iter().map(|(r, _, _)| r).collect()
}

/// `build --target all` must succeed and write the folder.
fn builds(text: &str) {
    let (dir, out) = run(text, &["build", "env.toml", "--target", "all"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(!stderr(&out).contains("internal error"), "{}", stderr(&out));
    assert!(dir.path().join("build/dev/arm/azuredeploy.json").is_file());
}

// Item 4: rules that mirror Azure's limits cannot be waived.

#[test]
fn a_waived_capacity_azure_does_not_sell_still_fails_and_the_waiver_is_an_error() {
    let text = format!(
        "{ENV}\n[signalr]\nsku = \"Standard_S1\"\ncapacity = 15\n\n[[policy.allow]]\nrule = \"sku/capacity-not-offered\"\nreason = \"we want 15\"\n"
    );
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert!(f.contains(&("sku/capacity-not-offered".into(), 9, 12)), "{f:?}");
    assert!(f.contains(&("input/invalid-value".into(), 12, 8)), "{f:?}");
    let (dir, out) = run(&text, &["build", "env.toml"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot be waived"), "{}", stderr(&out));
    assert!(!dir.path().join("build").exists());
}

#[test]
fn a_waived_bad_storage_name_is_not_built() {
    let text = format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n\n[naming.names]\nstorage_account = \"BAD-Name\"\n\n[[policy.allow]]\nrule = \"naming/invalid-name\"\nreason = \"legacy\"\n"
    );
    let (dir, out) = run(&text, &["build", "env.toml", "--target", "arm"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("error[naming/invalid-name]"));
    assert!(stderr(&out).contains("`naming/invalid-name` mirrors a limit Azure enforces itself"));
    assert!(!dir.path().join("build").exists());
}

#[test]
fn policy_rules_stay_waivable() {
    let text = format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n[signalr.cors]\nallowed_origins = [\"*\"]\n\n[[policy.allow]]\nrule = \"cors/wildcard-origin\"\nreason = \"public demo\"\n"
    );
    let (f, rc) = findings(&text);
    assert_eq!((f, rc), (vec![], 0));
}

#[test]
fn explain_and_docs_say_which_rules_are_azure_limits() {
    let dir = tempfile::tempdir().unwrap();
    let out = sigc(dir.path(), &["explain", "naming/invalid-name"]);
    assert!(
        stdout(&out).contains("an Azure limit: cannot be waived"),
        "{}",
        stdout(&out)
    );
    let docs = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    let row = |id: &str| {
        docs.lines()
            .find(|l| l.contains(&format!("`{id}`")))
            .unwrap()
            .to_string()
    };
    assert!(row("sku/capacity-not-offered").contains("| no (Azure limit) |"));
    assert!(row("cors/wildcard-origin").contains("| yes |"));
    assert!(row("input/syntax").contains("| no (fixed) |"));
}

// Item 7: waivers need a reason and are given once.

#[test]
fn empty_reasons_and_duplicate_waivers_are_refused() {
    let text = format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n[signalr.cors]\nallowed_origins = [\"*\"]\n\n[[policy.allow]]\nrule = \"cors/wildcard-origin\"\nreason = \"  \"\n\n[[policy.allow]]\nrule = \"cors/wildcard-origin\"\nreason = \"twice\"\n"
    );
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert!(f.contains(&("input/invalid-value".into(), 14, 10)), "{f:?}");
    assert!(f.contains(&("input/duplicate-value".into(), 17, 8)), "{f:?}");
}

// Item 5: valid input is never an internal error.

#[test]
fn an_app_insights_name_shaped_like_an_arm_expression_builds() {
    builds(&format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n\n[naming.names]\napp_insights = \"[concat(1)]\"\n"
    ));
}

#[test]
fn an_upstream_pattern_containing_parameters_builds() {
    builds(&format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n[signalr.upstream]\nhub_pattern = \"parameters('x')\"\n"
    ));
}

#[test]
fn a_workload_named_connectionstring_builds() {
    builds(
        &(ENV.replace("workload = \"chat\"", "workload = \"connectionstring\"") + "\n[signalr]\nsku = \"Free_F1\"\n"),
    );
}

// Item 6: naming patterns are bounded.

/// Runs `sigc check env.toml` and returns the output, wall time and peak RSS (KiB) of the child.
fn check_measured(text: &str) -> (String, i32, std::time::Duration, i64) {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("env.toml"), text).unwrap();
    let start = std::time::Instant::now();
    // Reaped below by `wait4`, which also reports this child's own peak RSS.
    #[allow(clippy::zombie_processes)]
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["check", "env.toml", "--format", "json"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let id = child.id() as i32;
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let (mut status, mut usage) = (0i32, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: waits for our own child, writing into the locals above.
    let pid = unsafe { libc::wait4(id, &mut status, 0, &mut usage) };
    assert_eq!(pid, id);
    let code = std::process::ExitStatus::from_raw(status).code().expect("no signal");
    (out, code, start.elapsed(), usage.ru_maxrss)
}

#[test]
fn a_hostile_pattern_is_refused_fast_and_small() {
    for pattern in [
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
        "{% set ns = namespace(a='xx') %}{% for i in range(60) %}{% set ns.a = ns.a ~ ns.a %}{% endfor %}{{ ns.a }}",
        "{{ 'x' * 99999999 }}{{ abbr }}",
        "{{ abbr ~ abbr }}",
        "{{ workload | replace('', 'xxxxxxxxxx') }}",
    ] {
        let text = format!(
            "{ENV}\n[naming]\npattern = {}\n\n[signalr]\nsku = \"Free_F1\"\n",
            toml_str(pattern)
        );
        let (out, rc, took, rss_kib) = check_measured(&text);
        assert_eq!(rc, 1, "{pattern}: {out}");
        assert!(out.contains("\"rule\": \"naming/invalid-pattern\""), "{pattern}: {out}");
        assert!(out.contains("\"line\": 8"), "points at the pattern: {out}");
        assert!(took < std::time::Duration::from_secs(1), "{pattern}: {took:?}");
        assert!(rss_kib < 100 * 1024, "{pattern}: {rss_kib} KiB");
    }
}

#[test]
fn patterns_with_filters_still_render_and_blank_patterns_are_refused() {
    let ok = format!(
        "{ENV}\n[naming]\npattern = \"{{{{ abbr }}}}-{{{{ workload | upper | lower }}}}-{{{{ env }}}}{{# note #}}\"\n\n[signalr]\nsku = \"Free_F1\"\n"
    );
    assert_eq!(findings(&ok), (vec![], 0));
    let blank = format!("{ENV}\n[naming]\npattern = \"   \"\n\n[signalr]\nsku = \"Free_F1\"\n");
    assert_eq!(rules_of(&blank), ["naming/invalid-pattern"]);
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

// Item 8: positions.

#[test]
fn a_bom_does_not_shift_columns() {
    let bad = format!("{ENV}\n[signalr]\nsku = \"Free_F9\"\n");
    let plain = findings(&bad);
    let with_bom = findings([b"\xEF\xBB\xBF".as_slice(), bad.as_bytes()].concat());
    assert_eq!(plain.1, 1);
    assert!(!plain.0.is_empty());
    assert_eq!(plain, with_bom);
    let (_d, out) = run(
        [
            b"\xEF\xBB\xBF".as_slice(),
            ENV.as_bytes(),
            b"\n[signalr]\nsku = \"Free_F1\"\n",
        ]
        .concat(),
        &["check", "env.toml"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn crlf_gives_one_syntax_diagnostic_per_error() {
    let text = format!("{ENV}\n[signalr]\nsku = \"Free_F1\n").replace('\n', "\r\n");
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "input/syntax");
    assert_eq!(f[0].1, 8, "{f:?}");
    // The same one diagnostic as with `\n` line ends (the column is the line's end either way).
    let (lf, _) = findings(text.replace("\r\n", "\n"));
    assert_eq!(lf.len(), 1, "{lf:?}");
    assert_eq!((&lf[0].0, lf[0].1), (&f[0].0, f[0].1));
}

#[test]
fn a_name_from_the_default_pattern_points_at_the_key_that_produced_it() {
    // Too long a storage account: the longest value, `workload`.
    let long = ENV
        .replace("name = \"dev\"", "name = \"production12345\"")
        .replace("workload = \"chat\"", "workload = \"abcdefghijklmnop\"");
    let (f, _) = findings(format!("{long}\n[signalr]\nsku = \"Free_F1\"\n"));
    assert!(f.contains(&("naming/invalid-name".into(), 3, 12)), "{f:?}");
    // A character the storage account cannot take: the `suffix` that holds it.
    let (f, _) = findings(format!(
        "{ENV}\n[signalr]\nsku = \"Free_F1\"\n\n[naming]\nsuffix = \"-x\"\n"
    ));
    assert!(f.contains(&("naming/invalid-name".into(), 11, 10)), "{f:?}");
    assert!(f.iter().all(|(_, line, _)| *line != 1), "{f:?}");
}

// Item 7: case and shape.

#[test]
fn tags_differing_only_in_case_are_refused_including_sigc_own() {
    let text =
        format!("{ENV}tags = {{ Environment = \"x\", team = \"a\", Team = \"b\" }}\n\n[signalr]\nsku = \"Free_F1\"\n");
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert!(f.contains(&("naming/invalid-tag".into(), 6, 10)), "{f:?}");
    assert_eq!(
        f.iter().filter(|(r, _, _)| r == "naming/invalid-tag").count(),
        2,
        "{f:?}"
    );
}

#[test]
fn hubs_differing_only_in_case_are_refused() {
    let text = format!("{ENV}\n[signalr]\nsku = \"Free_F1\"\nhubs = [\"chat\", \"Chat\"]\n");
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert_eq!(f, vec![("input/duplicate-value".to_string(), 9, 17)]);
}

#[test]
fn an_azurerm_constraint_must_stay_inside_4x() {
    for (constraint, ok) in [
        ("~> 4.21", true),
        (">= 4.0", false),
        ("~> 4.0, < 3.0", false),
        ("< 5.0", false),
    ] {
        let text = format!("{ENV}\n[signalr]\nsku = \"Free_F1\"\n\n[outputs]\nazurerm_version = \"{constraint}\"\n");
        let (f, rc) = findings(&text);
        if ok {
            assert_eq!((f, rc), (vec![], 0), "{constraint}");
        } else {
            assert_eq!(rc, 1, "{constraint}");
            assert_eq!(f, vec![("input/invalid-value".to_string(), 11, 19)], "{constraint}");
        }
    }
}

#[test]
fn an_invalid_host_id_and_flex_keys_on_other_plans_are_reported() {
    let text = format!(
        "{ENV}\n[signalr]\nsku = \"Standard_S1\"\n\n[functions]\nplan = \"EP1\"\nmaximum_instance_count = 200\n\n[functions.app_settings]\nAzureFunctionsWebHost__hostid = \"-Bad--id\"\n"
    );
    let (f, rc) = findings(&text);
    assert_eq!(rc, 1);
    assert!(f.contains(&("functions/setting-not-for-plan".into(), 12, 26)), "{f:?}");
    assert!(f.contains(&("functions/invalid-host-id".into(), 15, 33)), "{f:?}");
}

#[test]
fn invalid_utf8_is_a_syntax_error_with_its_position() {
    let mut bytes = format!("{ENV}\n[signalr]\nsku = \"Free_F1\"\n").into_bytes();
    bytes.extend_from_slice(b"# caf\xe9\n");
    let (f, rc) = findings(&bytes);
    assert_eq!(rc, 1);
    assert_eq!(f, vec![("input/syntax".to_string(), 9, 6)]);
}
