//! The `sigc` binary: parses the command line and maps the outcome to an exit code.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors exit 2 (CONTRACT §2).
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { cli::USAGE } else { cli::OK });
        }
    };
    std::process::ExitCode::from(cli::run(cli))
}
