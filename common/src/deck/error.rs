//! [`DeckError`]: the single error type of the deck lexers.

use std::fmt::Write as _;

/// An error found while reading a keyword deck.
///
/// Every error names the file, the 1-based physical line where the offending logical line
/// starts (0 when the error concerns the whole file, e.g. it cannot be opened) and the keyword
/// of that line (empty when there is none). When the offending line is known it is kept in
/// `context`, and `column` (0-based, in characters) points at the offending item.
///
/// `Display` gives one summary line,
/// `data:12: STEPS: Invalid character 'x' while reading number in "STEPS 1x0"`,
/// followed, when a column is known, by the line again with a `^` marker under the item
/// (as the Fortran INPUT library reports errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct DeckError {
    /// File name as given to the reader (or as resolved for `#include`d files).
    pub file: String,
    /// 1-based physical line number; 0 when no line applies.
    pub line: usize,
    /// Upper-case keyword of the line; empty when none applies.
    pub keyword: String,
    /// What went wrong.
    pub message: String,
    /// The logical line concerned, if any.
    pub context: Option<String>,
    /// 0-based character column in `context` of the offending item, if known.
    pub column: Option<usize>,
}

impl DeckError {
    /// An error without line context.
    pub fn new(
        file: impl Into<String>,
        line: usize,
        keyword: impl Into<String>,
        message: impl Into<String>,
    ) -> DeckError {
        DeckError {
            file: file.into(),
            line,
            keyword: keyword.into(),
            message: message.into(),
            context: None,
            column: None,
        }
    }

    /// Attach the offending line and, optionally, the column of the offending item.
    pub fn with_context(mut self, text: impl Into<String>, column: Option<usize>) -> DeckError {
        self.context = Some(text.into());
        self.column = column;
        self
    }

    fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&self.file);
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
        }
        s.push_str(": ");
        if !self.keyword.is_empty() {
            let _ = write!(s, "{}: ", self.keyword);
        }
        s.push_str(&self.message);
        if let Some(ctx) = &self.context {
            let _ = write!(s, " in \"{}\"", ctx);
            if let Some(col) = self.column {
                // Tabs would misalign the marker; show them as blanks.
                let shown: String = ctx
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                let _ = write!(s, "\n    {}\n    {}^", shown, " ".repeat(col));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_keyword() {
        let e = DeckError::new(
            "data",
            12,
            "STEPS",
            "Invalid character 'x' while reading number",
        )
        .with_context("STEPS 1x0", Some(7));
        let s = e.to_string();
        assert!(s.starts_with(
            "data:12: STEPS: Invalid character 'x' while reading number in \"STEPS 1x0\"\n"
        ));
        assert!(s.ends_with("\n    STEPS 1x0\n           ^"), "{s}");
    }

    #[test]
    fn display_without_line_or_keyword() {
        let e = DeckError::new("dinfo", 0, "", "ERROR: Could not open dinfo file");
        assert_eq!(e.to_string(), "dinfo: ERROR: Could not open dinfo file");
        let e = DeckError::new("data", 3, "", "oops").with_context("a\tb", None);
        assert_eq!(e.to_string(), "data:3: oops in \"a\tb\"");
    }
}
