//! `cargo bench`: prints how long `check` and `build` take per example, next to the
//! cost of merely parsing the same TOML (the floor `sigc check` is held to).
//! Figures, not assertions: speed targets live here, never in timed unit tests.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sigc::emit::Target;
use sigc::source::SourceFile;
use sigc::{compile, Options};

fn time<F: FnMut()>(mut f: F) -> Duration {
    // Warm-up: the first call compiles templates and schemas (once per process).
    f();
    let runs = 200;
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed() / runs
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let first = Instant::now();
    let src = SourceFile::new("warm", std::fs::read_to_string(&files[0]).unwrap());
    compile(
        &src,
        &Options {
            targets: Some(Target::ALL.to_vec()),
        },
    )
    .unwrap();
    println!(
        "first build in a process (templates and schemas compiled once): {:?}",
        first.elapsed()
    );
    println!(
        "{:<18} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>13} {:>10}",
        "example", "toml parse", "sigc parse", "resolve", "policy", "lower", "sigc check", "build (all)", "bytes out"
    );
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = SourceFile::new(name.clone(), text.clone());
        let parse = time(|| {
            black_box(toml::from_str::<toml::Table>(black_box(&text)).unwrap());
        });
        let sigc_parse = time(|| {
            black_box(sigc::parse::parse(black_box(&source)).unwrap());
        });
        let env = sigc::parse::parse(&source).unwrap();
        let resolve = time(|| {
            black_box(sigc::resolve::resolve(black_box(&env)).unwrap());
        });
        let resolved = sigc::resolve::resolve(&env).unwrap();
        let policy = time(|| {
            black_box(sigc::policy::check(black_box(&resolved)));
        });
        let lower = time(|| {
            black_box(sigc::graph::lower(black_box(&resolved)).unwrap());
        });
        let check = time(|| {
            black_box(compile(black_box(&source), &Options::default()).unwrap());
        });
        let options = Options {
            targets: Some(Target::ALL.to_vec()),
        };
        let build = time(|| {
            black_box(compile(black_box(&source), &options).unwrap());
        });
        let bytes: usize = compile(&source, &options)
            .unwrap()
            .artifacts
            .iter()
            .map(|a| a.contents.len())
            .sum();
        println!(
            "{name:<18} {parse:>11.2?} {sigc_parse:>11.2?} {resolve:>11.2?} {policy:>11.2?} {lower:>11.2?} {check:>11.2?} {build:>13.2?} {bytes:>10}"
        );
    }
}
