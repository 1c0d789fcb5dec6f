//! Keyword-deck lexer shared by GMIN (`data`), OPTIM (`odata`) and PATHSAMPLE (`pathdata`),
//! plus the separate disconnectionDPS `dinfo` reader ([`dinfo`]).
//!
//! The rules are those of A. J. Stone's INPUT library as described in
//! `spec/keyword-decks.md` §1; this module only lexes. Programs interpret the lines:
//!
//! ```
//! use common::deck::{Deck, DeckError};
//! let deck = Deck::parse("natoms 13\nSTEPS 100 (comment) 0.9\n", "data")?;
//! let (mut natoms, mut steps, mut tfac) = (0, 0, 1.0);
//! for line in deck.lines() {
//!     match line.keyword() {
//!         "NATOMS" => natoms = line.usize(1)?,
//!         "STEPS" => {
//!             steps = line.usize(1)?;
//!             if let Some(x) = line.opt_f64(2)? {
//!                 tfac = x;
//!             }
//!         }
//!         _ => return Err(line.unknown()),
//!     }
//! }
//! assert_eq!((natoms, steps, tfac), (13, 100, 0.9));
//! # Ok::<(), DeckError>(())
//! ```
//!
//! # Conventions
//!
//! - **Logical lines.** A physical line whose last non-blank characters are the continuation
//!   string (`+++` unless changed by `#concat`) is continued: the next physical line is
//!   appended where the continuation string starts, with no blank inserted
//!   (`STEPS 100+++` / `0.9` is `STEPS 1000.9`). End of file while continuing is an error
//!   (`Unexpected end of data file`). Whole lines are read; text beyond column 80 (ignored by
//!   the Fortran) draws a `log::warn!`.
//! - **Directives** (first item, any case): `#include file` (relative names resolve against
//!   the including file's directory; nesting up to [`MAX_INCLUDE_DEPTH`]; a missing file is an
//!   error naming it), `#revert` (back to the including file; an error at top level),
//!   `#concat "s"` (new continuation string; none or empty disables continuation),
//!   `#echo [OFF]` (print physical lines to stdout as they are read).
//! - **Items** ([`Item`]): blanks, tabs or a comma separate; `,,` makes a
//!   null item; `( ... )` comments nest; quotes keep blanks and commas.
//! - **Comments**: a line whose first item is blank or null, or is exactly `NOTE`,
//!   `COMMENT` (any case), `\\`, `!` or `#`, is skipped. `!text` and `#text` are keywords.
//!   After the keyword, an unquoted item starting with `!` begins a trailing comment: it and
//!   the rest of the line are not items (`TEMPERATURE 1.0 ! kT`).
//! - **End**: the keyword `STOP` (not kept) or end of file; optionally a terminator keyword
//!   (OPTIM's `POINTS`/`VARIABLES`), which is kept as the last line. The physical lines after
//!   `STOP` or a terminator are in [`Deck::trailing_lines`].
//! - **Arguments**: 1-based after the keyword; null and missing items read as zero/blank,
//!   the `opt_*` accessors distinguish missing (`None`). See [`Line`].
//! - **Numbers**: see [`parse_number`]; integers are reals truncated toward zero.
//! - **Lenient cases (warnings, as the Fortran accepts them):** an unclosed `(` comments out
//!   the rest of the line; an unclosed quote runs to the end of the line.

pub mod dinfo;
mod error;
pub mod foreign;
mod items;
mod line;
mod number;
mod reader;
mod table;

use std::path::Path;

pub use dinfo::{DinfoDeck, DinfoLine};
pub use error::DeckError;
pub use items::Item;
pub use line::Line;
pub use number::{list_directed_int, list_directed_real, parse_number, NumberError};
pub use reader::{DeckEnd, RawLine, DEFAULT_CONCAT, FORTRAN_WIDTH, MAX_INCLUDE_DEPTH};
pub use table::{
    check_table, kw, parse_flag, Action, Arg, ArgType, Keyword, KeywordLine, KeywordTable,
};

/// A parsed `data`/`odata`/`pathdata` deck: its keyword lines, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    file: String,
    lines: Vec<Line>,
    trailing: Vec<RawLine>,
    end: DeckEnd,
}

impl Deck {
    /// Parse deck text named `file` (used in messages; relative `#include` names resolve
    /// against its directory part, i.e. the current directory for a bare name).
    pub fn parse(text: &str, file: &str) -> Result<Deck, DeckError> {
        Deck::parse_with_terminators(text, file, &[])
    }

    /// Like [`Deck::parse`], but reading also stops after the first line whose keyword is in
    /// `terminators` (any case); that line is the last of [`Deck::lines`].
    pub fn parse_with_terminators(
        text: &str,
        file: &str,
        terminators: &[&str],
    ) -> Result<Deck, DeckError> {
        let out = reader::read(text, file, terminators)?;
        Ok(Deck {
            file: file.to_string(),
            lines: out.lines,
            trailing: out.trailing,
            end: out.end,
        })
    }

    /// Read and parse the deck at `path`; a missing file is an error naming it.
    pub fn read(path: &Path) -> Result<Deck, DeckError> {
        Deck::read_with_terminators(path, &[])
    }

    /// [`Deck::read`] with terminator keywords (see [`Deck::parse_with_terminators`]).
    pub fn read_with_terminators(path: &Path, terminators: &[&str]) -> Result<Deck, DeckError> {
        let name = path.display().to_string();
        let text = reader::load(path)
            .map_err(|e| DeckError::new(&name, 0, "", format!("Cannot open file {name}: {e}")))?;
        Deck::parse_with_terminators(&text, &name, terminators)
    }

    /// The top-level file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The keyword lines (comments, directives and `STOP` removed).
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Physical lines after `STOP` or a terminator keyword (rest of the current file, then
    /// of the including files); empty when reading ended at end of file.
    pub fn trailing_lines(&self) -> &[RawLine] {
        &self.trailing
    }

    /// How keyword reading ended.
    pub fn end(&self) -> DeckEnd {
        self.end
    }

    /// The terminator line, when reading stopped at one.
    pub fn terminator(&self) -> Option<&Line> {
        match self.end {
            DeckEnd::Terminator => self.lines.last(),
            _ => None,
        }
    }
}
