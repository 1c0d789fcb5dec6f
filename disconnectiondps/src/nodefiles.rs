//! `node_numbers` (DUMPNUMBERS), `node_sizes` (DUMPSIZES) and `node_sections` (TRMIN with
//! COLOUROUTPUT), files.md §4.3–4.5.
//!
//! Conventions: nodes are listed in display order and numbered by their display position
//! (1-based), the numbering of the IDENTIFY_NODE labels; `node_sizes` separates levels with
//! an empty line (the Fortran's empty list-directed write).

use std::io::{self, Write};

use common::fortran_fmt::{fmt_f, fmt_i};

use crate::tree::{Level, Tree};

/// Write the `node_numbers` section of one level: the visible members of each node,
/// ascending. `labels[m]` is `node + 1` for a member of `node`, 0 otherwise. `width`: the
/// field width of node numbers and ids (`I6` for the 2011 program, `I8` for the later one).
pub fn write_numbers_level(
    w: &mut impl Write,
    li: usize,
    level: &Level,
    labels: &[u32],
    width: usize,
) -> io::Result<()> {
    write!(w, "\nLEVEL {}\n=========\n", fmt_i(li as i64 + 1, 3))?;
    // Bucket the members by node (ids ascending within each bucket).
    let mut start = vec![0usize; level.len() + 1];
    for (k, &s) in level.size.iter().enumerate() {
        start[k + 1] = start[k] + s as usize;
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; start[level.len()]];
    for (m, &l) in labels.iter().enumerate() {
        if l > 0 {
            let k = (l - 1) as usize;
            members[fill[k]] = m as u32;
            fill[k] += 1;
        }
    }
    for (j, &k) in level.order.iter().enumerate() {
        write!(w, "\nNode {}\n", fmt_i(j as i64 + 1, width))?;
        for &m in &members[start[k as usize]..start[k as usize + 1]] {
            writeln!(w, "{}", fmt_i(i64::from(m) + 1, width))?;
        }
    }
    Ok(())
}

/// Write `node_sizes`.
pub fn write_sizes(w: &mut impl Write, tree: &Tree) -> io::Result<()> {
    for (li, level) in tree.levels.iter().enumerate() {
        writeln!(
            w,
            "Level: {} energy {}",
            fmt_i(li as i64 + 1, 2),
            fmt_f(level.energy, 20, 10)
        )?;
        for (j, &k) in level.order.iter().enumerate() {
            writeln!(
                w,
                "{}:{}",
                fmt_i(j as i64 + 1, 5),
                fmt_i(i64::from(level.size[k as usize]), 7)
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// Write `node_sections`.
pub fn write_sections(w: &mut impl Write, tree: &Tree) -> io::Result<()> {
    for (li, level) in tree.levels.iter().enumerate() {
        write!(w, "\nLEVEL {}\n=========\n", fmt_i(li as i64 + 1, 3))?;
        for (j, &k) in level.order.iter().enumerate() {
            let c = level.colour[k as usize];
            if c != 0 {
                writeln!(
                    w,
                    "Node {} --> Colour {}",
                    fmt_i(j as i64 + 1, 6),
                    fmt_i(i64::from(c), 6)
                )?;
            }
        }
    }
    Ok(())
}
