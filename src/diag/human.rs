//! rustc-like rendering: `-->` location, gutter, source lines, `^` under the primary
//! label and `-` under secondary ones, then notes and help.

use std::fmt::Write;

use super::{Diagnostic, FileReport, Severity};

/// ANSI styling, used only when the CLI decided colour is wanted.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        self.paint(code, severity.as_str())
    }
}

/// Renders every diagnostic of one file.
pub fn render_file(report: &FileReport, style: Style) -> String {
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        out.push_str(&render(report, diagnostic, style));
        out.push('\n');
    }
    out
}

/// Renders one diagnostic.
pub fn render(report: &FileReport, d: &Diagnostic, style: Style) -> String {
    let src = &report.source;
    let mut out = String::new();
    let head = format!("{}[{}]", style.severity(d.severity), d.rule);
    let _ = writeln!(out, "{}: {}", head, style.paint("1", &inert(&d.message)));

    // Each label as (line, start col, end col, primary, text, start byte in its line), for lines that exist.
    let mut labels: Vec<(usize, usize, usize, bool, &str, usize)> = d
        .labels
        .iter()
        .map(|l| {
            let (line, col) = src.line_col(l.span.start);
            let end = l.span.end.max(l.span.start + 1);
            let (end_line, end_col) = src.line_col(end);
            // A label that runs past its line is underlined to the end of the line.
            let last = if end_line == line {
                end_col
            } else {
                src.line_text(line).chars().count() + 1
            };
            let text = src.line_text(line);
            let mut at = l.span.start.saturating_sub(src.line_start(line)).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            (line, col, last.max(col + 1), l.primary, l.text.as_str(), at)
        })
        .collect();
    labels.sort_by_key(|l| (l.0, l.1));

    let primary = d.labels.iter().find(|l| l.primary).map(|l| src.line_col(l.span.start));
    let width = labels.iter().map(|l| l.0).max().unwrap_or(1).to_string().len();
    let pad = " ".repeat(width);
    let gutter = style.paint("1;34", &format!("{pad} |"));
    match primary {
        Some((line, col)) => {
            let _ = writeln!(out, "{pad}{} {}:{}:{}", style.paint("1;34", "-->"), src.name, line, col);
        }
        None => {
            let _ = writeln!(out, "{pad}{} {}", style.paint("1;34", "-->"), src.name);
        }
    }
    if !labels.is_empty() {
        let _ = writeln!(out, "{gutter}");
        let mut last_line: Option<usize> = None;
        let mut window = Window::whole();
        for (line, col, end_col, is_primary, text, at) in &labels {
            if last_line != Some(*line) {
                if let Some(prev) = last_line {
                    if *line > prev + 2 {
                        let _ = writeln!(out, "{}", style.paint("1;34", "..."));
                    } else if *line == prev + 2 {
                        let between = Window::around(src.line_text(prev + 1), 1, 0).show(src.line_text(prev + 1));
                        let _ = writeln!(
                            out,
                            "{} {}",
                            style.paint("1;34", &format!("{:>width$} |", prev + 1)),
                            between
                        );
                    }
                }
                // Labels are sorted by column: the first one on a line places its window.
                window = Window::around(src.line_text(*line), *col, *at);
                let number = style.paint("1;34", &format!("{line:>width$} |"));
                let _ = writeln!(out, "{} {}", number, window.show(src.line_text(*line))).map(|_| ());
                last_line = Some(*line);
            }
            let (col, end_col) = window.columns(*col, *end_col);
            let mark = if *is_primary { "^" } else { "-" };
            let underline = mark.repeat(end_col - col);
            let code = if *is_primary { severity_code(d.severity) } else { "1;34" };
            let marker = style.paint(code, format!("{underline} {}", inert(text)).trim_end());
            let _ = writeln!(out, "{gutter} {}{}", " ".repeat(col - 1), marker);
        }
        let _ = writeln!(out, "{gutter}");
    }
    for note in &d.notes {
        let _ = writeln!(out, "{pad} = {}: {}", style.paint("1", "note"), inert(note));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = {}: {}", style.paint("1", "help"), inert(help));
    }
    out
}

/// Longest source line shown as it is. A longer line (a minified file, one huge
/// inline table) is shown as a window of this many characters around its first
/// label, so the output of one diagnostic stays bounded whatever the line length:
/// a file with a thousand findings on one 1 MB line would otherwise print 1 GB.
const MAX_SHOWN_CHARS: usize = 512;
/// Characters of context kept left of the first label in a window.
const WINDOW_LEAD: usize = 64;
const ELLIPSIS: &str = "...";

/// The part of one source line that is printed, in 1-based character columns.
#[derive(Clone, Copy, Debug)]
struct Window {
    /// First shown column.
    start: usize,
    /// Its byte offset in the line.
    byte: usize,
    /// Columns shown from `start` on (`usize::MAX`: the whole line).
    len: usize,
}

impl Window {
    fn whole() -> Self {
        Window {
            start: 1,
            byte: 0,
            len: usize::MAX,
        }
    }

    /// The window of `line` that shows column `col`, which starts at byte `at` of the line.
    /// Costs O(window), not O(line): only the label's surroundings are scanned.
    fn around(line: &str, col: usize, at: usize) -> Self {
        if line.len() <= MAX_SHOWN_CHARS || line.chars().nth(MAX_SHOWN_CHARS).is_none() {
            return Window::whole();
        }
        let mut byte = at;
        let mut back = 0;
        for (i, _) in line[..at].char_indices().rev().take(WINDOW_LEAD) {
            byte = i;
            back += 1;
        }
        Window {
            start: col.saturating_sub(back).max(1),
            byte,
            len: MAX_SHOWN_CHARS,
        }
    }

    fn show(self, line: &str) -> String {
        if self.len == usize::MAX {
            return line.chars().map(shown_char).collect();
        }
        let mut chars = line[self.byte..].chars();
        let mut shown: String = chars.by_ref().take(self.len).map(shown_char).collect();
        if self.byte > 0 {
            shown.insert_str(0, ELLIPSIS);
        }
        if chars.next().is_some() {
            shown.push_str(ELLIPSIS);
        }
        shown
    }

    /// Label columns `[col, end_col)` as printed: shifted by the window and clipped to it.
    fn columns(self, col: usize, end_col: usize) -> (usize, usize) {
        if self.len == usize::MAX {
            return (col, end_col);
        }
        let lead = if self.byte > 0 { ELLIPSIS.len() } else { 0 };
        let last = self.start + self.len; // one past the last shown column
        let shift = |c: usize| c.clamp(self.start, last) - self.start + 1 + lead;
        let start = shift(col);
        (start, shift(end_col).max(start + 1))
    }
}

/// Characters a terminal would act on rather than show: controls (escape sequences
/// could recolour, retitle or clear the reader's terminal) and the bidirectional
/// overrides that reorder what is shown ("Trojan Source").
fn is_active(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A source character as printed: one column per character keeps the carets aligned,
/// so a tab becomes a space and an active character the replacement character.
fn shown_char(c: char) -> char {
    match c {
        '\t' => ' ',
        c if is_active(c) => '\u{FFFD}',
        c => c,
    }
}

/// Longest user value shown whole in a message (values are quoted in backticks);
/// a longer one, such as a 1 MB key, is cut with its length, so that one finding
/// cannot print the file back.
const MAX_QUOTED_CHARS: usize = 200;
const QUOTED_KEPT_CHARS: usize = 120;

/// Message text as printed: active characters that came from the file are escaped
/// and very long quoted values are cut.
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    let long = text.split('`').skip(1).step_by(2).any(|q| q.len() > MAX_QUOTED_CHARS);
    if !long && !text.chars().any(is_active) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let count = part.chars().count();
        let cut = i % 2 == 1 && count > MAX_QUOTED_CHARS;
        for c in part.chars().take(if cut { QUOTED_KEPT_CHARS } else { count }) {
            if is_active(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        if cut {
            let _ = write!(out, "... ({count} characters)");
        }
    }
    out.into()
}

fn severity_code(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
    }
}

/// `sigc: 1 error, 0 warnings; ...` with the `explain` pointer, printed once per run.
pub fn summary(reports: &[FileReport], wrote_nothing: bool) -> String {
    let totals = Totals {
        files: reports.len(),
        errors: reports.iter().map(FileReport::errors).sum(),
        warnings: reports.iter().map(FileReport::warnings).sum(),
        first_rule: reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| d.rule.clone())
            .next(),
    };
    totals.summary(wrote_nothing)
}

/// What the summary line needs of a run, so a caller that streams files need not keep them.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// The rule of the first diagnostic printed, for the `sigc explain` pointer.
    pub first_rule: Option<String>,
}

impl Totals {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.errors += report.errors();
        self.warnings += report.warnings();
        if self.first_rule.is_none() {
            self.first_rule = report.diagnostics.first().map(|d| d.rule.clone());
        }
    }

    pub fn summary(&self, wrote_nothing: bool) -> String {
        let (files, errors, warnings) = (self.files, self.errors, self.warnings);
        let mut line = format!(
            "sigc: {} file{}, {} error{}, {} warning{}",
            files,
            plural(files),
            errors,
            plural(errors),
            warnings,
            plural(warnings)
        );
        if errors > 0 && wrote_nothing {
            line.push_str("; no artifacts were written");
        }
        line.push('\n');
        if let Some(rule) = &self.first_rule {
            let _ = writeln!(line, "for more information about a rule, run `sigc explain {rule}`");
        }
        line
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn renders_primary_and_secondary_like_rustc() {
        let text = "[signalr]\nsku = \"Free_F1\"\ncapacity = 2\n".to_string();
        let sku = text.find("\"Free").unwrap();
        let cap = text.find('2').unwrap();
        let report = FileReport {
            source: SourceFile::new("env.toml", text),
            diagnostics: vec![],
        };
        let d = Diagnostic::error(
            "sku/capacity-not-offered",
            "capacity `2` is not offered by SKU `Free_F1`",
        )
        .primary(cap..cap + 1, "unsupported unit count")
        .secondary(sku..sku + 9, "`Free_F1` has exactly 1 unit")
        .help("set `capacity = 1`");
        let got = render(&report, &d, Style { color: false });
        let want = "error[sku/capacity-not-offered]: capacity `2` is not offered by SKU `Free_F1`
 --> env.toml:3:12
  |
2 | sku = \"Free_F1\"
  |       --------- `Free_F1` has exactly 1 unit
3 | capacity = 2
  |            ^ unsupported unit count
  |
  = help: set `capacity = 1`
";
        assert_eq!(got, want);
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_its_label() {
        let value = "v".repeat(100_000);
        let text = format!("tags = {{ a = \"{value}\", \"b/c\" = \"x\", z = \"{value}\" }}\n");
        let bad = text.find("\"b/c\"").unwrap();
        let report = FileReport {
            source: SourceFile::new("env.toml", text.clone()),
            diagnostics: vec![],
        };
        let d =
            Diagnostic::error("naming/invalid-tag", "tag name `b/c` contains `/`").primary(bad..bad + 5, "tag name");
        let got = render(&report, &d, Style { color: false });
        assert!(got.len() < 1500, "bounded output, got {} bytes", got.len());
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines[1], format!(" --> env.toml:1:{}", bad + 1));
        let shown = lines[3].strip_prefix("1 | ").unwrap();
        let caret = lines[4].strip_prefix("  | ").unwrap();
        assert!(shown.starts_with("...") && shown.ends_with("..."), "{shown}");
        let at = caret.find('^').unwrap();
        assert_eq!(
            &shown[at..at + 5],
            "\"b/c\"",
            "the caret sits under the label:\n{shown}\n{caret}"
        );
        assert_eq!(caret[at..].trim_end(), "^^^^^ tag name");
    }

    #[test]
    fn terminal_controls_from_the_file_are_not_printed() {
        let text = "a = \"\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}x\"\tb\n".to_string();
        let report = FileReport {
            source: SourceFile::new("env.toml", text.clone()),
            diagnostics: vec![],
        };
        let d = Diagnostic::error("input/unknown-key", "unknown key `\u{1b}[31m`")
            .primary(0..1, "unknown\u{1b}")
            .help("rename `\u{202e}`");
        let got = render(&report, &d, Style { color: false });
        assert!(!got.chars().any(|c| c != '\n' && is_active(c)), "{got:?}");
        assert!(got.contains("unknown key `\\u{1b}[31m`"), "{got}");
        assert!(
            got.contains("1 | a = \"\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J\u{FFFD}x\" b"),
            "{got}"
        );
    }

    #[test]
    fn long_quoted_values_are_cut_in_messages() {
        let key = "k".repeat(5000);
        let report = FileReport {
            source: SourceFile::new("env.toml", format!("{key} = 1\n")),
            diagnostics: vec![],
        };
        let d = Diagnostic::error("input/unknown-key", format!("unknown key `{key}` in the top level"))
            .help(format!("rename `{key}`"));
        let got = render(&report, &d, Style { color: false });
        assert!(
            got.contains(&format!(
                "unknown key `{}... (5000 characters)` in the top level",
                "k".repeat(120)
            )),
            "{got}"
        );
        assert!(got.len() < 2000, "{} bytes", got.len());
        assert_eq!(inert("a `short` value"), "a `short` value");
    }

    #[test]
    fn a_long_line_of_wide_characters_keeps_the_caret_under_its_label() {
        let pad = "é日😀".repeat(400);
        let text = format!("tags = {{ a = \"{pad}\", \"b/c\" = \"x\", z = \"{pad}\" }}\n");
        let bad = text.find("\"b/c\"").unwrap();
        let report = FileReport {
            source: SourceFile::new("env.toml", text.clone()),
            diagnostics: vec![],
        };
        let d =
            Diagnostic::error("naming/invalid-tag", "tag name `b/c` contains `/`").primary(bad..bad + 5, "tag name");
        let got = render(&report, &d, Style { color: false });
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines[1], format!(" --> env.toml:1:{}", text[..bad].chars().count() + 1));
        let shown: Vec<char> = lines[3].strip_prefix("1 | ").unwrap().chars().collect();
        let caret = lines[4].strip_prefix("  | ").unwrap();
        let at = caret.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown[at..at + 5].iter().collect::<String>(), "\"b/c\"", "{got}");
        assert!(shown.len() <= MAX_SHOWN_CHARS + 6);
    }
}
