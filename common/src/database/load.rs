//! Loading a database directory: validation, remnant detection, pending repairs.
//!
//! Nothing is written while loading. A remnant of an interrupted append (a last data line
//! without its newline or unreadable, trailing blank lines, up to one surplus points record,
//! whole or partial) is dropped in memory, reported with `log::warn!`, and the file is
//! truncated just before the first append ([`Repair`]). Whole surplus records beyond that
//! (more records than data lines, which the spec allows) are handled the same way. Everything
//! else is an error naming the file, raised before any repair.

use std::path::{Path, PathBuf};

use super::{
    Database, DbConfig, DbError, MinRecord, TsRecord, MIN_A, MIN_B, MIN_DATA, POINTS_MIN,
    POINTS_TS, TS_DATA,
};
use crate::files::error::{FileError, ReadError};
use crate::files::{min_ab, points, ts_data};

/// A truncation to apply before the first append.
#[derive(Debug, Clone)]
pub(super) struct Repair {
    pub path: PathBuf,
    pub len: u64,
}

/// A data file read line by line.
struct DataFile<T> {
    records: Vec<T>,
    /// Bytes of the complete, accepted lines.
    keep: u64,
    /// Why the tail was dropped.
    remnant: Option<String>,
}

fn read_data<T>(
    path: &Path,
    parse: impl Fn(&str, &str, usize) -> Result<T, ReadError>,
) -> Result<DataFile<T>, DbError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(FileError::io(path, e).into()),
    };
    let name = path.display().to_string();
    // (start, end without the newline, has newline)
    let mut lines = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                lines.push((pos, pos + i, true));
                pos += i + 1;
            }
            None => {
                lines.push((pos, bytes.len(), false));
                pos = bytes.len();
            }
        }
    }
    let blank = |&(s, e, _): &(usize, usize, bool)| bytes[s..e].iter().all(u8::is_ascii_whitespace);
    // Trailing blank lines are dropped (ids are line numbers, so appends must follow the last
    // real line).
    let n_real = lines.iter().rposition(|l| !blank(l)).map_or(0, |i| i + 1);
    let mut out = DataFile {
        records: Vec::with_capacity(n_real),
        keep: 0,
        remnant: None,
    };
    for (k, &(s, e, nl)) in lines[..n_real].iter().enumerate() {
        let line_no = k + 1;
        let last = line_no == n_real;
        if !nl {
            out.remnant = Some(format!(
                "{name}: line {line_no} is half-written (no newline); dropped"
            ));
            break;
        }
        let parsed = match std::str::from_utf8(&bytes[s..e]) {
            Ok(text) if text.trim().is_empty() => Err(ReadError {
                file: name.clone(),
                line: line_no,
                message: "empty line (ids are line numbers, so no line may be empty)".into(),
            }),
            Ok(text) => parse(text.trim_end_matches('\r'), &name, line_no),
            Err(_) => Err(ReadError {
                file: name.clone(),
                line: line_no,
                message: "the line is not text".into(),
            }),
        };
        match parsed {
            Ok(r) => {
                out.records.push(r);
                out.keep = (e + 1) as u64;
            }
            Err(err) if last => {
                out.remnant = Some(format!(
                    "{name}: the last line ({line_no}) is unreadable ({}); dropped as the \
                     remnant of an interrupted append",
                    err.message
                ));
            }
            Err(err) => return Err(FileError::Read(err).into()),
        }
    }
    if out.remnant.is_none() && out.keep < bytes.len() as u64 {
        out.remnant = Some(format!(
            "{name}: {} trailing blank bytes after line {} dropped",
            bytes.len() as u64 - out.keep,
            out.records.len()
        ));
    }
    Ok(out)
}

/// The state of a points file against its data lines.
struct PointsState {
    path: PathBuf,
    needed: u64,
    surplus: u64,
    rec: u64,
}

fn points_state(
    path: &Path,
    nopt: usize,
    lines: usize,
    data_name: &str,
) -> Result<PointsState, DbError> {
    let size = points::size(path, nopt)?;
    let rec = points::record_bytes(nopt) as u64;
    let needed = lines as u64 * rec;
    if size.bytes < needed {
        let detail = if size.remainder != 0 {
            points::not_multiple_message(size.bytes, nopt)
        } else {
            format!(
                "holds {} records of 8*NOPT = {rec} bytes (NOPT = {nopt})",
                size.records
            )
        };
        return Err(FileError::invalid(
            path,
            format!("{detail}, but {data_name} has {lines} lines: records are missing"),
        )
        .into());
    }
    let surplus = size.bytes - needed;
    if surplus > rec && !surplus.is_multiple_of(rec) {
        return Err(FileError::invalid(
            path,
            format!(
                "{}; {data_name} has {lines} lines",
                points::not_multiple_message(size.bytes, nopt)
            ),
        )
        .into());
    }
    Ok(PointsState {
        path: path.to_path_buf(),
        needed,
        surplus,
        rec,
    })
}

pub(super) fn open(dir: &Path, cfg: DbConfig, read_only: bool) -> Result<Database, DbError> {
    if cfg.nopt == 0 {
        return Err(DbError::Invalid("NOPT must be positive".into()));
    }
    if cfg.is_atoms() && !cfg.nopt.is_multiple_of(3) {
        return Err(DbError::Invalid(format!(
            "NOPT = {} is not a multiple of 3 for atoms",
            cfg.nopt
        )));
    }
    if !dir.is_dir() {
        return Err(FileError::invalid(dir, "is not a directory").into());
    }
    let p = |n: &str| dir.join(n);
    let mins = read_data(&p(MIN_DATA), MinRecord::parse_line)?;
    let tss = read_data(&p(TS_DATA), TsRecord::parse_line)?;
    let nmin = mins.records.len();
    ts_data::check_minima(&tss.records, nmin, &p(TS_DATA).display().to_string())
        .map_err(FileError::Read)?;
    if cfg.nopoints {
        return without_points(cfg, dir, mins, tss, nmin, &p);
    }
    let pm = points_state(&p(POINTS_MIN), cfg.nopt, nmin, MIN_DATA)?;
    let pt = points_state(&p(POINTS_TS), cfg.nopt, tss.records.len(), TS_DATA)?;
    if pm.surplus > 0
        && pt.surplus > 0
        && (!pm.surplus.is_multiple_of(pm.rec) || !pt.surplus.is_multiple_of(pt.rec))
    {
        return Err(FileError::invalid(
            &p(POINTS_MIN),
            format!(
                "both points files hold surplus bytes ({} in {POINTS_MIN}, {} in {POINTS_TS}) \
                 that are not whole records of 8*NOPT = {} bytes; an interrupted append leaves \
                 at most one: is NOPT = {} right?",
                pm.surplus, pt.surplus, pm.rec, cfg.nopt
            ),
        )
        .into());
    }
    let (set_a, set_b) = read_sets(&p, nmin)?;

    // Everything is consistent: read the coordinates, note the repairs.
    let read_points = |s: &PointsState| -> Result<Vec<f64>, DbError> {
        if s.needed == 0 {
            return Ok(Vec::new());
        }
        let bytes = std::fs::read(&s.path).map_err(|e| FileError::io(&s.path, e))?;
        Ok(points::decode(&bytes[..s.needed as usize]))
    };
    let min_coords = read_points(&pm)?;
    let ts_coords = read_points(&pt)?;

    let mut db = Database::empty(cfg, Some(dir.to_path_buf()), read_only);
    let mut repairs = Vec::new();
    for (data, path) in [(&mins.remnant, p(MIN_DATA)), (&tss.remnant, p(TS_DATA))] {
        if let Some(msg) = data {
            db.note(msg.clone());
            let len = if path == p(MIN_DATA) {
                mins.keep
            } else {
                tss.keep
            };
            repairs.push(Repair { path, len });
        }
    }
    for (s, data_name, n) in [(&pm, MIN_DATA, nmin), (&pt, TS_DATA, tss.records.len())] {
        if s.surplus > 0 {
            let what = if s.surplus <= s.rec {
                "the remnant of an interrupted append".to_string()
            } else {
                format!("{} whole surplus records", s.surplus / s.rec)
            };
            db.note(format!(
                "{}: {} bytes beyond the {n} records of {data_name} ({what}); dropped",
                s.path.display(),
                s.surplus
            ));
            repairs.push(Repair {
                path: s.path.clone(),
                len: s.needed,
            });
        }
    }
    db.pending = repairs;

    let nopt = db.cfg.nopt;
    for (k, rec) in mins.records.into_iter().enumerate() {
        let x = &min_coords[k * nopt..(k + 1) * nopt];
        db.push_minimum(rec, x);
    }
    for (k, rec) in tss.records.into_iter().enumerate() {
        let x = &ts_coords[k * nopt..(k + 1) * nopt];
        db.push_ts(rec, x);
    }
    db.set_a = set_a;
    db.set_b = set_b;
    db.check_inertia();
    Ok(db)
}

/// `min.A` and `min.B` when present (ids at most `nmin`), else empty.
fn read_sets(
    p: &dyn Fn(&str) -> std::path::PathBuf,
    nmin: usize,
) -> Result<(Vec<usize>, Vec<usize>), DbError> {
    let read = |name: &str| -> Result<Vec<usize>, DbError> {
        let path = p(name);
        if path.exists() {
            Ok(min_ab::read(&path, Some(nmin))?)
        } else {
            Ok(Vec::new())
        }
    };
    Ok((read(MIN_A)?, read(MIN_B)?))
}

/// NOPOINTS: the data files alone, every coordinate 0, read-only; a remnant of an
/// interrupted append in a data file is ignored in memory, as by a read-only open.
fn without_points(
    cfg: DbConfig,
    dir: &Path,
    mins: DataFile<MinRecord>,
    tss: DataFile<TsRecord>,
    nmin: usize,
    p: &dyn Fn(&str) -> std::path::PathBuf,
) -> Result<Database, DbError> {
    let (set_a, set_b) = read_sets(&p, nmin)?;
    let mut db = Database::empty(cfg, Some(dir.to_path_buf()), true);
    for msg in [&mins.remnant, &tss.remnant].into_iter().flatten() {
        db.note(msg.clone());
    }
    let zeros = vec![0.0; db.cfg.nopt];
    for rec in mins.records {
        db.push_minimum(rec, &zeros);
    }
    for rec in tss.records {
        db.push_ts(rec, &zeros);
    }
    db.set_a = set_a;
    db.set_b = set_b;
    Ok(db)
}

impl Database {
    /// Record a load-time message (and log it as a warning).
    pub(super) fn note(&mut self, msg: String) {
        log::warn!("{msg}");
        self.report.push(msg);
    }

    /// Apply the pending truncations (before the first append).
    pub(super) fn apply_repairs(&mut self) -> Result<(), DbError> {
        for r in std::mem::take(&mut self.pending) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&r.path)
                .map_err(|e| FileError::io(&r.path, e))?;
            f.set_len(r.len)
                .and_then(|_| if self.cfg.sync { f.sync_all() } else { Ok(()) })
                .map_err(|e| FileError::io(&r.path, e))?;
            log::info!("{}: truncated to {} bytes", r.path.display(), r.len);
        }
        Ok(())
    }

    /// Atoms: recompute the moments of inertia from the coordinates; a difference beyond ITOL
    /// is reported and the in-memory value replaced (files.md §3.1).
    fn check_inertia(&mut self) {
        if !self.cfg.is_atoms() {
            return;
        }
        let mut bad = Vec::new();
        for id in 1..=self.nmin() {
            let m = crate::geometry::inertia_moments(self.min_coords(id));
            let old = self.minima[id - 1].inertia;
            if (0..3).any(|k| (m[k] - old[k]).abs() > self.cfg.itol) {
                bad.push(id);
                self.minima[id - 1].inertia = m;
            }
        }
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().take(10).map(|i| i.to_string()).collect();
            self.note(format!(
                "{}: the moments of inertia of {} minima (ids {}{}) differ from those \
                 recomputed from {POINTS_MIN} by more than ITOL = {}; the recomputed values \
                 are used (the file is not changed)",
                MIN_DATA,
                bad.len(),
                shown.join(", "),
                if bad.len() > 10 { ", ..." } else { "" },
                self.cfg.itol
            ));
        }
    }
}
