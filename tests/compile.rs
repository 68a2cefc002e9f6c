//! The whole pipeline over every example and case file, as insta snapshots of
//! what users see: diagnostics and every emitted file.
//!
//! `tests/fixtures/cases/invalid-*.env.toml` must fail with no artifacts; every
//! other case and every `examples/*.toml` must build every target.

use std::path::Path;

use sigc::diag::human::{render_file, Style};
use sigc::diag::FileReport;
use sigc::emit::Target;
use sigc::source::SourceFile;
use sigc::{compile, Options};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_omit_expression(true);
    s.set_prepend_module_to_snapshot(true);
    s
}

/// Compiles with every target; returns (rendered diagnostics, artifacts by target).
fn run(path: &Path) -> (String, bool, Vec<(Target, String)>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let source = SourceFile::new(name, text);
    let result = compile(
        &source,
        &Options {
            targets: Some(Target::ALL.to_vec()),
        },
    )
    .expect("no internal error");
    let failed = result.has_errors();
    let mut per_target = Vec::new();
    for target in Target::ALL {
        let prefix = format!("{}/", target.name());
        let mut doc = String::new();
        for a in result.artifacts.iter().filter(|a| a.path.starts_with(&prefix)) {
            doc.push_str(&format!("=== {} ===\n{}", a.path, a.contents));
        }
        if !doc.is_empty() {
            per_target.push((target, doc));
        }
    }
    let report = FileReport {
        source,
        diagnostics: result.diagnostics,
    };
    (render_file(&report, Style { color: false }), failed, per_target)
}

fn snapshot_all(path: &Path, must_fail: bool) {
    let (diagnostics, failed, targets) = run(path);
    assert_eq!(
        failed,
        must_fail,
        "{}: expected {}\n{diagnostics}",
        path.display(),
        if must_fail { "errors" } else { "success" }
    );
    insta::assert_snapshot!("diagnostics", diagnostics);
    if must_fail {
        assert!(targets.is_empty(), "a failing file has no artifacts");
        return;
    }
    assert_eq!(targets.len(), Target::ALL.len(), "every target is emitted");
    for (target, doc) in targets {
        insta::assert_snapshot!(target.name(), doc);
    }
}

#[test]
fn examples() {
    settings().bind(|| {
        insta::glob!("../examples", "*.toml", |path| snapshot_all(path, false));
    });
}

#[test]
fn cases() {
    settings().bind(|| {
        insta::glob!("fixtures/cases/*.env.toml", |path| {
            let name = path.file_name().unwrap().to_string_lossy();
            snapshot_all(path, name.starts_with("invalid-"));
        });
    });
}

#[test]
fn output_is_deterministic() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .unwrap()
        .flatten()
    {
        let first = run(&entry.path());
        let second = run(&entry.path());
        assert_eq!(first.2, second.2, "{}", entry.path().display());
    }
}
