//! Diagnostics: findings about the input, as plain data, and their renderers.
//!
//! User problems are `Diagnostic` values; `anyhow` is only for I/O and bugs.

pub mod human;
pub mod json;
pub mod sarif;

use serde::Serialize;

use crate::source::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub text: String,
    pub primary: bool,
}

/// One finding about one input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `family/name`, e.g. `input/unknown-key`.
    pub rule: String,
    pub severity: Severity,
    /// Lowercase, no final period, user values in backticks.
    pub message: String,
    /// The resource the finding is about (`signalr`, `storage_account`, ...), if any.
    pub resource: Option<String>,
    /// At most one primary label; none when the finding has no location.
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    /// How to fix it, imperative.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }

    pub fn warning(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warning, message)
    }

    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            severity,
            message: message.into(),
            resource: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn primary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
            primary: true,
        });
        self
    }

    pub fn secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
            primary: false,
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    pub fn primary_span(&self) -> Option<&Span> {
        self.labels.iter().find(|l| l.primary).map(|l| &l.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The diagnostics of one input file, with its source for rendering.
#[derive(Clone, Debug)]
pub struct FileReport {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Sorts by (primary start, rule) and drops repeats of the same (rule, primary span).
pub fn normalize(diagnostics: &mut Vec<Diagnostic>) {
    // Borrowed keys: no String copied per comparison.
    fn key(d: &Diagnostic) -> (usize, &str, &str) {
        (d.primary_span().map_or(0, |s| s.start), &d.rule, &d.message)
    }
    diagnostics.sort_by(|a, b| key(a).cmp(&key(b)));
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.primary_span() == b.primary_span());
}

/// Levenshtein distance, for "is the closest" hints on keys and values.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let len = lower.chars().count();
    candidates
        .into_iter()
        // The length difference bounds the distance from below: skipping far-off lengths
        // first keeps a 1 MB key from costing a 1 MB x candidate-length table per candidate.
        .filter(|c| len.abs_diff(c.chars().count()) <= (c.chars().count().max(3) / 3).max(1))
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(3) / 3).max(1) || c.to_lowercase() == lower)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("skuu", ["sku", "capacity"]), Some("sku"));
        assert_eq!(closest("standard_s1", ["Free_F1", "Standard_S1"]), Some("Standard_S1"));
        assert_eq!(closest("zzzzzz", ["sku", "capacity"]), None);
        assert_eq!(
            closest("connectivity_log", ["connectivity_logs", "messaging_logs"]),
            Some("connectivity_logs")
        );
    }

    #[test]
    fn normalize_sorts_and_dedups() {
        let mut v = vec![
            Diagnostic::error("b/x", "two").primary(5..6, ""),
            Diagnostic::error("a/x", "one").primary(1..2, ""),
            Diagnostic::error("b/x", "two again").primary(5..6, ""),
        ];
        normalize(&mut v);
        assert_eq!(v.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(), ["a/x", "b/x"]);
    }
}
