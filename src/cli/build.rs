//! `sigc build`: checks, then writes each environment's outputs into the folder it shares with
//! its user (see `write` for ownership, atomicity and interrupts).

use std::path::{Path, PathBuf};

use sigc::diag::human::Style;
use sigc::diag::FileReport;
use sigc::emit::{Artifact, Target};
use sigc::{compile, Options};

use super::inputs::{self, expand};
use super::write::{self, Refusal, WriteError, MANIFEST};
use super::{interrupt, print_human, TargetArg, FAILED, OK, USAGE};

pub fn run(args: &[PathBuf], out: &Path, targets: &[TargetArg], stdout: bool, check: bool, style: Style) -> u8 {
    let requested = expand_targets(targets);
    // With `--target`, the build is that subset and keeps the other targets' files.
    let subset = (!requested.is_empty()).then_some(requested.as_slice());
    if stdout && (requested.len() != 1 || !requested[0].single_document()) {
        eprintln!(
            "sigc: --stdout needs exactly one --target that is a single document: terraform, terraform-json or arm"
        );
        return USAGE;
    }
    let (files, errors) = expand(args);
    if stdout && (files.len() != 1 || !errors.is_empty()) {
        errors.iter().for_each(|msg| eprintln!("{msg}"));
        eprintln!("sigc: --stdout takes exactly one ENV file");
        return USAGE;
    }
    let mut code = OK;
    for msg in errors {
        eprintln!("{msg}");
        code = USAGE;
    }
    let mut reports = Vec::new();
    let mut built: Vec<(String, Vec<Artifact>, String)> = Vec::new();
    for file in &files {
        let source = match inputs::read(file) {
            Ok(s) => s,
            Err(msg) => {
                eprintln!("{msg}");
                code = code.max(USAGE);
                continue;
            }
        };
        let result = match compile(
            &source,
            &Options {
                targets: Some(requested.clone()),
            },
        ) {
            Ok(r) => r,
            Err(e) => {
                eprintln!(
                    "sigc: internal error while building `{}`: {e:#}\nsigc: this is a bug in sigc; nothing was written",
                    file.name()
                );
                code = code.max(USAGE);
                continue;
            }
        };
        let failed = result.has_errors();
        let env = result.resolved.as_ref().map(|r| r.environment.value.clone());
        reports.push(FileReport {
            source,
            diagnostics: result.diagnostics,
        });
        if failed {
            code = code.max(FAILED);
            continue;
        }
        let env = env.expect("a file without errors resolves");
        if let Some((_, _, first)) = built.iter().find(|(e, _, _)| *e == env) {
            // Two files would replace the same folder: refuse the second rather than lose the first.
            eprintln!(
                "sigc: `{first}` and `{}` both build environment `{env}` into {}; nothing was written for `{}`",
                file.name(),
                out.join(&env).display(),
                file.name()
            );
            code = code.max(USAGE);
            continue;
        }
        built.push((env, result.artifacts, file.name()));
    }
    let wrote_nothing = built.is_empty();
    print_human(&reports, style, wrote_nothing || check || stdout);
    if stdout {
        if let Some((_, artifacts, _)) = built.first() {
            if let Some(doc) = sigc::emit::document(requested[0], artifacts) {
                print!("{doc}");
            }
        }
        return code;
    }
    if check {
        for (env, artifacts, _) in &built {
            code = code.max(check_one(&out.join(env), artifacts, subset));
        }
        return code;
    }
    interrupt::install();
    for (env, artifacts, _) in &built {
        let dir = out.join(env);
        match write_one(&dir, artifacts, subset) {
            Ok(c) => code = code.max(c),
            Err(stop) => return stop,
        }
    }
    code
}

/// Builds one folder: `Ok(exit code)` to go on with the next environment, `Err(exit code)` to
/// stop the run (an interrupt).
fn write_one(dir: &Path, artifacts: &[Artifact], subset: Option<&[Target]>) -> Result<u8, u8> {
    match write::recover(dir) {
        Ok(true) => eprintln!("sigc: finished the interrupted write of `{}`", dir.display()),
        Ok(false) => {}
        Err(e) => {
            eprintln!(
                "sigc: cannot finish the interrupted write of `{}`: {e}; nothing else was written",
                dir.display()
            );
            return Ok(USAGE);
        }
    }
    let change = match write::prepare(dir, artifacts, subset) {
        Ok(c) => c,
        Err(Refusal::Conflicts(paths)) => {
            eprintln!(
                "sigc: not writing `{}`: sigc would overwrite files it does not own:",
                dir.display()
            );
            for p in paths {
                eprintln!("  {p}");
            }
            eprintln!(
                "sigc: move them away (or delete them, if an older sigc without {MANIFEST} wrote them) and build again; nothing was written"
            );
            return Ok(USAGE);
        }
        Err(Refusal::Other(msg)) => {
            eprintln!("sigc: not writing `{}`: {msg}; nothing was written", dir.display());
            return Ok(USAGE);
        }
    };
    match write::commit(dir, &change) {
        Ok(()) => {
            let kept = change.manifest.0.len() - change.write.len();
            let mut note = String::new();
            if kept > 0 {
                note.push_str(&format!(", kept {kept} of other targets"));
            }
            if !change.remove.is_empty() {
                note.push_str(&format!(", removed {}", change.remove.len()));
            }
            eprintln!("sigc: wrote {} ({} files{note})", dir.display(), change.write.len());
            if let Some(sig) = interrupt::pending() {
                eprintln!("sigc: interrupted; `{}` holds the new build, whole", dir.display());
                return Err(interrupt::exit_code(sig));
            }
            Ok(OK)
        }
        Err(WriteError::Interrupted(sig)) => {
            eprintln!("sigc: interrupted; `{}` is as it was", dir.display());
            Err(interrupt::exit_code(sig))
        }
        Err(WriteError::Io(e)) => {
            eprintln!(
                "sigc: cannot write `{}`: {e}; the previous output is unchanged",
                dir.display()
            );
            Ok(USAGE)
        }
        Err(WriteError::Commit(e)) => {
            eprintln!(
                "sigc: cannot finish writing `{}`: {e}; the next `sigc build` of it completes the change",
                dir.display()
            );
            Ok(USAGE)
        }
    }
}

/// `--check` for one folder: the unified diff of the files sigc owns or would write (and of its
/// manifest) against what a build would leave there. A file sigc does not own is named, never
/// printed.
fn check_one(dir: &Path, artifacts: &[Artifact], subset: Option<&[Target]>) -> u8 {
    let stale_msg = || {
        eprintln!(
            "sigc: `{}` is out of date; run `sigc build` and commit the result",
            dir.display()
        )
    };
    if write::journal(dir).exists() {
        eprintln!("sigc: a write into `{}` was interrupted", dir.display());
        stale_msg();
        return FAILED;
    }
    let change = match write::prepare(dir, artifacts, subset) {
        Ok(c) => c,
        Err(Refusal::Conflicts(paths)) => {
            for p in paths {
                eprintln!("sigc: a build would refuse to overwrite {p}");
            }
            stale_msg();
            return FAILED;
        }
        Err(Refusal::Other(msg)) => {
            eprintln!("sigc: cannot check `{}`: {msg}", dir.display());
            return USAGE;
        }
    };
    // Only regular files are read: a FIFO put where an owned file was must not block `--check`.
    let read = |rel: &str| {
        let path = dir.join(rel);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => std::fs::read_to_string(&path).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let mut diff = String::new();
    for a in &change.write {
        let have = read(&a.path);
        if have != a.contents {
            diff.push_str(&unified(&dir.join(&a.path), &have, &a.contents));
        }
    }
    for rel in &change.remove {
        diff.push_str(&unified(&dir.join(rel), &read(rel), ""));
    }
    let manifest = change.manifest.render();
    let have = read(MANIFEST);
    if have != manifest {
        diff.push_str(&unified(&dir.join(MANIFEST), &have, &manifest));
    }
    if diff.is_empty() {
        return OK;
    }
    print!("{diff}");
    stale_msg();
    FAILED
}

/// `--target` values; `all` expands, repeats collapse; empty means the file decides.
fn expand_targets(targets: &[TargetArg]) -> Vec<Target> {
    let mut out = Vec::new();
    for t in targets {
        match t {
            TargetArg::All => out.extend(Target::ALL),
            TargetArg::Terraform => out.push(Target::Terraform),
            TargetArg::TerraformJson => out.push(Target::TerraformJson),
            TargetArg::Arm => out.push(Target::Arm),
            TargetArg::Bicep => out.push(Target::Bicep),
            TargetArg::Functions => out.push(Target::Functions),
            TargetArg::Pulumi => out.push(Target::Pulumi),
        }
    }
    out.sort();
    out.dedup();
    out
}

fn unified(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
