//! Inputs and pipes through the real binary (CONTRACT §1, issue 8): directories, `-` for
//! standard input, unreadable paths reported while the rest is still checked, FIFOs and devices
//! refused without blocking, and closed stdout/stderr pipes ending quietly.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{code, sigc, stderr, stdout, workspace, BAD, GOOD};

/// `sigc args` with `input` on standard input.
fn sigc_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn paths_in_json(out: &Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_directory_means_every_toml_below_it_in_path_order_without_hidden_folders() {
    let other_env = BAD.replace("name = \"dev\"", "name = \"qa\"");
    let ws = workspace(&[
        ("envs/b.toml", BAD),
        ("envs/a/z.toml", &other_env),
        ("envs/a.toml", GOOD),
        ("envs/.hidden/c.toml", BAD),
        ("envs/notes.txt", "not an env file"),
    ]);
    let out = sigc(ws.path(), &["check", "envs", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["summary"]["files"], 3, "{doc}");
    assert_eq!(
        paths_in_json(&out),
        ["envs/a/z.toml", "envs/b.toml"],
        "sorted, hidden skipped"
    );

    let clean = workspace(&[("envs/one.toml", GOOD)]);
    let out = sigc(clean.path(), &["build", "envs", "--target", "terraform"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(clean.path().join("build/dev/terraform/main.tf").is_file());

    let empty = workspace(&[("envs/readme.md", "")]);
    let out = sigc(empty.path(), &["check", "envs"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no `*.toml` file under `envs`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dash_reads_standard_input_named_stdin() {
    let ws = workspace(&[]);
    assert_eq!(code(&sigc_stdin(ws.path(), &["check", "-"], GOOD)), 0);
    let bad = sigc_stdin(ws.path(), &["check", "-"], BAD);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains(" --> <stdin>:8:12"), "{}", stderr(&bad));
    let json = sigc_stdin(ws.path(), &["check", "-", "--format", "json"], BAD);
    assert_eq!(paths_in_json(&json), ["<stdin>"]);
    let doc = sigc_stdin(
        ws.path(),
        &["build", "-", "--target", "terraform-json", "--stdout"],
        GOOD,
    );
    assert_eq!(code(&doc), 0, "{}", stderr(&doc));
    assert!(stdout(&doc).contains("azurerm_signalr_service"));
    let plan = sigc_stdin(ws.path(), &["plan", "-", "--format", "json"], GOOD);
    assert_eq!(code(&plan), 0, "{}", stderr(&plan));
    let twice = sigc_stdin(ws.path(), &["check", "-", "-"], GOOD);
    assert_eq!(code(&twice), 2);
    assert!(stderr(&twice).contains("only once"), "{}", stderr(&twice));
}

#[test]
fn an_unreadable_path_is_reported_and_every_other_input_still_checked() {
    let ws = workspace(&[("bad.toml", BAD), ("good.toml", GOOD)]);
    let out = sigc(ws.path(), &["check", "missing.toml", "bad.toml", "gone/", "good.toml"]);
    assert_eq!(code(&out), 2, "the highest exit code of all: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot read `missing.toml`"), "{err}");
    assert!(err.contains("cannot read `gone/`"), "{err}");
    assert!(
        err.contains("error[sku/capacity-not-offered]"),
        "bad.toml is still checked: {err}"
    );
    let json = sigc(
        ws.path(),
        &["check", "missing.toml", "bad.toml", "good.toml", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(doc["summary"]["files"], 2);

    // Inside a directory too: a dangling link is reported, its neighbours are checked.
    #[cfg(unix)]
    {
        fs::create_dir_all(ws.path().join("envs")).unwrap();
        fs::write(ws.path().join("envs/bad.toml"), BAD).unwrap();
        std::os::unix::fs::symlink("nowhere.toml", ws.path().join("envs/link.toml")).unwrap();
        let out = sigc(ws.path(), &["check", "envs"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot read `envs/link.toml`"),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("error[sku/capacity-not-offered]"),
            "{}",
            stderr(&out)
        );
    }

    let build = sigc(ws.path(), &["build", "missing.toml", "good.toml", "--target", "arm"]);
    assert_eq!(code(&build), 2, "{}", stderr(&build));
    assert!(
        ws.path().join("build/dev/arm/azuredeploy.json").is_file(),
        "good.toml is still built"
    );
}

/// Runs `sigc args` and gives up (failing the test) after `limit`.
fn bounded(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("sigc {args:?} still runs after {limit:?}: it blocks");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_instead_of_read_forever() {
    let ws = workspace(&[("good.toml", GOOD)]);
    let fifo = ws.path().join("env.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for cmd in [
        &["check", "env.toml", "good.toml"][..],
        &["plan", "env.toml"],
        &["build", "env.toml"],
    ] {
        let out = bounded(ws.path(), cmd, Duration::from_secs(10));
        assert_eq!(code(&out), 2, "{cmd:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("a FIFO, not a regular file"), "{}", stderr(&out));
    }
}

/// A pipe whose reading end is already closed: every write to it fails (EPIPE / SIGPIPE).
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two fresh descriptors; we close the read end and own the write end.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        Stdio::from_raw_fd(fds[1])
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_or_stderr_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let ws = workspace(&[("bad.toml", BAD), ("good.toml", GOOD)]);
    let quiet = |status: std::process::ExitStatus, what: &str| {
        assert!(
            status.signal() == Some(libc::SIGPIPE) || status.code() == Some(0),
            "{what}: {status:?}: like `cat`, sigc stops at the closed pipe, neither exit 2 nor a panic"
        );
    };
    for args in [
        &["completions", "zsh"][..],
        &["schema"],
        &["explain", "--all"],
        &["check", "bad.toml", "--format", "sarif"],
        &["plan", "good.toml"],
        &["build", "good.toml", "--target", "terraform", "--stdout"],
    ] {
        // stdout's reader is gone (`| head`): stderr must not say "internal error".
        let out = Command::new(env!("CARGO_BIN_EXE_sigc"))
            .args(args)
            .current_dir(ws.path())
            .env("NO_COLOR", "1")
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(!stderr(&out).contains("internal error"), "{args:?}: {}", stderr(&out));
        quiet(out.status, &format!("{args:?} with stdout closed"));
    }
    // stderr's reader is gone (`2>&1 | head` after the first lines).
    let out = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["check", "bad.toml"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .unwrap();
    quiet(out.status, "check with stderr closed");
}
