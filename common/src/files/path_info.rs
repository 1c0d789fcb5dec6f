//! `path.info` (files.md §2.4): a sequence of stationary-point blocks written by OPTIM and
//! read by PATHSAMPLE (algorithms.md §9.3).
//!
//! A block is, line by line:
//! 1. the energy, `F25.15` (readers take the first number of the line, so the older `F20.10`
//!    files load);
//! 2. the point-group order and symbol, `(I6,1X,A4)` (`     1 C1  `); readers use only the
//!    integer;
//! 3. unless NOFRQS, the NOPT Hessian eigenvalues (unit masses, energy/length² for atoms),
//!    sorted **descending**, `3G20.10` (three per line, the last line short);
//! 4. the NOPT coordinates (length units for atoms, the variables for networks), `3F25.15`.
//!
//! # Reader
//!
//! [`parse`] reads by content, never by fixed line counts: an energy line, an order line (first
//! item a plain integer), then NOPT numbers from as many lines as they need, then — when the file
//! has eigenvalues — NOPT more. Whether a file has eigenvalues is taken from the caller
//! ([`Eigenvalues::Present`] / [`Eigenvalues::Absent`]) or detected on the first block
//! ([`Eigenvalues::Auto`]): after the first NOPT numbers, a line with one number followed by an
//! order line starts the next block (no eigenvalues); anything else is the second group of
//! NOPT numbers. When the file ends right after the first group (a one-block file, or a file
//! cut there), the group is taken as eigenvalues when it is sorted descending (as OPTIM writes
//! them; coordinates practically never are) and as coordinates otherwise. A file that ends inside a block (a killed OPTIM, a truncated copy) is not an
//! error: the complete blocks are returned and [`PathInfo::incomplete`] says where the
//! incomplete one starts. A last line without its `\n` counts as unfinished (OPTIM always ends
//! its lines), so the block holding it is incomplete. Any other unreadable item is an error
//! naming the file and line.
//!
//! # Layouts
//!
//! *Triples*: repeated (minimum, TS, minimum) blocks, each triple self-contained; a trailing
//! incomplete triple is ignored. *Sequential*: min, TS, min, TS, ..., min along one path.
//! [`detect_layout`] implements the auto-detection of algorithms.md §9.3 and [`triples`]
//! converts either layout into triples `(m0, t1, m1), (m1, t2, m2), ...`.
//!
//! # Writer
//!
//! [`PathInfoBlock::render`] reproduces the OPTIM layout byte for byte; the project's OPTIM
//! writes triples ([`render_triple`], [`append_triple`]). The binary `MACHINE` variant is not
//! supported (an open question of the spec).

use std::io::Write;
use std::path::Path;

use crate::files::error::{read_error, real, FileError, ReadError};
use crate::fortran_fmt::{fmt_f, fmt_g, fmt_i};
use crate::hessian_data::PointData;

/// One stationary point of a `path.info` file.
#[derive(Debug, Clone, PartialEq)]
pub struct PathInfoBlock {
    /// Energy (the potential's units).
    pub energy: f64,
    /// Point-group order h (1 for networks).
    pub order: usize,
    /// Point-group symbol as it appears in the 4-character field, trailing blanks removed
    /// (`C1`, `D3h`, `O h`, `DXh`); written back left-justified in 4 columns.
    pub symbol: String,
    /// The NOPT Hessian eigenvalues in file order (descending: zero modes and a TS's negative
    /// eigenvalue last), or `None` for NOFRQS files.
    pub eigenvalues: Option<Vec<f64>>,
    /// The NOPT coordinates (`x1, y1, z1, x2, ...` for atoms; the variables for networks).
    pub coords: Vec<f64>,
}

impl PathInfoBlock {
    /// The block's text, with a final newline: `F25.15` energy, `(I6,1X,A4)` order line,
    /// eigenvalues `3G20.10` (when present) and coordinates `3F25.15`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_into(&mut s);
        s
    }

    /// Append the block's text to `out` (see [`PathInfoBlock::render`]).
    pub fn render_into(&self, out: &mut String) {
        out.push_str(&fmt_f(self.energy, 25, 15));
        out.push('\n');
        out.push_str(&fmt_i(self.order as i64, 6));
        out.push(' ');
        let mut sym: String = self.symbol.chars().take(4).collect();
        while sym.chars().count() < 4 {
            sym.push(' ');
        }
        out.push_str(&sym);
        out.push('\n');
        if let Some(ev) = &self.eigenvalues {
            for chunk in ev.chunks(3) {
                for &v in chunk {
                    out.push_str(&fmt_g(v, 20, 10));
                }
                out.push('\n');
            }
        }
        for chunk in self.coords.chunks(3) {
            for &v in chunk {
                out.push_str(&fmt_f(v, 25, 15));
            }
            out.push('\n');
        }
    }

    /// The block of a computed stationary point (OPTIM's writer): energy, point group (the
    /// symbol in the Fortran's 4-character form, e.g. `O h`), the descending eigenvalues
    /// unless `nofrqs`, and the coordinates.
    pub fn from_point(p: &PointData, coords: &[f64], nofrqs: bool) -> Self {
        Self {
            energy: p.energy,
            order: p.group.order,
            symbol: p.group.symbol_field().trim_end().to_string(),
            eigenvalues: (!nofrqs).then(|| p.eigenvalues.clone()),
            coords: coords.to_vec(),
        }
    }

    /// The last eigenvalue (the lowest; a TS's negative one), if eigenvalues are present.
    pub fn last_eigenvalue(&self) -> Option<f64> {
        self.eigenvalues.as_ref().and_then(|e| e.last().copied())
    }
}

/// The text of several blocks, in order.
pub fn render(blocks: &[PathInfoBlock]) -> String {
    let mut s = String::new();
    for b in blocks {
        b.render_into(&mut s);
    }
    s
}

/// Whether the blocks of a file carry eigenvalues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Eigenvalues {
    /// Detect from the content of the first block (see the module documentation).
    #[default]
    Auto,
    /// Every block has NOPT eigenvalues before its coordinates.
    Present,
    /// No eigenvalues (OPTIM/PATHSAMPLE `NOFRQS`).
    Absent,
}

/// Where a file stops inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    /// 1-based line where the incomplete block starts.
    pub line: usize,
    /// What is missing.
    pub message: String,
}

/// The content of a `path.info` file.
#[derive(Debug, Clone, PartialEq)]
pub struct PathInfo {
    /// The complete blocks, in file order.
    pub blocks: Vec<PathInfoBlock>,
    /// Whether the blocks carry eigenvalues (given or detected; `false` for an empty file
    /// unless [`Eigenvalues::Present`] was given).
    pub has_eigenvalues: bool,
    /// Set when the file ends inside a block (that block is not in `blocks`).
    pub incomplete: Option<Incomplete>,
}

/// One non-blank line: 1-based number, text, whether it is an unfinished last line.
struct Line<'a> {
    no: usize,
    text: &'a str,
    unfinished: bool,
}

fn first_token(s: &str) -> Option<&str> {
    s.split_whitespace().next()
}

/// A plain integer item (digits with an optional sign), as the order line starts with.
fn is_plain_integer(tok: &str) -> bool {
    let t = tok.strip_prefix(['+', '-']).unwrap_or(tok);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

enum Group {
    Values(Vec<f64>),
    /// The file ended (or its last line is unfinished) before NOPT values.
    Eof,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    file: &'a str,
    nopt: usize,
    /// Length of the whole text in bytes.
    text_len: usize,
}

impl Reader<'_> {
    fn err(&self, line: usize, message: String) -> ReadError {
        read_error(self.file, line, message)
    }

    /// NOPT numbers from whole lines starting at the current line.
    fn group(&mut self, what: &str) -> Result<Group, ReadError> {
        // NOPT comes from the deck: reserve no more than the text can hold (a value takes at
        // least a byte), so an absurd NOPT reads as an incomplete block, not an allocation
        // failure.
        let mut v = Vec::with_capacity(self.nopt.min(self.text_len));
        while v.len() < self.nopt {
            let Some(l) = self.lines.get(self.pos) else {
                return Ok(Group::Eof);
            };
            if l.unfinished {
                return Ok(Group::Eof);
            }
            for t in l.text.split_whitespace() {
                match real(t) {
                    Some(x) => v.push(x),
                    None => {
                        return Err(self.err(
                            l.no,
                            format!(
                                "cannot read '{t}' as one of the {} {what} (is NOPT = {} right?)",
                                self.nopt, self.nopt
                            ),
                        ))
                    }
                }
            }
            if v.len() > self.nopt {
                return Err(self.err(
                    l.no,
                    format!(
                        "the {what} run past NOPT = {} values on this line (is NOPT right?)",
                        self.nopt
                    ),
                ));
            }
            self.pos += 1;
        }
        Ok(Group::Values(v))
    }

    /// Does a new block start at line `i` (an energy line followed by an order line)?
    /// Only finished lines are looked at; `None` when that cannot be told.
    fn block_starts_at(&self, i: usize) -> Option<bool> {
        let finished =
            self.lines.len() - usize::from(self.lines.last().is_some_and(|l| l.unfinished));
        if i >= finished {
            return None;
        }
        let l = &self.lines[i];
        let t = first_token(l.text)?;
        if real(t).is_none() {
            return Some(false);
        }
        if i + 1 < finished {
            return Some(first_token(self.lines[i + 1].text).is_some_and(is_plain_integer));
        }
        // Only this line is visible: the first line of a second group holds min(3, NOPT)
        // numbers, an energy line one.
        (self.nopt >= 2).then(|| l.text.split_whitespace().count() == 1)
    }
}

/// Whether the first group of numbers of the first block is a list of eigenvalues when the
/// content after it cannot tell (the file ends there): OPTIM writes eigenvalues sorted
/// descending, which coordinates practically never are.
fn looks_like_eigenvalues(g: &[f64]) -> bool {
    g.len() >= 3 && g.windows(2).all(|w| w[0] >= w[1])
}

/// Parse the text of a `path.info` file whose points have NOPT coordinates. `file` names the
/// file in messages. See the module documentation for the rules.
pub fn parse(text: &str, file: &str, nopt: usize, eig: Eigenvalues) -> Result<PathInfo, ReadError> {
    if nopt == 0 {
        return Err(read_error(file, 0, "NOPT must be positive"));
    }
    let ends_with_newline = text.ends_with('\n');
    let raw: Vec<&str> = text.split('\n').collect();
    let n_raw = raw.len();
    let lines: Vec<Line> = raw
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(i, t)| Line {
            no: i + 1,
            text: t.trim_end_matches('\r'),
            // `split` yields a last piece after the final '\n' (empty when the text ends
            // with one); a non-empty last piece is an unfinished line.
            unfinished: !ends_with_newline && i + 1 == n_raw,
        })
        .collect();
    let mut r = Reader {
        lines,
        pos: 0,
        file,
        nopt,
        text_len: text.len(),
    };
    let mut has_eig: Option<bool> = match eig {
        Eigenvalues::Auto => None,
        Eigenvalues::Present => Some(true),
        Eigenvalues::Absent => Some(false),
    };
    let mut blocks = Vec::new();
    let incomplete = |line: usize, message: &str| {
        Some(Incomplete {
            line,
            message: message.to_string(),
        })
    };
    let mut inc = None;
    while r.pos < r.lines.len() {
        let start = r.lines[r.pos].no;
        // 1. Energy line.
        let l = &r.lines[r.pos];
        if l.unfinished {
            inc = incomplete(start, "the energy line is unfinished");
            break;
        }
        let tok = first_token(l.text).unwrap_or("");
        let Some(energy) = real(tok) else {
            return Err(r.err(
                l.no,
                format!(
                    "expected the energy line of a block, found '{}'",
                    l.text.trim()
                ),
            ));
        };
        r.pos += 1;
        // 2. Order line.
        let Some(l) = r.lines.get(r.pos) else {
            inc = incomplete(start, "the block ends after its energy line");
            break;
        };
        if l.unfinished {
            inc = incomplete(start, "the point-group line is unfinished");
            break;
        }
        let mut items = l.text.split_whitespace();
        let tok = items.next().unwrap_or("");
        if !is_plain_integer(tok) {
            return Err(r.err(
                l.no,
                format!(
                    "expected the point-group line (order, symbol), found '{}'",
                    l.text.trim()
                ),
            ));
        }
        let order: usize = tok
            .trim_start_matches('+')
            .parse()
            .map_err(|_| r.err(l.no, format!("bad point-group order '{tok}'")))?;
        // The symbol occupies the A4 field after `(I6,1X`; for free-format lines take the rest.
        let symbol = symbol_of(l.text);
        r.pos += 1;
        // 3./4. One or two groups of NOPT numbers.
        let g1 = match r.group("values")? {
            Group::Values(v) => v,
            Group::Eof => {
                inc = incomplete(start, "the file ends inside the block's numbers");
                break;
            }
        };
        let with_eig = match has_eig {
            Some(h) => h,
            None => {
                let h = match r.block_starts_at(r.pos) {
                    Some(starts) => !starts,
                    None => looks_like_eigenvalues(&g1),
                };
                has_eig = Some(h);
                h
            }
        };
        let (eigenvalues, coords) = if with_eig {
            if r.pos + 1 < r.lines.len()
                && r.block_starts_at(r.pos) == Some(true)
                && r.lines[r.pos].text.split_whitespace().count() == 1
            {
                return Err(r.err(
                    r.lines[r.pos].no,
                    format!(
                        "the block starting at line {start} has eigenvalues but no coordinates"
                    ),
                ));
            }
            match r.group("coordinates")? {
                Group::Values(v) => (Some(g1), v),
                Group::Eof => {
                    inc = incomplete(start, "the file ends inside the block's coordinates");
                    break;
                }
            }
        } else {
            (None, g1)
        };
        blocks.push(PathInfoBlock {
            energy,
            order,
            symbol,
            eigenvalues,
            coords,
        });
    }
    Ok(PathInfo {
        blocks,
        has_eigenvalues: has_eig.unwrap_or(false),
        incomplete: inc,
    })
}

/// The symbol of an order line: columns 8–11 of `(I6,1X,A4)` when the line has that layout,
/// otherwise the items after the order, joined by one blank; trailing blanks removed.
fn symbol_of(line: &str) -> String {
    let fixed = line.len() >= 8
        && line.is_char_boundary(6)
        && line[..6].trim_start().bytes().all(|b| b.is_ascii_digit())
        && !line[..6].trim().is_empty()
        && line.as_bytes()[6] == b' ';
    if fixed {
        let end = line.len().min(11);
        if line.is_char_boundary(end) {
            return line[7..end].trim_end().to_string();
        }
    }
    let mut items = line.split_whitespace();
    items.next();
    items.collect::<Vec<_>>().join(" ")
}

/// Read and parse a `path.info` file (see [`parse`]).
pub fn read(path: &Path, nopt: usize, eig: Eigenvalues) -> Result<PathInfo, FileError> {
    let text = crate::files::error::read_text(path)?;
    Ok(parse(&text, &path.display().to_string(), nopt, eig)?)
}

/// The order of the blocks in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// (minimum, TS, minimum) triples, each self-contained.
    Triples,
    /// One path: min, TS, min, TS, ..., min.
    Sequential,
}

/// The layout of a file by content (algorithms.md §9.3), for when no keyword (TRIPLES,
/// STARTTRIPLES, ADDTRIPLES) fixes it. With eigenvalues, each block is a TS when its lowest
/// (last) eigenvalue is below −[`TS_EIGENVALUE_TOL`] (a zero mode of −5e−8 is not a TS), and
/// the layout whose pattern (min, TS, min per triple; min, TS, min, TS, ... in sequence)
/// fits more blocks wins, triples on a tie; without eigenvalues, triples when the block count
/// is a multiple of 3. A file of at most 3 blocks reads the same either way (triples).
pub fn detect_layout(info: &PathInfo) -> Layout {
    let n = info.blocks.len();
    if n <= 3 {
        return Layout::Triples;
    }
    if info.has_eigenvalues {
        let is_ts: Vec<bool> = info
            .blocks
            .iter()
            .map(|b| b.last_eigenvalue().is_some_and(|v| v < -TS_EIGENVALUE_TOL))
            .collect();
        let fits = |want: &dyn Fn(usize) -> bool| (0..n).filter(|&k| is_ts[k] == want(k)).count();
        let triples = fits(&|k| k % 3 == 1);
        let sequential = fits(&|k| k % 2 == 1);
        if sequential > triples {
            Layout::Sequential
        } else {
            Layout::Triples
        }
    } else if n.is_multiple_of(3) {
        Layout::Triples
    } else {
        Layout::Sequential
    }
}

/// A block whose lowest eigenvalue lies below −this is a transition state for
/// [`detect_layout`]; zero modes (rotations, translations) written as ±1e−7 are not.
pub const TS_EIGENVALUE_TOL: f64 = 1.0e-4;

/// Block indices (0-based) of the triples of a file of `n` blocks in `layout`:
/// triples `[3k, 3k+1, 3k+2]` (a trailing incomplete triple dropped), or for a sequential
/// chain `[2k, 2k+1, 2k+2]` (a trailing TS without its second minimum dropped).
pub fn triple_indices(n: usize, layout: Layout) -> Vec<[usize; 3]> {
    match layout {
        Layout::Triples => (0..n / 3).map(|k| [3 * k, 3 * k + 1, 3 * k + 2]).collect(),
        Layout::Sequential => (0..n.saturating_sub(1) / 2)
            .map(|k| [2 * k, 2 * k + 1, 2 * k + 2])
            .collect(),
    }
}

/// A (plus minimum, TS, minus minimum) triple of blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct PathTriple {
    /// The first minimum (it becomes the TS's `plus` id).
    pub plus: PathInfoBlock,
    /// The transition state.
    pub ts: PathInfoBlock,
    /// The second minimum (the TS's `minus` id).
    pub minus: PathInfoBlock,
}

/// The triples of a list of blocks in `layout` (see [`triple_indices`]); a sequential chain
/// m0, t1, m1, t2, m2 gives (m0, t1, m1), (m1, t2, m2).
pub fn triples(blocks: &[PathInfoBlock], layout: Layout) -> Vec<PathTriple> {
    triple_indices(blocks.len(), layout)
        .into_iter()
        .map(|[a, b, c]| PathTriple {
            plus: blocks[a].clone(),
            ts: blocks[b].clone(),
            minus: blocks[c].clone(),
        })
        .collect()
}

/// The text of one triple (three blocks).
pub fn render_triple(t: &PathTriple) -> String {
    let mut s = String::new();
    t.plus.render_into(&mut s);
    t.ts.render_into(&mut s);
    t.minus.render_into(&mut s);
    s
}

/// Append one triple to the file at `path` (created if absent) with a single write, then flush
/// (OPTIM DUMPALLPATHS appends each triple as it is found).
pub fn append_triple(path: &Path, t: &PathTriple) -> Result<(), FileError> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| FileError::io(path, e))?;
    f.write_all(render_triple(t).as_bytes())
        .and_then(|_| f.flush())
        .map_err(|e| FileError::io(path, e))
}

/// Write `blocks` to `path` (replacing it), e.g. a DUMPPATH path as consecutive triples.
pub fn write(path: &Path, blocks: &[PathInfoBlock]) -> Result<(), FileError> {
    std::fs::write(path, render(blocks)).map_err(|e| FileError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_field() {
        assert_eq!(symbol_of("     1 C1  "), "C1");
        assert_eq!(symbol_of("    48 O h "), "O h");
        assert_eq!(symbol_of("    12 D3h"), "D3h");
        assert_eq!(symbol_of("1 C2v"), "C2v");
        assert_eq!(symbol_of("     1"), "");
    }

    #[test]
    fn absurd_nopt_is_an_incomplete_block_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: NOPT = 2^40 reserved 8 TiB before reading.
        let text = "-1.0\n     1 C1  \n1 2 3\n";
        let info = parse(text, "path.info", 1 << 40, Eigenvalues::Absent).unwrap();
        assert!(info.blocks.is_empty());
        assert_eq!(info.incomplete.map(|i| i.line), Some(1));
    }

    #[test]
    fn layout_indices() {
        assert_eq!(triple_indices(7, Layout::Triples).len(), 2);
        assert_eq!(
            triple_indices(5, Layout::Sequential),
            vec![[0, 1, 2], [2, 3, 4]]
        );
        assert_eq!(triple_indices(6, Layout::Sequential).len(), 2);
        assert!(triple_indices(2, Layout::Sequential).is_empty());
    }
}
