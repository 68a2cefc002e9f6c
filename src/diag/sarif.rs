//! `--format sarif`: SARIF 2.1.0 with the same findings as the JSON format, shaped for code-scanning
//! UIs (GitHub code scanning): one run, every rule used with its descriptions, help and default
//! level, results that point at their rule and artifact by index, and columns counted in chars.
//! `tests/sarif.rs` validates the output against the official SARIF 2.1.0 schema.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{Diagnostic, FileReport, Severity};
use crate::source::Span;

/// The document a rule's `helpUri` points into; each rule has the anchor [`rule_anchor`] there.
pub const RULES_DOC_URL: &str = "https://github.com/sigc/sigc/blob/main/docs/rules.md";

/// What the renderer shows about a rule. The caller fills it from the rule registry, since `diag`
/// may not know the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// What the rule checks, one line (`Rule::summary`).
    pub summary: String,
    /// The full documentation, Markdown (what `sigc explain RULE` prints).
    pub help_markdown: String,
    /// The level in the default profile (`production`); `None` when the rule is off there.
    pub default_level: Option<Severity>,
}

/// The fragment of a rule in `docs/rules.md`: `acl/allow-and-deny-mixed` → `acl-allow-and-deny-mixed`.
pub fn rule_anchor(id: &str) -> String {
    id.replace('/', "-")
}

pub fn help_uri(id: &str) -> String {
    format!("{RULES_DOC_URL}#{}", rule_anchor(id))
}

/// GitHub code scanning truncates longer rule descriptions (limit 1000 chars).
const MAX_DESCRIPTION_CHARS: usize = 1000;

pub fn render(reports: &[FileReport], meta: impl Fn(&str) -> Option<RuleMeta>) -> String {
    // Rules in id order, each once; results refer to them by index.
    let rule_index: BTreeMap<&str, usize> = {
        let mut ids: Vec<&str> = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| d.rule.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect()
    };
    let rules: Vec<Value> = rule_index.keys().map(|id| rule_entry(id, meta(id))).collect();

    let artifacts: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "location": {"uri": artifact_uri(&r.source.name)},
                "length": r.source.text.len(),
                "sourceLanguage": "toml",
            })
        })
        .collect();

    let mut results = Vec::new();
    for (artifact, report) in reports.iter().enumerate() {
        for d in &report.diagnostics {
            let index = *rule_index
                .get(d.rule.as_str())
                .expect("the index holds every rule of every result");
            results.push(result_entry(d, index, report, artifact));
        }
    }

    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sigc",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/sigc/sigc",
                "rules": rules,
            }},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialise");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_entry(id: &str, meta: Option<RuleMeta>) -> Value {
    let family = id.split('/').next().unwrap_or(id);
    let mut rule = Map::new();
    rule.insert("id".into(), json!(id));
    rule.insert("name".into(), json!(pascal_case(id)));
    if let Some(meta) = &meta {
        let description = truncate(&meta.summary, MAX_DESCRIPTION_CHARS);
        rule.insert("shortDescription".into(), json!({"text": description}));
        rule.insert("fullDescription".into(), json!({"text": description}));
        rule.insert(
            "help".into(),
            json!({"text": meta.help_markdown, "markdown": meta.help_markdown}),
        );
    }
    rule.insert("helpUri".into(), json!(help_uri(id)));
    if let Some(meta) = &meta {
        let configuration = match meta.default_level {
            Some(severity) => json!({"level": level(severity)}),
            // Off in the default profile: its results appear only where a profile turns it on.
            None => json!({"enabled": false}),
        };
        rule.insert("defaultConfiguration".into(), configuration);
    }
    rule.insert("properties".into(), json!({"tags": [family], "precision": "very-high"}));
    Value::Object(rule)
}

fn result_entry(d: &Diagnostic, rule_index: usize, report: &FileReport, artifact: usize) -> Value {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let artifact_location = json!({"uri": artifact_uri(&report.source.name), "index": artifact});

    // A finding without a span is about the whole file: a location with no region.
    let primary = d.labels.iter().find(|l| l.primary);
    let mut physical = json!({"artifactLocation": artifact_location});
    if let Some(label) = primary {
        physical["region"] = region(report, &label.span);
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(label) = primary.filter(|l| !l.text.is_empty()) {
        location["message"] = json!({"text": label.text});
    }
    if let Some(resource) = &d.resource {
        location["logicalLocations"] = json!([{"name": resource, "kind": "resource"}]);
    }

    let mut result = Map::new();
    result.insert("ruleId".into(), json!(d.rule));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(d.severity)));
    result.insert("message".into(), json!({"text": text}));
    result.insert("locations".into(), json!([location]));
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .enumerate()
        .map(|(i, l)| {
            let mut related = json!({
                "id": i,
                "physicalLocation": {"artifactLocation": artifact_location, "region": region(report, &l.span)},
            });
            if !l.text.is_empty() {
                related["message"] = json!({"text": l.text});
            }
            related
        })
        .collect();
    if !related.is_empty() {
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    Value::Object(result)
}

/// SARIF regions are 1-based; `endColumn` is the column just past the last char, as `line_col`
/// gives for the span's end. An empty span is an insertion point (`endColumn == startColumn`).
fn region(report: &FileReport, span: &Span) -> Value {
    let (start_line, start_column) = report.source.line_col(span.start);
    let (end_line, end_column) = report.source.line_col(span.end.max(span.start));
    json!({"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column})
}

/// The file name as a URI reference: relative names stay relative (code scanning resolves them
/// against the repository root), absolute ones become `file://` URIs, and every byte outside the
/// unreserved set and `/` is percent-encoded, so spaces, `%`, `#`, `?` and non-ASCII survive.
pub fn artifact_uri(name: &str) -> String {
    let path = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let (prefix, path) = if let Some(rest) = path.strip_prefix('/') {
        ("file:///", rest)
    } else if path.as_bytes().get(1) == Some(&b':') && path.as_bytes()[0].is_ascii_alphabetic() {
        // `C:/dir/env.toml`: keep the drive colon, which is legal after `file:///`.
        return format!("file:///{}:{}", &path[..1], percent_encode(&path[2..]));
    } else {
        ("", path)
    };
    format!("{prefix}{}", percent_encode(path))
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// SARIF's `name` is an identifier-like form of the id: `cors/wildcard-origin` → `CorsWildcardOrigin`.
fn pascal_case(id: &str) -> String {
    id.split(['/', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => {
            let kept: String = text[..cut].chars().take(max_chars - 1).collect();
            format!("{kept}…")
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_uri_references() {
        assert_eq!(artifact_uri("envs/prod.toml"), "envs/prod.toml");
        assert_eq!(artifact_uri("./envs/prod.toml"), "envs/prod.toml");
        assert_eq!(
            artifact_uri("/tmp/my envs/prod.toml"),
            "file:///tmp/my%20envs/prod.toml"
        );
        assert_eq!(artifact_uri("a#b?c%d:é.toml"), "a%23b%3Fc%25d%3A%C3%A9.toml");
        assert_eq!(artifact_uri("../up/env.toml"), "../up/env.toml");
    }

    #[test]
    fn names_and_anchors_follow_the_id() {
        assert_eq!(pascal_case("cors/wildcard-origin"), "CorsWildcardOrigin");
        assert_eq!(rule_anchor("acl/allow-and-deny-mixed"), "acl-allow-and-deny-mixed");
        assert_eq!(help_uri("input/syntax"), format!("{RULES_DOC_URL}#input-syntax"));
    }

    #[test]
    fn long_descriptions_are_cut_on_a_char_boundary() {
        let long = "é".repeat(1500);
        let cut = truncate(&long, MAX_DESCRIPTION_CHARS);
        assert_eq!(cut.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", MAX_DESCRIPTION_CHARS), "short");
    }
}
