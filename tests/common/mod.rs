//! Inputs and helpers shared by the integration tests that drive the real binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shortest clean file: no findings at all.
pub const GOOD: &str = r#"[environment]
name = "dev"
workload = "chat"
location = "eastus"
profile = "development"

[signalr]
sku = "Free_F1"
"#;

/// Exactly one finding, at a known place: `sku/capacity-not-offered` at 8:12 (`2`).
pub const BAD: &str = r#"[environment]
name = "dev"
workload = "chat"
location = "eastus"
profile = "development"

[signalr]
capacity = 2
sku = "Free_F1"
"#;

/// Runs `sigc` in `dir` without colour.
pub fn sigc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the sigc binary runs")
}

/// The exit code; a signal (a crash) fails the test.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("sigc exits normally, never by a signal")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir`, relative path and bytes, sorted: for byte-for-byte comparisons.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push((
                    e.path().strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Every example and case file, sorted.
pub fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = ["examples", "tests/fixtures/cases"]
        .iter()
        .flat_map(|d| fs::read_dir(root.join(d)).unwrap().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A temp folder holding `files` (relative path → text), parent folders created.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        put(dir.path(), name, text);
    }
    dir
}

/// Writes `text` to `root/rel`, creating the parent folders.
pub fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("a relative path with a parent")).unwrap();
    fs::write(path, text).unwrap();
}
