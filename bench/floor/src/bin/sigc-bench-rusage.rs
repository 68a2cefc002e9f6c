//! `sigc-bench-rusage OUT CMD ARGS...`: runs CMD, then writes "<wall seconds> <peak RSS KiB>"
//! to OUT and exits with CMD's code. A small Rust parent (not Python) so that the peak RSS,
//! which Linux carries over from the pre-exec image, is the command's own and not its
//! launcher's. Peak RSS is `ru_maxrss` of RUSAGE_CHILDREN: the largest waited-for
//! descendant (for checkov, its own Python process).

use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: sigc-bench-rusage OUT CMD [ARGS...]");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    let status = match Command::new(&args[1]).args(&args[2..]).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sigc-bench-rusage: {}: {e}", args[1].to_string_lossy());
            return ExitCode::from(127);
        }
    };
    let wall = start.elapsed().as_secs_f64();
    // SAFETY: getrusage writes one `rusage` into the zeroed struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if let Err(e) = std::fs::write(&args[0], format!("{wall:.6} {}\n", usage.ru_maxrss)) {
        eprintln!("sigc-bench-rusage: {}: {e}", args[0].to_string_lossy());
        return ExitCode::from(2);
    }
    ExitCode::from(status.code().unwrap_or(128) as u8)
}
