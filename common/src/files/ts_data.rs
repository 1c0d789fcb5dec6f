//! `ts.data` (files.md §3.2): one line per transition state, the line number being its 1-based
//! id.
//!
//! A line holds E, fvib, h, plus, minus, Ix, Iy, Iz and, only with IMFRQ/FRICTION, a 9th
//! column (the negative Hessian eigenvalue). fvib excludes the negative eigenvalue (and the
//! zero modes). `plus` and `minus` are 1-based ids of the minima (`min.data` lines) the TS
//! connects; `plus == minus` is a degenerate rearrangement and is kept.
//!
//! Writers (DECISION 1): `(2F25.15,3I10,3F20.10)` ([`Widths::Current`]; `4F20.10` at the end
//! with the 9th column) or the 2011 widths `(2F20.10,3I10,3F20.10)`. The reader is free format;
//! errors name the file and line. [`check_minima`] applies the rule "a minimum id > NMIN is
//! fatal".

use std::path::Path;

use crate::files::error::{read_error, read_text, FileError, LineItems, ReadError};
pub use crate::files::min_data::Widths;
use crate::fortran_fmt::{fmt_f, fmt_i};

/// One line of `ts.data`.
#[derive(Debug, Clone, PartialEq)]
pub struct TsRecord {
    /// Energy.
    pub energy: f64,
    /// ln Π λ over the positive non-zero eigenvalues (the negative one excluded), as written.
    pub fvib: f64,
    /// Point-group order h.
    pub order: usize,
    /// 1-based id of the `plus` minimum.
    pub plus: usize,
    /// 1-based id of the `minus` minimum.
    pub minus: usize,
    /// Principal moments of inertia, ascending (0.0 for networks).
    pub inertia: [f64; 3],
    /// The negative eigenvalue (9th column, IMFRQ/FRICTION), when present.
    pub negeig: Option<f64>,
}

impl TsRecord {
    /// The line, with its final newline, in `widths`.
    pub fn render(&self, widths: Widths) -> String {
        let (w, d) = widths.energy_field();
        let mut s = String::with_capacity(130);
        s.push_str(&fmt_f(self.energy, w, d));
        s.push_str(&fmt_f(self.fvib, w, d));
        s.push_str(&fmt_i(self.order as i64, 10));
        s.push_str(&fmt_i(self.plus as i64, 10));
        s.push_str(&fmt_i(self.minus as i64, 10));
        for v in self.inertia {
            s.push_str(&fmt_f(v, 20, 10));
        }
        if let Some(v) = self.negeig {
            s.push_str(&fmt_f(v, 20, 10));
        }
        s.push('\n');
        s
    }

    /// Parse one line (free format; at least 8 items, a 9th read as the negative eigenvalue).
    pub fn parse_line(text: &str, file: &str, line: usize) -> Result<Self, ReadError> {
        let it = LineItems::new(text, file, line, 8, "E fvib h plus minus Ix Iy Iz")?;
        Ok(Self {
            energy: it.real(0)?,
            fvib: it.real(1)?,
            order: it.positive(2, "point-group order")?,
            plus: it.positive(3, "plus minimum id")?,
            minus: it.positive(4, "minus minimum id")?,
            inertia: [it.real(5)?, it.real(6)?, it.real(7)?],
            negeig: it.opt_real(8),
        })
    }

    /// True for a degenerate rearrangement (`plus == minus`).
    pub fn is_degenerate(&self) -> bool {
        self.plus == self.minus
    }
}

/// Parse every line of a `ts.data` text (blank lines only at the end).
pub fn parse(text: &str, file: &str) -> Result<Vec<TsRecord>, ReadError> {
    crate::files::min_data::parse_lines(text, file, TsRecord::parse_line)
}

/// Check that every TS refers to minima `1..=nmin`; the error names the file and the line
/// (= TS id) of the first offender.
pub fn check_minima(records: &[TsRecord], nmin: usize, file: &str) -> Result<(), ReadError> {
    for (i, t) in records.iter().enumerate() {
        if t.plus > nmin || t.minus > nmin {
            return Err(read_error(
                file,
                i + 1,
                format!(
                    "minima specified for ts {} ({} and {}) lie beyond those specified in \
                     min.data ({nmin} minima)",
                    i + 1,
                    t.plus,
                    t.minus
                ),
            ));
        }
    }
    Ok(())
}

/// The text of several records.
pub fn render(records: &[TsRecord], widths: Widths) -> String {
    records.iter().map(|r| r.render(widths)).collect()
}

/// Read a `ts.data` file.
pub fn read(path: &Path) -> Result<Vec<TsRecord>, FileError> {
    let text = read_text(path)?;
    Ok(parse(&text, &path.display().to_string())?)
}

/// Write a whole `ts.data` file (atomically).
pub fn write(path: &Path, records: &[TsRecord], widths: Widths) -> Result<(), FileError> {
    crate::files::error::write_atomic(path, render(records, widths))
}
