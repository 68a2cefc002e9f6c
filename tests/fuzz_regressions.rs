//! The bounded fuzz pass that CI runs: the fuzz target's own harness
//! (`fuzz/harness.rs`: `check` + `build --target all` and their invariants) on
//! - every seed (examples, test cases) and every minimised crasher in `fuzz/regressions/`,
//! - then deterministic mutations of the seeds (byte edits, dictionary tokens from
//!   `fuzz/toml.dict`, splices) for at most `SIGC_FUZZ_SECS` seconds (default 8).
//!
//! The long coverage-guided run is `cargo +nightly fuzz run check_build` (fuzz/README.md).

#[path = "../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn seeds() -> Vec<Vec<u8>> {
    let mut paths = files_in(&root().join("examples"), ".toml");
    paths.extend(files_in(&root().join("tests/fixtures/cases"), ".toml"));
    paths.iter().map(|p| fs::read(p).unwrap()).collect()
}

/// libFuzzer dictionary entries (`name="value"` with `\\`, `\"` and `\xNN` escapes).
fn dictionary() -> Vec<Vec<u8>> {
    let text = fs::read_to_string(root().join("fuzz/toml.dict")).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some(start) = line.find('"') else { continue };
        let raw = line[start + 1..]
            .strip_suffix('"')
            .unwrap_or(&line[start + 1..])
            .as_bytes();
        let mut entry = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            match (raw[i], raw.get(i + 1)) {
                (b'\\', Some(b'x')) if i + 3 < raw.len() => {
                    entry.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 2..i + 4]).unwrap(), 16).unwrap());
                    i += 4;
                }
                (b'\\', Some(&c)) => {
                    entry.push(c);
                    i += 2;
                }
                (c, _) => {
                    entry.push(c);
                    i += 1;
                }
            }
        }
        out.push(entry);
    }
    out
}

/// A small deterministic generator (xorshift64*), so a CI failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data
                .splice(at..at, dict[rng.below(dict.len())].iter().copied())
                .for_each(drop),
            2 if at < data.len() => {
                let end = (at + 1 + rng.below(32)).min(data.len());
                data.drain(at..end);
            }
            3 if at < data.len() => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                let copy = data[at..end].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, copy).for_each(drop);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let tail = other[from..].to_vec();
                data.truncate(at);
                data.extend(tail);
            }
            5 => {
                let c = char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('\u{FFFD}');
                let mut buf = [0; 4];
                data.splice(at..at, c.encode_utf8(&mut buf).bytes()).for_each(drop);
            }
            _ => {
                let bytes = [
                    b'[', b']', b'{', b'}', b'"', b'\'', b'=', b'\n', b'.', b',', b'\\', b'$', b'%', 0xFF,
                ];
                data.insert(at, bytes[rng.below(bytes.len())]);
            }
        }
    }
    data
}

/// Runs the harness; a panic comes back as the failing input, printable as a Rust literal.
fn run(data: &[u8]) -> Result<(), String> {
    panic::catch_unwind(AssertUnwindSafe(|| harness::check_and_build(data))).map_err(|e| {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("{why}\ninput: b\"{}\"", data.escape_ascii())
    })
}

#[test]
fn seeds_and_regressions_pass_the_harness() {
    let mut inputs = seeds();
    for path in files_in(&root().join("fuzz/regressions"), "") {
        inputs.push(fs::read(path).unwrap());
    }
    assert!(inputs.len() >= 9, "the seeds are found");
    for input in &inputs {
        run(input).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn bounded_mutation_pass() {
    let secs = std::env::var("SIGC_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (seeds, dict) = (seeds(), dictionary());
    assert!(dict.len() > 100, "the dictionary is read");
    let mut rng = Rng(0x5157_C0DE_F022_2026);
    let mut runs = 0u64;
    let mut failure = None;
    while Instant::now() < deadline && failure.is_none() {
        let data = mutate(&mut rng, &seeds, &dict);
        failure = run(&data).err();
        runs += 1;
    }
    if let Some(f) = failure {
        panic!("mutation {runs} failed; save the input under fuzz/regressions/ once fixed:\n{f}");
    }
    eprintln!("{runs} mutated inputs in {secs} s, no failure");
    assert!(runs > 50, "only {runs} runs");
}
