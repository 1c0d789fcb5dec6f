//! Reading GMIN's `coords` file (files.md §1.1).
//!
//! - Atoms: one atom per line, `x y z` free format (blanks, tabs or commas); the number of
//!   non-blank lines gives NATOMS. A line with other than three values is an error naming it.
//! - MLP (DECISION 5): NOPT reals, any number per line; exactly NOPT values are required.

use common::deck::list_directed_real;
use std::path::Path;

/// A `coords` problem, naming the file and (when it applies) the 1-based line.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct CoordsError {
    /// File name.
    pub file: String,
    /// 1-based line, if one line is at fault.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

fn values(file: &str, line_no: usize, text: &str) -> Result<Vec<f64>, CoordsError> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| {
            list_directed_real(t).ok_or_else(|| CoordsError {
                file: file.into(),
                line: Some(line_no),
                message: format!("cannot read '{t}' as a number"),
            })
        })
        .collect()
}

/// Read `text` (named `file`) as atomic coordinates: returns 3·NATOMS values.
pub fn parse_atoms(text: &str, file: &str) -> Result<Vec<f64>, CoordsError> {
    let mut x = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = values(file, k + 1, line)?;
        if v.len() != 3 {
            return Err(CoordsError {
                file: file.into(),
                line: Some(k + 1),
                message: format!("expected 3 coordinates (x y z), found {}", v.len()),
            });
        }
        x.extend(v);
    }
    if x.is_empty() {
        return Err(CoordsError {
            file: file.into(),
            line: None,
            message: "no coordinates".into(),
        });
    }
    Ok(x)
}

/// Read `text` as exactly `nopt` values (network weights).
pub fn parse_values(text: &str, file: &str, nopt: usize) -> Result<Vec<f64>, CoordsError> {
    // NOPT comes from the deck's MLP keyword: reserve no more than the text can hold (a value
    // takes at least a byte), so an absurd NOPT is the count error below.
    let mut x = Vec::with_capacity(nopt.min(text.len()));
    for (k, line) in text.lines().enumerate() {
        x.extend(values(file, k + 1, line)?);
    }
    if x.len() != nopt {
        return Err(CoordsError {
            file: file.into(),
            line: None,
            message: format!(
                "keywords> ERROR *** NATOMS,NMLP= {} {nopt}: expected {nopt} values, found {}",
                x.len(),
                x.len()
            ),
        });
    }
    Ok(x)
}

/// Read a file's text, with a clear error when it is missing.
pub fn read_text(path: &Path) -> Result<String, CoordsError> {
    std::fs::read_to_string(path).map_err(|e| CoordsError {
        file: path.display().to_string(),
        line: None,
        message: format!("cannot read: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_three_per_line() {
        let x = parse_atoms("0 0 0\n1.0D0, 0 0\n\n 0.5 0.8 0\n", "coords").unwrap();
        assert_eq!(x.len(), 9);
        assert_eq!(x[3], 1.0);
        let e = parse_atoms("0 0 0\n1 2\n", "coords").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("coords:2:"), "{e}");
        let e = parse_atoms("0 0 x\n", "coords").unwrap_err();
        assert!(e.to_string().contains("'x'"));
        assert!(parse_atoms("\n", "coords").is_err());
    }

    #[test]
    fn mlp_values_any_layout_exact_count() {
        let x = parse_values("1 2 3\n4\n5 6\n", "coords", 6).unwrap();
        assert_eq!(x, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let e = parse_values("1 2 3\n", "coords", 4).unwrap_err();
        assert!(e.to_string().contains("NATOMS,NMLP= 3 4"), "{e}");
        assert!(parse_values("1 2 3 4 5\n", "coords", 4).is_err());
    }

    #[test]
    fn absurd_nopt_is_an_error_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: NOPT = 2^40 reserved 8 TiB before reading.
        let e = parse_values("1 2 3\n", "coords", 1 << 40).unwrap_err();
        assert!(
            e.to_string()
                .contains("expected 1099511627776 values, found 3"),
            "{e}"
        );
    }
}
