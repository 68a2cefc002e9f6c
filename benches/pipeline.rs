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
    compile(&src, &Options { targets: Some(Target::ALL.to_vec()) }).unwrap();
    println!("first build in a process (templates and schemas compiled once): {:?}", first.elapsed());
    println!("{:<18} {:>12} {:>12} {:>14} {:>10}", "example", "toml parse", "sigc check", "build (all)", "bytes out");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = SourceFile::new(name.clone(), text.clone());
        let parse = time(|| {
            black_box(toml::from_str::<toml::Table>(black_box(&text)).unwrap());
        });
        let check = time(|| {
            black_box(compile(black_box(&source), &Options::default()).unwrap());
        });
        let options = Options { targets: Some(Target::ALL.to_vec()) };
        let build = time(|| {
            black_box(compile(black_box(&source), &options).unwrap());
        });
        let bytes: usize = compile(&source, &options).unwrap().artifacts.iter().map(|a| a.contents.len()).sum();
        println!("{name:<18} {parse:>12.2?} {check:>12.2?} {build:>14.2?} {bytes:>10}");
    }
}
