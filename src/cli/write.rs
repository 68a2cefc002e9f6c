//! Writing a build into `DIR/<env>/`, a folder sigc shares with its user (CONTRACT §1).
//!
//! **Ownership.** sigc owns only the files listed in `DIR/<env>/.sigc-manifest`. The manifest is
//! in `sha256sum` format: one line per file, sorted by path, `<64 lowercase hex digits>`, two
//! spaces, the path relative to `DIR/<env>/` with `/` separators (so `sha256sum -c .sigc-manifest`
//! run inside the folder verifies a build). Everything else under the folder (`.terraform/`,
//! `terraform.tfstate*`, a user's notes) is foreign: never replaced, removed or printed.
//!
//! **What a build changes.** It writes its artifacts, removes the owned files it no longer
//! writes and keeps the rest. With explicit `--target`s only the owned files of those targets
//! are candidates for removal (a subset build keeps the other targets' files, and the manifest
//! lists both); without `--target` the build is the file's whole set of targets, so owned files
//! of targets no longer listed are removed. A path sigc would write that holds a foreign file
//! with other content (or a folder) is a conflict: the environment is refused (exit 2) and
//! nothing is touched. A foreign file with exactly the new content is adopted. This is also what
//! happens to a folder without a manifest (an older sigc's build, or a user's folder): nothing in
//! it is sigc's, so sigc refuses to overwrite anything that differs and adds its files beside
//! the rest.
//!
//! **Atomicity and interrupts.** A build never edits a file in place:
//! 1. *Staging*: the new files and the new manifest are written into `DIR/.<env>.sigc-tmp-<pid>/`.
//!    An interrupt or an error here removes that folder; the output is untouched.
//! 2. *Commit*: the staging folder is renamed to `DIR/.<env>.sigc-commit/` (the journal: while it
//!    exists, a commit is under way), then owned files that go away are removed, each new file is
//!    renamed over its old version (one atomic `rename(2)` per file, so no file is ever half
//!    written), the new manifest is renamed in *last*, folders emptied by removals are pruned and
//!    the journal folder is removed. SIGINT/SIGTERM/SIGHUP during a commit are deferred until it is
//!    done (see `interrupt`); the run then exits 128 + signal with the new build in place. The
//!    commit is idempotent, so if sigc is killed outright (SIGKILL, power loss) the next build of
//!    that environment finds the journal and finishes it before anything else.
//! 3. A first build (no `DIR/<env>/` yet) is one rename of the whole staged folder.
//!
//! So a reader never sees a half-written file, and after any interrupt the owned files are
//! exactly the old or the new build. A reader that runs *during* the few renames of a commit can
//! see some files of each; the manifest, renamed last, says which build is complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sigc::emit::{Artifact, Target};

use super::interrupt::{self, Phase};

/// The manifest's file name inside `DIR/<env>/`.
pub const MANIFEST: &str = ".sigc-manifest";

/// Path (relative, `/`-separated) → SHA-256 (lowercase hex) of every file sigc owns in a folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest(pub BTreeMap<String, String>);

impl Manifest {
    pub fn render(&self) -> String {
        self.0.iter().map(|(path, hash)| format!("{hash}  {path}\n")).collect()
    }

    /// Parses a manifest; a line that is not `<sha256>  <safe relative path>` is an error, so a
    /// damaged or hand-edited manifest can never make sigc remove a file outside the folder.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut files = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let bad = || format!("line {} is not `<sha256>  <relative path>`", n + 1);
            let (hash, path) = line.split_once("  ").ok_or_else(bad)?;
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(bad());
            }
            if !safe_relative(path) {
                return Err(format!("line {}: `{path}` is not a plain relative path", n + 1));
            }
            files.insert(path.to_string(), hash.to_string());
        }
        Ok(Manifest(files))
    }

    /// Reads `dir/.sigc-manifest`; a missing one is an empty manifest (sigc owns nothing there).
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(MANIFEST);
        match fs::read_to_string(&path) {
            Ok(text) => Manifest::parse(&text).map_err(|e| format!("`{}`: {e}", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        }
    }
}

/// A path sigc may create or remove: relative, `/`-separated, no `.`/`..`/empty component.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\n')
        && path.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a build of one environment changes in its folder.
#[derive(Debug)]
pub struct Change {
    /// Files to write (every artifact).
    pub write: Vec<Artifact>,
    /// Owned files to remove: no longer written by a build of their target.
    pub remove: Vec<String>,
    /// The manifest after the build: the artifacts plus the owned files that are kept.
    pub manifest: Manifest,
}

/// Why an environment's folder cannot take the build (exit 2, nothing touched).
#[derive(Debug)]
pub enum Refusal {
    /// Paths sigc would write that hold something it does not own.
    Conflicts(Vec<String>),
    Other(String),
}

/// Works out what a build writes, keeps and removes in `dir`, without touching anything.
///
/// `subset`: the targets named with `--target` (their owned files may be removed); `None` when
/// the file's own target list decides, so every owned file not written any more is removed.
pub fn prepare(dir: &Path, artifacts: &[Artifact], subset: Option<&[Target]>) -> Result<Change, Refusal> {
    let old = Manifest::read(dir).map_err(Refusal::Other)?;
    let mut conflicts = Vec::new();
    for a in artifacts {
        if !safe_relative(&a.path) {
            return Err(Refusal::Other(format!("artifact path `{}` is not relative", a.path)));
        }
        if !old.0.contains_key(&a.path) {
            if let Some(why) = foreign_in_the_way(dir, &a.path, a.contents.as_bytes()) {
                conflicts.push(why);
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(Refusal::Conflicts(conflicts));
    }
    let written: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let replaced = |path: &str| match subset {
        None => true,
        Some(targets) => targets.iter().any(|t| path.split('/').next() == Some(t.name())),
    };
    let mut manifest = Manifest::default();
    let mut remove = Vec::new();
    for (path, hash) in &old.0 {
        if written.contains(path.as_str()) {
            continue;
        }
        if replaced(path) {
            remove.push(path.clone());
        } else {
            manifest.0.insert(path.clone(), hash.clone());
        }
    }
    for a in artifacts {
        manifest.0.insert(a.path.clone(), sha256(a.contents.as_bytes()));
    }
    Ok(Change {
        write: artifacts.to_vec(),
        remove,
        manifest,
    })
}

/// Why the unowned `rel` under `dir` stops sigc from writing `contents` there, if it does.
/// Never reads more than it compares and never returns the file's content.
fn foreign_in_the_way(dir: &Path, rel: &str, contents: &[u8]) -> Option<String> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match fs::metadata(&at) {
            Err(_) => return None,
            Ok(m) if !last && !m.is_dir() => {
                return Some(format!(
                    "`{}` is a file not written by sigc, where sigc needs a folder",
                    at.display()
                ))
            }
            Ok(m) if last && !m.is_file() => return Some(format!("`{}` is not a file sigc wrote", at.display())),
            Ok(_) => {}
        }
    }
    match fs::read(&at) {
        Ok(have) if have == contents => None,
        _ => Some(format!(
            "`{}` exists but is not listed in {MANIFEST} (not written by sigc)",
            at.display()
        )),
    }
}

/// An error while writing.
#[derive(Debug)]
pub enum WriteError {
    /// Interrupted by this signal before the commit: the folder is as it was.
    Interrupted(i32),
    /// Failed before the commit: the folder is as it was.
    Io(io::Error),
    /// Failed during the commit: the journal stays and the next build finishes the commit.
    Commit(io::Error),
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

fn staging_dir(dir: &Path) -> (PathBuf, String) {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    (parent, name)
}

/// The journal folder of `dir`: while it exists, a commit into `dir` is under way.
pub fn journal(dir: &Path) -> PathBuf {
    let (parent, name) = staging_dir(dir);
    parent.join(format!(".{name}.sigc-commit"))
}

/// Finishes a commit a killed sigc left behind, and removes staging folders of sigc runs that
/// no longer exist. Called before `prepare`, so the old manifest is the committed one.
pub fn recover(dir: &Path) -> io::Result<bool> {
    let (parent, name) = staging_dir(dir);
    if let Ok(entries) = fs::read_dir(&parent) {
        let prefix = format!(".{name}.sigc-tmp-");
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = file.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) {
                if pid != std::process::id() && !alive(pid) {
                    fs::remove_dir_all(e.path())?;
                }
            }
        }
    }
    let journal = journal(dir);
    if !journal.exists() {
        return Ok(false);
    }
    interrupt::enter(Phase::Commit);
    let result = apply(&journal, dir);
    interrupt::enter(Phase::Idle);
    result.map(|()| true)
}

#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks whether the process exists.
    unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// Writes `change` into `dir` (see the module documentation). On an error or an interrupt
/// before the commit, `dir` is untouched and no temp folder is left.
pub fn commit(dir: &Path, change: &Change) -> Result<(), WriteError> {
    let (parent, name) = staging_dir(dir);
    let created_parent = !parent.exists();
    fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(".{name}.sigc-tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    // Nothing changed after all: no temp folder, and no empty `DIR/` that this run created.
    let undo = |e: WriteError| {
        let _ = fs::remove_dir_all(&tmp);
        if created_parent {
            let _ = fs::remove_dir(&parent);
        }
        interrupt::enter(Phase::Idle);
        Err(e)
    };
    interrupt::enter(Phase::Staging);
    if let Err(e) = stage(&tmp, change) {
        return undo(e);
    }
    interrupt::enter(Phase::Commit);
    if let Some(sig) = interrupt::pending() {
        // Arrived between the last poll and the commit: still nothing changed.
        return undo(WriteError::Interrupted(sig));
    }
    let result = if dir.exists() {
        let journal = journal(dir);
        match fs::rename(&tmp, &journal) {
            Ok(()) => apply(&journal, dir).map_err(WriteError::Commit),
            Err(e) => Err(WriteError::Io(e)),
        }
    } else {
        fs::rename(&tmp, dir).map_err(WriteError::Io)
    };
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    interrupt::enter(Phase::Idle);
    result
}

/// Phase 1: every new file and the new manifest into `tmp`, polling for an interrupt.
fn stage(tmp: &Path, change: &Change) -> Result<(), WriteError> {
    fs::create_dir_all(tmp)?;
    for (i, a) in change.write.iter().enumerate() {
        test_hooks::before_file(i)?;
        if let Some(sig) = interrupt::pending() {
            return Err(WriteError::Interrupted(sig));
        }
        let path = tmp.join(&a.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&path, &a.contents)?;
    }
    fs::write(tmp.join(MANIFEST), change.manifest.render())?;
    match interrupt::pending() {
        Some(sig) => Err(WriteError::Interrupted(sig)),
        None => Ok(()),
    }
}

/// Phase 2, idempotent: moves the journal folder's files into `dir`, removes the owned files the
/// new manifest drops, renames the manifest in last and removes the journal folder.
fn apply(journal: &Path, dir: &Path) -> io::Result<()> {
    let staged_manifest = journal.join(MANIFEST);
    if staged_manifest.exists() {
        let new = Manifest::parse(&fs::read_to_string(&staged_manifest)?).map_err(io::Error::other)?;
        let old = Manifest::read(dir).map_err(io::Error::other)?;
        let mut emptied = BTreeSet::new();
        for path in old.0.keys().filter(|p| !new.0.contains_key(*p)) {
            match fs::remove_file(dir.join(path)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            let mut p = Path::new(path.as_str());
            while let Some(parent) = p.parent().filter(|p| !p.as_os_str().is_empty()) {
                emptied.insert(parent.to_path_buf());
                p = parent;
            }
        }
        for path in new.0.keys() {
            let from = journal.join(path);
            if !from.exists() {
                continue; // kept from an earlier build, or moved by an interrupted commit
            }
            test_hooks::during_commit();
            let to = dir.join(path);
            if let Some(p) = to.parent() {
                fs::create_dir_all(p)?;
            }
            fs::rename(&from, &to)?;
        }
        fs::rename(&staged_manifest, dir.join(MANIFEST))?;
        // Deepest first; a folder that still holds anything (a user's file) stays.
        for folder in emptied.iter().rev() {
            let _ = fs::remove_dir(dir.join(folder));
        }
    }
    fs::remove_dir_all(journal)
}

/// Fault injection for the CLI tests (debug builds only): fail or pause before writing the N-th
/// file, or pause before each rename of a commit, to prove a failed or interrupted write leaves
/// the folder holding one whole build.
mod test_hooks {
    #[cfg(debug_assertions)]
    fn var(name: &str) -> Option<u64> {
        std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok())
    }

    #[cfg(debug_assertions)]
    pub fn before_file(index: usize) -> std::io::Result<()> {
        if var("SIGC_TEST_FAIL_WRITE_AT") == Some(index as u64) {
            return Err(std::io::Error::other(
                "injected write failure (SIGC_TEST_FAIL_WRITE_AT)",
            ));
        }
        if let Some(ms) = var("SIGC_TEST_PAUSE_WRITE_MS") {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        Ok(())
    }

    #[cfg(debug_assertions)]
    pub fn during_commit() {
        if let Some(ms) = var("SIGC_TEST_PAUSE_COMMIT_MS") {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn before_file(_index: usize) -> std::io::Result<()> {
        Ok(())
    }

    #[cfg(not(debug_assertions))]
    pub fn during_commit() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_and_refuses_unsafe_paths() {
        let mut m = Manifest::default();
        m.0.insert("terraform/main.tf".into(), sha256(b"x"));
        m.0.insert("arm/azuredeploy.json".into(), sha256(b""));
        let text = m.render();
        assert!(text.starts_with(&format!("{}  arm/azuredeploy.json\n", sha256(b""))));
        assert_eq!(Manifest::parse(&text).unwrap(), m);
        let h = sha256(b"x");
        for bad in ["../etc/passwd", "/etc/passwd", "a//b", "a/./b", ""] {
            assert!(Manifest::parse(&format!("{h}  {bad}\n")).is_err(), "{bad}");
        }
        assert!(Manifest::parse("abc  terraform/main.tf\n").is_err());
    }

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
