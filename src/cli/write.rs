//! Writing a build: into a temp folder beside the target, then swapped into place,
//! so a reader never sees half a build and a failure or Ctrl-C leaves the earlier
//! output as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sigc::emit::Artifact;

/// Temp folders that exist right now; the Ctrl-C handler removes them.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the Ctrl-C handler once: it removes unfinished temp folders, then exits 130.
pub fn install_interrupt_cleanup() {
    let _ = ctrlc::set_handler(|| {
        let dirs = IN_FLIGHT.lock().map(|d| d.clone()).unwrap_or_default();
        for dir in dirs {
            let _ = fs::remove_dir_all(dir);
        }
        eprintln!("sigc: interrupted; earlier output left as it was");
        std::process::exit(130);
    });
}

fn track(path: &Path, add: bool) {
    if let Ok(mut dirs) = IN_FLIGHT.lock() {
        if add {
            dirs.push(path.to_path_buf());
        } else {
            dirs.retain(|d| d != path);
        }
    }
}

/// Replaces `dir` with exactly `artifacts`.
pub fn replace_dir(dir: &Path, artifacts: &[Artifact]) -> std::io::Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.sigc-tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    track(&tmp, true);
    let result = write_all(&tmp, artifacts).and_then(|()| swap(&tmp, dir));
    let _ = fs::remove_dir_all(&tmp);
    track(&tmp, false);
    result
}

fn write_all(root: &Path, artifacts: &[Artifact]) -> std::io::Result<()> {
    fs::create_dir_all(root)?;
    for (i, a) in artifacts.iter().enumerate() {
        test_hooks::before_file(i)?;
        let path = root.join(&a.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&path, &a.contents)?;
    }
    Ok(())
}

/// Puts `tmp` at `dir`. On Linux an existing `dir` is exchanged atomically
/// (renameat2 RENAME_EXCHANGE), so `dir` never stops existing; the previous build
/// ends up at `tmp` and is removed by the caller.
fn swap(tmp: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return fs::rename(tmp, dir);
    }
    #[cfg(target_os = "linux")]
    {
        if exchange(tmp, dir).is_ok() {
            return Ok(());
        }
    }
    // Elsewhere: two renames, putting the old build back if the second fails.
    let old = tmp.with_extension("old");
    let _ = fs::remove_dir_all(&old);
    fs::rename(dir, &old)?;
    if let Err(e) = fs::rename(tmp, dir) {
        let _ = fs::rename(&old, dir);
        return Err(e);
    }
    fs::rename(&old, tmp)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that live across the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Fault injection for the CLI tests (debug builds only): fail or pause before
/// writing the N-th file, to prove a failed or interrupted write leaves the earlier
/// build untouched.
mod test_hooks {
    #[cfg(debug_assertions)]
    pub fn before_file(index: usize) -> std::io::Result<()> {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
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

    #[cfg(not(debug_assertions))]
    pub fn before_file(_index: usize) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every file under `dir`, relative, sorted.
pub fn list_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(at) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
