//! MERGEDB dir (files.md §3.8): append the minima and TSs of another database that this one
//! does not hold (identity as for every append, algorithms.md §3), and write `min.A.new`,
//! `min.B.new`: the other database's A and B sets in the merged ids. The other database is
//! opened read-only; this one only grows by appends.

use super::dbfiles::{file_records, write_text};
use crate::keywords::PathsampleInput;
use anyhow::{Context, Result};
use common::database::Database;
use common::files::min_ab;
use std::io::Write;
use std::path::Path;

/// Merge the database in `other` (relative to `dir` unless absolute) into `db`.
pub fn merge_db(
    dir: &Path,
    input: &PathsampleInput,
    db: &mut Database,
    other: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let odir = dir.join(other);
    if !odir.join("min.data").exists() {
        anyhow::bail!("MERGEDB: cannot find {}", odir.join("min.data").display());
    }
    let src = Database::open_read_only(&odir, input.db.clone())
        .with_context(|| format!("MERGEDB: cannot load the database in {}", odir.display()))?;
    for line in src.load_report() {
        writeln!(out, "mergedb> {other}: {line}")?;
    }
    let (mins, tss) = file_records(&src);
    let (nmin0, nts0) = (db.nmin(), db.nts());
    let mut map = vec![0usize; src.nmin() + 1];
    for (k, rec) in mins.into_iter().enumerate() {
        map[k + 1] = db.add_minimum_if_new(rec, src.min_coords(k + 1))?.id;
    }
    for (k, mut rec) in tss.into_iter().enumerate() {
        rec.plus = map[rec.plus];
        rec.minus = map[rec.minus];
        db.add_ts_if_new(rec, src.ts_coords(k + 1))?;
    }
    writeln!(
        out,
        "mergedb> {other}: {} minima and {} transition states read; {} new minima and {} new transition states added; the database holds {} minima and {} transition states",
        src.nmin(),
        src.nts(),
        db.nmin() - nmin0,
        db.nts() - nts0,
        db.nmin(),
        db.nts()
    )?;
    for (name, set, new) in [
        ("min.A", src.set_a(), "min.A.new"),
        ("min.B", src.set_b(), "min.B.new"),
    ] {
        if odir.join(name).exists() {
            let mut ids: Vec<usize> = Vec::with_capacity(set.len());
            for &m in set {
                if !ids.contains(&map[m]) {
                    ids.push(map[m]);
                }
            }
            write_text(&dir.join(new), &min_ab::render(&ids))?;
            writeln!(
                out,
                "mergedb> {name} of {other} written to {new} in merged ids"
            )?;
        }
    }
    Ok(())
}
