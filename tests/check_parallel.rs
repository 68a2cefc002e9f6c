//! `sigc check` over many files runs on every core (CONTRACT §1 inputs; issue 9): its output must be
//! byte-for-byte that of a single-threaded run, in input order, for every format.

mod common;

use std::path::Path;

/// Every fixture under tests/fixtures (passing and failing files, errors and warnings, one
/// syntax error), given as one directory input: about 140 files in sorted path order.
fn run(format: &str, jobs: &str) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::sigc(root, &["check", "tests/fixtures", "--format", format, "-j", jobs])
}

#[test]
fn check_on_many_threads_prints_exactly_what_one_thread_prints() {
    for format in ["human", "json", "sarif"] {
        let one = run(format, "1");
        assert_eq!(one.status.code(), Some(1), "the fixtures hold failing files ({format})");
        for jobs in ["2", "7"] {
            let many = run(format, jobs);
            assert_eq!(many.status.code(), one.status.code(), "{format} -j {jobs}: exit code");
            assert!(
                many.stdout == one.stdout,
                "{format} -j {jobs}: stdout differs from -j 1"
            );
            assert!(
                many.stderr == one.stderr,
                "{format} -j {jobs}: stderr differs from -j 1"
            );
        }
    }
}

#[test]
fn the_streamed_json_document_counts_every_file_and_finding_in_input_order() {
    let out = run("json", "2");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let files = walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    assert_eq!(
        doc["summary"]["files"],
        files.len(),
        "every .toml below the folder is checked"
    );
    let diags = doc["diagnostics"].as_array().unwrap();
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(doc["summary"]["errors"], errors);
    assert_eq!(doc["summary"]["warnings"], diags.len() - errors);
    // Paths appear in the sorted input order, each file's findings together.
    let paths: Vec<&str> = diags.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut seen: Vec<&str> = paths.clone();
    seen.dedup();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "files in sorted path order");
    let mut unique = sorted.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "each file's findings are contiguous");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    out
}
