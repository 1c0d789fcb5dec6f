//! REMOVESP, RETAINSP and REMOVEUNCONNECTED (files.md §3.8): parts of the database under new
//! names; the database files themselves are never touched.

use super::dbfiles::{subset, write_subset, Written};
use super::network::{DeadTs, Network};
use crate::keywords::PathsampleInput;
use anyhow::{bail, Context, Result};
use common::database::Database;
use common::files::min_ab;
use std::io::Write;
use std::path::Path;

/// A list file: the count, then that many ids in 1..=`max` (free format). Missing → None.
fn read_ids(dir: &Path, name: &str, max: usize) -> Result<Option<Vec<usize>>> {
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let ids = min_ab::parse(&text, name, Some(max)).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(ids))
}

fn report(out: &mut dyn Write, tag: &str, sfx: &str, db: &Database, w: &Written) -> Result<()> {
    writeln!(
        out,
        "{tag}> {} of {} minima and {} of {} transition states written to min.data{sfx}, ts.data{sfx}, points.min{sfx}, points.ts{sfx}; {} A and {} B minima in min.A{sfx}, min.B{sfx}",
        w.nmin,
        db.nmin(),
        w.nts,
        db.nts(),
        w.na,
        w.nb
    )?;
    Ok(())
}

/// REMOVESP: remove the minima of `min.remove` and the TSs of `ts.remove` (each file: the
/// count, then the ids; a missing file removes nothing, but one of them must exist), and
/// every TS of a removed minimum.
pub fn remove_sp(dir: &Path, db: &Database, out: &mut dyn Write) -> Result<()> {
    let mins = read_ids(dir, "min.remove", db.nmin())?;
    let tss = read_ids(dir, "ts.remove", db.nts())?;
    if mins.is_none() && tss.is_none() {
        bail!("REMOVESP: neither min.remove nor ts.remove exists");
    }
    let mut keep = vec![true; db.nmin()];
    for m in mins.unwrap_or_default() {
        keep[m - 1] = false;
    }
    let mut keep_ts = vec![true; db.nts()];
    for t in tss.unwrap_or_default() {
        keep_ts[t - 1] = false;
    }
    let s = subset(db, &keep, |t| keep_ts[t - 1]);
    let w = write_subset(dir, ".removed", db, &s)?;
    report(out, "removesp", ".removed", db, &w)
}

/// RETAINSP: keep the minima of `min.retain` and the TSs whose two minima are kept (and, when
/// `ts.retain` exists, that it lists).
pub fn retain_sp(dir: &Path, db: &Database, out: &mut dyn Write) -> Result<()> {
    let Some(mins) = read_ids(dir, "min.retain", db.nmin())? else {
        bail!("RETAINSP: cannot find min.retain");
    };
    let tss = read_ids(dir, "ts.retain", db.nts())?;
    let mut keep = vec![false; db.nmin()];
    for m in mins {
        keep[m - 1] = true;
    }
    let keep_ts = tss.map(|ids| {
        let mut k = vec![false; db.nts()];
        for t in ids {
            k[t - 1] = true;
        }
        k
    });
    let s = subset(db, &keep, |t| keep_ts.as_ref().is_none_or(|k| k[t - 1]));
    let w = write_subset(dir, ".retained", db, &s)?;
    report(out, "retainsp", ".retained", db, &w)
}

/// REMOVEUNCONNECTED A|B|AB: keep the minima that survive the recursive NCONNMIN pruning and
/// are connected through live TSs to the A set, the B set, or (AB) either of them; TSs are
/// kept when both their minima are. The ln k < −300 test of the live TSs applies only when a
/// positive TEMPERATURE is given.
pub fn remove_unconnected(
    dir: &Path,
    input: &PathsampleInput,
    db: &Database,
    which: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let use_a = which.contains('A');
    let use_b = which.contains('B');
    if (use_a && db.set_a().is_empty()) || (use_b && db.set_b().is_empty()) {
        bail!("REMOVEUNCONNECTED {which}: min.A and min.B must exist and be non-empty");
    }
    let dead = DeadTs {
        tsthresh: db.config().tsthresh,
        maxbarrier: input.maxbarrier,
        minbarrier: input.minbarrier,
    };
    let ropts = input
        .temperature
        .filter(|&t| t > 0.0)
        .map(|t| super::rate_options(input, t));
    let mut net = Network::from_db(db, &dead, ropts.as_ref());
    net.prune(Some(input.nconnmin));
    let comp = net.components();
    let n = db.nmin();
    let mut wanted = vec![false; n];
    let sets: Vec<usize> = (if use_a { db.set_a() } else { &[] })
        .iter()
        .chain(if use_b { db.set_b() } else { &[] })
        .copied()
        .collect();
    for m in sets {
        if comp[m - 1] != usize::MAX {
            wanted[comp[m - 1]] = true;
        }
    }
    let keep: Vec<bool> = (0..n)
        .map(|i| comp[i] != usize::MAX && wanted[comp[i]])
        .collect();
    let s = subset(db, &keep, |_| true);
    writeln!(
        out,
        "removeunconnected> keeping the minima connected to {} (NCONNMIN {})",
        match (use_a, use_b) {
            (true, true) => "A or B",
            (true, false) => "A",
            _ => "B",
        },
        input.nconnmin
    )?;
    let w = write_subset(dir, ".removed", db, &s)?;
    report(out, "removeunconnected", ".removed", db, &w)
}
