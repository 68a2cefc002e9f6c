//! `--format sarif`: SARIF 2.1.0 with the same findings as the JSON format.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::FileReport;

pub fn render(reports: &[FileReport], explain: impl Fn(&str) -> Option<String>) -> String {
    let rules: BTreeSet<&str> = reports.iter().flat_map(|r| &r.diagnostics).map(|d| d.rule.as_str()).collect();
    let rule_entries: Vec<Value> = rules
        .iter()
        .map(|id| {
            let mut rule = json!({"id": id, "helpUri": format!("https://github.com/sigc/sigc/blob/main/docs/rules.md#{}", id.replace('/', "-"))});
            if let Some(text) = explain(id) {
                rule["fullDescription"] = json!({"text": text});
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let mut result = json!({
                "ruleId": d.rule,
                "level": if d.is_error() { "error" } else { "warning" },
                "message": {"text": match &d.help { Some(h) => format!("{}\nhelp: {}", d.message, h), None => d.message.clone() }},
            });
            let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": report.source.name}}});
            if let Some(span) = d.primary_span() {
                let (line, column) = report.source.line_col(span.start);
                let (end_line, end_column) = report.source.line_col(span.end.max(span.start));
                location["physicalLocation"]["region"] = json!({
                    "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column.max(column)
                });
            }
            result["locations"] = json!([location]);
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "sigc", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/sigc/sigc", "rules": rule_entries}},
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialise");
    out.push('\n');
    out
}
