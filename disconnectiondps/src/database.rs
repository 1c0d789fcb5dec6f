//! Readers of the input files named in `dinfo` (files.md §4.1).
//!
//! Conventions:
//! - Items are separated by blanks, tabs or commas and read with Fortran list-directed
//!   conversion (`1.0D-3`, `1e-3`); surplus items on a line are ignored.
//! - Minima and TSs are stored **0-based** (`min1 = 0` is minimum 1 of the file); messages
//!   and output files use the 1-based ids.
//! - Blank lines are skipped in every file except the COLOURBYVALUE file, where line k is
//!   minimum k and a blank line means "no value".

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use common::deck::{list_directed_int, list_directed_real};
use common::files::graph_input;

use crate::error::{Error, Result};

/// One non-degenerate transition state (0-based minima): the graph reader's record.
pub use common::files::graph_input::GraphTs as Ts;

/// The minima energies and the non-degenerate transition states.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Database {
    /// Energy of each minimum, in file order.
    pub energies: Vec<f64>,
    /// Non-degenerate TSs (min1 ≠ min2), in file order.
    pub ts: Vec<Ts>,
    /// Number of TS lines skipped because both ends are the same minimum.
    pub degenerate: usize,
}

fn items(line: &str) -> impl Iterator<Item = &str> {
    line.split([' ', '\t', ',', '\r']).filter(|s| !s.is_empty())
}

/// Open a file named `name` (as written in dinfo) relative to `dir` for buffered reading.
pub fn open(dir: &Path, name: &str) -> Result<BufReader<File>> {
    File::open(dir.join(name))
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|source| Error::Io {
            action: "cannot read",
            file: name.to_string(),
            source,
        })
}

/// Read a whole file named `name` (as written in dinfo) relative to `dir`.
pub fn read_text(dir: &Path, name: &str) -> Result<String> {
    std::fs::read_to_string(dir.join(name)).map_err(|source| Error::Io {
        action: "cannot read",
        file: name.to_string(),
        source,
    })
}

impl Database {
    /// Parse the minima text: one minimum per non-blank line, its first item the energy;
    /// reading stops at the first line whose first item is not a real (later lines are
    /// ignored with a warning).
    pub fn parse_minima(text: &str, file: &str) -> Result<Vec<f64>> {
        Database::read_minima(text.as_bytes(), file)
    }

    /// [`Database::parse_minima`] from a reader, line by line (the rule of
    /// `common::files::graph_input::read_energies`).
    pub fn read_minima(reader: impl BufRead, file: &str) -> Result<Vec<f64>> {
        Ok(graph_input::read_energies(reader, file)?)
    }

    /// Parse the TS text: fields 1–5 of each non-blank line are `E fvib h min1 min2`.
    /// Degenerate lines (`min1 = min2`) are skipped and counted; an end outside
    /// `1..=nmin` is an error naming the line.
    pub fn parse_ts(text: &str, file: &str, nmin: usize) -> Result<(Vec<Ts>, usize)> {
        Database::read_ts(text.as_bytes(), file, nmin)
    }

    /// [`Database::parse_ts`] from a reader, line by line (the rule of
    /// `common::files::graph_input::read_ts`).
    pub fn read_ts(reader: impl BufRead, file: &str, nmin: usize) -> Result<(Vec<Ts>, usize)> {
        Ok(graph_input::read_ts(reader, file, nmin)?)
    }

    /// Read the MINIMA and TS files named `minima` and `ts` relative to `dir`, streaming.
    pub fn read(dir: &Path, minima: &str, ts: &str) -> Result<Database> {
        let energies = Database::read_minima(open(dir, minima)?, minima)?;
        let (ts, degenerate) = Database::read_ts(open(dir, ts)?, ts, energies.len())?;
        Ok(Database {
            energies,
            ts,
            degenerate,
        })
    }

    /// Number of minima.
    pub fn nmin(&self) -> usize {
        self.energies.len()
    }
}

/// Parse a file of integers, one per non-blank line (first item): PICK and TRMIN lists.
pub fn parse_ids(text: &str, file: &str) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let Some(first) = items(line).next() else {
            continue;
        };
        let id = list_directed_int(first)
            .ok_or_else(|| Error::input(file, k + 1, format!("{first:?} is not a minimum id")))?;
        out.push(id);
    }
    Ok(out)
}

/// Parse a COLOURBYVALUE file: line k holds the value of minimum k (first item). Blank
/// lines and `NaN` (any case) give `None`; so do minima beyond the end of the file. Lines
/// beyond `nmin` are ignored with a warning.
pub fn parse_values(text: &str, file: &str, nmin: usize) -> Result<Vec<Option<f64>>> {
    let mut out = vec![None; nmin];
    let mut extra = 0;
    for (k, line) in text.lines().enumerate() {
        let Some(first) = items(line).next() else {
            continue;
        };
        let v =
            if first.eq_ignore_ascii_case("nan") {
                None
            } else {
                Some(list_directed_real(first).ok_or_else(|| {
                    Error::input(file, k + 1, format!("{first:?} is not a number"))
                })?)
            };
        match out.get_mut(k) {
            Some(slot) => *slot = v,
            None => extra += 1,
        }
    }
    if extra > 0 {
        log::warn!("{file}: {extra} values beyond the {nmin} minima are ignored");
    }
    Ok(out)
}

/// One row of a WEIGHTS file: `bin Vmin Vmax lnweight`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightRow {
    /// Upper energy of the bin.
    pub vmax: f64,
    /// Natural log of the bin's weight.
    pub ln_weight: f64,
}

/// Parse a WEIGHTS file (four reals per non-blank line).
pub fn parse_weights(text: &str, file: &str) -> Result<Vec<WeightRow>> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let f: Vec<&str> = items(line).collect();
        if f.is_empty() {
            continue;
        }
        let nums: Option<Vec<f64>> = f.iter().take(4).map(|s| list_directed_real(s)).collect();
        match nums {
            Some(v) if v.len() == 4 => out.push(WeightRow {
                vmax: v[2],
                ln_weight: v[3],
            }),
            _ => {
                return Err(Error::input(
                    file,
                    k + 1,
                    "expected four numbers: bin Vmin Vmax lnweight",
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_gaps() {
        let v = parse_values("0.5\n\nNaN\n0.75 extra\n", "auc", 6).unwrap();
        assert_eq!(v, vec![Some(0.5), None, None, Some(0.75), None, None]);
        assert!(parse_values("0.5\nabc\n", "auc", 3).is_err());
    }

    #[test]
    fn ids() {
        assert_eq!(parse_ids("3\n-2\n\n+4\n", "pick").unwrap(), vec![3, -2, 4]);
        let e = parse_ids("3\nx\n", "pick").unwrap_err();
        assert!(e.to_string().starts_with("pick:2:"));
    }
}
