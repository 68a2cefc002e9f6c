//! Source text and positions: the only place that turns byte offsets into lines and columns.

use std::ops::Range;

/// A byte range into a [`SourceFile`]'s text.
pub type Span = Range<usize>;

/// A value together with where the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// One input file: its display name, text and line starts.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offset of the first byte that was not UTF-8, when the file was read from
    /// bytes that are not text (see [`SourceFile::from_bytes`]); the parser reports it.
    pub invalid_utf8: Option<usize>,
    line_starts: Vec<usize>,
    /// Per line: all ASCII, so a column is a byte distance. Keeps `line_col` O(1) on
    /// such lines: rendering a thousand findings on one 1 MB line must not rescan it each time.
    line_ascii: Vec<bool>,
}

impl SourceFile {
    /// A leading UTF-8 byte order mark is dropped: the toml crate counts columns from after it.
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        // One byte scan (a `match_indices` search per line cost twice as much, bench/run), and
        // the per-line ASCII scan only when the file is not all ASCII.
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let line_ascii = if text.is_ascii() {
            vec![true; line_starts.len()]
        } else {
            line_starts
                .iter()
                .enumerate()
                .map(|(i, &start)| text[start..line_starts.get(i + 1).copied().unwrap_or(text.len())].is_ascii())
                .collect()
        };
        Self {
            name: name.into(),
            text,
            invalid_utf8: None,
            line_starts,
            line_ascii,
        }
    }

    /// A file read as bytes: text that is not UTF-8 keeps its valid prefix (and the rest,
    /// lossily) so the parser can report where the first bad byte is, with line and column.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => Self::new(name, text),
            Err(e) => {
                // `new` drops a BOM, so the offset counts from after it.
                let bom = if e.as_bytes().starts_with(b"\xEF\xBB\xBF") {
                    3
                } else {
                    0
                };
                let at = e.utf8_error().valid_up_to() - bom;
                let mut f = Self::new(name, String::from_utf8_lossy(e.as_bytes()).into_owned());
                f.invalid_utf8 = Some(at);
                f
            }
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts chars, as the toml crate does.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let before = &self.text[self.line_starts[line]..offset];
        let column = if self.line_ascii[line] {
            before.len()
        } else {
            before.chars().count()
        } + 1;
        (line + 1, column)
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line - 1]
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_not_bytes() {
        let f = SourceFile::new("env.toml", "a = 1\nné = \"x\"\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        let x = f.text.find("\"x\"").unwrap();
        assert_eq!(f.line_col(x), (2, 6));
        assert_eq!(f.line_text(2), "né = \"x\"");
        assert_eq!(f.line_col(f.text.len()), (3, 1));
    }

    #[test]
    fn a_bom_is_not_a_column_and_bad_bytes_are_located() {
        let f = SourceFile::from_bytes("env.toml", b"\xEF\xBB\xBFa = 1\nb = \"\xFF\"\n".to_vec());
        assert_eq!(f.line_text(1), "a = 1");
        assert_eq!(f.line_col(f.invalid_utf8.unwrap()), (2, 6));
    }
}
