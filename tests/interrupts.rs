//! Ctrl-C safety with real signals (issue 8): the real binary rebuilds a folder that holds an
//! earlier build and the user's files, and gets SIGINT or SIGTERM at a random moment, many times.
//! After each run the folder must hold exactly the old or the new build (by manifest and hashes),
//! the foreign files must be byte-identical, no temp or journal folder may be left, and the run
//! must not have exited 0.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

mod common;

use common::{code, sigc, stderr, tree};

const EXAMPLE: &str = include_str!("../examples/production.toml");
const FOREIGN: [&str; 4] = [
    "terraform/terraform.tfstate",
    "terraform/.terraform/providers/azurerm",
    "terraform/.terraform.lock.hcl",
    "NOTES.md",
];

fn variant(n: u32) -> String {
    let tags = "tags = { service = \"real-time-messaging\" }";
    assert!(EXAMPLE.contains(tags), "the example's tags line");
    EXAMPLE.replacen(
        tags,
        &format!("tags = {{ service = \"real-time-messaging\", revision = \"r{n}\" }}"),
        1,
    )
}

fn manifest(env_dir: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(env_dir.join(".sigc-manifest")).expect("a manifest");
    text.lines()
        .map(|l| {
            let (h, p) = l.split_once("  ").expect("sha256sum format");
            (p.to_string(), h.to_string())
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Tiny xorshift: random delays without a dependency; the seed is printed for a rerun.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn spawn(dir: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml", "--target", "all"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Debug-build hooks: a pause before each staged file and each rename of the commit, so
        // random delays land in every phase (compile, staging, commit) on a fast machine too.
        .env("SIGC_TEST_PAUSE_WRITE_MS", "2")
        .env("SIGC_TEST_PAUSE_COMMIT_MS", "4")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sigc runs")
}

#[test]
fn random_sigint_and_sigterm_leave_the_old_or_the_new_build_exactly() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    // The two builds a folder may hold: reference manifests built elsewhere.
    let mut reference: Vec<BTreeMap<String, String>> = Vec::new();
    for n in 0..2 {
        let dir = root.join(format!("ref{n}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("env.toml"), variant(n)).unwrap();
        let out = sigc(&dir, &["build", "env.toml", "--target", "all"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        reference.push(manifest(&dir.join("build/production")));
    }
    assert_ne!(reference[0], reference[1]);
    assert!(
        reference[0].len() >= 10,
        "a large-ish build: {} files",
        reference[0].len()
    );

    let work = root.join("work");
    fs::create_dir_all(&work).unwrap();
    fs::write(work.join("env.toml"), variant(0)).unwrap();
    assert_eq!(code(&sigc(&work, &["build", "env.toml", "--target", "all"])), 0);
    let env_dir = work.join("build/production");
    for (i, rel) in FOREIGN.iter().enumerate() {
        let p = env_dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, format!("user data {i}\n")).unwrap();
    }
    let foreign = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        tree(dir)
            .into_iter()
            .filter(|(p, _)| FOREIGN.iter().any(|f| Path::new(f) == p))
            .collect()
    };
    let foreign_before = foreign(&env_dir);
    assert_eq!(foreign_before.len(), FOREIGN.len());

    // How long an uninterrupted rebuild takes here: the random delays stay below it.
    let mut shortest = Duration::MAX;
    for n in [1, 0, 1, 0] {
        fs::write(work.join("env.toml"), variant(n)).unwrap();
        let started = Instant::now();
        let out = spawn(&work).wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        shortest = shortest.min(started.elapsed());
    }
    // Up to just before the end: the commit is the last part of the run. A run that ends before
    // its signal is sent is seen by `try_wait` and not counted as interrupted.
    let window = (shortest.as_micros() as u64).saturating_sub(2_000).max(1_000);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, delays up to {window} µs");
    let mut rng = Rng(seed);
    let mut current = 0usize;
    assert_eq!(manifest(&env_dir), reference[current]); // which reference build the folder holds
    let (mut kept_old, mut got_new, mut interrupted, mut raced) = (0, 0, 0, 0);
    let deadline = Instant::now() + Duration::from_secs(6);
    for round in 0..40 {
        if Instant::now() > deadline && round >= 20 {
            break;
        }
        let next = 1 - current;
        fs::write(work.join("env.toml"), variant(next as u32)).unwrap();
        let sig = if rng.next() % 2 == 0 {
            libc::SIGINT
        } else {
            libc::SIGTERM
        };
        // Half the rounds anywhere in the run, half late in it, where the commit is.
        let late = if rng.next() % 2 == 0 { 0 } else { window * 6 / 10 };
        let delay = Duration::from_micros(late + rng.next() % (window - late).max(1));
        let mut child = spawn(&work);
        std::thread::sleep(delay);
        let signalled = match child.try_wait().unwrap() {
            Some(_) => false, // finished before the delay ran out: not an interrupt
            None => {
                // SAFETY: kill(2) on our own child, which has not been reaped yet.
                assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, sig) }, 0);
                true
            }
        };
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // The child may exit between `try_wait` and `kill` (a loaded machine can preempt this
        // thread there): the signal then hits a zombie and the run rightly exits 0. Such a run
        // must hold the whole new build; it is counted apart and bounded below, so a handler that
        // swallowed signals (many exit-0 runs) still fails the test.
        let signalled = if signalled && out.status.code() == Some(0) {
            raced += 1;
            false
        } else {
            signalled
        };
        if signalled {
            interrupted += 1;
            // Either sigc's handler (128 + signal) or, before it is installed, the signal itself.
            let by_handler = out.status.code() == Some(128 + sig);
            let by_signal = out.status.signal() == Some(sig);
            assert!(
                by_handler || by_signal,
                "round {round} (seed {seed}, delay {delay:?}, signal {sig}): an interrupted run must not succeed: {:?}\n{err}",
                out.status
            );
        } else {
            assert_eq!(out.status.code(), Some(0), "{err}");
        }

        // Exactly one of the two builds, by manifest and hashes; nothing else of sigc's.
        let m = manifest(&env_dir);
        let holds = reference
            .iter()
            .position(|r| *r == m)
            .unwrap_or_else(|| panic!("round {round} (seed {seed}): the manifest is neither build: {m:?}\n{err}"));
        for (path, hash) in &m {
            let bytes = fs::read(env_dir.join(path)).unwrap_or_else(|e| panic!("round {round}: {path}: {e}"));
            assert_eq!(
                &hex(&bytes),
                hash,
                "round {round} (seed {seed}): {path} is not the listed build's"
            );
        }
        for (p, _) in tree(&env_dir) {
            let rel = p.to_string_lossy().into_owned();
            assert!(
                rel == ".sigc-manifest" || m.contains_key(&rel) || FOREIGN.contains(&rel.as_str()),
                "round {round} (seed {seed}): stray file {rel}"
            );
        }
        assert_eq!(foreign(&env_dir), foreign_before, "round {round}: the user's files");
        let beside: Vec<_> = fs::read_dir(work.join("build"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            beside,
            vec![std::ffi::OsString::from("production")],
            "round {round} (seed {seed}): no temp or journal folder is left\n{err}"
        );
        if !signalled {
            assert_eq!(
                holds, next,
                "round {round} (seed {seed}): a run that exited 0 holds the new build"
            );
        }
        if signalled {
            if holds == current {
                kept_old += 1;
            } else {
                got_new += 1;
            }
        }
        current = holds;
    }
    eprintln!(
        "{interrupted} interrupted runs: {kept_old} kept the old build, {got_new} hold the new one; \
         {raced} finished as the signal was sent"
    );
    assert!(
        raced * 4 <= interrupted + raced,
        "{raced} of {} signalled runs exited 0: an interrupt must not end in success (seed {seed})",
        interrupted + raced
    );
    assert!(
        interrupted >= 10,
        "too few runs were interrupted ({interrupted}) to prove anything"
    );
    assert!(
        kept_old > 0 && got_new > 0,
        "the delays must hit both before and during the commit (old {kept_old}, new {got_new}; seed {seed})"
    );
}

#[test]
fn a_commit_killed_outright_is_finished_by_the_next_build() {
    let ws = tempfile::tempdir().unwrap();
    let work = ws.path();
    fs::write(work.join("env.toml"), variant(0)).unwrap();
    assert_eq!(code(&sigc(work, &["build", "env.toml", "--target", "all"])), 0);
    let env_dir = work.join("build/production");
    fs::write(env_dir.join("NOTES.md"), "mine\n").unwrap();
    fs::write(work.join("env.toml"), variant(1)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml", "--target", "all"])
        .current_dir(work)
        .env("SIGC_TEST_PAUSE_COMMIT_MS", "200")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = work.join("build/.production.sigc-commit");
    let started = Instant::now();
    while !journal.exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "the commit never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300)); // some files moved, not all
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    assert!(journal.exists(), "the journal records the unfinished commit");
    let stale = sigc(work, &["build", "env.toml", "--target", "all", "--check"]);
    assert_eq!(code(&stale), 1, "{}", stderr(&stale));
    assert!(stderr(&stale).contains("was interrupted"), "{}", stderr(&stale));

    let out = sigc(work, &["build", "env.toml", "--target", "all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("finished the interrupted write"),
        "{}",
        stderr(&out)
    );
    assert!(!journal.exists());
    let reference = ws.path().join("ref");
    fs::create_dir_all(&reference).unwrap();
    fs::write(reference.join("env.toml"), variant(1)).unwrap();
    assert_eq!(code(&sigc(&reference, &["build", "env.toml", "--target", "all"])), 0);
    let mut want = tree(&reference.join("build/production"));
    want.push((PathBuf::from("NOTES.md"), b"mine\n".to_vec()));
    want.sort();
    assert_eq!(tree(&env_dir), want, "the new build, whole, and the user's file");
    assert_eq!(
        code(&sigc(work, &["build", "env.toml", "--target", "all", "--check"])),
        0
    );
}

#[test]
fn a_staging_folder_of_a_killed_run_is_removed_by_the_next_build() {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("env.toml"), variant(0)).unwrap();
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    // The pid of a process that has exited: what a SIGKILLed sigc leaves behind.
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let leftover = ws.path().join(format!("build/.production.sigc-tmp-{pid}"));
    fs::create_dir_all(leftover.join("terraform")).unwrap();
    fs::write(leftover.join("terraform/main.tf"), "half").unwrap();
    assert_eq!(code(&sigc(ws.path(), &["build", "env.toml"])), 0);
    assert!(!leftover.exists());
}

#[test]
fn an_interrupted_or_failed_first_build_leaves_no_folder_at_all() {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("env.toml"), variant(0)).unwrap();
    let failed = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml"])
        .current_dir(ws.path())
        .env("SIGC_TEST_FAIL_WRITE_AT", "2")
        .output()
        .unwrap();
    assert_eq!(
        failed.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    assert!(!ws.path().join("build").exists(), "no empty output folder");

    let mut child = Command::new(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", "env.toml"])
        .current_dir(ws.path())
        .env("SIGC_TEST_PAUSE_WRITE_MS", "100")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !fs::read_dir(ws.path().join("build"))
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().contains("sigc-tmp"))
        })
        .unwrap_or(false)
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the build never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: kill(2) on our own child, which has not been reaped yet.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(!ws.path().join("build").exists(), "neither a half nor an empty folder");
}
