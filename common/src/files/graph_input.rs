//! The disconnectivity graph's reading of a minima file and a TS file (files.md §4.1): the
//! lenient, streaming rule of the Fortran disconnectionDPS, which takes any file named in
//! `dinfo` — a `min.data`/`ts.data` of any width, or a user's file with energies in the first
//! column — and reads only what the graph needs: the energy of each minimum, and the energy
//! and the two minima of each TS. It lives beside the strict database readers
//! ([`crate::files::min_data`], [`crate::files::ts_data`]) so that the two formats' rules are
//! kept in one place; `disconnectionDPS` is its only caller.
//!
//! Items are separated by blanks, tabs or commas and read with Fortran list-directed
//! conversion; surplus items are ignored; blank lines are skipped.

use std::io::BufRead;

use crate::deck::{list_directed_int, list_directed_real};
use crate::files::error::{read_error, FileError};

/// One non-degenerate transition state of the graph (0-based minima).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphTs {
    /// Energy.
    pub energy: f64,
    /// First minimum (0-based).
    pub min1: u32,
    /// Second minimum (0-based).
    pub min2: u32,
}

fn items(line: &str) -> impl Iterator<Item = &str> {
    line.split([' ', '\t', ',', '\r']).filter(|s| !s.is_empty())
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
    fn next_line(&mut self) -> Result<Option<(usize, &str)>, FileError> {
        self.buf.clear();
        let n = self
            .reader
            .read_line(&mut self.buf)
            .map_err(|e| FileError::io(std::path::Path::new(self.file), e))?;
        if n == 0 {
            return Ok(None);
        }
        self.lineno += 1;
        Ok(Some((self.lineno, self.buf.trim_end_matches(['\n', '\r']))))
    }
}

/// The minima energies: one minimum per non-blank line, its first item the energy. Reading
/// stops at the first line whose first item is not a real (later lines are ignored with a
/// warning), as the Fortran's. No minimum at all is an error.
pub fn read_energies(reader: impl BufRead, file: &str) -> Result<Vec<f64>, FileError> {
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
        return Err(read_error(file, 0, "no minima found").into());
    }
    if energies.len() > u32::MAX as usize - 1 {
        return Err(read_error(file, 0, "too many minima").into());
    }
    Ok(energies)
}

/// The TSs: fields 1-5 of each non-blank line are `E fvib h min1 min2`. Degenerate lines
/// (`min1 = min2`) are skipped and counted (the second value); an end outside `1..=nmin` is
/// an error naming the line.
pub fn read_ts(
    reader: impl BufRead,
    file: &str,
    nmin: usize,
) -> Result<(Vec<GraphTs>, usize), FileError> {
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
            return Err(read_error(
                file,
                lineno,
                format!("expected at least 5 fields (E fvib h min1 min2), found {nf}"),
            )
            .into());
        }
        let energy = list_directed_real(f[0])
            .ok_or_else(|| read_error(file, lineno, format!("{:?} is not an energy", f[0])))?;
        let mut ends = [0u32; 2];
        for (slot, item) in ends.iter_mut().zip([f[3], f[4]]) {
            let id = list_directed_int(item)
                .ok_or_else(|| read_error(file, lineno, format!("{item:?} is not a minimum id")))?;
            if id < 1 || id as u64 > nmin as u64 {
                return Err(read_error(
                    file,
                    lineno,
                    format!(
                        "transition state connects minimum {id}, which does not exist \
                         (the minima file has {nmin})"
                    ),
                )
                .into());
            }
            *slot = (id - 1) as u32;
        }
        if ends[0] == ends[1] {
            degenerate += 1;
            continue;
        }
        ts.push(GraphTs {
            energy,
            min1: ends[0],
            min2: ends[1],
        });
    }
    Ok((ts, degenerate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minima_first_field_and_formats() {
        let e = read_energies(
            "-3.0 10.0 1 1 1 1\n     -2.0D0 x\n\n-1.5e0\nend\n-9\n".as_bytes(),
            "min.data",
        )
        .unwrap();
        assert_eq!(e, vec![-3.0, -2.0, -1.5]);
        assert!(read_energies("\n\n".as_bytes(), "m").is_err());
    }

    #[test]
    fn ts_degenerate_and_missing_minimum() {
        let (ts, deg) = read_ts(
            "-1.0 9.0 1 1 2 1 1 1\n-2.2 9 1 2 2\n-0.5 9.0 1 2 3\n".as_bytes(),
            "ts.data",
            3,
        )
        .unwrap();
        assert_eq!(ts.len(), 2);
        assert_eq!(deg, 1);
        assert_eq!((ts[1].min1, ts[1].min2), (1, 2));
        let e = read_ts("-1 9 1 1 2\n-1 9 1 1 4\n".as_bytes(), "ts.data", 3).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("ts.data:2:"), "{s}");
        assert!(s.contains("minimum 4"), "{s}");
        let e = read_ts("-1 9 1 1\n".as_bytes(), "ts.data", 3).unwrap_err();
        assert!(e.to_string().contains("ts.data:1"));
    }
}
