//! Writing a build: into a temp folder beside the target, then renamed into place,
//! so a reader never sees half a build and a failure leaves the old output intact.

use std::fs;
use std::path::{Path, PathBuf};

use sigc::emit::Artifact;

/// Replaces `dir` with exactly `artifacts`.
pub fn replace_dir(dir: &Path, artifacts: &[Artifact]) -> std::io::Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.sigc-tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.sigc-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let result = write_all(&tmp, artifacts).and_then(|()| swap(&tmp, dir, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

fn write_all(root: &Path, artifacts: &[Artifact]) -> std::io::Result<()> {
    fs::create_dir_all(root)?;
    for a in artifacts {
        let path = root.join(&a.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&path, &a.contents)?;
    }
    Ok(())
}

/// Moves `tmp` to `dir`, keeping the old `dir` until the new one is in place.
fn swap(tmp: &Path, dir: &Path, old: &Path) -> std::io::Result<()> {
    if dir.exists() {
        let _ = fs::remove_dir_all(old);
        fs::rename(dir, old)?;
        if let Err(e) = fs::rename(tmp, dir) {
            // Put the previous build back before reporting.
            let _ = fs::rename(old, dir);
            return Err(e);
        }
        let _ = fs::remove_dir_all(old);
        Ok(())
    } else {
        fs::rename(tmp, dir)
    }
}

/// Every file under `dir`, relative, with `/` separators, sorted.
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
