//! The rule registry: unique ids, complete docs, and `docs/rules.md` in sync.

use std::path::Path;

use sigc::policy::{rules, table};

#[test]
fn ids_are_unique_and_well_formed() {
    let families = sigc::policy::FAMILIES;
    let mut seen = std::collections::BTreeSet::new();
    for r in rules() {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        let (family, name) = r.id.split_once('/').expect("family/name");
        assert!(families.contains(&family), "{}: unknown family", r.id);
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        assert_eq!(
            r.fixed,
            matches!(family, "input" | "graph") || r.id == "naming/invalid-pattern",
            "{}: fixed-ness",
            r.id
        );
    }
}

#[test]
fn every_rule_has_its_docs_sections() {
    for r in rules() {
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## How to fix",
            "## Source",
        ] {
            assert!(r.docs.contains(section), "{} lacks {section}", r.id);
        }
        assert!(!r.summary().is_empty(), "{} has no summary", r.id);
        let source = r.docs.split("## Source").nth(1).unwrap();
        assert!(source.contains("https://"), "{} cites no URL", r.id);
    }
}

#[test]
fn every_sarif_help_uri_has_its_anchor_in_docs_rules_md() {
    let doc = table();
    for r in rules() {
        let uri = sigc::diag::sarif::help_uri(r.id);
        let anchor = uri.split('#').nth(1).expect("help URIs carry an anchor");
        assert!(
            doc.contains(&format!("<a id=\"{anchor}\"></a>")),
            "{} has no anchor `{anchor}`",
            r.id
        );
    }
}

#[test]
fn docs_rules_md_is_in_sync() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != table() {
        if std::env::var_os("SIGC_BLESS").is_some() {
            std::fs::write(&path, table()).unwrap();
        } else {
            panic!("docs/rules.md is stale: run `SIGC_BLESS=1 cargo test --test rules` and commit it");
        }
    }
}

/// Per-rule fixtures: `tests/fixtures/rules/<family>/<name>/{pass,fail}-*.env.toml`.
/// Each `# expect: <rule>` comment marks a line where that rule must report (its
/// primary label starts there); `pass-*` files must produce nothing. Only the rule
/// under test runs, at its level for the file's profile.
#[test]
fn rule_fixtures_match_their_expect_markers() {
    use sigc::source::SourceFile;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for r in rules().iter().filter(|r| r.check.is_some()) {
        let dir = root.join(r.id);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            failures.push(format!("{}: no fixtures in {}", r.id, dir.display()));
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let source = SourceFile::new(name.clone(), text.clone());
            let env = match sigc::parse::parse(&source)
                .map_err(|d| format!("{d:?}"))
                .and_then(|e| sigc::resolve::resolve(&e).map_err(|d| format!("{d:?}")))
            {
                Ok(env) => env,
                Err(e) => {
                    failures.push(format!("{}/{name}: fixture does not parse and resolve: {e}", r.id));
                    continue;
                }
            };
            let got: std::collections::BTreeSet<(usize, String)> = sigc::policy::check_rule(&env, r)
                .iter()
                .map(|d| {
                    (
                        source.line_col(d.primary_span().map_or(0, |s| s.start)).0,
                        d.rule.clone(),
                    )
                })
                .collect();
            let want: std::collections::BTreeSet<(usize, String)> = text
                .lines()
                .enumerate()
                .filter_map(|(i, l)| l.split("# expect:").nth(1).map(|rule| (i + 1, rule.trim().to_string())))
                .collect();
            if name.starts_with("fail-") {
                covered.insert(r.id);
                if want.is_empty() {
                    failures.push(format!("{}/{name}: a fail fixture needs `# expect:` markers", r.id));
                }
            } else if !name.starts_with("pass-") {
                failures.push(format!("{}/{name}: fixtures are named pass-* or fail-*", r.id));
            }
            if got != want {
                failures.push(format!("{}/{name}: expected {want:?}, got {got:?}", r.id));
            }
            if name.starts_with("fail-") {
                // What the user sees for this rule, reviewed like any other output.
                let diagnostics = sigc::policy::check_rule(&env, r);
                let report = sigc::diag::FileReport { source, diagnostics };
                let rendered = sigc::diag::human::render_file(&report, sigc::diag::human::Style { color: false });
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path("../snapshots");
                settings.set_omit_expression(true);
                settings.set_prepend_module_to_snapshot(true);
                let snapshot = format!("{}@{}", r.id.replace('/', "."), name.trim_end_matches(".env.toml"));
                settings.bind(|| insta::assert_snapshot!(snapshot, rendered));
            }
        }
        if !covered.contains(r.id) {
            failures.push(format!("{}: no fail-* fixture", r.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
