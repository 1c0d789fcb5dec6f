//! PATHSAMPLE bookkeeping files (files.md §3.5). All ids are 1-based.
//!
//! | file | writer | reader |
//! |---|---|---|
//! | `pairs.data` | `(2I8)`, one tried pair per line | free format, items taken two by two; an id > NMIN is fatal |
//! | `min.done` | `(I8)`, one minimum per line | free format; an id > NMIN is fatal |
//! | `commit.data` | `(G20.10)`, one committor per minimum | free format; missing trailing values are 0, surplus ignored; an absent file means 1 for the product set and 0 elsewhere ([`default_committors`]) |
//! | `ts.attempts` | `(I8)` per TS | free format; missing trailing values are 0 |
//! | `perm.allow` | (user file) | line 1 the number of groups; per group `p s`, the p atom indices, then s secondary sets of p atoms (free format, may wrap) |
//!
//! Writers replace files atomically (a temporary file renamed over the old one), so a crash
//! while rewriting leaves the previous version.

use std::path::Path;

use crate::files::error::{integer, read_error, real, write_atomic, FileError, ReadError};
use crate::fortran_fmt::{fmt_g, fmt_i};

/// Items of a text with their 1-based line numbers.
fn items(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .flat_map(|(i, l)| l.split_whitespace().map(move |t| (i + 1, t)))
}

fn id_item(file: &str, line: usize, t: &str, nmin: Option<usize>) -> Result<usize, ReadError> {
    let id = match integer(t) {
        Some(v) if v >= 1 => v as usize,
        _ => return Err(read_error(file, line, format!("bad minimum id '{t}'"))),
    };
    if let Some(n) = nmin {
        if id > n {
            return Err(read_error(
                file,
                line,
                format!("minimum {id} lies beyond the {n} minima of min.data"),
            ));
        }
    }
    Ok(id)
}

/// Parse `pairs.data`: pairs of minimum ids (ids bounded by `nmin` when given).
pub fn parse_pairs(
    text: &str,
    file: &str,
    nmin: Option<usize>,
) -> Result<Vec<(usize, usize)>, ReadError> {
    let mut out = Vec::new();
    let mut it = items(text);
    while let Some((l1, t1)) = it.next() {
        let a = id_item(file, l1, t1, nmin)?;
        let Some((l2, t2)) = it.next() else {
            return Err(read_error(
                file,
                l1,
                "odd number of ids: the last pair is incomplete",
            ));
        };
        out.push((a, id_item(file, l2, t2, nmin)?));
    }
    Ok(out)
}

/// `pairs.data` text: `(2I8)` per pair.
pub fn render_pairs(pairs: &[(usize, usize)]) -> String {
    pairs
        .iter()
        .map(|&(a, b)| format!("{}{}\n", fmt_i(a as i64, 8), fmt_i(b as i64, 8)))
        .collect()
}

/// Parse a list of minimum ids, one or more per line (`min.done`).
pub fn parse_ids(text: &str, file: &str, nmin: Option<usize>) -> Result<Vec<usize>, ReadError> {
    items(text)
        .map(|(l, t)| id_item(file, l, t, nmin))
        .collect()
}

/// `(I8)` per value (`min.done`, `ts.attempts`).
pub fn render_i8(values: &[usize]) -> String {
    values
        .iter()
        .map(|&v| format!("{}\n", fmt_i(v as i64, 8)))
        .collect()
}

/// Parse `ts.attempts`: one count per TS, missing trailing values 0, surplus ignored.
pub fn parse_ts_attempts(text: &str, file: &str, nts: usize) -> Result<Vec<usize>, ReadError> {
    let mut out = vec![0; nts];
    for (k, (l, t)) in items(text).take(nts).enumerate() {
        out[k] = match integer(t) {
            Some(v) if v >= 0 => v as usize,
            _ => return Err(read_error(file, l, format!("bad attempt count '{t}'"))),
        };
    }
    Ok(out)
}

/// Parse `commit.data`: one committor per minimum; missing trailing values are 0 and surplus
/// values ignored.
pub fn parse_committors(text: &str, file: &str, nmin: usize) -> Result<Vec<f64>, ReadError> {
    let mut out = vec![0.0; nmin];
    for (k, (l, t)) in items(text).take(nmin).enumerate() {
        out[k] =
            real(t).ok_or_else(|| read_error(file, l, format!("cannot read '{t}' as a number")))?;
    }
    Ok(out)
}

/// Committors when `commit.data` is absent: 1 for the product-set minima (1-based ids), 0
/// elsewhere.
pub fn default_committors(nmin: usize, product: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; nmin];
    for &id in product {
        if (1..=nmin).contains(&id) {
            out[id - 1] = 1.0;
        }
    }
    out
}

/// `commit.data` text: `(G20.10)` per minimum.
pub fn render_committors(values: &[f64]) -> String {
    values
        .iter()
        .map(|&v| format!("{}\n", fmt_g(v, 20, 10)))
        .collect()
}

/// One permutable group of `perm.allow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermGroup {
    /// The p atoms (1-based) that may be permuted among themselves.
    pub atoms: Vec<usize>,
    /// The s secondary sets: atoms (1-based) that move together with the primary ones.
    pub secondary: Vec<Vec<usize>>,
}

/// Parse `perm.allow` for `natoms` atoms.
pub fn parse_perm_allow(
    text: &str,
    file: &str,
    natoms: usize,
) -> Result<Vec<PermGroup>, ReadError> {
    let all: Vec<(usize, &str)> = items(text).collect();
    let mut k = 0;
    let mut next = |what: &str| -> Result<(usize, usize), ReadError> {
        let Some(&(l, t)) = all.get(k) else {
            let l = all.last().map_or(1, |x| x.0);
            return Err(read_error(
                file,
                l,
                format!("the file ends before the {what}"),
            ));
        };
        k += 1;
        match integer(t) {
            Some(v) if v >= 0 => Ok((l, v as usize)),
            _ => Err(read_error(file, l, format!("bad {what} '{t}'"))),
        }
    };
    let (_, ngroups) = next("number of groups")?;
    // Each group takes at least two items: reserve for what the file holds, not for the count.
    let mut groups = Vec::with_capacity(ngroups.min(all.len() / 2));
    for _ in 0..ngroups {
        let (_, p) = next("group size")?;
        let (l, s) = next("number of secondary sets")?;
        if p == 0 && s > 0 {
            // Each set would be empty and read nothing: s up to 2^63 of them, without end.
            return Err(read_error(
                file,
                l,
                format!("a group of 0 atoms cannot have {s} secondary sets"),
            ));
        }
        let mut set = || -> Result<Vec<usize>, ReadError> {
            (0..p)
                .map(|_| {
                    let (l, a) = next("atom index")?;
                    if a == 0 || a > natoms {
                        return Err(read_error(
                            file,
                            l,
                            format!("atom index {a} outside 1..{natoms}"),
                        ));
                    }
                    Ok(a)
                })
                .collect()
        };
        let atoms = set()?;
        let secondary = (0..s).map(|_| set()).collect::<Result<Vec<_>, _>>()?;
        groups.push(PermGroup { atoms, secondary });
    }
    Ok(groups)
}

/// The primary groups as 0-based atom indices, as [`crate::geometry::AlignOptions`] takes
/// them.
pub fn perm_groups_zero_based(groups: &[PermGroup]) -> Vec<Vec<usize>> {
    groups
        .iter()
        .map(|g| g.atoms.iter().map(|a| a - 1).collect())
        .collect()
}

fn read_opt(path: &Path) -> Result<Option<String>, FileError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(FileError::io(path, e)),
    }
}

/// Read `pairs.data` (an absent file is an empty list).
pub fn read_pairs(path: &Path, nmin: Option<usize>) -> Result<Vec<(usize, usize)>, FileError> {
    match read_opt(path)? {
        Some(t) => Ok(parse_pairs(&t, &path.display().to_string(), nmin)?),
        None => Ok(Vec::new()),
    }
}

/// Rewrite `pairs.data` atomically.
pub fn write_pairs(path: &Path, pairs: &[(usize, usize)]) -> Result<(), FileError> {
    write_atomic(path, render_pairs(pairs))
}

/// Read `min.done` (an absent file is an empty list).
pub fn read_min_done(path: &Path, nmin: Option<usize>) -> Result<Vec<usize>, FileError> {
    match read_opt(path)? {
        Some(t) => Ok(parse_ids(&t, &path.display().to_string(), nmin)?),
        None => Ok(Vec::new()),
    }
}

/// Rewrite `min.done` atomically.
pub fn write_min_done(path: &Path, ids: &[usize]) -> Result<(), FileError> {
    write_atomic(path, render_i8(ids))
}

/// Read `commit.data`; `None` when absent (then use [`default_committors`]).
pub fn read_committors(path: &Path, nmin: usize) -> Result<Option<Vec<f64>>, FileError> {
    match read_opt(path)? {
        Some(t) => Ok(Some(parse_committors(
            &t,
            &path.display().to_string(),
            nmin,
        )?)),
        None => Ok(None),
    }
}

/// Rewrite `commit.data` atomically.
pub fn write_committors(path: &Path, values: &[f64]) -> Result<(), FileError> {
    write_atomic(path, render_committors(values))
}

/// Read `ts.attempts` (absent: all 0).
pub fn read_ts_attempts(path: &Path, nts: usize) -> Result<Vec<usize>, FileError> {
    match read_opt(path)? {
        Some(t) => Ok(parse_ts_attempts(&t, &path.display().to_string(), nts)?),
        None => Ok(vec![0; nts]),
    }
}

/// Rewrite `ts.attempts` atomically.
pub fn write_ts_attempts(path: &Path, counts: &[usize]) -> Result<(), FileError> {
    write_atomic(path, render_i8(counts))
}

/// Read `perm.allow`; `None` when absent (all atoms permutable).
pub fn read_perm_allow(path: &Path, natoms: usize) -> Result<Option<Vec<PermGroup>>, FileError> {
    match read_opt(path)? {
        Some(t) => Ok(Some(parse_perm_allow(
            &t,
            &path.display().to_string(),
            natoms,
        )?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_group_count_is_an_error_not_an_allocation() {
        // Found by tests/tests/fuzz_parsers.rs: the number of groups reserved memory before any
        // group was read.
        let e = parse_perm_allow("1000000000000000\n3 0\n1 2 3\n", "perm.allow", 3).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.to_string()
                .contains("the file ends before the group size"),
            "{e}"
        );
        let g = parse_perm_allow("1\n3 0\n1 2 3\n", "perm.allow", 3).unwrap();
        assert_eq!(g[0].atoms, [1, 2, 3]);
    }

    #[test]
    fn empty_group_with_secondary_sets_is_an_error_not_a_hang() {
        // Found by tests/tests/fuzz_parsers.rs: `0 s` read s empty sets without consuming any
        // item, filling memory for s = 10^15.
        let e = parse_perm_allow("1\n0 1000000000000000\n", "perm.allow", 3).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string()
                .contains("a group of 0 atoms cannot have 1000000000000000 secondary sets"),
            "{e}"
        );
        let g = parse_perm_allow("1\n0 0\n", "perm.allow", 3).unwrap();
        assert!(g[0].atoms.is_empty() && g[0].secondary.is_empty());
    }
}
