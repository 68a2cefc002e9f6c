//! Inputs and helpers shared by the integration tests that drive the real binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
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
