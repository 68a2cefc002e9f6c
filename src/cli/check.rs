//! `sigc check`: the checks of `build`, no output files.
//!
//! Files are checked on every core (a work queue over scoped threads) and reported in input
//! order as soon as each one's turn comes, so the output is byte-for-byte that of a
//! single-threaded run and memory stays flat in the number of files: a file's source and
//! diagnostics are dropped once its report is written (SARIF, whose `artifacts` and rule list
//! span the whole run, keeps the reports until the end).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use sigc::diag::human::{Style, Totals};
use sigc::diag::{json, FileReport};
use sigc::{compile, Options};

use super::inputs::{self, expand, Input};
use super::{DiagFormat, FAILED, OK, USAGE};

pub fn run(args: &[PathBuf], format: DiagFormat, deny_warnings: bool, jobs: Option<usize>, style: Style) -> u8 {
    let mut code = OK;
    let (files, errors) = expand(args);
    let mut unreadable = errors.len();
    for msg in errors {
        eprintln!("{msg}");
        code = USAGE;
    }
    let mut totals = Totals::default();
    let mut json_doc = json::Stream::default();
    let mut sarif_reports = Vec::new();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    in_order(
        &files,
        jobs,
        |file| check_one(file, format, style),
        |outcome| match outcome {
            Outcome::Failed(msg, internal) => {
                let _ = writeln!(stderr.lock(), "{msg}");
                code = USAGE;
                unreadable += usize::from(!internal);
            }
            Outcome::Checked { report, rendered } => {
                totals.add(&report);
                match rendered {
                    Rendered::Human(text) => {
                        let _ = stderr.lock().write_all(text.as_bytes());
                    }
                    Rendered::Json(entries) => {
                        let mut out = String::new();
                        json_doc.push(&mut out, &entries);
                        let _ = stdout.lock().write_all(out.as_bytes());
                    }
                    Rendered::Sarif => sarif_reports.push(report),
                }
            }
        },
    );
    match format {
        DiagFormat::Human => {
            if totals.errors + totals.warnings > 0 {
                eprint!("{}", totals.summary(false));
            } else if code == OK || totals.files > 0 {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                let not_read = match unreadable {
                    0 => String::new(),
                    n => format!("; {n} input{} could not be read", plural(n)),
                };
                eprintln!(
                    "sigc: {} file{} checked, no problems{not_read}",
                    totals.files,
                    plural(totals.files)
                );
            }
        }
        DiagFormat::Json => {
            let mut out = String::new();
            json_doc.finish(&mut out);
            print!("{out}");
        }
        DiagFormat::Sarif => print!("{}", sigc::diag::sarif::render(&sarif_reports, sarif_rule)),
    }
    if totals.errors > 0 || (deny_warnings && totals.warnings > 0) {
        code = code.max(FAILED);
    }
    code
}

/// What checking one input gave, rendered on the worker thread.
enum Outcome {
    /// The message, and whether it is a sigc bug (else the input could not be read).
    Failed(String, bool),
    /// The report is dropped once written, except for SARIF, which needs every report at the end.
    Checked { report: FileReport, rendered: Rendered },
}

enum Rendered {
    Human(String),
    Json(json::FileEntries),
    Sarif,
}

fn check_one(file: &Input, format: DiagFormat, style: Style) -> Outcome {
    let source = match inputs::read(file) {
        Ok(s) => s,
        Err(msg) => return Outcome::Failed(msg, false),
    };
    match compile(&source, &Options::default()) {
        Ok(result) => {
            let report = FileReport {
                source,
                diagnostics: result.diagnostics,
            };
            let rendered = match format {
                DiagFormat::Human => Rendered::Human(sigc::diag::human::render_file(&report, style)),
                DiagFormat::Json => Rendered::Json(json::FileEntries::of(&report)),
                DiagFormat::Sarif => Rendered::Sarif,
            };
            Outcome::Checked { report, rendered }
        }
        Err(e) => Outcome::Failed(
            format!("sigc: internal error while checking `{}`: {e:#}", file.name()),
            true,
        ),
    }
}

/// Runs `work` on every item on `threads` threads and hands the results to `sink` on this thread, in
/// item order. Workers take the next index from a shared counter; results that arrive early wait
/// in a small reorder buffer (bounded by how far the fastest worker runs ahead).
fn in_order<T: Sync, R: Send>(items: &[T], threads: usize, work: impl Fn(&T) -> R + Sync, mut sink: impl FnMut(R)) {
    let threads = threads.min(items.len());
    if threads <= 1 {
        items.iter().map(&work).for_each(sink);
        return;
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (tx, next, work) = (tx.clone(), &next, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut early = BTreeMap::new();
        let mut want = 0;
        for (i, result) in rx {
            early.insert(i, result);
            while let Some(result) = early.remove(&want) {
                sink(result);
                want += 1;
            }
        }
    });
}

/// What SARIF shows about a rule, from the registry (`diag` may not know the rules).
fn sarif_rule(id: &str) -> Option<sigc::diag::sarif::RuleMeta> {
    sigc::policy::rule(id).map(|r| sigc::diag::sarif::RuleMeta {
        summary: r.summary(),
        help_markdown: sigc::policy::explain(r),
        default_level: r.production,
    })
}
