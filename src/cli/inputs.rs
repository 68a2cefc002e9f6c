//! The inputs of `build`, `check` and `plan` (CONTRACT §1): ENV files, directories (every
//! `*.toml` below, recursively, sorted by path, hidden folders skipped) and `-` (standard input,
//! named `<stdin>`). A path that cannot be read is reported and the others are still read.

use std::io::Read;
use std::path::{Path, PathBuf};

use sigc::source::SourceFile;

/// One ENV file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".into(),
        }
    }
}

/// Expands the command-line arguments into inputs, in order. Each argument that cannot be
/// expanded gives one message (exit 2) and the rest are still expanded.
pub fn expand(args: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            if inputs.contains(&Input::Stdin) {
                errors.push("sigc: `-` (standard input) can be given only once".to_string());
            } else {
                inputs.push(Input::Stdin);
            }
            continue;
        }
        match std::fs::metadata(arg) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                walk(arg, &mut found, &mut errors);
                if found.is_empty() {
                    errors.push(format!("sigc: no `*.toml` file under `{}`", arg.display()));
                }
                found.sort();
                inputs.extend(found.into_iter().map(Input::File));
            }
            // Files, and everything else: `read` says why a FIFO or device is refused.
            _ => inputs.push(Input::File(arg.clone())),
        }
    }
    (inputs, errors)
}

/// Every `*.toml` file below `dir`; hidden folders and symbolic links to folders are skipped
/// (a link loop cannot make the walk endless).
fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("sigc: cannot read `{}`: {e}", dir.display()));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("sigc: cannot read `{}`: {e}", dir.display()));
                continue;
            }
        };
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() {
            if !hidden {
                walk(&path, found, errors);
            }
        } else if path.extension().is_some_and(|e| e == "toml") && !(kind.is_symlink() && path.is_dir()) {
            found.push(path);
        }
    }
}

/// Reads one input; an unreadable file, a FIFO or a device is a usage-level failure (exit 2).
///
/// The file type is checked on the opened handle before reading, and the file is opened
/// non-blocking, so a FIFO with no writer is refused instead of waiting forever. Reads at most
/// one byte more than the parser accepts, so a huge input costs bounded memory and still gets
/// `input/too-large`.
pub fn read(input: &Input) -> Result<SourceFile, String> {
    let limit = sigc::parse::MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    match input {
        Input::Stdin => {
            std::io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("sigc: cannot read standard input: {e}"))?;
        }
        Input::File(path) => {
            let cannot = |e: std::io::Error| format!("sigc: cannot read `{}`: {e}", path.display());
            let refuse = |meta: &std::fs::Metadata| {
                format!(
                    "sigc: cannot read `{}`: {}, not a regular file; give an ENV file, a directory or `-`",
                    path.display(),
                    kind(meta)
                )
            };
            // Before opening (opening a device can have effects of its own), and again on the
            // handle, in case the path was swapped in between.
            let meta = std::fs::metadata(path).map_err(cannot)?;
            if !meta.is_file() {
                return Err(refuse(&meta));
            }
            let file = open_nonblocking(path).map_err(cannot)?;
            let meta = file.metadata().map_err(cannot)?;
            if !meta.is_file() {
                return Err(refuse(&meta));
            }
            // Sized from the metadata, so reading does not grow the buffer step by step.
            bytes.reserve_exact(meta.len().min(limit) as usize);
            file.take(limit).read_to_end(&mut bytes).map_err(cannot)?;
        }
    }
    source(input.name(), bytes, limit)
}

/// The one place raw bytes become a [`SourceFile`].
fn source(name: String, bytes: Vec<u8>, limit: u64) -> Result<SourceFile, String> {
    if bytes.len() as u64 >= limit {
        // Only its size matters now: the parser refuses it before looking inside.
        return Ok(SourceFile::new(name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    // Not UTF-8 is an `input/syntax` finding with its line and column (the parser reports it).
    Ok(SourceFile::from_bytes(name, bytes))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "something else"
    }
}
