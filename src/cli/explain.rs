//! `sigc explain RULE` and `sigc explain --all`.

use sigc::policy::{rule, rules};

use super::{OK, USAGE};

pub fn run(id: Option<&str>, all: bool) -> u8 {
    if all {
        print!("{}", sigc::policy::listing());
        return OK;
    }
    let id = id.unwrap_or_default();
    match rule(id) {
        Some(r) => {
            print!("{}", sigc::policy::explain(r));
            OK
        }
        None => {
            let hint = sigc::diag::closest(id, rules().iter().map(|r| r.id))
                .map(|n| format!("; `{n}` is the closest rule id"))
                .unwrap_or_else(|| "; run `sigc explain --all` for the list".to_string());
            eprintln!("sigc: unknown rule `{id}`{hint}");
            USAGE
        }
    }
}
