//! ENV.toml text → [`model::Env`], or `input/*` diagnostics with spans.
//!
//! The only user of the `toml` API. Syntax errors come from the parser (all of
//! them, with recovery); shape errors from the JSON Schema of ENV.toml, so a user
//! sees every unknown key and bad value of a file in one run.

pub mod schema;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::Diagnostic;
use crate::model::Env;
use crate::source::SourceFile;

/// Files above this size are refused before parsing: an ENV.toml is a few KB.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Parses and shape-checks one file.
pub fn parse(source: &SourceFile) -> Result<Env, Vec<Diagnostic>> {
    if source.text.len() > MAX_INPUT_BYTES {
        return Err(vec![Diagnostic::error(
            "input/too-large",
            format!("the file is larger than the {MAX_INPUT_BYTES} bytes sigc reads"),
        )
        .primary(0..0, "file starts here")
        .help("an ENV.toml describes one environment in a few KB: split or trim it")]);
    }
    if let Some(at) = source.invalid_utf8 {
        // The valid prefix is byte-identical in the lossy text, so `at` is a position in it.
        let end = source.text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        return Err(vec![Diagnostic::error(
            "input/syntax",
            "invalid TOML: the file is not UTF-8 text",
        )
        .primary(at..end, "not UTF-8")
        .help(
            "save the file as UTF-8; TOML files are UTF-8 by definition (https://toml.io/en/v1.0.0)",
        )]);
    }
    let (root, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        // One diagnostic per error: the recovering parser can report one mistake twice on
        // a line (a `\r\n` ending re-reports an unterminated string), so keep a line's first.
        let mut seen_lines = std::collections::BTreeSet::new();
        return Err(errors
            .iter()
            .filter(|e| seen_lines.insert(source.line_col(e.span().map_or(0, |s| s.start)).0))
            .map(|e| syntax(source, e))
            .collect());
    }
    let span = root.span();
    let root = Spanned::new(span.clone(), DeValue::Table(root.into_inner()));
    let problems = schema::validate(&root);
    if !problems.is_empty() {
        return Err(problems);
    }
    // Deserialise the tree already parsed (not `toml::from_str`, which would parse the
    // text a second time: a fifth of `sigc check` per file, bench/run).
    let DeValue::Table(table) = root.into_inner() else {
        unreachable!("built as a table above")
    };
    let de = toml::de::Deserializer::from(Spanned::new(span, table));
    Env::deserialize(de).map_err(|e| vec![syntax(source, &e)])
}

/// A parser or deserializer error as an `input/syntax` diagnostic.
fn syntax(source: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let span = error.span().unwrap_or(0..0);
    let span = span.start.min(source.text.len())..span.end.min(source.text.len());
    let message = error.message().trim().trim_end_matches('.').to_string();
    let first = message.lines().next().unwrap_or("invalid TOML").to_string();
    let mut first_chars = first.chars();
    let lowered: String = first_chars
        .next()
        .map(|c| c.to_lowercase().collect::<String>() + first_chars.as_str())
        .unwrap_or_default();
    // The parser stops at 80 levels of arrays, inline tables or dotted keys (so no input
    // can overflow the stack) and says "recursion limit" or "cannot recurse further".
    if lowered.contains("recurs") {
        return Diagnostic::error(
            "input/syntax",
            "invalid TOML: arrays, tables or dotted keys nest deeper than the 80 levels sigc reads",
        )
        .primary(span, "too deep")
        .help("flatten the structure: ENV.toml nests at most 4 levels");
    }
    Diagnostic::error("input/syntax", format!("invalid TOML: {lowered}"))
        .primary(span, "here")
        .help("fix the TOML syntax; see https://toml.io/en/v1.0.0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceFile {
        SourceFile::new("env.toml", text.to_string())
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = parse(&src("[environment]\nname = \"dev\n")).unwrap_err();
        assert_eq!(errs[0].rule, "input/syntax");
        assert!(errs[0].primary_span().is_some());
    }

    #[test]
    fn nesting_past_the_parser_limit_is_named() {
        for text in [
            format!("x = {}", "[".repeat(200)),
            format!("{} = 1", vec!["k"; 200].join(".")),
        ] {
            let errs = parse(&src(&text)).unwrap_err();
            assert_eq!(errs[0].rule, "input/syntax");
            assert!(
                errs[0].message.contains("nest deeper than the 80 levels"),
                "{}",
                errs[0].message
            );
        }
        // 4 levels, as deep as ENV.toml goes, are far from the limit.
        assert!(parse(&src("a = [[[[1]]]]\n"))
            .unwrap_err()
            .iter()
            .all(|d| d.rule != "input/syntax"));
    }

    #[test]
    fn a_valid_file_deserialises() {
        let env = parse(&src(
            "[environment]\nname = \"dev\"\nworkload = \"chat\"\nlocation = \"eastus\"\n[signalr]\nsku = \"Free_F1\"\n",
        ))
        .unwrap();
        assert_eq!(env.signalr.get_ref().sku.get_ref(), "Free_F1");
    }
}
