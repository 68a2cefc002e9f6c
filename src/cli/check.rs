//! `sigc check`: the checks of `build`, no output files.

use std::path::PathBuf;

use sigc::diag::human::Style;
use sigc::diag::FileReport;
use sigc::{compile, Options};

use super::inputs::{self, expand};
use super::{print_human, DiagFormat, FAILED, OK, USAGE};

pub fn run(args: &[PathBuf], format: DiagFormat, deny_warnings: bool, style: Style) -> u8 {
    let mut reports = Vec::new();
    let mut code = OK;
    let (files, errors) = expand(args);
    let mut unreadable = errors.len();
    for msg in errors {
        eprintln!("{msg}");
        code = USAGE;
    }
    for file in &files {
        let source = match inputs::read(file) {
            Ok(s) => s,
            Err(msg) => {
                eprintln!("{msg}");
                code = USAGE;
                unreadable += 1;
                continue;
            }
        };
        match compile(&source, &Options::default()) {
            Ok(result) => reports.push(FileReport {
                source,
                diagnostics: result.diagnostics,
            }),
            Err(e) => {
                eprintln!("sigc: internal error while checking `{}`: {e:#}", file.name());
                code = USAGE;
            }
        }
    }
    match format {
        DiagFormat::Human => {
            print_human(&reports, style, false);
            if reports.iter().all(|r| r.diagnostics.is_empty()) && (code == OK || !reports.is_empty()) {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                let not_read = match unreadable {
                    0 => String::new(),
                    n => format!("; {n} input{} could not be read", plural(n)),
                };
                eprintln!(
                    "sigc: {} file{} checked, no problems{not_read}",
                    reports.len(),
                    plural(reports.len())
                );
            }
        }
        DiagFormat::Json => print!("{}", sigc::diag::json::render(&reports)),
        DiagFormat::Sarif => print!("{}", sigc::diag::sarif::render(&reports, sarif_rule)),
    }
    let errors: usize = reports.iter().map(FileReport::errors).sum();
    let warnings: usize = reports.iter().map(FileReport::warnings).sum();
    if errors > 0 || (deny_warnings && warnings > 0) {
        code = code.max(FAILED);
    }
    code
}

/// What SARIF shows about a rule, from the registry (`diag` may not know the rules).
fn sarif_rule(id: &str) -> Option<sigc::diag::sarif::RuleMeta> {
    sigc::policy::rule(id).map(|r| sigc::diag::sarif::RuleMeta {
        summary: r.summary(),
        help_markdown: sigc::policy::explain(r),
        default_level: r.production,
    })
}
