//! Hostile sizes through the real binary: huge files, deep nesting, long strings, keys
//! and lists. Each must end in exit 1 with an `input/*` finding, in bounded time,
//! memory and output: never a panic (101), a stack overflow or an abort.
//!
//! Every run is capped at 1 GiB of address space (`ulimit -v`), so a blow-up in memory
//! is an allocation failure and a failed test, not a slow machine.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::{code, stderr, stdout};

/// A valid head the hostile part is appended to, so only that part is at fault.
const HEAD: &str =
    "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\nprofile = \"development\"\n";
const SIGNALR: &str = "\n[signalr]\nsku = \"Free_F1\"\n";

/// Address-space cap for one run, in KiB.
const MEMORY_KIB: u64 = 1024 * 1024;
/// Wall-clock cap for one run of the debug binary on a busy two-core machine.
const TIME: Duration = Duration::from_secs(30);
/// What a run may print to standard error, whatever the input.
const MAX_STDERR: usize = 256 * 1024;

/// Runs sigc in `dir` under the memory cap.
fn capped(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_sigc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs sigc");
    (out, started.elapsed())
}

/// `check`, `check --format json`, `build --target all` and `plan` on one hostile file:
/// each exits 1 with `expected` among its findings, every finding is `input/*`
/// (or one of `also`), nothing is written, and time and output stay bounded.
fn refused(name: &str, text: &str, expected: &str, also: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("env.toml"), text).unwrap();
    for args in [
        &["check", "env.toml"][..],
        &["check", "env.toml", "--format", "json"],
        &["build", "env.toml", "--target", "all", "--out", "out"],
        &["plan", "env.toml", "--format", "json"],
    ] {
        let (out, took) = capped(dir.path(), args);
        let what = format!("{name}: sigc {}", args.join(" "));
        assert_eq!(code(&out), 1, "{what} exits 1\n{}", tail(&stderr(&out)));
        assert!(took < TIME, "{what} took {took:?}");
        assert!(
            out.stderr.len() < MAX_STDERR,
            "{what} printed {} bytes to stderr",
            out.stderr.len()
        );
        if args.contains(&"json") && args[0] == "check" {
            let doc: serde_json::Value =
                serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{what}: JSON ({e})"));
            let rules: Vec<&str> = doc["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["rule"].as_str().unwrap())
                .collect();
            assert!(rules.contains(&expected), "{what}: {expected} among {rules:?}");
            for r in &rules {
                assert!(
                    r.starts_with("input/") || also.contains(r),
                    "{what}: unexpected finding {r}"
                );
            }
        } else {
            assert!(
                stderr(&out).contains(&format!("error[{expected}]")),
                "{what}\n{}",
                tail(&stderr(&out))
            );
        }
    }
    assert!(!dir.path().join("out").exists(), "{name}: build wrote nothing");
}

/// The end of a long output, for assertion messages.
fn tail(s: &str) -> &str {
    let mut at = s.len().saturating_sub(2000);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

#[test]
fn a_5_mb_file_is_refused_before_parsing() {
    let text = format!("{HEAD}{SIGNALR}# {}\n", "x".repeat(5 * 1024 * 1024));
    refused("5 MB comment", &text, "input/too-large", &[]);
    // One 5 MB line: the finding must not echo it.
    let text = format!("{HEAD}tags = {{ a = \"{}\" }}{SIGNALR}", "v".repeat(5 * 1024 * 1024));
    refused("5 MB line", &text, "input/too-large", &[]);
}

#[test]
fn nesting_100k_deep_is_a_syntax_error_not_a_stack_overflow() {
    const N: usize = 100_000;
    let cases = [
        (
            "closed arrays",
            format!("{HEAD}{SIGNALR}x = {}{}\n", "[".repeat(N), "]".repeat(N)),
        ),
        ("open arrays", format!("{HEAD}{SIGNALR}x = {}\n", "[".repeat(N))),
        (
            "inline tables",
            format!("{HEAD}{SIGNALR}x = {}1{}\n", "{ b = ".repeat(N), " }".repeat(N)),
        ),
        (
            "open inline tables",
            format!("{HEAD}{SIGNALR}x = {}\n", "{b=".repeat(N)),
        ),
        ("dotted key", format!("{HEAD}{SIGNALR}{} = 1\n", vec!["k"; N].join("."))),
        ("table header", format!("{HEAD}{SIGNALR}[{}]\n", vec!["t"; N].join("."))),
        (
            "array of tables header",
            format!("{HEAD}{SIGNALR}[[{}]]\n", vec!["t"; N].join(".")),
        ),
        (
            "arrays inside a tag value",
            format!("[environment]\ntags = {}\n", "[".repeat(N)),
        ),
    ];
    for (name, text) in &cases {
        refused(name, text, "input/syntax", &[]);
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("env.toml"), text).unwrap();
        let (out, _) = capped(dir.path(), &["check", "env.toml"]);
        assert!(
            stderr(&out).contains("nest deeper than the 80 levels"),
            "{name}: the finding names the depth\n{}",
            tail(&stderr(&out))
        );
    }
}

#[test]
fn a_1_mb_string_is_refused_by_its_length_limit() {
    let value = "v".repeat(1_000_000);
    refused(
        "1 MB tag value",
        &format!("{HEAD}tags = {{ note = \"{value}\" }}{SIGNALR}"),
        "input/invalid-value",
        &[],
    );
    refused(
        "1 MB app setting",
        &format!("{HEAD}{SIGNALR}[functions]\napp_settings = {{ BIG = '{value}' }}\n"),
        "input/invalid-value",
        &[],
    );
    refused(
        "1 MB hub name",
        &format!("{HEAD}[signalr]\nsku = \"Free_F1\"\nhubs = [\"{value}\"]\n"),
        "input/invalid-value",
        &[],
    );
    // A multi-line basic string with escapes: the parser's slow path.
    let escaped = "\\u00e9\\n".repeat(100_000);
    refused(
        "escaped string",
        &format!("{HEAD}tags = {{ note = \"\"\"{escaped}\"\"\" }}{SIGNALR}"),
        "input/invalid-value",
        &[],
    );
}

#[test]
fn a_100k_element_array_is_refused_once() {
    let hubs: Vec<String> = (0..100_000).map(|i| format!("\"h{i}\"")).collect();
    refused(
        "100k hubs",
        &format!("{HEAD}[signalr]\nsku = \"Free_F1\"\nhubs = [{}]\n", hubs.join(",")),
        "input/too-many-entries",
        &[],
    );
    // Invalid items past the limit are not reported one by one.
    let bad: Vec<&str> = vec!["\"-\""; 100_000];
    refused(
        "100k bad hubs",
        &format!("{HEAD}[signalr]\nsku = \"Free_F1\"\nhubs = [{}]\n", bad.join(",")),
        "input/too-many-entries",
        &[],
    );
    let origins: Vec<String> = (0..40_000).map(|i| format!("\"https://a{i}.example\"")).collect();
    refused(
        "40k CORS origins (1 MB)",
        &format!(
            "{HEAD}[signalr]\nsku = \"Free_F1\"\n[signalr.cors]\nallowed_origins = [{}]\n",
            origins.join(",")
        ),
        "input/too-many-entries",
        &[],
    );
}

#[test]
fn ten_thousand_tags_are_refused_once() {
    let mut tags = String::new();
    for i in 0..10_000 {
        let _ = write!(tags, "{}t{i} = \"v\"", if i == 0 { "" } else { ", " });
    }
    refused(
        "10k tags inline",
        &format!("{HEAD}tags = {{ {tags} }}{SIGNALR}"),
        "input/too-many-entries",
        &[],
    );
    let mut table = String::from("[environment.tags]\n");
    for i in 0..10_000 {
        let _ = writeln!(table, "t{i} = \"v\"");
    }
    let head = HEAD.to_string();
    refused(
        "10k tags as a table",
        &format!("{head}{SIGNALR}{table}"),
        "input/too-many-entries",
        &[],
    );
    let mut settings = String::from("[functions.app_settings]\n");
    for i in 0..10_000 {
        let _ = writeln!(settings, "S{i} = \"v\"");
    }
    refused(
        "10k app settings",
        &format!("{HEAD}{SIGNALR}{settings}"),
        "input/too-many-entries",
        &[],
    );
}

#[test]
fn very_long_keys_are_refused_quickly() {
    let key = "k".repeat(900_000);
    refused(
        "900 KB unknown key",
        &format!("{HEAD}{SIGNALR}{key} = 1\n"),
        "input/unknown-key",
        &[],
    );
    refused(
        "900 KB quoted key",
        &format!("{HEAD}{SIGNALR}\"{key}\" = 1\n"),
        "input/unknown-key",
        &[],
    );
    let name = "S".repeat(500_000);
    refused(
        "500 KB app setting name",
        &format!("{HEAD}{SIGNALR}[functions]\napp_settings = {{ {name} = \"v\" }}\n"),
        "input/invalid-value",
        &[],
    );
    // A long tag name passes the shape check and is Azure's limit to enforce.
    let tag = "t".repeat(500_000);
    refused(
        "500 KB tag name",
        &format!("{HEAD}tags = {{ {tag} = \"v\" }}{SIGNALR}"),
        "naming/invalid-tag",
        &["naming/invalid-tag"],
    );
}

/// A finding per entry of one long line used to echo the whole line each time: a
/// 0.9 MB file printed 2.7 GB. Each finding now shows a window of the line.
#[test]
fn many_findings_on_one_long_line_print_a_bounded_output() {
    let tags: Vec<String> = (0..40)
        .map(|i| format!("\"t{i}/x\" = \"{}\"", "v".repeat(5_000)))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("env.toml"),
        format!("{HEAD}tags = {{ {} }}{SIGNALR}", tags.join(", ")),
    )
    .unwrap();
    let (out, took) = capped(dir.path(), &["check", "env.toml"]);
    assert_eq!(code(&out), 1);
    assert!(took < TIME, "took {took:?}");
    let text = stderr(&out);
    assert_eq!(
        text.matches("error[naming/invalid-tag]").count(),
        80,
        "a name and a value finding per tag"
    );
    assert!(
        out.stderr.len() < 80 * 2048,
        "{} bytes for 80 findings",
        out.stderr.len()
    );
}

#[test]
fn bytes_that_are_not_text_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], i32); 4] = [
        // Not UTF-8: an `input/syntax` finding at the first bad byte, exit 1 (issue 8, item 8).
        ("latin-1", b"[environment]\nname = \"d\xe9v\"\n", 1),
        ("a lone continuation byte", b"\x80", 1),
        // UTF-8 with a NUL and controls: the parser's error, and no raw control on the terminal.
        ("NUL", b"[environment]\x00name = \"dev\"\n", 1),
        (
            "escape sequence",
            b"[environment]\nname = \"\x1b]0;title\x07\x1b[2J\"\n",
            1,
        ),
    ];
    for (name, bytes, want) in cases {
        fs::write(dir.path().join("env.toml"), bytes).unwrap();
        let (out, took) = capped(dir.path(), &["check", "env.toml"]);
        assert_eq!(code(&out), want, "{name}: {}", stderr(&out));
        assert!(took < TIME);
        assert!(
            !out.stderr.iter().any(|&b| b == 0x1b || b == 0x07 || b == 0),
            "{name}: no raw control byte reaches the terminal: {:?}",
            stderr(&out)
        );
    }
}
