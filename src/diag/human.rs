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
    let _ = writeln!(out, "{}: {}", head, style.paint("1", &d.message));

    // Each label as (line, start col, end col, primary, text), for lines that exist.
    let mut labels: Vec<(usize, usize, usize, bool, &str)> = d
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
            (line, col, last.max(col + 1), l.primary, l.text.as_str())
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
        for (line, col, end_col, is_primary, text) in &labels {
            if last_line != Some(*line) {
                if let Some(prev) = last_line {
                    if *line > prev + 2 {
                        let _ = writeln!(out, "{}", style.paint("1;34", "..."));
                    } else if *line == prev + 2 {
                        let _ = writeln!(out, "{} {}", style.paint("1;34", &format!("{:>width$} |", prev + 1)), src.line_text(prev + 1));
                    }
                }
                let number = style.paint("1;34", &format!("{line:>width$} |"));
                let _ = writeln!(out, "{} {}", number, src.line_text(*line)).map(|_| ());
                last_line = Some(*line);
            }
            let mark = if *is_primary { "^" } else { "-" };
            let underline = mark.repeat(end_col - col);
            let code = if *is_primary { severity_code(d.severity) } else { "1;34" };
            let marker = style.paint(code, format!("{underline} {text}").trim_end());
            let _ = writeln!(out, "{gutter} {}{}", " ".repeat(col - 1), marker);
        }
        let _ = writeln!(out, "{gutter}");
    }
    for note in &d.notes {
        let _ = writeln!(out, "{pad} = {}: {}", style.paint("1", "note"), note);
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = {}: {}", style.paint("1", "help"), help);
    }
    out
}

fn severity_code(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
    }
}

/// `sigc: 1 error, 0 warnings; ...` with the `explain` pointer, printed once per run.
pub fn summary(reports: &[FileReport], wrote_nothing: bool) -> String {
    let errors: usize = reports.iter().map(FileReport::errors).sum();
    let warnings: usize = reports.iter().map(FileReport::warnings).sum();
    let mut line = format!(
        "sigc: {} file{}, {} error{}, {} warning{}",
        reports.len(),
        plural(reports.len()),
        errors,
        plural(errors),
        warnings,
        plural(warnings)
    );
    if errors > 0 && wrote_nothing {
        line.push_str("; no artifacts were written");
    }
    line.push('\n');
    let first_rule = reports.iter().flat_map(|r| &r.diagnostics).map(|d| d.rule.as_str()).next();
    if let Some(rule) = first_rule {
        let _ = writeln!(line, "for more information about a rule, run `sigc explain {rule}`");
    }
    line
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
        let report = FileReport { source: SourceFile::new("env.toml", text), diagnostics: vec![] };
        let d = Diagnostic::error("sku/capacity-not-offered", "capacity `2` is not offered by SKU `Free_F1`")
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
}
