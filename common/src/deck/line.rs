//! [`Line`]: one logical keyword line and its typed argument accessors.

use super::error::DeckError;
use super::items::{tokenize, Item};
use super::number::parse_number;

/// One logical line of a deck (after continuation), split into items.
///
/// **Argument indices are 1-based** and count after the keyword, like the Fortran: `f64(1)` is
/// the first argument; index 0 is the keyword itself. [`Line::nitems`] counts the keyword too
/// (Fortran `NITEMS`), so argument `i` exists when `i < nitems()`.
///
/// **Null versus missing.** A *null* item (`A,,B`) is present but empty; a *missing* item lies
/// beyond `nitems()`. The plain accessors ([`Line::f64`], [`Line::int`], [`Line::string`], ...)
/// read both as zero / blank, as the Fortran does when a keyword's code reads the position.
/// The `opt_*` accessors return `None` only for a *missing* item, so that callers keep their
/// default for optional trailing arguments, and `Some(0)` / `Some("")` for a null item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    file: String,
    line_no: usize,
    text: String,
    keyword: String,
    items: Vec<Item>,
}

impl Line {
    /// Split `text` into items; `file` and `line_no` are only used in error messages.
    /// Also usable on lines that follow the deck (see `Deck::trailing_lines`).
    pub fn new(text: &str, file: &str, line_no: usize) -> Line {
        let text = text.trim_end_matches(super::items::is_blank);
        let items = tokenize(text).items;
        Line::from_items(text, file, line_no, items)
    }

    pub(crate) fn from_items(text: &str, file: &str, line_no: usize, mut items: Vec<Item>) -> Line {
        // An unquoted item starting with `!` after the keyword begins a trailing comment
        // (`TEMPERATURE 1.0 ! kT`, as the Kinetics tutorials write; the Fortran reads only the
        // items it needs and never sees it).
        if let Some(cut) = items
            .iter()
            .skip(1)
            .position(|it| !it.is_quoted() && it.text().starts_with('!'))
        {
            items.truncate(cut + 1);
        }
        let keyword = items
            .first()
            .map(|it| it.text().to_ascii_uppercase())
            .unwrap_or_default();
        Line {
            file: file.to_string(),
            line_no,
            text: text.to_string(),
            keyword,
            items,
        }
    }

    /// The keyword (first item), upper-cased (ASCII).
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// The keyword as written.
    pub fn keyword_raw(&self) -> &str {
        self.items.first().map(Item::text).unwrap_or("")
    }

    /// The file this line came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// 1-based physical line number where the logical line starts.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The logical line (continuations joined, trailing blanks removed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of items including the keyword (Fortran `NITEMS`).
    pub fn nitems(&self) -> usize {
        self.items.len()
    }

    /// Number of arguments (items after the keyword).
    pub fn nargs(&self) -> usize {
        self.items.len().saturating_sub(1)
    }

    /// All items, the keyword first.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The arguments (items after the keyword).
    pub fn args(&self) -> &[Item] {
        self.items.get(1..).unwrap_or(&[])
    }

    /// Item `i` (0 = keyword, 1 = first argument), if present.
    pub fn item(&self, i: usize) -> Option<&Item> {
        self.items.get(i)
    }

    /// True when argument `i` is present (possibly null).
    pub fn has(&self, i: usize) -> bool {
        i < self.items.len()
    }

    /// True when argument `i` is present and null.
    pub fn is_null(&self, i: usize) -> bool {
        self.items.get(i).is_some_and(Item::is_null)
    }

    /// Argument `i` as a real; missing or null reads 0.0; malformed is an error.
    pub fn f64(&self, i: usize) -> Result<f64, DeckError> {
        Ok(self.opt_f64(i)?.unwrap_or(0.0))
    }

    /// Argument `i` as a real: `None` when missing, `Some(0.0)` when null.
    pub fn opt_f64(&self, i: usize) -> Result<Option<f64>, DeckError> {
        match self.items.get(i) {
            None => Ok(None),
            Some(it) if it.is_null() => Ok(Some(0.0)),
            Some(it) => parse_number(it.text()).map(Some).map_err(|e| {
                let col = match e {
                    super::number::NumberError::InvalidChar { offset, .. } => it.column() + offset,
                    _ => it.column(),
                };
                self.error_at_column(e.to_string(), col)
            }),
        }
    }

    /// Argument `i` as an integer: read as a real and truncated toward zero
    /// (`2.7` → 2, `-2.7` → -2, `1.5E3` → 1500); missing or null reads 0.
    pub fn int(&self, i: usize) -> Result<i64, DeckError> {
        Ok(self.opt_int(i)?.unwrap_or(0))
    }

    /// Argument `i` as an integer: `None` when missing, `Some(0)` when null.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DeckError> {
        match self.opt_f64(i)? {
            None => Ok(None),
            Some(x) => {
                let t = x.trunc();
                // i64 covers [-2^63, 2^63).
                let limit = 2f64.powi(63);
                if (-limit..limit).contains(&t) {
                    Ok(Some(t as i64))
                } else {
                    Err(self.error_at(i, format!("Number {x} is out of range for an integer")))
                }
            }
        }
    }

    /// Argument `i` as a non-negative integer (truncated); negative is an error;
    /// missing or null reads 0.
    pub fn usize(&self, i: usize) -> Result<usize, DeckError> {
        Ok(self.opt_usize(i)?.unwrap_or(0))
    }

    /// Argument `i` as a non-negative integer: `None` when missing, `Some(0)` when null.
    pub fn opt_usize(&self, i: usize) -> Result<Option<usize>, DeckError> {
        match self.opt_int(i)? {
            None => Ok(None),
            Some(n) => usize::try_from(n).map(Some).map_err(|_| {
                self.error_at(i, format!("Expected a non-negative integer, found {n}"))
            }),
        }
    }

    /// Argument `i` as a string, case kept; missing or null reads "".
    pub fn string(&self, i: usize) -> Result<String, DeckError> {
        Ok(self.opt_string(i)?.unwrap_or_default())
    }

    /// Argument `i` as a string: `None` when missing, `Some("")` when null.
    pub fn opt_string(&self, i: usize) -> Result<Option<String>, DeckError> {
        Ok(self.items.get(i).map(|it| it.text().to_string()))
    }

    /// Argument `i` upper-cased (for sub-option words such as `EXP`, `T`/`F`);
    /// missing or null reads "".
    pub fn word_upper(&self, i: usize) -> Result<String, DeckError> {
        Ok(self.string(i)?.to_ascii_uppercase())
    }

    /// The fatal error for an unrecognised keyword: `Unrecognized command <WORD>`, with the
    /// line and a marker under the keyword.
    pub fn unknown(&self) -> DeckError {
        self.error_at(0, format!("Unrecognized command {}", self.keyword))
    }

    /// The error for a keyword the project recognises but does not implement.
    pub fn not_supported(&self) -> DeckError {
        self.error_at(
            0,
            format!(
                "Keyword {} is not supported by this implementation",
                self.keyword
            ),
        )
    }

    /// An error about this line (file, line number, keyword and line text attached).
    pub fn error(&self, msg: impl Into<String>) -> DeckError {
        DeckError::new(&self.file, self.line_no, &self.keyword, msg).with_context(&self.text, None)
    }

    /// An error about argument `i`, with a marker under it (under the end of the line when
    /// the argument is missing).
    pub fn error_at(&self, i: usize, msg: impl Into<String>) -> DeckError {
        let col = self
            .items
            .get(i)
            .map(Item::column)
            .unwrap_or_else(|| self.text.chars().count());
        self.error_at_column(msg, col)
    }

    fn error_at_column(&self, msg: impl Into<String>, col: usize) -> DeckError {
        DeckError::new(&self.file, self.line_no, &self.keyword, msg)
            .with_context(&self.text, Some(col))
    }

    /// Check the number of arguments (items after the keyword) lies in `min..=max`
    /// (`usize::MAX` for no upper limit); the error names the keyword.
    pub fn expect_args(&self, min: usize, max: usize) -> Result<(), DeckError> {
        let n = self.nargs();
        if (min..=max).contains(&n) {
            return Ok(());
        }
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else if min == 0 {
            format!("at most {max}")
        } else {
            format!("{min} to {max}")
        };
        let plural = if min == max && min == 1 { "" } else { "s" };
        Err(self.error_at(
            n.min(max).saturating_add(1),
            format!(
                "{} expects {want} argument{plural}, found {n}",
                self.keyword
            ),
        ))
    }

    /// `Ok(())` when the keyword is one of `known` (upper case), else [`Line::unknown`].
    pub fn expect_known(&self, known: &[&str]) -> Result<(), DeckError> {
        if known.contains(&self.keyword.as_str()) {
            Ok(())
        } else {
            Err(self.unknown())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bang_item_after_the_keyword_starts_a_trailing_comment() {
        let l = Line::new("TEMPERATURE 1.0 ! kT, 2 3", "pathdata", 1);
        assert_eq!((l.keyword(), l.nargs()), ("TEMPERATURE", 1));
        let l = Line::new("EXEC 'a !b' !c", "pathdata", 1);
        assert_eq!((l.nargs(), l.string(1).unwrap().as_str()), (1, "a !b"));
        assert_eq!(Line::new("!X 1", "data", 1).keyword(), "!X");
    }

    #[test]
    fn accessors_follow_fortran_semantics() {
        let l = Line::new("bfgsts 50,,25 1.0D-4  ", "odata", 4);
        assert_eq!(l.keyword(), "BFGSTS");
        assert_eq!(l.keyword_raw(), "bfgsts");
        assert_eq!(l.text(), "bfgsts 50,,25 1.0D-4");
        assert_eq!(l.nitems(), 5);
        assert_eq!(l.nargs(), 4);
        assert_eq!(l.int(1).unwrap(), 50);
        assert_eq!(l.int(2).unwrap(), 0);
        assert!(l.is_null(2) && l.has(2));
        assert_eq!(l.opt_int(2).unwrap(), Some(0));
        assert_eq!(l.int(3).unwrap(), 25);
        assert_eq!(l.f64(4).unwrap(), 1.0e-4);
        assert!(!l.has(5));
        assert_eq!(l.f64(5).unwrap(), 0.0);
        assert_eq!(l.opt_f64(5).unwrap(), None);
        assert_eq!(l.string(9).unwrap(), "");
        assert_eq!(l.opt_string(9).unwrap(), None);
        assert_eq!(l.opt_string(2).unwrap(), Some(String::new()));
    }

    #[test]
    fn truncation_and_ranges() {
        let l = Line::new("X 2.7 -2.7 1.5E3 -1 1E19 0.5", "f", 1);
        assert_eq!(l.int(1).unwrap(), 2);
        assert_eq!(l.int(2).unwrap(), -2);
        assert_eq!(l.int(3).unwrap(), 1500);
        assert_eq!(l.usize(3).unwrap(), 1500);
        assert!(l.usize(4).is_err());
        assert!(l.int(5).is_err());
        assert_eq!(l.usize(6).unwrap(), 0);
    }

    #[test]
    fn bad_number_error_points_at_the_character() {
        let l = Line::new("STEPS 1x0", "data", 12);
        let e = l.int(1).unwrap_err();
        assert_eq!(e.file, "data");
        assert_eq!(e.line, 12);
        assert_eq!(e.keyword, "STEPS");
        assert_eq!(e.column, Some(7));
        assert!(e.to_string().starts_with(
            "data:12: STEPS: Invalid character 'x' while reading number in \"STEPS 1x0\""
        ));
    }

    #[test]
    fn expect_args_messages() {
        let l = Line::new("NEWNEB 20 500", "odata", 2);
        assert!(l.expect_args(2, 3).is_ok());
        assert!(l.expect_args(0, usize::MAX).is_ok());
        let e = l.expect_args(3, 3).unwrap_err();
        assert!(
            e.message.contains("NEWNEB expects 3 arguments, found 2"),
            "{e}"
        );
        let e = l.expect_args(0, 1).unwrap_err();
        assert!(e.message.contains("at most 1"), "{e}");
        let e = l.expect_args(3, usize::MAX).unwrap_err();
        assert!(e.message.contains("at least 3"), "{e}");
        let e = Line::new("A", "f", 1).expect_args(1, 1).unwrap_err();
        assert!(e.message.contains("expects 1 argument, found 0"), "{e}");
    }

    #[test]
    fn unknown_and_known() {
        let l = Line::new("foo 1", "pathdata", 3);
        assert!(l.expect_known(&["FOO"]).is_ok());
        let e = l.expect_known(&["BAR"]).unwrap_err();
        assert_eq!(e.message, "Unrecognized command FOO");
        assert_eq!(e.column, Some(0));
        assert!(l.not_supported().message.contains("not supported"));
    }
}
