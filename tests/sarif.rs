//! The machine-readable diagnostics: `--format json` against CONTRACT §5 key by key, and
//! `--format sarif` against the official SARIF 2.1.0 schema (validated by the reference
//! `jsonschema` from PyPI in .tools/py, through `scripts/check-outputs.py --sarif`) and against
//! what code scanning needs: rules with descriptions, help and default level, results that point
//! at their rule and artifact by index, and the same findings and positions as the JSON format.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};
use sigc::diag::sarif::{artifact_uri, render, RuleMeta, RULES_DOC_URL};
use sigc::diag::{Diagnostic, FileReport};
use sigc::policy::FAMILIES;
use sigc::source::SourceFile;

mod common;

use common::{workspace, BAD as BAD_CAPACITY, GOOD};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A wrong value after non-ASCII text on the same line: columns must count chars, not bytes.
const NON_ASCII: &str = r#"[environment]
name = "dev"
workload = "chat"
location = "eastus"
profile = "development"
tags = { "équipe" = "façade" }

[signalr]
sku = "Free_F1"

[functions]
app_settings = { GREETING = "héllo wörld", other = 1 }
"#;

fn sigc(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the sigc binary runs");
    let code = out.status.code().expect("sigc exits normally, never by a signal");
    (code, String::from_utf8(out.stdout).expect("stdout is UTF-8"))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().expect("an object").keys().map(String::as_str).collect()
}

/// The text a 1-based, char-counted (line, column)..(end_line, end_column) range covers.
fn text_at(source: &str, line: u64, column: u64, end_line: u64, end_column: u64) -> String {
    let offset = |l: u64, c: u64| -> usize {
        let line_start: usize = source.split_inclusive('\n').take(l as usize - 1).map(str::len).sum();
        line_start
            + source[line_start..]
                .chars()
                .take(c as usize - 1)
                .map(char::len_utf8)
                .sum::<usize>()
    };
    source[offset(line, column)..offset(end_line, end_column)].to_string()
}

// ---------------------------------------------------------------------------------------------
// JSON: CONTRACT §5

/// The keys of one diagnostic: CONTRACT §5's, plus `notes` (additions are allowed; this list makes
/// any addition or removal a deliberate change of this test).
const JSON_DIAGNOSTIC_KEYS: [&str; 11] = [
    "column",
    "end_column",
    "end_line",
    "help",
    "line",
    "message",
    "notes",
    "path",
    "resource",
    "rule",
    "severity",
];

fn is_rule_id(id: &str) -> bool {
    let Some((family, name)) = id.split_once('/') else {
        return false;
    };
    FAMILIES.contains(&family)
        && !name.is_empty()
        && name
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Checks one `--format json` document key by key and type by type; returns its diagnostics.
fn check_json_shape(doc: &Value, files: usize) -> Vec<Value> {
    assert_eq!(
        keys(doc),
        BTreeSet::from(["diagnostics", "summary", "version"]),
        "top-level keys"
    );
    assert_eq!(doc["version"], json!(1), "version is the integer 1");
    let summary = &doc["summary"];
    assert_eq!(
        keys(summary),
        BTreeSet::from(["errors", "files", "warnings"]),
        "summary keys"
    );
    assert_eq!(summary["files"].as_u64(), Some(files as u64), "summary.files");
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics is an array").clone();
    let mut counted = (0, 0);
    for d in &diagnostics {
        assert_eq!(keys(d), BTreeSet::from(JSON_DIAGNOSTIC_KEYS), "diagnostic keys of {d}");
        let rule = d["rule"].as_str().expect("rule is a string");
        assert!(
            is_rule_id(rule),
            "rule `{rule}` is family/kebab-case with a contract family"
        );
        match d["severity"].as_str() {
            Some("error") => counted.0 += 1,
            Some("warning") => counted.1 += 1,
            other => panic!("severity is `error` or `warning`, not {other:?}"),
        }
        assert!(
            d["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message is a non-empty string: {d}"
        );
        assert!(
            d["path"].as_str().is_some_and(|p| !p.is_empty()),
            "path is a non-empty string: {d}"
        );
        let position: Vec<&Value> = ["line", "column", "end_line", "end_column"]
            .iter()
            .map(|k| &d[*k])
            .collect();
        if position.iter().all(|v| v.is_null()) {
            // A finding about the whole file: all four are null together.
        } else {
            let p: Vec<u64> = position
                .iter()
                .map(|v| {
                    v.as_u64()
                        .filter(|n| *n >= 1)
                        .unwrap_or_else(|| panic!("1-based integer position: {d}"))
                })
                .collect();
            assert!((p[2], p[3]) >= (p[0], p[1]), "the end is not before the start: {d}");
        }
        for key in ["resource", "help"] {
            assert!(d[key].is_null() || d[key].is_string(), "{key} is a string or null: {d}");
        }
        let notes = d["notes"].as_array().expect("notes is an array");
        assert!(notes.iter().all(Value::is_string), "notes are strings: {d}");
    }
    assert_eq!(
        summary["errors"].as_u64(),
        Some(counted.0),
        "summary.errors counts the error diagnostics"
    );
    assert_eq!(
        summary["warnings"].as_u64(),
        Some(counted.1),
        "summary.warnings counts the warning diagnostics"
    );
    diagnostics
}

#[test]
fn json_format_has_exactly_the_contract_shape() {
    let ws = workspace(&[
        ("envs/good.toml", GOOD),
        ("envs/bad.toml", BAD_CAPACITY),
        ("é x.toml", NON_ASCII),
    ]);

    let (code, out) = sigc(ws.path(), &["check", "--format", "json", "envs/good.toml"]);
    assert_eq!(code, 0);
    let doc = parse(&out);
    assert!(check_json_shape(&doc, 1).is_empty());
    assert_eq!(doc["summary"], json!({"files": 1, "errors": 0, "warnings": 0}));

    let (code, out) = sigc(
        ws.path(),
        &[
            "check",
            "--format",
            "json",
            "envs/bad.toml",
            "envs/good.toml",
            "é x.toml",
        ],
    );
    assert_eq!(code, 1, "an error in some input exits 1");
    let diagnostics = check_json_shape(&parse(&out), 3);
    let paths: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        ["envs/bad.toml", "é x.toml"],
        "one finding per bad file, in argument order, path as given"
    );

    // line/column point at the value to change, in chars: the same text as the source there.
    for (d, source, expected) in [(&diagnostics[0], BAD_CAPACITY, "2"), (&diagnostics[1], NON_ASCII, "1")] {
        let n = |k: &str| d[k].as_u64().expect("a located finding");
        assert_eq!(
            text_at(source, n("line"), n("column"), n("end_line"), n("end_column")),
            expected,
            "{d}"
        );
    }
    assert_eq!(diagnostics[0]["rule"], "sku/capacity-not-offered");
    assert_eq!(diagnostics[0]["resource"], "signalr");
    assert_eq!(diagnostics[1]["rule"], "input/wrong-type");
    assert_eq!(diagnostics[1]["column"], 52, "52 chars, 54 bytes");
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn meta(id: &str) -> Option<RuleMeta> {
    sigc::policy::rule(id).map(|r| RuleMeta {
        summary: r.summary(),
        help_markdown: sigc::policy::explain(r),
        default_level: r.production,
    })
}

fn run_of(doc: &Value) -> &Value {
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1, "one run");
    &runs[0]
}

/// What code scanning relies on beyond the schema, checked on any sigc SARIF document:
/// indexes that point at the right rule and artifact, every rule used listed once with its
/// description, help and default level, and help URIs into docs/rules.md.
fn check_sarif_consistency(doc: &Value, with_meta: &dyn Fn(&str) -> bool) {
    let run = run_of(doc);
    assert_eq!(run["columnKind"], "unicodeCodePoints", "columns count chars");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sigc");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules is an array");
    let artifacts = run["artifacts"].as_array().expect("artifacts is an array");
    let results = run["results"].as_array().expect("results is an array");

    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("rule id")).collect();
    let used: BTreeSet<&str> = results.iter().map(|r| r["ruleId"].as_str().expect("ruleId")).collect();
    assert_eq!(
        ids,
        used.iter().copied().collect::<Vec<_>>(),
        "rules: each used rule once, sorted, no other"
    );
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or_default();
        assert_eq!(
            rule["helpUri"],
            format!("{RULES_DOC_URL}#{}", id.replace('/', "-")),
            "helpUri of {id}"
        );
        assert!(
            rule["name"]
                .as_str()
                .is_some_and(|n| n.chars().all(char::is_alphanumeric)),
            "name of {id}"
        );
        if with_meta(id) {
            for key in ["shortDescription", "fullDescription"] {
                let text = rule[key]["text"].as_str().unwrap_or_default();
                assert!(!text.is_empty() && text.chars().count() <= 1000, "{key} of {id}");
            }
            assert!(
                rule["help"]["markdown"].as_str().is_some_and(|h| h.contains(id)),
                "help of {id}"
            );
            let config = &rule["defaultConfiguration"];
            assert!(
                matches!(config["level"].as_str(), Some("error" | "warning")) || config["enabled"] == json!(false),
                "defaultConfiguration of {id}: {config}"
            );
        }
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the result's rule"
        );
        assert!(matches!(result["level"].as_str(), Some("error" | "warning")));
        assert!(result["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "code scanning shows a result only with a location");
        let artifact = &locations[0]["physicalLocation"]["artifactLocation"];
        let index = artifact["index"].as_u64().expect("artifactLocation.index") as usize;
        assert_eq!(
            artifacts[index]["location"]["uri"], artifact["uri"],
            "artifact index points at the file"
        );
    }
}

/// The SARIF results of a CLI run against its JSON diagnostics: same findings, same positions.
fn assert_same_findings(sarif: &Value, json_doc: &Value, files: &[&str]) {
    let run = run_of(sarif);
    let uris: Vec<Value> = run["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| a["location"]["uri"].clone())
        .collect();
    let want: Vec<Value> = files.iter().map(|f| json!(artifact_uri(f))).collect();
    assert_eq!(uris, want, "one artifact per file, in argument order");
    let results = run["results"].as_array().expect("results");
    let diagnostics = json_doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(results.len(), diagnostics.len(), "as many results as JSON diagnostics");
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["rule"]);
        assert_eq!(r["level"], d["severity"]);
        assert!(r["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with(d["message"].as_str().unwrap_or("?")));
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            json!(artifact_uri(d["path"].as_str().unwrap_or_default()))
        );
        let region = &location["region"];
        for (sarif_key, json_key) in [
            ("startLine", "line"),
            ("startColumn", "column"),
            ("endLine", "end_line"),
            ("endColumn", "end_column"),
        ] {
            assert_eq!(region[sarif_key], d[json_key], "{sarif_key} = {json_key} for {d}");
        }
        match d["resource"].as_str() {
            Some(resource) => assert_eq!(r["locations"][0]["logicalLocations"][0]["name"], resource),
            None => assert!(r["locations"][0].get("logicalLocations").is_none()),
        }
    }
}

/// Documents from the real binary: no findings, errors in several files, non-ASCII columns.
fn cli_documents(dir: &Path) -> Vec<(String, Value)> {
    let cases = Path::new(ROOT).join("tests/fixtures/cases");
    let mut files = vec![
        ("envs/good.toml", GOOD.to_string()),
        ("envs/bad.toml", BAD_CAPACITY.to_string()),
    ];
    files.push(("é x.toml", NON_ASCII.to_string()));
    let many = fs::read_to_string(cases.join("invalid-many-problems.env.toml")).expect("fixture");
    let policy = fs::read_to_string(cases.join("invalid-policy.env.toml")).expect("fixture");
    let syntax = fs::read_to_string(cases.join("invalid-syntax.env.toml")).expect("fixture");
    files.extend([
        ("many.env.toml", many),
        ("policy.env.toml", policy),
        ("syntax.env.toml", syntax),
    ]);
    for (name, text) in &files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        fs::write(path, text).expect("write");
    }
    let runs: [(&str, &[&str]); 4] = [
        ("clean", &["envs/good.toml"]),
        ("one-error", &["envs/bad.toml"]),
        (
            "several-files",
            &["many.env.toml", "envs/good.toml", "policy.env.toml", "syntax.env.toml"],
        ),
        ("non-ascii", &["é x.toml"]),
    ];
    let mut docs = Vec::new();
    for (label, args) in runs {
        let (code, sarif) = sigc(dir, &[&["check", "--format", "sarif"][..], args].concat());
        let (json_code, json_out) = sigc(dir, &[&["check", "--format", "json"][..], args].concat());
        assert_eq!(code, json_code, "{label}: same exit code in both formats");
        let (sarif, json_doc) = (parse(&sarif), parse(&json_out));
        assert_same_findings(&sarif, &json_doc, args);
        check_sarif_consistency(&sarif, &|_| true);
        docs.push((format!("cli-{label}"), sarif));
    }
    let clean = run_of(&docs[0].1);
    assert_eq!(clean["results"], json!([]), "a clean file: no results");
    assert_eq!(clean["tool"]["driver"]["rules"], json!([]), "a clean file: no rules");
    let several = run_of(&docs[2].1);
    let artifacts_used: BTreeSet<u64> = several["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["index"]
                .as_u64()
                .expect("index")
        })
        .collect();
    assert_eq!(
        artifacts_used,
        BTreeSet::from([0, 2, 3]),
        "findings in three of the four files"
    );
    docs
}

/// Documents the CLI cannot produce today, from the library: warnings, a finding without a
/// location, secondary labels and notes, multi-line and empty spans, odd file names, a rule
/// missing from the registry and one that is off by default.
fn library_documents() -> Vec<(String, Value)> {
    let text = "[signalr]\nsku = \"Free_F1\"\ncors = { allowed_origins = [\n  \"*\",\n] }\n# é\n".to_string();
    let sku = text.find("\"Free_F1\"").expect("in text");
    let list = text.find("= [").expect("in text") + 2;
    let list_end = text.rfind(']').expect("in text") + 1;
    let first = FileReport {
        source: SourceFile::new("envs/my env#1.toml", text.clone()),
        diagnostics: vec![
            Diagnostic::warning("cors/wildcard-origin", "origin `*` allows every site")
                .primary(list..list_end, "this list")
                .secondary(sku..sku + 9, "on this SKU")
                .note("browsers send credentials only to listed origins")
                .help("list the exact origins")
                .resource("signalr"),
            Diagnostic::error("input/missing-key", "missing required key `environment`").help("add it"),
            Diagnostic::warning("security/made-up-for-this-test", "a rule the registry does not know")
                .primary(0..0, ""),
        ],
    };
    let second = FileReport {
        source: SourceFile::new("/abs/path/ü.env.toml", "\u{feff}a = 1\r\n".to_string()),
        diagnostics: vec![Diagnostic::warning("sku/capacity-not-offered", "off by default here").primary(3..8, "x")],
    };
    let empty_file = FileReport {
        source: SourceFile::new("env.toml", String::new()),
        diagnostics: vec![],
    };
    let off_by_default = |id: &str| {
        meta(id).map(|m| RuleMeta {
            default_level: None,
            ..m
        })
    };

    let mixed = parse(&render(&[first.clone(), empty_file.clone(), second.clone()], meta));
    check_sarif_consistency(&mixed, &|id| meta(id).is_some());
    let run = run_of(&mixed);
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(results[0]["message"]["text"], "origin `*` allows every site\nnote: browsers send credentials only to listed origins\nhelp: list the exact origins");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 3, "startColumn": 28, "endLine": 5, "endColumn": 2}),
        "a multi-line span keeps its own end column"
    );
    assert_eq!(results[0]["locations"][0]["message"]["text"], "this list");
    assert_eq!(results[0]["relatedLocations"][0]["message"]["text"], "on this SKU");
    let without_location = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(without_location["artifactLocation"]["uri"], "envs/my%20env%231.toml");
    assert!(
        without_location.get("region").is_none(),
        "no span, no region: the finding is about the file"
    );
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["region"]["endColumn"], 1,
        "an empty span"
    );
    assert_eq!(
        results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "file:///abs/path/%C3%BC.env.toml"
    );
    let unknown = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "security/made-up-for-this-test")
        .expect("an unknown rule is still listed");
    assert!(unknown.get("defaultConfiguration").is_none() && unknown.get("shortDescription").is_none());

    let off = parse(&render(&[second], off_by_default));
    assert_eq!(
        run_of(&off)["tool"]["driver"]["rules"][0]["defaultConfiguration"],
        json!({"enabled": false})
    );
    let nothing = parse(&render(&[], meta));
    assert_eq!(run_of(&nothing)["artifacts"], json!([]));

    vec![
        ("lib-mixed".into(), mixed),
        ("lib-off-by-default".into(), off),
        ("lib-no-files".into(), nothing),
    ]
}

/// `scripts/check-outputs.py --sarif` on `files`: (exit code, output).
fn validate(files: &[PathBuf]) -> Option<(i32, String)> {
    let python = Path::new(ROOT).join(".tools/py/bin/python");
    if !python.exists() {
        let why = format!(
            "{} is missing: run scripts/install-tools.sh (scripts/test does)",
            python.display()
        );
        assert!(std::env::var_os("CI").is_none(), "CI must validate SARIF, but {why}");
        eprintln!("SKIPPED SARIF schema validation: {why}");
        return None;
    }
    let out = Command::new(python)
        .arg(Path::new(ROOT).join("scripts/check-outputs.py"))
        .arg("--sarif")
        .args(files)
        .output()
        .expect("python runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.code().unwrap_or(-1), text))
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_complete_for_code_scanning() {
    let ws = tempfile::tempdir().expect("temp dir");
    let mut docs = cli_documents(ws.path());
    docs.extend(library_documents());

    let out = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, doc) in &docs {
        let path = out.path().join(format!("{name}.sarif"));
        fs::write(&path, serde_json::to_string_pretty(doc).expect("serialise")).expect("write");
        files.push(path);
    }
    // A control: a document the schema rejects must fail, so a pass above means something.
    let mut broken = docs[1].1.clone();
    broken["runs"][0]["results"][0]["level"] = json!("fatal");
    broken["runs"][0]["artifacts"][0]["location"]["uri"] = json!("not a uri reference");
    let broken_path = out.path().join("broken.sarif");
    fs::write(&broken_path, broken.to_string()).expect("write");

    let Some((code, report)) = validate(&files) else { return };
    assert_eq!(code, 0, "SARIF schema validation failed:\n{report}");
    assert!(
        report.contains(&format!("{} passed, 0 failed", files.len())),
        "{report}"
    );

    let (code, report) = validate(&[broken_path]).expect("the validator ran a moment ago");
    assert_eq!(code, 1, "the broken control document must fail validation:\n{report}");
    assert!(
        report.contains("'fatal' is not one of") && report.contains("is not a 'uri-reference'"),
        "{report}"
    );
}

#[test]
fn sarif_output_is_deterministic() {
    let at = BAD_CAPACITY.find("= 2").expect("in text") + 2;
    let report = FileReport {
        source: SourceFile::new("env.toml", BAD_CAPACITY.to_string()),
        diagnostics: vec![Diagnostic::error("sku/capacity-not-offered", "capacity").primary(at..at + 1, "")],
    };
    let once = render(std::slice::from_ref(&report), meta);
    assert_eq!(once, render(&[report], meta));
    assert!(once.ends_with("}\n"));
    let _: Map<String, Value> = serde_json::from_str(&once).expect("an object");
}
