//! One fuzz input through what `sigc check` and `sigc build --target all` do, with the
//! invariants any input must keep. Shared by the libFuzzer target (`fuzz_targets/`)
//! and the bounded replay in `tests/fuzz_regressions.rs`, so both check the same thing.
//!
//! A violated invariant panics: libFuzzer records the input as a crash, the test fails.

use sigc::diag::human::Style;
use sigc::diag::{json, sarif, FileReport};
use sigc::emit::Target;
use sigc::source::SourceFile;
use sigc::{compile, Options};

/// Runs one input. Bytes that are not UTF-8 make the CLI stop with exit 2 before
/// compiling; they are still compiled here through the lossy decoding, so the
/// replacement character and whatever surrounds it reach the parser too.
pub fn check_and_build(data: &[u8]) {
    let text = match std::str::from_utf8(data) {
        Ok(text) => text.to_string(),
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    let source = SourceFile::new("fuzz.env.toml", text);

    let checked = match compile(&source, &Options::default()) {
        Ok(c) => c,
        Err(e) => panic!("`sigc check` failed internally: {e:#}"),
    };
    let built = match compile(
        &source,
        &Options {
            targets: Some(Target::ALL.to_vec()),
        },
    ) {
        Ok(c) => c,
        Err(e) => panic!("`sigc build --target all` failed internally: {e:#}"),
    };
    assert_eq!(
        checked.diagnostics, built.diagnostics,
        "check and build report the same findings"
    );

    for d in &built.diagnostics {
        assert!(
            sigc::policy::rule(&d.rule).is_some(),
            "diagnostic rule `{}` is registered",
            d.rule
        );
        for label in &d.labels {
            assert!(
                label.span.start <= label.span.end && label.span.end <= source.text.len(),
                "span {:?} inside the file",
                label.span
            );
        }
    }
    let report = FileReport {
        source: source.clone(),
        diagnostics: built.diagnostics.clone(),
    };
    let reports = std::slice::from_ref(&report);
    let _ = sigc::diag::human::render_file(&report, Style { color: false });
    let _ = sigc::diag::human::summary(reports, true);
    for rendered in [json::render(reports), sarif::render(reports, |_| None)] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&rendered) {
            panic!("a diagnostics document is not JSON ({e}):\n{rendered}");
        }
    }

    if built.has_errors() {
        assert!(built.artifacts.is_empty(), "nothing is emitted for a file with errors");
        return;
    }
    assert!(built.graph.is_some(), "a file without errors lowers into a graph");
    for target in Target::ALL {
        let prefix = format!("{}/", target.name());
        assert!(
            built.artifacts.iter().any(|a| a.path.starts_with(&prefix)),
            "the {target} target emitted files"
        );
    }
    for a in &built.artifacts {
        assert!(a.contents.ends_with('\n'), "{} ends with a newline", a.path);
    }
    let again = compile(
        &source,
        &Options {
            targets: Some(Target::ALL.to_vec()),
        },
    )
    .expect("the second build succeeds like the first");
    assert_eq!(
        built.artifacts, again.artifacts,
        "two builds of one input are byte-identical"
    );
}
