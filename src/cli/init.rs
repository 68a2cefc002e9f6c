//! `sigc init`: a commented starter file that passes `sigc check` as written.

use std::io::Write;
use std::path::Path;

use super::{OK, USAGE};

const TEMPLATE: &str = include_str!("../../modules/init/env.toml.tpl");

pub fn run(env: &str, workload: &str, location: &str, path: &Path) -> u8 {
    let text = TEMPLATE
        .replace("@ENV@", env)
        .replace("@WORKLOAD@", workload)
        .replace("@LOCATION@", location);
    // Check before writing: a starter that fails `sigc check` would be a trap.
    let source = sigc::source::SourceFile::new(path.display().to_string(), text.clone());
    match sigc::compile(&source, &sigc::Options::default()) {
        Ok(c) if !c.has_errors() => {}
        Ok(c) => {
            let report = sigc::diag::FileReport {
                source,
                diagnostics: c.diagnostics,
            };
            eprint!(
                "{}",
                sigc::diag::human::render_file(&report, sigc::diag::human::Style { color: false })
            );
            eprintln!("sigc: those --env/--workload/--location values do not make a valid file; nothing was written");
            return USAGE;
        }
        Err(e) => {
            eprintln!("sigc: internal error: {e:#}");
            return USAGE;
        }
    }
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    match file.and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => {
            eprintln!(
                "sigc: wrote {}; next: `sigc check {}` and `sigc build {}`",
                path.display(),
                path.display(),
                path.display()
            );
            OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "sigc: `{}` already exists; init never overwrites a file",
                path.display()
            );
            USAGE
        }
        Err(e) => {
            eprintln!("sigc: cannot write `{}`: {e}", path.display());
            USAGE
        }
    }
}
