//! `sigc build`: checks, then writes each environment's outputs atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sigc::diag::human::Style;
use sigc::diag::FileReport;
use sigc::emit::{Artifact, Target};
use sigc::{compile, Options};

use super::{print_human, read, write, TargetArg, FAILED, OK, USAGE};

pub fn run(files: &[PathBuf], out: &Path, targets: &[TargetArg], stdout: bool, check: bool, style: Style) -> u8 {
    let requested = expand(targets);
    if stdout {
        if files.len() != 1 {
            eprintln!("sigc: --stdout takes exactly one ENV file");
            return USAGE;
        }
        if requested.len() != 1 || !requested[0].single_document() {
            eprintln!(
                "sigc: --stdout needs exactly one --target that is a single document: terraform, terraform-json or arm"
            );
            return USAGE;
        }
    }
    let mut reports = Vec::new();
    let mut code = OK;
    let mut built = Vec::new();
    for file in files {
        let source = match read(file) {
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
                    file.display()
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
        if let Some((_, _, first)) = built.iter().find(|(e, _, _): &&(String, _, PathBuf)| *e == env) {
            // Two files would replace the same folder: refuse the second rather than lose the first.
            eprintln!(
                "sigc: `{}` and `{}` both build environment `{env}` into {}; nothing was written for `{}`",
                first.display(),
                file.display(),
                out.join(&env).display(),
                file.display()
            );
            code = code.max(USAGE);
            continue;
        }
        built.push((env, result.artifacts, file.clone()));
    }
    let wrote_nothing = built.is_empty();
    print_human(&reports, style, wrote_nothing || check || stdout);
    if stdout {
        if let Some((_, artifacts, _)) = built.first() {
            // A single-document target has exactly one artifact.
            print!("{}", artifacts[0].contents);
        }
        return code;
    }
    if !check {
        write::install_interrupt_cleanup();
    }
    for (env, artifacts, _) in built {
        let dir = out.join(&env);
        if check {
            let diff = stale(&dir, &artifacts);
            if !diff.is_empty() {
                print!("{diff}");
                eprintln!(
                    "sigc: `{}` is out of date; run `sigc build` and commit the result",
                    dir.display()
                );
                code = code.max(FAILED);
            }
            continue;
        }
        match write::replace_dir(&dir, &artifacts) {
            Ok(()) => eprintln!("sigc: wrote {} ({} files)", dir.display(), artifacts.len()),
            Err(e) => {
                eprintln!(
                    "sigc: cannot write `{}`: {e}; the previous output is unchanged",
                    dir.display()
                );
                code = code.max(USAGE);
            }
        }
    }
    code
}

/// `--target` values; `all` expands, repeats collapse; empty means the file decides.
fn expand(targets: &[TargetArg]) -> Vec<Target> {
    let mut out = Vec::new();
    for t in targets {
        match t {
            TargetArg::All => out.extend(Target::ALL),
            TargetArg::Terraform => out.push(Target::Terraform),
            TargetArg::TerraformJson => out.push(Target::TerraformJson),
            TargetArg::Arm => out.push(Target::Arm),
            TargetArg::Bicep => out.push(Target::Bicep),
            TargetArg::Functions => out.push(Target::Functions),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A unified diff between the files under `dir` and what a build would write.
fn stale(dir: &Path, artifacts: &[Artifact]) -> String {
    let mut want: BTreeMap<String, &str> = artifacts
        .iter()
        .map(|a| (a.path.clone(), a.contents.as_str()))
        .collect();
    let mut diff = String::new();
    for rel in write::list_files(dir) {
        let key = rel.to_string_lossy().replace('\\', "/");
        let have = std::fs::read_to_string(dir.join(&rel)).unwrap_or_default();
        let new = want.remove(&key).unwrap_or("");
        if have != new {
            diff.push_str(&unified(&dir.join(&rel), &have, new));
        }
    }
    for (path, contents) in want {
        diff.push_str(&unified(&dir.join(path), "", contents));
    }
    diff
}

fn unified(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
