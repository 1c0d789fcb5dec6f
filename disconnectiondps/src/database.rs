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

use crate::error::{Error, Result};

/// One non-degenerate transition state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ts {
    /// Energy.
    pub energy: f64,
    /// First minimum (0-based).
    pub min1: u32,
    /// Second minimum (0-based).
    pub min2: u32,
}

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

/// Numbered lines of a reader, one reused buffer.
struct Lines<'a, R> {
    reader: R,
    file: &'a str,
    buf: String,
    lineno: usize,
}

impl<'a, R: BufRead> Lines<'a, R> {
    fn new(reader: R, file: &'a str) -> Self {
        Lines {
            reader,
            file,
            buf: String::new(),
            lineno: 0,
        }
    }

    /// The next line (1-based number, text without the line end), `None` at the end.
    fn next_line(&mut self) -> Result<Option<(usize, &str)>> {
        self.buf.clear();
        let n = self
            .reader
            .read_line(&mut self.buf)
            .map_err(|source| Error::Io {
                action: "cannot read",
                file: self.file.to_string(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.lineno += 1;
        Ok(Some((self.lineno, self.buf.trim_end_matches(['\n', '\r']))))
    }
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

    /// [`Database::parse_minima`] from a reader, line by line.
    pub fn read_minima(reader: impl BufRead, file: &str) -> Result<Vec<f64>> {
        let mut energies = Vec::new();
        let mut lines = Lines::new(reader, file);
        while let Some((lineno, line)) = lines.next_line()? {
            let Some(first) = items(line).next() else {
                continue;
            };
            match list_directed_real(first) {
                Some(e) => energies.push(e),
                None => {
                    let first = first.to_string();
                    let mut n_rest = 0;
                    while let Some((_, l)) = lines.next_line()? {
                        if items(l).next().is_some() {
                            n_rest += 1;
                        }
                    }
                    log::warn!(
                        "{file}:{lineno}: {first:?} is not an energy; reading of minima stops \
                         here ({} minima read, {n_rest} further non-blank lines ignored)",
                        energies.len()
                    );
                    break;
                }
            }
        }
        if energies.is_empty() {
            return Err(Error::input(file, 0, "no minima found"));
        }
        if energies.len() > u32::MAX as usize - 1 {
            return Err(Error::input(file, 0, "too many minima"));
        }
        Ok(energies)
    }

    /// Parse the TS text: fields 1–5 of each non-blank line are `E fvib h min1 min2`.
    /// Degenerate lines (`min1 = min2`) are skipped and counted; an end outside
    /// `1..=nmin` is an error naming the line.
    pub fn parse_ts(text: &str, file: &str, nmin: usize) -> Result<(Vec<Ts>, usize)> {
        Database::read_ts(text.as_bytes(), file, nmin)
    }

    /// [`Database::parse_ts`] from a reader, line by line.
    pub fn read_ts(reader: impl BufRead, file: &str, nmin: usize) -> Result<(Vec<Ts>, usize)> {
        let mut ts = Vec::new();
        let mut degenerate = 0;
        let mut lines = Lines::new(reader, file);
        while let Some((lineno, line)) = lines.next_line()? {
            let mut f = [""; 5];
            let mut nf = 0;
            for (slot, item) in f.iter_mut().zip(items(line)) {
                *slot = item;
                nf += 1;
            }
            if nf == 0 {
                continue;
            }
            if nf < 5 {
                return Err(Error::input(
                    file,
                    lineno,
                    format!("expected at least 5 fields (E fvib h min1 min2), found {nf}"),
                ));
            }
            let energy = list_directed_real(f[0]).ok_or_else(|| {
                Error::input(file, lineno, format!("{:?} is not an energy", f[0]))
            })?;
            let mut ends = [0u32; 2];
            for (slot, item) in ends.iter_mut().zip([f[3], f[4]]) {
                let id = list_directed_int(item).ok_or_else(|| {
                    Error::input(file, lineno, format!("{item:?} is not a minimum id"))
                })?;
                if id < 1 || id as u64 > nmin as u64 {
                    return Err(Error::input(
                        file,
                        lineno,
                        format!(
                            "transition state connects minimum {id}, which does not exist \
                             (the minima file has {nmin})"
                        ),
                    ));
                }
                *slot = (id - 1) as u32;
            }
            if ends[0] == ends[1] {
                degenerate += 1;
                continue;
            }
            ts.push(Ts {
                energy,
                min1: ends[0],
                min2: ends[1],
            });
        }
        Ok((ts, degenerate))
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
    fn minima_first_field_and_formats() {
        let e = Database::parse_minima(
            "-3.0 10.0 1 1 1 1\n     -2.0D0 x\n\n-1.5e0\nend\n-9\n",
            "min.data",
        )
        .unwrap();
        assert_eq!(e, vec![-3.0, -2.0, -1.5]);
    }

    #[test]
    fn ts_degenerate_and_missing_minimum() {
        let (ts, deg) = Database::parse_ts(
            "-1.0 9.0 1 1 2 1 1 1\n-2.2 9 1 2 2\n-0.5 9.0 1 2 3\n",
            "ts.data",
            3,
        )
        .unwrap();
        assert_eq!(ts.len(), 2);
        assert_eq!(deg, 1);
        assert_eq!((ts[1].min1, ts[1].min2), (1, 2));
        let e = Database::parse_ts("-1 9 1 1 2\n-1 9 1 1 4\n", "ts.data", 3).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("ts.data:2:"), "{s}");
        assert!(s.contains("minimum 4"), "{s}");
        let e = Database::parse_ts("-1 9 1 1\n", "ts.data", 3).unwrap_err();
        assert!(e.to_string().contains("ts.data:1"));
    }

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
