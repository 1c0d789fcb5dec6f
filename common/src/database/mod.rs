//! The stationary-point database of PATHSAMPLE (files.md §3, algorithms.md §3, §9.3, §10),
//! shared by OPTIM, PATHSAMPLE and the analyses.
//!
//! A [`Database`] holds the minima (`min.data` + `points.min`) and transition states
//! (`ts.data` + `points.ts`) of one directory in memory, with their coordinates, an
//! energy-sorted index for duplicate lookups, the TS lists of every minimum (connectivity) and
//! the A/B sets (`min.A`, `min.B`).
//!
//! # Conventions
//!
//! - **Ids are 1-based** and equal to the line number in `min.data` / `ts.data` and the record
//!   number in `points.min` / `points.ts`. A [`TsRecord`] refers to its minima by id
//!   (`plus`, `minus`).
//! - Energies are in the potential's units; coordinates are NOPT values per point
//!   (`x1, y1, z1, x2, ...` for atoms in length units; the variables for networks); fvib is
//!   ln Π λ over the non-zero (positive) Hessian eigenvalues, λ in energy/length² with unit
//!   masses; moments of inertia are with unit masses, ascending, 0.0 for networks.
//! - **Identity** (DECISION 9, algorithms.md §3): two points of the same kind are the same when
//!   |ΔE| < EDIFFTOL **and** the distance is < GEOMDIFFTOL, the distance being computed only
//!   when the energy test passes, after optimal alignment under [`DbConfig::symmetry`]
//!   ([`crate::system::Symmetry`]: for atoms centre of mass, rotation, inversion unless
//!   NOINVERSION, permutations with PERMDIST; for networks the plain Euclidean distance, or
//!   with PERMDIST the hidden-unit permutations and sign flips). Lookups use an energy-sorted index and examine only the points within
//!   EDIFFTOL, in ascending id order, so the result is the one a linear scan would give (the
//!   lowest matching id).
//! - **In-memory values** may differ from the file lines, which are never rewritten: with
//!   NOFRQS every fvib is 1.0 (DECISION 2); with NOPOINTGROUP every order is 1; for atoms the
//!   moments of inertia are recomputed from the coordinates at load and replace a written
//!   value that differs by more than ITOL (with a warning); a re-found point whose order
//!   differs keeps the larger order (algorithms.md §9.3).
//!
//! # Crash safety
//!
//! The files are append-only. Adding a point writes its coordinate record first (one write of
//! 8·NOPT bytes to `points.*`), then its data line (one write ending in `\n`), each flushed to
//! the operating system at once (and `fsync`ed with [`DbConfig::sync`]); a TS is written only
//! after its minima. So at any instant the files hold complete points plus at most one
//! unfinished append: a surplus points record (whole or partial) and possibly a data line
//! without its newline. [`Database::open`] detects such a remnant, drops it with a
//! `log::warn!` naming the file (also listed in [`Database::load_report`]) and truncates the
//! file before anything is appended. Damage that cannot come from an interrupted append (an
//! unreadable line before the last one, fewer points records than data lines, a size that is
//! not a multiple of 8·NOPT by more than one record, surplus records in both points files, a
//! TS referring to a minimum beyond `min.data`) is an error naming the file, and nothing is
//! written.

mod index;
mod load;
pub mod lock;
pub mod rates;
mod triple;
pub mod verify;

use std::fs::File;
use std::path::{Path, PathBuf};

pub use crate::files::min_data::{MinRecord, Widths};
pub use crate::files::ts_data::TsRecord;
pub use crate::hessian_data::System;
pub use lock::{DirLock, LockError};
pub use rates::{Ensemble, RateOptions, TsRates};
pub use triple::{PathSummary, PointId, TripleOutcome};
pub use verify::{Verified, VERIFY_RTOL};

use crate::files::error::FileError;
use crate::files::{min_ab, points};
use crate::geometry::AlignOptions;
use crate::system::Symmetry;
use index::EnergyIndex;

/// Settings of a database (PATHSAMPLE `pathdata` keywords in brackets).
#[derive(Debug, Clone, PartialEq)]
pub struct DbConfig {
    /// Number of coordinates per point (3·NATOMS, or the number of network variables).
    pub nopt: usize,
    /// Identity and alignment rules: atoms (6 zero modes, alignment with NOINVERSION,
    /// PERMDIST, RANROT; moments of inertia) or network variables (`nzero` zero modes: the
    /// frozen variables plus ZEROS, as the caller counts them; with PERMDIST the network
    /// symmetry group).
    pub symmetry: Symmetry,
    /// Energy tolerance of the identity test (EDIFFTOL/ETOL), energy units. Default 1.0e-8.
    pub edifftol: f64,
    /// Distance tolerance of the identity test (GEOMDIFFTOL), length units. Default 0.1.
    pub geomdifftol: f64,
    /// No eigenvalues in path files; every in-memory fvib is 1.0 (NOFRQS, DECISION 2).
    pub nofrqs: bool,
    /// Eigenvalue threshold for skipping triples (EVCUT). Default 2.0e-6.
    pub evcut: f64,
    /// TSs above this energy are rejected with their triple (TSTHRESH/MAXTSENERGY). Default
    /// +∞.
    pub tsthresh: f64,
    /// Moments-of-inertia tolerance of the load-time check (ITOL). Default 1.0e-3.
    pub itol: f64,
    /// Write the 9th `ts.data` column (the negative eigenvalue; IMFRQ/FRICTION).
    pub imfrq: bool,
    /// Every in-memory point-group order is 1 (NOPOINTGROUP).
    pub no_point_group: bool,
    /// Widths of the lines appended to `min.data` / `ts.data` (DECISION 1: current).
    pub widths: Widths,
    /// `fsync` each file after every appended point (durability against power loss; slower).
    /// Without it each write reaches the operating system at once, which survives a killed
    /// process.
    pub sync: bool,
    /// NOPOINTS: the database is min.data and ts.data alone (kinetics on a network with no
    /// coordinates, as the Kinetics tutorials): no points files are read, every coordinate is
    /// 0, the moments of inertia are taken as written, and the database is read-only.
    pub nopoints: bool,
}

impl DbConfig {
    /// Defaults for `natoms` atoms (NOPT = 3·natoms).
    pub fn atoms(natoms: usize) -> Self {
        Self::with(3 * natoms, Symmetry::atoms(AlignOptions::default()))
    }

    /// Defaults for `nopt` network variables with `nzero` zero modes (frozen + ZEROS).
    pub fn network(nopt: usize, nzero: usize) -> Self {
        Self::with(nopt, Symmetry::network(nzero, None))
    }

    fn with(nopt: usize, symmetry: Symmetry) -> Self {
        Self {
            nopt,
            symmetry,
            edifftol: 1.0e-8,
            geomdifftol: 0.1,
            nofrqs: false,
            evcut: 2.0e-6,
            tsthresh: f64::INFINITY,
            itol: 1.0e-3,
            imfrq: false,
            no_point_group: false,
            widths: Widths::Current,
            sync: false,
            nopoints: false,
        }
    }

    /// Number of zero Hessian eigenvalues (algorithms.md §8): 6 for atoms, `nzero` for
    /// networks.
    pub fn zero_modes(&self) -> usize {
        match self.symmetry.system {
            System::Atoms => 6,
            System::Network { nzero } => nzero,
        }
    }

    /// True for atoms.
    pub fn is_atoms(&self) -> bool {
        self.symmetry.is_atoms()
    }
}

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A file could not be read, written, or is inconsistent (the message names the file).
    #[error(transparent)]
    File(#[from] FileError),
    /// A call with invalid arguments (wrong number of coordinates, an id out of range, ...).
    #[error("{0}")]
    Invalid(String),
    /// Appending to a database opened with [`Database::open_read_only`].
    #[error("the database in {0} is open read-only")]
    ReadOnly(String),
    /// An earlier write failed part-way; reopen the database (which repairs the files).
    #[error("an earlier write to the database failed; reopen it to repair the files")]
    Poisoned,
}

/// Names of the database files inside the directory.
pub const MIN_DATA: &str = "min.data";
/// `ts.data`.
pub const TS_DATA: &str = "ts.data";
/// `points.min`.
pub const POINTS_MIN: &str = "points.min";
/// `points.ts`.
pub const POINTS_TS: &str = "points.ts";
/// `min.A`.
pub const MIN_A: &str = "min.A";
/// `min.B`.
pub const MIN_B: &str = "min.B";

/// Write `buf` with one `write_all` and flush, unless the crash budget runs out first: then
/// only the bytes it allows are written and a simulated crash is reported.
fn write_limited(
    f: &mut File,
    buf: &[u8],
    budget: &mut Option<u64>,
    path: &Path,
) -> Result<(), FileError> {
    use std::io::Write;
    let n = match budget {
        Some(b) => (*b).min(buf.len() as u64) as usize,
        None => buf.len(),
    };
    f.write_all(&buf[..n])
        .and_then(|_| f.flush())
        .map_err(|e| FileError::io(path, e))?;
    if let Some(b) = budget {
        *b -= n as u64;
        if n < buf.len() {
            return Err(FileError::invalid(path, "simulated crash"));
        }
    }
    Ok(())
}

/// Open append handles of the four files.
struct Appenders {
    min_data: File,
    ts_data: File,
    points_min: File,
    points_ts: File,
}

/// The stationary-point database (see the module documentation).
pub struct Database {
    cfg: DbConfig,
    dir: Option<PathBuf>,
    read_only: bool,
    poisoned: bool,
    minima: Vec<MinRecord>,
    tss: Vec<TsRecord>,
    min_coords: Vec<f64>,
    ts_coords: Vec<f64>,
    min_index: EnergyIndex,
    ts_index: EnergyIndex,
    /// TS ids of each minimum (index id − 1), in TS order; a degenerate TS appears once.
    min_ts: Vec<Vec<usize>>,
    set_a: Vec<usize>,
    set_b: Vec<usize>,
    files: Option<Appenders>,
    report: Vec<String>,
    /// Truncations to apply before the first append.
    pending: Vec<load::Repair>,
    /// Fault injection for crash tests: bytes that may still be written.
    crash_budget: Option<u64>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("dir", &self.dir)
            .field("nmin", &self.minima.len())
            .field("nts", &self.tss.len())
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Database {
    /// An empty database held in memory only (no files): for OPTIM's lists of known points,
    /// tests and benchmarks. Appends update memory only.
    pub fn in_memory(cfg: DbConfig) -> Self {
        Self::empty(cfg, None, false)
    }

    fn empty(cfg: DbConfig, dir: Option<PathBuf>, read_only: bool) -> Self {
        Self {
            cfg,
            dir,
            read_only,
            poisoned: false,
            minima: Vec::new(),
            tss: Vec::new(),
            min_coords: Vec::new(),
            ts_coords: Vec::new(),
            min_index: EnergyIndex::default(),
            ts_index: EnergyIndex::default(),
            min_ts: Vec::new(),
            set_a: Vec::new(),
            set_b: Vec::new(),
            files: None,
            report: Vec::new(),
            pending: Vec::new(),
            crash_budget: None,
        }
    }

    /// Open the database in directory `dir` for reading and appending. Missing files are an
    /// empty database (they are created by the first append). Validates the files (see the
    /// module documentation), repairs the remnant of an interrupted append, reads `min.A` and
    /// `min.B` when present (ids ≤ NMIN, no duplicates).
    pub fn open(dir: impl AsRef<Path>, cfg: DbConfig) -> Result<Self, DbError> {
        load::open(dir.as_ref(), cfg, false)
    }

    /// Open without ever writing: a remnant of an interrupted append is ignored in memory (and
    /// reported) but the files are left as they are; appends fail with [`DbError::ReadOnly`].
    pub fn open_read_only(dir: impl AsRef<Path>, cfg: DbConfig) -> Result<Self, DbError> {
        load::open(dir.as_ref(), cfg, true)
    }

    /// Apply now the repairs that loading found necessary (truncating the remnant of an
    /// interrupted append; see the module documentation). They are otherwise applied just
    /// before the first append. Does nothing for an in-memory database or when nothing needs
    /// repair; fails for a read-only database that needs repair.
    pub fn repair(&mut self) -> Result<(), DbError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        if self.read_only {
            return Err(DbError::ReadOnly(
                self.dir
                    .as_ref()
                    .map_or(String::new(), |d| d.display().to_string()),
            ));
        }
        self.apply_repairs()
    }

    /// Fault injection for crash-safety tests: after `bytes` more bytes have been written
    /// to the database files, the next write stops part-way (as if the process were killed)
    /// and the append fails. `None` (the default) disables it.
    #[doc(hidden)]
    pub fn simulate_crash_after_bytes(&mut self, bytes: Option<u64>) {
        self.crash_budget = bytes;
    }

    /// Whether loading found the remnant of an interrupted append (a surplus points record or
    /// an unterminated data line) that the first append (or [`Database::repair`]) truncates.
    pub fn needs_repair(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The settings.
    pub fn config(&self) -> &DbConfig {
        &self.cfg
    }

    /// The directory (None for an in-memory database).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Messages about what loading found and did (dropped remnants, moment corrections).
    pub fn load_report(&self) -> &[String] {
        &self.report
    }

    /// Number of minima (NMIN).
    pub fn nmin(&self) -> usize {
        self.minima.len()
    }

    /// Number of transition states (NTS).
    pub fn nts(&self) -> usize {
        self.tss.len()
    }

    /// NOPT.
    pub fn nopt(&self) -> usize {
        self.cfg.nopt
    }

    /// Minimum `id` (1-based; panics when out of range).
    pub fn minimum(&self, id: usize) -> &MinRecord {
        &self.minima[id - 1]
    }

    /// Transition state `id` (1-based; panics when out of range).
    pub fn ts(&self, id: usize) -> &TsRecord {
        &self.tss[id - 1]
    }

    /// All minima; index `id − 1`.
    pub fn minima(&self) -> &[MinRecord] {
        &self.minima
    }

    /// All transition states; index `id − 1`.
    pub fn transition_states(&self) -> &[TsRecord] {
        &self.tss
    }

    /// Coordinates of minimum `id` (1-based), NOPT values.
    pub fn min_coords(&self, id: usize) -> &[f64] {
        let n = self.cfg.nopt;
        &self.min_coords[(id - 1) * n..id * n]
    }

    /// Coordinates of TS `id` (1-based), NOPT values.
    pub fn ts_coords(&self, id: usize) -> &[f64] {
        let n = self.cfg.nopt;
        &self.ts_coords[(id - 1) * n..id * n]
    }

    /// The A set (`min.A`), 1-based ids in file order.
    pub fn set_a(&self) -> &[usize] {
        &self.set_a
    }

    /// The B set (`min.B`), 1-based ids in file order.
    pub fn set_b(&self) -> &[usize] {
        &self.set_b
    }

    /// Replace the A and B sets and (for a database with a directory) rewrite `min.A` and
    /// `min.B` atomically in the `(I10)` layout. Ids must lie in 1..=NMIN, without duplicates
    /// within a set.
    pub fn set_ab(&mut self, a: &[usize], b: &[usize]) -> Result<(), DbError> {
        for (set, name) in [(a, MIN_A), (b, MIN_B)] {
            let mut seen = std::collections::HashSet::new();
            for &id in set {
                if id == 0 || id > self.nmin() {
                    return Err(DbError::Invalid(format!(
                        "{name}: minimum {id} is not in 1..{}",
                        self.nmin()
                    )));
                }
                if !seen.insert(id) {
                    return Err(DbError::Invalid(format!(
                        "there are duplicate values in {name} (minimum {id})"
                    )));
                }
            }
        }
        if let Some(dir) = &self.dir {
            if self.read_only {
                return Err(DbError::ReadOnly(dir.display().to_string()));
            }
            min_ab::write(&dir.join(MIN_A), a)?;
            min_ab::write(&dir.join(MIN_B), b)?;
        }
        self.set_a = a.to_vec();
        self.set_b = b.to_vec();
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Identity

    fn same(&self, e1: f64, x1: &[f64], e2: f64, x2: &[f64]) -> bool {
        let c = &self.cfg;
        c.symmetry
            .same_point((x1, e1), (x2, e2), c.edifftol, c.geomdifftol)
    }

    /// The id of the known minimum identical to (`energy`, `coords`) (see the module
    /// documentation), examining only minima within EDIFFTOL through the energy index; the
    /// lowest matching id.
    pub fn find_minimum(&self, energy: f64, coords: &[f64]) -> Option<usize> {
        self.min_index
            .window(energy, self.cfg.edifftol, |id| self.minima[id - 1].energy)
            .into_iter()
            .find(|&id| {
                self.same(
                    energy,
                    coords,
                    self.minima[id - 1].energy,
                    self.min_coords(id),
                )
            })
    }

    /// As [`Database::find_minimum`] for transition states.
    pub fn find_ts(&self, energy: f64, coords: &[f64]) -> Option<usize> {
        self.ts_index
            .window(energy, self.cfg.edifftol, |id| self.tss[id - 1].energy)
            .into_iter()
            .find(|&id| self.same(energy, coords, self.tss[id - 1].energy, self.ts_coords(id)))
    }

    /// The reference linear scan of algorithms.md §3 (first match in id order); the same
    /// answer as [`Database::find_minimum`], in O(NMIN). For checks and benchmarks.
    pub fn find_minimum_linear(&self, energy: f64, coords: &[f64]) -> Option<usize> {
        (1..=self.nmin()).find(|&id| {
            self.same(
                energy,
                coords,
                self.minima[id - 1].energy,
                self.min_coords(id),
            )
        })
    }

    // -----------------------------------------------------------------------------------
    // Appending

    fn check_coords(&self, coords: &[f64], energy: f64) -> Result<(), DbError> {
        if coords.len() != self.cfg.nopt {
            return Err(DbError::Invalid(format!(
                "a point has {} coordinates, NOPT is {}",
                coords.len(),
                self.cfg.nopt
            )));
        }
        if !energy.is_finite() {
            return Err(DbError::Invalid(format!("energy {energy} is not finite")));
        }
        Ok(())
    }

    fn appenders(&mut self) -> Result<Option<&mut Appenders>, DbError> {
        if self.poisoned {
            return Err(DbError::Poisoned);
        }
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        if self.read_only {
            return Err(DbError::ReadOnly(dir.display().to_string()));
        }
        if self.files.is_none() {
            self.apply_repairs()?;
            let dir = self.dir.as_ref().expect("checked above");
            let open = |name: &str| {
                let p = dir.join(name);
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&p)
                    .map_err(|e| FileError::io(&p, e))
            };
            self.files = Some(Appenders {
                min_data: open(MIN_DATA)?,
                ts_data: open(TS_DATA)?,
                points_min: open(POINTS_MIN)?,
                points_ts: open(POINTS_TS)?,
            });
        }
        Ok(self.files.as_mut())
    }

    /// Write a points record then a data line, in that order, each with one write.
    fn write_point(&mut self, ts: bool, coords: &[f64], line: &str) -> Result<(), DbError> {
        let sync = self.cfg.sync;
        let dir = self.dir.clone();
        let mut budget = self.crash_budget;
        let Some(files) = self.appenders()? else {
            return Ok(());
        };
        let dir = dir.expect("files imply a directory");
        let (pf, pname, df, dname) = if ts {
            (&mut files.points_ts, POINTS_TS, &mut files.ts_data, TS_DATA)
        } else {
            (
                &mut files.points_min,
                POINTS_MIN,
                &mut files.min_data,
                MIN_DATA,
            )
        };
        let res = (|| -> Result<(), FileError> {
            // One write per file, points record first (see the module documentation).
            let record = points::encode(coords);
            let pp = dir.join(pname);
            write_limited(pf, &record, &mut budget, &pp)?;
            if sync {
                pf.sync_data().map_err(|e| FileError::io(&pp, e))?;
            }
            let dp = dir.join(dname);
            write_limited(df, line.as_bytes(), &mut budget, &dp)?;
            if sync {
                df.sync_data().map_err(|e| FileError::io(&dp, e))?;
            }
            Ok(())
        })();
        self.crash_budget = budget;
        if res.is_err() {
            self.poisoned = true;
        }
        Ok(res?)
    }

    /// Append a minimum (no duplicate check: see [`Database::add_minimum_if_new`]). The record
    /// is written as given (its fvib/order are the file values; the in-memory copy follows
    /// NOFRQS/NOPOINTGROUP). Returns the new id (= NMIN).
    pub fn add_minimum(&mut self, rec: MinRecord, coords: &[f64]) -> Result<usize, DbError> {
        self.check_coords(coords, rec.energy)?;
        let line = rec.render(self.cfg.widths);
        self.write_point(false, coords, &line)?;
        Ok(self.push_minimum(rec, coords))
    }

    /// Memory side of an appended (or loaded) minimum.
    fn push_minimum(&mut self, mut rec: MinRecord, coords: &[f64]) -> usize {
        if self.cfg.nofrqs {
            rec.fvib = 1.0;
        }
        if self.cfg.no_point_group {
            rec.order = 1;
        }
        let id = self.minima.len() + 1;
        self.min_index.insert(rec.energy, id);
        self.minima.push(rec);
        self.min_coords.extend_from_slice(coords);
        self.min_ts.push(Vec::new());
        id
    }

    /// Append a transition state whose `plus`/`minus` ids must be known minima. Returns its id.
    pub fn add_ts(&mut self, rec: TsRecord, coords: &[f64]) -> Result<usize, DbError> {
        self.check_coords(coords, rec.energy)?;
        for m in [rec.plus, rec.minus] {
            if m == 0 || m > self.nmin() {
                return Err(DbError::Invalid(format!(
                    "a transition state refers to minimum {m}; the database has {} minima",
                    self.nmin()
                )));
            }
        }
        let line = rec.render(self.cfg.widths);
        self.write_point(true, coords, &line)?;
        Ok(self.push_ts(rec, coords))
    }

    fn push_ts(&mut self, mut rec: TsRecord, coords: &[f64]) -> usize {
        if self.cfg.nofrqs {
            rec.fvib = 1.0;
        }
        if self.cfg.no_point_group {
            rec.order = 1;
        }
        let id = self.tss.len() + 1;
        self.ts_index.insert(rec.energy, id);
        self.min_ts[rec.plus - 1].push(id);
        if rec.minus != rec.plus {
            self.min_ts[rec.minus - 1].push(id);
        }
        self.tss.push(rec);
        self.ts_coords.extend_from_slice(coords);
        id
    }

    /// Find the minimum, or append it when it is new. Returns its id and whether it was added.
    pub fn add_minimum_if_new(
        &mut self,
        rec: MinRecord,
        coords: &[f64],
    ) -> Result<PointId, DbError> {
        self.check_coords(coords, rec.energy)?;
        if let Some(id) = self.find_minimum(rec.energy, coords) {
            return Ok(PointId { id, new: false });
        }
        Ok(PointId {
            id: self.add_minimum(rec, coords)?,
            new: true,
        })
    }

    /// Find the TS, or append it when it is new.
    pub fn add_ts_if_new(&mut self, rec: TsRecord, coords: &[f64]) -> Result<PointId, DbError> {
        self.check_coords(coords, rec.energy)?;
        if let Some(id) = self.find_ts(rec.energy, coords) {
            return Ok(PointId { id, new: false });
        }
        Ok(PointId {
            id: self.add_ts(rec, coords)?,
            new: true,
        })
    }

    // -----------------------------------------------------------------------------------
    // Connectivity

    /// Ids of the TSs of minimum `id` (ascending; a degenerate TS once).
    pub fn ts_of_minimum(&self, id: usize) -> &[usize] {
        &self.min_ts[id - 1]
    }

    /// (TS id, other minimum id) for every TS of minimum `id`; the other minimum of a
    /// degenerate TS is `id` itself.
    pub fn neighbours(&self, id: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.min_ts[id - 1].iter().map(move |&t| {
            let r = &self.tss[t - 1];
            (t, if r.plus == id { r.minus } else { r.plus })
        })
    }

    /// True when a TS joins minima `a` and `b` directly.
    pub fn directly_connected(&self, a: usize, b: usize) -> bool {
        let (s, o) = if self.min_ts[a - 1].len() <= self.min_ts[b - 1].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.neighbours(s).any(|(_, m)| m == o)
    }

    /// Connected components over all TSs: for every minimum (index id − 1) the smallest id of
    /// its component.
    pub fn connected_components(&self) -> Vec<usize> {
        self.components_where(|_, _| true)
    }

    /// Connected components over the TSs for which `live(ts_id, record)` holds (e.g. the live
    /// TSs of algorithms.md §10): for every minimum the smallest id of its component.
    pub fn components_where(&self, live: impl Fn(usize, &TsRecord) -> bool) -> Vec<usize> {
        let n = self.nmin();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (k, t) in self.tss.iter().enumerate() {
            if t.plus != t.minus && live(k + 1, t) {
                let (a, b) = (
                    find(&mut parent, t.plus - 1),
                    find(&mut parent, t.minus - 1),
                );
                if a != b {
                    // The smaller index becomes the root, so a root is its component's minimum.
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    parent[hi] = lo;
                }
            }
        }
        (0..n).map(|i| find(&mut parent, i) + 1).collect()
    }

    /// For every minimum (index id − 1): whether it is connected through TSs to one of `ids`.
    pub fn connected_to(&self, ids: &[usize]) -> Vec<bool> {
        let comp = self.connected_components();
        let roots: std::collections::HashSet<usize> = ids
            .iter()
            .filter(|&&i| i >= 1 && i <= self.nmin())
            .map(|&i| comp[i - 1])
            .collect();
        comp.iter().map(|c| roots.contains(c)).collect()
    }
}
