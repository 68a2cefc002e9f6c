//! The `sigc` binary: parses the command line and maps the outcome to an exit code.

mod cli;

use clap::Parser;

/// mimalloc, not the system allocator: a file's check makes about 1,800 small allocations
/// (TOML tree, spans, names, the graph), and glibc's malloc and free were over a quarter of
/// `sigc check`'s instructions (bench/run, callgrind); its per-thread heaps also keep the
/// `check` workers from sharing one arena.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipes();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors exit 2 (CONTRACT §2).
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { cli::USAGE } else { cli::OK });
        }
    };
    // A panic is a sigc bug, never the user's input: report it as one and exit 2, not
    // with Rust's 101 (CONTRACT §2). A panic while writing leaves at most
    // sigc's temp or journal folder beside the output; the next build removes or finishes it.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("sigc: internal error: {info}\nsigc: this is a bug in sigc; please report it with the input file");
    }));
    let code = std::panic::catch_unwind(|| cli::run(cli)).unwrap_or(cli::USAGE);
    std::process::ExitCode::from(code)
}

/// `sigc completions zsh | head`: when the reader of standard output or standard error goes
/// away, end quietly the way `cat` and `grep` do (killed by SIGPIPE, which shells do not report),
/// instead of Rust's default (SIGPIPE ignored, so the next `print!` fails and panics).
fn quiet_on_closed_pipes() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
