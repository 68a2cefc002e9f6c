//! `.pre-commit-hooks.yaml` with the real `pre-commit` from PyPI (.tools/bin/pre-commit, which
//! scripts/test installs), in a throwaway git repository whose `.pre-commit-config.yaml` points at
//! this checkout at its HEAD commit (pre-commit needs a committed rev: commit a change to the hooks
//! file before this test can see it).
//!
//! `sigc-check` is `language: rust`, so pre-commit really runs `cargo install --path .` on its
//! clone. Two caches keep that affordable, both under the project's target directory:
//! `target/pre-commit/home-<rev>` (PRE_COMMIT_HOME: a warm rev needs no build at all) and
//! `target/pre-commit/cargo` (CARGO_TARGET_DIR: a new rev rebuilds only sigc itself). The build
//! runs at opt-level 0 (CARGO_PROFILE_RELEASE_OPT_LEVEL): this test is about the hook, and an
//! optimised build of every dependency would cost minutes on every fresh CI clone.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

mod common;

use common::{BAD, GOOD};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// TOML that is not an ENV file: `sigc check` would fail on it, so the hook must never see it.
const NOT_AN_ENV: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";

/// A per-rev PRE_COMMIT_HOME unused for this long is deleted (a test run takes minutes, so a
/// concurrent run at another rev keeps its home).
const STALE_HOME: Duration = Duration::from_secs(3600);

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target"))
}

/// Deletes the per-rev homes of other revs that no run has used for [`STALE_HOME`].
fn prune_homes(base: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(base) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_home = entry.file_name().to_string_lossy().starts_with("home-");
        if !is_home || path == keep {
            continue;
        }
        let age = fs::metadata(path.join(".sigc-last-used"))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or(STALE_HOME);
        if age >= STALE_HOME {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

struct PreCommit {
    exe: PathBuf,
    home: PathBuf,
    cargo_target: PathBuf,
    repo: tempfile::TempDir,
}

impl PreCommit {
    /// `pre-commit run HOOK --all-files --verbose` in the throwaway repo: (exit code, output, time).
    fn run(&self, hook: &str) -> (i32, String, Duration) {
        let sigc_dir = Path::new(env!("CARGO_BIN_EXE_sigc"))
            .parent()
            .expect("the binary is in a folder");
        let path = std::env::join_paths(
            std::iter::once(sigc_dir.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .expect("PATH entries join");
        let mut cmd = Command::new(&self.exe);
        cmd.args(["run", hook, "--all-files", "--verbose", "--color", "never"])
            .current_dir(self.repo.path());
        // What `cargo test` sets for this test binary is not meant for the nested `cargo install`.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("CARGO_") && key != "CARGO_HOME" || key == "CARGO" || key.starts_with("RUSTC") {
                cmd.env_remove(key);
            }
        }
        cmd.env("PRE_COMMIT_HOME", &self.home)
            .env("CARGO_TARGET_DIR", &self.cargo_target)
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env("NO_COLOR", "1")
            .env("PATH", path);
        let start = Instant::now();
        let out = cmd.output().expect("pre-commit runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text, start.elapsed())
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.repo.path().join(name);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("create dirs");
        fs::write(path, text).expect("write");
        git(self.repo.path(), &["add", "--", name]);
    }
}

/// The log pre-commit keeps of a failed install, for a failure message.
fn install_log(home: &Path) -> String {
    fs::read_to_string(home.join("pre-commit.log")).unwrap_or_default()
}

#[test]
fn precommit_hooks_check_env_files_only_and_fail_with_the_diagnostic() {
    let exe = Path::new(ROOT).join(".tools/bin/pre-commit");
    if !exe.exists() {
        let why = format!(
            "{} is missing: run scripts/install-tools.sh (scripts/test does)",
            exe.display()
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the pre-commit test, but {why}"
        );
        eprintln!("SKIPPED pre-commit test: {why}");
        return;
    }
    let manifest = Command::new(&exe)
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .current_dir(ROOT)
        .output()
        .expect("pre-commit runs");
    assert!(
        manifest.status.success(),
        "{}",
        String::from_utf8_lossy(&manifest.stdout)
    );

    let rev = git(Path::new(ROOT), &["rev-parse", "HEAD"]);
    let base = target_dir().join("pre-commit");
    let home = base.join(format!("home-{}", &rev[..12]));
    fs::create_dir_all(&home).expect("create the pre-commit home");
    fs::write(home.join(".sigc-last-used"), &rev).expect("mark the home as used");
    prune_homes(&base, &home);

    let pc = PreCommit {
        exe,
        home,
        cargo_target: base.join("cargo"),
        repo: tempfile::tempdir().expect("temp dir"),
    };
    git(pc.repo.path(), &["init", "--quiet"]);
    let config = format!(
        "repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: sigc-check\n      - id: sigc-check-system\n"
    );
    pc.write(".pre-commit-config.yaml", &config);
    // The default `files:` takes envs/*.toml, *.env.toml and env.toml; the rest would fail `sigc check`.
    pc.write("envs/prod.toml", GOOD);
    pc.write("api.env.toml", GOOD);
    pc.write("env.toml", GOOD);
    for other in [
        "Cargo.toml",
        "pyproject.toml",
        "envs/nested/deeper.toml",
        "myenv.toml",
        "envs/notes.md",
    ] {
        pc.write(other, NOT_AN_ENV);
    }

    for hook in ["sigc-check", "sigc-check-system"] {
        let (code, out, took) = pc.run(hook);
        eprintln!("pre-commit run {hook} (good files): {:.1} s", took.as_secs_f64());
        assert_eq!(
            code,
            0,
            "{hook} must pass on good ENV files:\n{out}\n{}",
            install_log(&pc.home)
        );
        assert!(out.contains("Passed"), "{out}");
        assert!(
            out.contains("sigc: 3 files checked, no problems"),
            "{hook} sees exactly the 3 ENV files:\n{out}"
        );
    }
    // Warm: the environment of this rev is installed, so no build happens.
    let (code, out, warm) = pc.run("sigc-check");
    eprintln!("pre-commit run sigc-check (warm): {:.1} s", warm.as_secs_f64());
    assert_eq!(code, 0, "{out}");

    pc.write("envs/bad.toml", BAD);
    for hook in ["sigc-check", "sigc-check-system"] {
        let (code, out, _) = pc.run(hook);
        assert_eq!(code, 1, "{hook} must fail on a bad ENV file:\n{out}");
        assert!(out.contains("Failed"), "{out}");
        assert!(
            out.contains("error[sku/capacity-not-offered]"),
            "sigc's diagnostic in the output:\n{out}"
        );
        assert!(
            out.contains("envs/bad.toml:8:12"),
            "the diagnostic points at the file, line and column:\n{out}"
        );
        assert!(
            out.contains("sigc: 4 files, 1 error"),
            "4 ENV files checked, one finding:\n{out}"
        );
    }
}
