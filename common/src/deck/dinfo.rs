//! The disconnectionDPS `dinfo` reader (keyword-decks.md §5); not the INPUT library.
//!
//! - Each physical line contributes its first 100 characters. If a `&` occurs among them,
//!   the next physical line (again its first 100 characters) is appended at the position of
//!   the `&`; the text after the `&` is lost. At most two physical lines form one logical
//!   line: a `&` on the second line is an ordinary character. A `&` on the last line of the
//!   file just ends the line there (with a warning).
//! - Blank lines are skipped. Items are separated by blanks, tabs and/or commas; there are no
//!   null items, quotes or parenthesised comments.
//! - The keyword is the first item upper-cased, at most 50 characters kept; arguments keep
//!   their case.
//! - Comment lines: keyword `COMMENT`, or a first item starting with `#` or `!`.
//! - Numbers are read by Fortran list-directed conversion; an unreadable or missing argument
//!   leaves the program's variable unchanged, hence the accessors return `Option`.
//!
//! Argument indices are 1-based after the keyword (index 0 is the keyword), as in
//! [`super::Line`].

use std::path::Path;

use super::error::DeckError;
use super::number::{list_directed_int, list_directed_real};

/// Characters of a physical line that are read.
pub const DINFO_WIDTH: usize = 100;
/// Characters of the keyword that are kept.
pub const DINFO_KEYWORD_WIDTH: usize = 50;

/// A parsed `dinfo` file: its non-comment logical lines in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DinfoDeck {
    file: String,
    lines: Vec<DinfoLine>,
}

/// One logical `dinfo` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DinfoLine {
    file: String,
    line_no: usize,
    text: String,
    keyword: String,
    items: Vec<String>,
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | ',')
}

impl DinfoDeck {
    /// Parse `text` (named `file` in messages). Never fails: every shape of text reads.
    pub fn parse(text: &str, file: &str) -> DinfoDeck {
        let physical: Vec<&str> = text.lines().collect();
        let mut lines = Vec::new();
        let mut k = 0;
        while k < physical.len() {
            let line_no = k + 1;
            let mut buffer: String = physical[k].chars().take(DINFO_WIDTH).collect();
            k += 1;
            if let Some(amp) = buffer.find('&') {
                buffer.truncate(amp);
                match physical.get(k) {
                    Some(next) => {
                        buffer.extend(next.chars().take(DINFO_WIDTH));
                        k += 1;
                    }
                    None => log::warn!(
                        "{file}:{line_no}: '&' on the last line of the file; nothing to join"
                    ),
                }
            }
            let items: Vec<String> = buffer
                .split(is_separator)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let Some(first) = items.first() else {
                continue;
            };
            let keyword: String = first
                .to_ascii_uppercase()
                .chars()
                .take(DINFO_KEYWORD_WIDTH)
                .collect();
            if keyword == "COMMENT" || first.starts_with('#') || first.starts_with('!') {
                continue;
            }
            lines.push(DinfoLine {
                file: file.to_string(),
                line_no,
                text: buffer.trim_end_matches(is_separator).to_string(),
                keyword,
                items,
            });
        }
        DinfoDeck {
            file: file.to_string(),
            lines,
        }
    }

    /// Read and parse the file at `path`. A missing or unreadable file gives an error whose
    /// message is `ERROR: Could not open dinfo file`.
    pub fn read(path: &Path) -> Result<DinfoDeck, DeckError> {
        let name = path.display().to_string();
        let text = super::reader::load(path)
            .map_err(|_| DeckError::new(&name, 0, "", "ERROR: Could not open dinfo file"))?;
        Ok(DinfoDeck::parse(&text, &name))
    }

    /// The file name given.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The keyword lines, comments and blank lines removed.
    pub fn lines(&self) -> &[DinfoLine] {
        &self.lines
    }
}

impl DinfoLine {
    /// Upper-cased keyword, at most 50 characters.
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// File the line came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// 1-based physical line number where the logical line starts.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The logical line as read (at most 100 characters per physical line).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of items including the keyword.
    pub fn nitems(&self) -> usize {
        self.items.len()
    }

    /// All items as written, the keyword first.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// True when argument `i` is present.
    pub fn has(&self, i: usize) -> bool {
        i < self.items.len()
    }

    /// Argument `i` as a real; `None` when missing or unreadable (keep the old value).
    pub fn opt_f64(&self, i: usize) -> Option<f64> {
        self.items.get(i).and_then(|s| list_directed_real(s))
    }

    /// Argument `i` as an integer (digits only); `None` when missing or unreadable.
    pub fn opt_int(&self, i: usize) -> Option<i64> {
        self.items.get(i).and_then(|s| list_directed_int(s))
    }

    /// Argument `i` as a non-negative integer; `None` when missing, unreadable or negative.
    pub fn opt_usize(&self, i: usize) -> Option<usize> {
        self.opt_int(i).and_then(|n| usize::try_from(n).ok())
    }

    /// Argument `i` as a string, case kept; "" when missing.
    pub fn string(&self, i: usize) -> String {
        self.opt_string(i).unwrap_or("").to_string()
    }

    /// Argument `i` as a string; `None` when missing.
    pub fn opt_string(&self, i: usize) -> Option<&str> {
        self.items.get(i).map(String::as_str)
    }

    /// The fatal error for an unknown keyword: `Keyword not recognised in dinfo: <KEY>`.
    pub fn unknown(&self) -> DeckError {
        self.error(format!("Keyword not recognised in dinfo: {}", self.keyword))
    }

    /// An error about this line (file, line number, keyword and text attached).
    pub fn error(&self, msg: impl Into<String>) -> DeckError {
        DeckError::new(&self.file, self.line_no, &self.keyword, msg).with_context(&self.text, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ampersand_joins_at_its_position() {
        let d = DinfoDeck::parse("DELTA &ignored\n 0.2\nLEVELS 29", "dinfo");
        assert_eq!(d.lines().len(), 2);
        assert_eq!(d.lines()[0].text(), "DELTA  0.2");
        assert_eq!(d.lines()[0].opt_f64(1), Some(0.2));
        assert_eq!(d.lines()[1].line_no(), 3);
    }

    #[test]
    fn second_ampersand_is_ordinary() {
        let d = DinfoDeck::parse("MINIMA &\nmin&.data &\nTS ts.data", "dinfo");
        assert_eq!(d.lines().len(), 2);
        assert_eq!(d.lines()[0].items(), ["MINIMA", "min&.data", "&"]);
        assert_eq!(d.lines()[1].keyword(), "TS");
    }

    #[test]
    fn ampersand_at_eof() {
        let d = DinfoDeck::parse("DELTA 0.5 &", "dinfo");
        assert_eq!(d.lines()[0].opt_f64(1), Some(0.5));
    }

    #[test]
    fn keyword_width() {
        let long = "k".repeat(60);
        let d = DinfoDeck::parse(&format!("{long} 1"), "dinfo");
        assert_eq!(d.lines()[0].keyword(), "K".repeat(50));
        assert_eq!(d.lines()[0].items()[0], long);
    }
}
