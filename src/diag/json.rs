//! `--format json`: one document, exactly the shape of CONTRACT §5 (extra fields allowed).

use serde_json::{json, Value};

use super::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
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
            diagnostics.push(entry);
        }
    }
    let errors: usize = reports.iter().map(FileReport::errors).sum();
    let warnings: usize = reports.iter().map(FileReport::warnings).sum();
    let doc = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {"files": reports.len(), "errors": errors, "warnings": warnings},
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialise");
    out.push('\n');
    out
}
