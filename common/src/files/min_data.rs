//! `min.data` (files.md §3.1): one line per minimum, the line number being the minimum's
//! 1-based id.
//!
//! A line holds E, fvib, h, Ix, Iy, Iz: the energy, fvib = ln Π λ over the non-zero
//! eigenvalues of the mass-weighted Hessian (unit masses; algorithms.md §8), the point-group
//! order, and the principal moments of inertia (unit masses, about the centre of mass,
//! ascending; 0.0 for networks). With DUMMYTS+LOWESTFRQ two more values follow (the minimum
//! curvature and the ln of the lowest frequency squared).
//!
//! Writers (DECISION 1): `(2F25.15,I6,3F20.10)` ([`Widths::Current`]), or the 2011 widths
//! `(2F20.10,I6,3F20.10)` ([`Widths::Fortran2011`]); the two LOWESTFRQ values `2F20.10`.
//! The reader is free format (any widths, `D` exponents), so both generations load; each
//! error names the file and line.

use std::path::Path;

use crate::files::error::{read_error, read_text, FileError, LineItems, ReadError};
use crate::files::min_data_info::MinDataInfo;
use crate::fortran_fmt::{fmt_f, fmt_i};

/// Column widths of the `min.data` / `ts.data` writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Widths {
    /// The newer Fortran (DECISION 1): energy and fvib `F25.15`.
    #[default]
    Current,
    /// The 2011 Fortran: energy and fvib `F20.10`.
    Fortran2011,
}

impl Widths {
    /// Width and decimals of the energy and fvib columns.
    pub fn energy_field(self) -> (usize, usize) {
        match self {
            Widths::Current => (25, 15),
            Widths::Fortran2011 => (20, 10),
        }
    }
}

/// One line of `min.data`.
#[derive(Debug, Clone, PartialEq)]
pub struct MinRecord {
    /// Energy.
    pub energy: f64,
    /// ln of the product of the non-zero Hessian eigenvalues (as written; NOFRQS databases
    /// use 1.0 in memory, DECISION 2).
    pub fvib: f64,
    /// Point-group order h.
    pub order: usize,
    /// Principal moments of inertia Ix ≤ Iy ≤ Iz (unit masses; 0.0 for networks).
    pub inertia: [f64; 3],
    /// The two LOWESTFRQ columns (minimum curvature, ln of the lowest frequency squared),
    /// when present.
    pub lowest_frq: Option<[f64; 2]>,
}

impl MinRecord {
    /// A record without the LOWESTFRQ columns.
    pub fn new(energy: f64, fvib: f64, order: usize, inertia: [f64; 3]) -> Self {
        Self {
            energy,
            fvib,
            order,
            inertia,
            lowest_frq: None,
        }
    }

    /// The line, with its final newline, in `widths`.
    pub fn render(&self, widths: Widths) -> String {
        let (w, d) = widths.energy_field();
        let mut s = String::with_capacity(120);
        s.push_str(&fmt_f(self.energy, w, d));
        s.push_str(&fmt_f(self.fvib, w, d));
        s.push_str(&fmt_i(self.order as i64, 6));
        for v in self.inertia {
            s.push_str(&fmt_f(v, 20, 10));
        }
        if let Some(extra) = self.lowest_frq {
            for v in extra {
                s.push_str(&fmt_f(v, 20, 10));
            }
        }
        s.push('\n');
        s
    }

    /// Parse one line (free format: the first 6 items, or 8 when there are at least 8).
    /// `file` and `line` (1-based) name the place in errors.
    pub fn parse_line(text: &str, file: &str, line: usize) -> Result<Self, ReadError> {
        let it = LineItems::new(text, file, line, 6, "E fvib h Ix Iy Iz")?;
        let lowest_frq = if it.len() >= 8 {
            it.opt_real(6).zip(it.opt_real(7)).map(|(a, b)| [a, b])
        } else {
            None
        };
        Ok(Self {
            energy: it.real(0)?,
            fvib: it.real(1)?,
            order: it.positive(2, "point-group order")?,
            inertia: [it.real(3)?, it.real(4)?, it.real(5)?],
            lowest_frq,
        })
    }
}

impl From<&MinDataInfo> for MinRecord {
    /// The `min.data` line of a `min.data.info` record (READMIN): E, fvib, h and the moments.
    fn from(m: &MinDataInfo) -> Self {
        MinRecord::new(m.energy, m.fvib, m.order, m.inertia)
    }
}

/// Parse every line of a `min.data` text. Blank lines are allowed only at the end (ids are
/// line numbers).
pub fn parse(text: &str, file: &str) -> Result<Vec<MinRecord>, ReadError> {
    parse_lines(text, file, MinRecord::parse_line)
}

/// Shared by `min.data` and `ts.data`: one record per line, trailing blank lines ignored.
pub(crate) fn parse_lines<T>(
    text: &str,
    file: &str,
    f: impl Fn(&str, &str, usize) -> Result<T, ReadError>,
) -> Result<Vec<T>, ReadError> {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(n);
    for (i, l) in lines[..n].iter().enumerate() {
        if l.trim().is_empty() {
            return Err(read_error(
                file,
                i + 1,
                "empty line (ids are line numbers, so no line may be empty)",
            ));
        }
        out.push(f(l, file, i + 1)?);
    }
    Ok(out)
}

/// The text of several records.
pub fn render(records: &[MinRecord], widths: Widths) -> String {
    records.iter().map(|r| r.render(widths)).collect()
}

/// Read a `min.data` file.
pub fn read(path: &Path) -> Result<Vec<MinRecord>, FileError> {
    let text = read_text(path)?;
    Ok(parse(&text, &path.display().to_string())?)
}

/// Write a whole `min.data` file (atomically: a temporary file renamed over `path`).
pub fn write(path: &Path, records: &[MinRecord], widths: Widths) -> Result<(), FileError> {
    crate::files::error::write_atomic(path, render(records, widths))
}
