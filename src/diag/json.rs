//! `--format json`: one document, exactly the shape of CONTRACT §5 (extra fields allowed).
//!
//! The document is written in pieces ([`Stream`]) so `sigc check` over thousands of files never
//! holds every file's diagnostics (or a `serde_json::Value` of the whole document) at once: each
//! file's entries are rendered on their own (on any thread, [`file_entries`]) and written in input
//! order. The bytes equal `serde_json::to_string_pretty` of the whole document (tested).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::FileReport;

/// The whole document for `reports` (what [`Stream`] writes piece by piece).
pub fn render(reports: &[FileReport]) -> String {
    let mut stream = Stream::default();
    let mut out = String::new();
    for report in reports {
        stream.push(&mut out, &FileEntries::of(report));
    }
    stream.finish(&mut out);
    out
}

/// One file's entries, pretty-printed at their place in the document, and its counts.
#[derive(Clone, Debug, Default)]
pub struct FileEntries {
    /// Entries at 4 spaces' indentation, joined by `,\n`; empty when the file has none.
    text: String,
    errors: usize,
    warnings: usize,
}

impl FileEntries {
    pub fn of(report: &FileReport) -> FileEntries {
        let mut text = String::new();
        for d in &report.diagnostics {
            if !text.is_empty() {
                text.push_str(",\n");
            }
            let pretty = serde_json::to_string_pretty(&entry(report, d)).expect("JSON values always serialise");
            for (i, line) in pretty.lines().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str("    ");
                text.push_str(line);
            }
        }
        FileEntries {
            text,
            errors: report.errors(),
            warnings: report.warnings(),
        }
    }
}

/// Writes the document one file at a time.
#[derive(Debug, Default)]
pub struct Stream {
    files: usize,
    errors: usize,
    warnings: usize,
    started: bool,
    any_entry: bool,
}

impl Stream {
    pub fn push(&mut self, out: &mut String, file: &FileEntries) {
        self.start(out);
        self.files += 1;
        self.errors += file.errors;
        self.warnings += file.warnings;
        if file.text.is_empty() {
            return;
        }
        out.push_str(if self.any_entry { ",\n" } else { "\n" });
        out.push_str(&file.text);
        self.any_entry = true;
    }

    pub fn finish(mut self, out: &mut String) {
        self.start(out);
        out.push_str(if self.any_entry { "\n  ]," } else { "]," });
        let _ = write!(
            out,
            "\n  \"summary\": {{\n    \"files\": {},\n    \"errors\": {},\n    \"warnings\": {}\n  }}\n}}\n",
            self.files, self.errors, self.warnings
        );
    }

    fn start(&mut self, out: &mut String) {
        if !self.started {
            out.push_str("{\n  \"version\": 1,\n  \"diagnostics\": [");
            self.started = true;
        }
    }
}

fn entry(report: &FileReport, d: &super::Diagnostic) -> Value {
    let mut entry = json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "path": report.source.name,
    });
    let map = entry.as_object_mut().expect("built as an object");
    match d.primary_span() {
        Some(span) => {
            let (line, column) = report.source.line_col(span.start);
            let (end_line, end_column) = report.source.line_col(span.end.max(span.start));
            map.insert("line".into(), json!(line));
            map.insert("column".into(), json!(column));
            map.insert("end_line".into(), json!(end_line));
            map.insert("end_column".into(), json!(end_column));
        }
        None => {
            for key in ["line", "column", "end_line", "end_column"] {
                map.insert(key.into(), Value::Null);
            }
        }
    }
    map.insert("resource".into(), json!(d.resource));
    map.insert("help".into(), json!(d.help));
    map.insert("notes".into(), json!(d.notes));
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::source::SourceFile;

    /// The document as one `serde_json::Value`, pretty-printed: what the stream must equal.
    fn whole(reports: &[FileReport]) -> String {
        let diagnostics: Vec<Value> = reports
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| entry(r, d)))
            .collect();
        let errors: usize = reports.iter().map(FileReport::errors).sum();
        let warnings: usize = reports.iter().map(FileReport::warnings).sum();
        let doc = json!({
            "version": 1,
            "diagnostics": diagnostics,
            "summary": {"files": reports.len(), "errors": errors, "warnings": warnings},
        });
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    fn report(name: &str, text: &str, diags: Vec<Diagnostic>) -> FileReport {
        FileReport {
            source: SourceFile::new(name, text.to_string()),
            diagnostics: diags,
        }
    }

    #[test]
    fn the_stream_writes_the_bytes_of_the_whole_document() {
        let text = "a = 1\nb = \"x\"\n";
        let d1 = Diagnostic::error("input/unknown-key", "unknown key `a`\n\"quoted\"")
            .primary(0..1, "here")
            .help("remove it")
            .note("a note")
            .note("another");
        let d2 = Diagnostic::warning("cors/duplicate-origin", "w").primary(10..13, "dup");
        let d3 = Diagnostic::error("graph/cycle", "no span");
        let cases: Vec<Vec<FileReport>> = vec![
            vec![],
            vec![report("a.toml", text, vec![])],
            vec![report("a.toml", text, vec![d1.clone()])],
            vec![
                report("a.toml", text, vec![]),
                report("b.toml", text, vec![d1.clone(), d2.clone()]),
                report("c.toml", text, vec![]),
                report("d.toml", text, vec![d3]),
            ],
        ];
        for reports in cases {
            assert_eq!(render(&reports), whole(&reports));
        }
    }
}
