//! Writing parts of a database under new names (`.removed`, `.retained`, `.fastest`, ...).

use anyhow::Result;
use common::database::{Database, MinRecord, TsRecord};
use common::files::{min_ab, points};
use std::path::Path;

/// The records as the files hold them. In memory NOFRQS sets fvib to 1.0, NOPOINTGROUP the
/// orders to 1 and the moments of inertia may be corrected (DECISION 2, files.md §3.1);
/// files derived from a database keep the written values. Falls back to the in-memory
/// records for a database without files or with unreadable lines.
pub fn file_records(db: &Database) -> (Vec<MinRecord>, Vec<TsRecord>) {
    let mins = db
        .dir()
        .and_then(|d| read_lines(&d.join("min.data"), db.nmin(), MinRecord::parse_line))
        .unwrap_or_else(|| db.minima().to_vec());
    let tss = db
        .dir()
        .and_then(|d| read_lines(&d.join("ts.data"), db.nts(), TsRecord::parse_line))
        .unwrap_or_else(|| db.transition_states().to_vec());
    (mins, tss)
}

fn read_lines<T, E>(
    path: &Path,
    n: usize,
    parse: fn(&str, &str, usize) -> Result<T, E>,
) -> Option<Vec<T>> {
    if n == 0 {
        return Some(Vec::new());
    }
    let text = std::fs::read_to_string(path).ok()?;
    let name = path.display().to_string();
    let lines: Vec<&str> = text.lines().take(n).collect();
    if lines.len() < n {
        return None;
    }
    lines
        .iter()
        .enumerate()
        .map(|(k, l)| parse(l, &name, k + 1).ok())
        .collect()
}

/// Write `bytes` to `path` through a temporary file and a rename.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    Ok(common::files::error::write_atomic(path, bytes)?)
}

/// Write a text file (atomically).
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

/// A part of a database: minima and TSs (1-based ids of `db`, in the order to write), and
/// the new A and B sets (new ids).
pub struct Subset {
    /// Minima, in the new order.
    pub minima: Vec<usize>,
    /// TSs, in the new order; both their minima must be in `minima`.
    pub ts: Vec<usize>,
}

/// Counts written by [`write_subset`].
pub struct Written {
    /// Minima.
    pub nmin: usize,
    /// TSs.
    pub nts: usize,
    /// A minima kept.
    pub na: usize,
    /// B minima kept.
    pub nb: usize,
}

/// Write `min.data<sfx>`, `ts.data<sfx>`, `points.min<sfx>`, `points.ts<sfx>`, `min.A<sfx>`,
/// `min.B<sfx>` in `dir` for the subset (ids renumbered 1.. in the subset's order; TS
/// `plus`/`minus` and the A/B sets mapped, A/B minima outside the subset dropped).
pub fn write_subset(dir: &Path, sfx: &str, db: &Database, s: &Subset) -> Result<Written> {
    let (mins, tss) = file_records(db);
    let widths = db.config().widths;
    let mut map = vec![0usize; db.nmin() + 1];
    for (k, &m) in s.minima.iter().enumerate() {
        map[m] = k + 1;
    }
    let mut min_text = String::new();
    let mut min_pts = Vec::with_capacity(s.minima.len() * db.nopt() * 8);
    for &m in &s.minima {
        min_text.push_str(&mins[m - 1].render(widths));
        points::encode_into(db.min_coords(m), &mut min_pts);
    }
    let mut ts_text = String::new();
    let mut ts_pts = Vec::with_capacity(s.ts.len() * db.nopt() * 8);
    for &t in &s.ts {
        let mut r = tss[t - 1].clone();
        r.plus = map[r.plus];
        r.minus = map[r.minus];
        assert!(r.plus > 0 && r.minus > 0, "a kept TS has a removed minimum");
        ts_text.push_str(&r.render(widths));
        points::encode_into(db.ts_coords(t), &mut ts_pts);
    }
    let a: Vec<usize> = db
        .set_a()
        .iter()
        .map(|&m| map[m])
        .filter(|&m| m > 0)
        .collect();
    let b: Vec<usize> = db
        .set_b()
        .iter()
        .map(|&m| map[m])
        .filter(|&m| m > 0)
        .collect();
    write_text(&dir.join(format!("min.data{sfx}")), &min_text)?;
    write_text(&dir.join(format!("ts.data{sfx}")), &ts_text)?;
    write_bytes(&dir.join(format!("points.min{sfx}")), &min_pts)?;
    write_bytes(&dir.join(format!("points.ts{sfx}")), &ts_pts)?;
    write_text(&dir.join(format!("min.A{sfx}")), &min_ab::render(&a))?;
    write_text(&dir.join(format!("min.B{sfx}")), &min_ab::render(&b))?;
    Ok(Written {
        nmin: s.minima.len(),
        nts: s.ts.len(),
        na: a.len(),
        nb: b.len(),
    })
}

/// The subset keeping the minima with `keep[id − 1]` and the TSs whose two minima are kept
/// and `keep_ts(id)` holds, in the original order.
pub fn subset(db: &Database, keep: &[bool], keep_ts: impl Fn(usize) -> bool) -> Subset {
    let minima = (1..=db.nmin()).filter(|&m| keep[m - 1]).collect();
    let ts = (1..=db.nts())
        .filter(|&t| {
            let r = db.ts(t);
            keep[r.plus - 1] && keep[r.minus - 1] && keep_ts(t)
        })
        .collect();
    Subset { minima, ts }
}

/// The minima listed in a file such as `DijkstraList` or `NGTkeeplist`: the first integer of
/// every non-blank line (later columns, such as the occupations of `onpath.N`, are ignored),
/// 1-based ids of a database of `nmin` minima, in file order. Errors name the file and line.
pub fn read_id_list(path: &Path, nmin: usize, keyword: &str) -> Result<Vec<usize>> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{keyword}: cannot read {name}: {e}"))?;
    let mut ids = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let Some(word) = line.split_whitespace().next() else {
            continue;
        };
        let id: usize = word.parse().map_err(|_| {
            anyhow::anyhow!(
                "{keyword}: {name} line {}: '{word}' is not a minimum number",
                k + 1
            )
        })?;
        if id == 0 || id > nmin {
            anyhow::bail!(
                "{keyword}: {name} line {}: minimum {id} is not in the database (1 to {nmin})",
                k + 1
            );
        }
        ids.push(id);
    }
    Ok(ids)
}
