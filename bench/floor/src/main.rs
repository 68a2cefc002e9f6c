//! `sigc-bench-floor FILE...`: reads each file and parses it into a `toml::Table`, one
//! after the other, on one thread: the least any TOML checker has to do. Prints the
//! number of files and top-level keys so the work cannot be optimised away.

use std::process::ExitCode;

fn main() -> ExitCode {
    let (mut files, mut keys) = (0usize, 0usize);
    for path in std::env::args_os().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("floor: {}: {e}", path.to_string_lossy());
                return ExitCode::from(2);
            }
        };
        match toml::from_str::<toml::Table>(&text) {
            Ok(table) => keys += table.len(),
            Err(e) => {
                eprintln!("floor: {}: {e}", path.to_string_lossy());
                return ExitCode::from(1);
            }
        }
        files += 1;
    }
    println!("{files} files, {keys} top-level keys");
    ExitCode::SUCCESS
}
