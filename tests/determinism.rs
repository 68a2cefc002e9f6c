//! Byte-identical output across runs and machines: every example and case is built
//! twice by the real binary, in separate processes (so every `HashMap` gets a new
//! seed), from different directories and file names, under a different time zone,
//! locale, home and umask, and the two trees must match byte for byte. Neither may
//! name the machine's paths.

mod common;

use common::{inputs, tree};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One "machine": where the input sits, what it is called, and the environment.
struct Machine {
    input_name: &'static str,
    env: &'static [(&'static str, &'static str)],
    umask: &'static str,
}

const MACHINES: [Machine; 2] = [
    Machine {
        input_name: "env.toml",
        env: &[("TZ", "UTC"), ("LC_ALL", "C"), ("LANG", "C")],
        umask: "022",
    },
    Machine {
        input_name: "a much longer name with spaces.toml",
        env: &[
            ("TZ", "Pacific/Chatham"),
            ("LC_ALL", "tr_TR.UTF-8"),
            ("LANG", "tr_TR.UTF-8"),
            ("SOURCE_DATE_EPOCH", "1"),
        ],
        umask: "077",
    },
];

/// Builds `text` on `machine` under `root`; `None` when the input has errors.
fn build(text: &str, machine: &Machine, root: &Path) -> Option<Vec<(PathBuf, Vec<u8>)>> {
    let work = root.join("work").join("nested");
    fs::create_dir_all(&work).unwrap();
    fs::write(work.join(machine.input_name), text).unwrap();
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("umask {} && exec \"$0\" \"$@\"", machine.umask))
        .arg(env!("CARGO_BIN_EXE_sigc"))
        .args(["build", machine.input_name, "--target", "all", "--out", "../../dist"])
        .current_dir(&work)
        .env("HOME", root)
        .env("NO_COLOR", "1")
        .envs(machine.env.iter().copied())
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => Some(tree(&root.join("dist"))),
        Some(1) => None,
        other => panic!("exit {other:?}: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

#[test]
fn two_builds_on_two_machines_are_byte_identical() {
    let mut compared = 0;
    for input in inputs() {
        let text = fs::read_to_string(&input).unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = build(&text, &MACHINES[0], a.path());
        let second = build(&text, &MACHINES[1], b.path());
        assert_eq!(
            first.is_some(),
            second.is_some(),
            "{}: one machine refused what the other built",
            input.display()
        );
        let (Some(first), Some(second)) = (first, second) else {
            continue;
        };
        compared += 1;
        assert_eq!(
            first.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            second.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            "{}: the same files",
            input.display()
        );
        for ((path, x), (_, y)) in first.iter().zip(&second) {
            assert!(
                x == y,
                "{}: {} differs between the two builds",
                input.display(),
                path.display()
            );
            let text = String::from_utf8_lossy(x);
            for dir in [a.path(), b.path()] {
                let dir = dir.to_string_lossy();
                assert!(
                    !text.contains(dir.as_ref()),
                    "{}: {} names the build directory",
                    input.display(),
                    path.display()
                );
            }
            assert!(
                text.ends_with('\n'),
                "{}: {} ends with a newline",
                input.display(),
                path.display()
            );
        }
    }
    assert!(compared >= 4, "only {compared} inputs built");
}

/// A third build in the same place over the first leaves the tree as it was.
#[test]
fn rebuilding_in_place_changes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(root.join("examples/production.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let first = build(&text, &MACHINES[0], dir.path()).expect("the production example builds");
    let again = build(&text, &MACHINES[0], dir.path()).expect("and builds again");
    assert!(first == again, "a rebuild over the same output differs");
}
