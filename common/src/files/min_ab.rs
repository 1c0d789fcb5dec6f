//! `min.A` / `min.B` (files.md §3.4): the reactant and product sets of minima.
//!
//! First item: the count n; then n minimum ids (1-based), free format (several per line
//! allowed; surplus items after the n ids are ignored, as the Fortran's read does). The
//! writer is `(I10)`, one item per line (the newer Fortran; 2011 used `I6`). Ids of 0 or
//! beyond NMIN and duplicate ids are errors (`there are duplicate values in min.A`).
//! Whether a missing file is fatal is the caller's choice (it is not with READMIN, MERGEDB
//! or ADDMINXYZ).

use std::path::Path;

use crate::files::error::{integer, read_error, read_text, FileError, ReadError};
use crate::fortran_fmt::fmt_i;

/// Parse a `min.A`/`min.B` text. `nmin` (the number of minima) bounds the ids when given.
pub fn parse(text: &str, file: &str, nmin: Option<usize>) -> Result<Vec<usize>, ReadError> {
    let mut items = text
        .lines()
        .enumerate()
        .flat_map(|(i, l)| l.split_whitespace().map(move |t| (i + 1, t)));
    let Some((l0, t0)) = items.next() else {
        return Err(read_error(
            file,
            1,
            "empty file: the count of minima is missing",
        ));
    };
    let n = match integer(t0) {
        Some(n) if n >= 0 => n as usize,
        _ => return Err(read_error(file, l0, format!("bad count '{t0}'"))),
    };
    // Reserve for the ids the text can hold (each takes at least a byte), not for the count
    // alone: a count of 10^15 in a short file is the error below, not an allocation failure.
    let cap = n.min(text.len());
    let mut ids = Vec::with_capacity(cap);
    let mut seen = std::collections::HashSet::with_capacity(cap);
    let mut last_line = l0;
    for _ in 0..n {
        let Some((l, t)) = items.next() else {
            return Err(read_error(
                file,
                last_line,
                format!(
                    "the file lists {} of the {n} minima it announces",
                    ids.len()
                ),
            ));
        };
        last_line = l;
        let id = match integer(t) {
            Some(id) if id >= 1 => id as usize,
            _ => return Err(read_error(file, l, format!("bad minimum id '{t}'"))),
        };
        if let Some(nmin) = nmin {
            if id > nmin {
                return Err(read_error(
                    file,
                    l,
                    format!("minimum {id} lies beyond the {nmin} minima of min.data"),
                ));
            }
        }
        if !seen.insert(id) {
            let name = Path::new(file)
                .file_name()
                .map_or(file.to_string(), |s| s.to_string_lossy().into_owned());
            return Err(read_error(
                file,
                l,
                format!("there are duplicate values in {name} (minimum {id})"),
            ));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// The text: the count then the ids, `(I10)` one per line.
pub fn render(ids: &[usize]) -> String {
    let mut s = String::with_capacity(11 * (ids.len() + 1));
    s.push_str(&fmt_i(ids.len() as i64, 10));
    s.push('\n');
    for &id in ids {
        s.push_str(&fmt_i(id as i64, 10));
        s.push('\n');
    }
    s
}

/// Read a `min.A`/`min.B` file (see [`parse`]).
pub fn read(path: &Path, nmin: Option<usize>) -> Result<Vec<usize>, FileError> {
    let text = read_text(path)?;
    Ok(parse(&text, &path.display().to_string(), nmin)?)
}

/// Write a `min.A`/`min.B` file atomically.
pub fn write(path: &Path, ids: &[usize]) -> Result<(), FileError> {
    crate::files::error::write_atomic(path, render(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_count_is_an_error_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: the count reserved memory before any id was read.
        let e = parse(
            "99999999999
1
",
            "min.A",
            None,
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string()
                .contains("the file lists 1 of the 99999999999 minima it announces"),
            "{e}"
        );
        let e = parse("9000000000000000 1 2", "min.A", None).unwrap_err();
        assert!(e.to_string().contains("lists 2 of"), "{e}");
    }

    #[test]
    fn round_trip() {
        let ids = parse(&render(&[3, 1, 7]), "min.B", Some(7)).unwrap();
        assert_eq!(ids, [3, 1, 7]);
    }
}
