//! Analyses run when CYCLES is 0 (rates, NGT, DIJKSTRA, REGROUPFREE) and the stand-alone
//! pruning/merging modes.

use crate::keywords::{Mode, PathsampleInput};
use anyhow::{bail, Result};
use common::database::Database;
use std::io::Write;
use std::path::Path;

/// The analyses requested with CYCLES 0, in the order REGROUPFREE, DIJKSTRA, NGT.
pub fn run(_dir: &Path, input: &PathsampleInput, db: &Database, out: &mut dyn Write) -> Result<()> {
    if input.regroupfree.is_some() || input.dijkstra.is_some() || input.ngt.is_some() {
        bail!("REGROUPFREE, DIJKSTRA and NGT are not implemented yet");
    }
    writeln!(
        out,
        "PATHSAMPLE> nothing to do: {} minima, {} transition states",
        db.nmin(),
        db.nts()
    )?;
    Ok(())
}

/// MERGEDB, REMOVESP, RETAINSP, REMOVEUNCONNECTED.
pub fn stand_alone(
    _dir: &Path,
    _input: &PathsampleInput,
    _db: &mut Database,
    mode: &Mode,
    _out: &mut dyn Write,
) -> Result<()> {
    bail!("{mode:?} is not implemented yet")
}
