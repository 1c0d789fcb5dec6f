//! disconnectionDPS: disconnectivity graphs of a PATHSAMPLE database, a drop-in replacement
//! for the 2011 Fortran program (spec: algorithms.md §13, files.md §4, keyword-decks.md §5).
//!
//! A run reads `dinfo` in the working directory, the minima and TS files it names, and
//! writes `tree.ps` (byte for byte the Fortran's layout), `tree.svg` (project; `NOSVG`
//! turns it off) and, when asked, `node_numbers`, `node_sizes` and `node_sections`
//! (and `disconnected` in the later program's layout).
//!
//! Modules, in pipeline order:
//! - [`config`]: the `dinfo` keyword table;
//! - [`database`]: the input files;
//! - [`analysis`]: connection counts, reachability, dead TSs, visibility;
//! - [`tree`]: basins per level, nodes, children, display order ([`order`]), columns;
//! - [`drawing`]: page geometry, segments, leaf ends, labels, colours ([`palette`]);
//! - [`postscript`], [`svg`], [`nodefiles`]: the writers;
//! - [`run`]: one run in a directory, returning a [`Summary`].
//!
//! Conventions shared by all modules: minima are 0-based in memory and 1-based in files and
//! messages; levels are 0-based in memory (`levels[0]` is level 1, the top, at energy
//! FIRST); nodes are numbered in label order in memory and by display position in files.
//!
//! # Project rules where the spec leaves room
//!
//! - A database without any non-degenerate TS draws every minimum as its own branch (the
//!   Fortran would draw an empty graph); databases with TSs follow the Fortran exactly.
//! - `LEVELS 1` is an error; so are a missing MINIMA or TS keyword, CONNECTMIN or IDMIN ids
//!   that do not exist, TS lines with fewer than five fields or with an end outside the
//!   minima file (file and line named). PICK ids out of range give the Fortran's warning;
//!   TRMIN ids out of range are ignored with a warning.
//! - The minima file: blank lines are skipped (as list-directed reads do); reading stops at
//!   the first line whose first item is not a real.
//! - LABELFORMAT: at most 10 characters (longer: truncated, warning); an integer descriptor
//!   gets the level energy rounded half away from zero; an unusable descriptor is an error,
//!   and so is a number (width, repeat count, ...) above 100.
//! - Single precision: the x fractions (spec), and also the big/small size ratio and the
//!   `pad` spacing of the ordering rule (default `REAL`s in the Fortran); y, the leaf
//!   fraction and all energies are double precision. G1–G3 agree byte for byte.
//! - TRMIN index ≥ 5: no colour line, but the `0 0 0 setrgbcolor` reset after the segment.
//! - COLOURBYVALUE (project): see [`config::ValueColouring`] and [`drawing::ColourBar`].
//!   With TRMIN as well, the value colours are drawn and TRMIN still writes node_sections.
//! - WEIGHTS: `LW_i = ln Σ exp(lnweight)` over the rows with `Vmax < E_i` (the log of the
//!   total weight below the level); no scaling (warning) when the top level has none.
//! - AUTORANGE, SCALEBAR, CHOOSECOLOURS (the later Fortran program's keywords; rules read
//!   off the Kinetics TRAP_ENERGY tutorial, docs/open-questions.md): see [`autorange_first`],
//!   [`postscript::scale_bar`], [`palette::CHOSEN`]. A dinfo using any of them gets the later
//!   program's layouts ([`Config::later_layout`]): the tutorial's outputs byte for byte.
//! - The summary's basin count of a level counts the basins of all kept minima present
//!   there, visible or not; its node count is what is drawn.

pub mod analysis;
pub mod config;
pub mod database;
pub mod drawing;
pub mod error;
pub mod nodefiles;
pub mod order;
pub mod palette;
pub mod postscript;
pub mod svg;
pub mod tree;

use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use common::deck::DinfoDeck;

pub use config::Config;
pub use error::{Error, Result};

use analysis::Connectivity;
use database::{parse_ids, parse_values, parse_weights, read_text, Database};
use drawing::Drawing;
use palette::ColourScale;
use tree::{Tree, TreeInput};

/// What a run did, printed on stdout by the binary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Minima read.
    pub minima: usize,
    /// Non-degenerate TSs read.
    pub ts: usize,
    /// Degenerate TS lines skipped.
    pub degenerate: usize,
    /// Excluded (disconnected) minima.
    pub disconnected: usize,
    /// Live TSs (used for the basins).
    pub ts_used: usize,
    /// True when there was no TS and every minimum was drawn as its own branch.
    pub isolated: bool,
    /// Per level: (energy, basins among the minima kept, nodes drawn).
    pub levels: Vec<(f64, usize, usize)>,
    /// Files written, in order.
    pub files: Vec<String>,
}

impl Summary {
    /// Minima kept (read − disconnected).
    pub fn minima_used(&self) -> usize {
        self.minima - self.disconnected
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "disconnectionDPS: {} minima and {} transition states read ({} degenerate skipped)",
            self.minima, self.ts, self.degenerate
        )?;
        if self.isolated {
            writeln!(
                f,
                "disconnectionDPS: no transition states: every minimum is drawn as its own branch"
            )?;
        }
        writeln!(
            f,
            "disconnectionDPS: {} minima disconnected; {} minima and {} transition states used",
            self.disconnected,
            self.minima_used(),
            self.ts_used
        )?;
        writeln!(f, "disconnectionDPS: {} levels", self.levels.len())?;
        writeln!(f, "  level        energy   basins    nodes")?;
        for (i, (e, b, k)) in self.levels.iter().enumerate() {
            writeln!(f, "  {:5} {:13.6} {:8} {:8}", i + 1, e, b, k)?;
        }
        write!(f, "disconnectionDPS: wrote {}", self.files.join(", "))
    }
}

fn create(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    File::create(dir.join(name))
        .map(|f| BufWriter::with_capacity(1 << 16, f))
        .map_err(|source| Error::Io {
            action: "cannot create",
            file: name.to_string(),
            source,
        })
}

fn write_err(name: &str) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        action: "cannot write",
        file: name.to_string(),
        source,
    }
}

/// Run in `dir`: read `dir/dinfo` and proceed as [`run_config`].
pub fn run(dir: &Path) -> Result<Summary> {
    let deck = DinfoDeck::read(&dir.join("dinfo"))?;
    let cfg = Config::from_deck(&deck)?;
    run_config(dir, &cfg)
}

/// TRMIN list index of every minimum (0 = unlisted; the last file listing a minimum wins).
fn trmin_lists(dir: &Path, cfg: &Config, nmin: usize) -> Result<Option<Vec<u32>>> {
    let Some(t) = &cfg.trmin else {
        return Ok(None);
    };
    let mut idx = vec![0u32; nmin];
    for (f, file) in t.files.iter().enumerate() {
        for id in parse_ids(&read_text(dir, file)?, file)? {
            if id < 1 || id as u64 > nmin as u64 {
                log::warn!("TRMIN: ignoring {id} in {file}; minima numbers: 1 to {nmin}");
                continue;
            }
            if id > t.max {
                log::warn!(
                    "TRMIN: {id} in {file} exceeds the announced maximum {}",
                    t.max
                );
            }
            idx[(id - 1) as usize] = f as u32 + 1;
        }
    }
    Ok(Some(idx))
}

fn check_ids(cfg: &Config, nmin: usize) -> Result<()> {
    let file = cfg.minima.as_deref().unwrap_or("");
    if cfg.connect_min < 0 || cfg.connect_min as u64 > nmin as u64 {
        return Err(Error::config(format!(
            "CONNECTMIN {}: no such minimum ({file} has {nmin})",
            cfg.connect_min
        )));
    }
    for &id in &cfg.idmin {
        if id < 1 || id as u64 > nmin as u64 {
            return Err(Error::config(format!(
                "IDMIN {id}: no such minimum ({file} has {nmin})"
            )));
        }
    }
    Ok(())
}

/// AUTORANGE's top level: FIRST moved by whole DELTAs to the lowest grid energy at or
/// above the highest live transition state (the TSs kept after TSTHRESH, the connection
/// analysis and NOBARRIERS); FIRST unchanged when no TS is live. LEVELS is kept, so the
/// graph reaches down as many levels from the new top.
///
/// The Kinetics TRAP_ENERGY tutorial (FIRST 47, DELTA 1, highest TS 45.23) gives 46: its
/// node_numbers level k holds the basins below 47 − k, and its tree.ps leaves end at those
/// energies.
pub fn autorange_first(cfg: &Config, conn: &Connectivity) -> f64 {
    let top = conn
        .ts_energy
        .iter()
        .zip(&conn.live)
        .filter(|(e, &live)| live && e.is_finite())
        .map(|(e, _)| *e)
        .fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return cfg.first;
    }
    let steps = ((cfg.first - top) / cfg.delta).floor();
    let first = cfg.first - steps * cfg.delta;
    // Rounding of FIRST − k·DELTA may leave the level a hair below the TS.
    if first < top {
        first + cfg.delta
    } else {
        first
    }
}

/// Run with the settings `cfg` in `dir` (input names relative to it; outputs written there).
pub fn run_config(dir: &Path, cfg: &Config) -> Result<Summary> {
    let minima = cfg.minima.as_deref().expect("checked by Config");
    let ts = cfg.ts.as_deref().expect("checked by Config");
    let db = Database::read(dir, minima, ts)?;
    let n = db.nmin();
    check_ids(cfg, n)?;
    let conn = Connectivity::compute(&db, cfg);
    let autorange_cfg;
    let cfg = if cfg.autorange {
        autorange_cfg = Config {
            first: autorange_first(cfg, &conn),
            ..cfg.clone()
        };
        &autorange_cfg
    } else {
        cfg
    };
    let pick = match &cfg.pick {
        Some(f) => Some((parse_ids(&read_text(dir, f)?, f)?, f.as_str())),
        None => None,
    };
    let visible = analysis::visibility(
        &db.energies,
        &db.ts,
        cfg,
        pick.as_ref().map(|(ids, f)| (ids.as_slice(), *f)),
    );
    let trmin = trmin_lists(dir, cfg, n)?;
    let weights = match &cfg.weights {
        Some(f) => Some(parse_weights(&read_text(dir, f)?, f)?),
        None => None,
    };
    let values = match &cfg.colour_by_value {
        Some(v) => Some(parse_values(&read_text(dir, &v.file)?, &v.file, n)?),
        None => None,
    };
    let mut files = Vec::new();

    let input = TreeInput {
        db: &db,
        conn: &conn,
        visible: &visible,
        trmin: trmin.as_deref(),
    };
    let tree: Tree = if cfg.dump_numbers {
        let name = "node_numbers";
        let width = if cfg.later_layout() { 8 } else { 6 };
        let mut w = create(dir, name)?;
        let mut failure = None;
        let mut sink = |li: usize, level: &tree::Level, labels: &[u32]| {
            if failure.is_none() {
                if let Err(e) = nodefiles::write_numbers_level(&mut w, li, level, labels, width) {
                    failure = Some(e);
                }
            }
        };
        let t = tree::build(cfg, &input, Some(&mut sink));
        if let Some(e) = failure {
            return Err(write_err(name)(e));
        }
        w.flush().map_err(write_err(name))?;
        files.push(name.to_string());
        t
    } else {
        tree::build(cfg, &input, None)
    };
    if cfg.dump_sizes {
        let name = "node_sizes";
        let mut w = create(dir, name)?;
        nodefiles::write_sizes(&mut w, &tree)
            .and_then(|_| w.flush())
            .map_err(write_err(name))?;
        files.push(name.to_string());
    }
    if cfg.trmin.is_some() && cfg.colour_output {
        let name = "node_sections";
        let mut w = create(dir, name)?;
        nodefiles::write_sections(&mut w, &tree)
            .and_then(|_| w.flush())
            .map_err(write_err(name))?;
        files.push(name.to_string());
    }
    if cfg.trmin.is_some() && cfg.colour_by_value.is_some() {
        log::warn!("COLOURBYVALUE colours the branches; TRMIN colours are not drawn");
    }

    if cfg.later_layout() {
        // The later program always writes `disconnected` (empty in the Kinetics
        // TRAP_ENERGY tutorial): here the excluded minima, one id a line (I8).
        let name = "disconnected";
        let mut w = create(dir, name)?;
        conn.excluded
            .iter()
            .enumerate()
            .filter(|(_, &x)| x)
            .try_for_each(|(m, _)| writeln!(w, "{}", common::fortran_fmt::fmt_i(m as i64 + 1, 8)))
            .and_then(|_| w.flush())
            .map_err(write_err(name))?;
        files.push(name.to_string());
    }
    let value_scale = match (&cfg.colour_by_value, &values) {
        (Some(v), Some(vals)) => Some((
            vals.as_slice(),
            value_range(v, vals, &conn, &visible),
            v.file.clone(),
        )),
        _ => None,
    };
    let drawing = Drawing::new(cfg, &tree, &db, &conn, weights.as_deref(), value_scale);
    {
        let name = "tree.ps";
        let mut w = create(dir, name)?;
        postscript::write(&mut w, &drawing)
            .and_then(|_| w.flush())
            .map_err(write_err(name))?;
        files.push(name.to_string());
    }
    if cfg.svg {
        let name = "tree.svg";
        let mut w = create(dir, name)?;
        svg::write(&mut w, &drawing)
            .and_then(|_| w.flush())
            .map_err(write_err(name))?;
        files.push(name.to_string());
    }
    Ok(Summary {
        minima: n,
        ts: db.ts.len(),
        degenerate: db.degenerate,
        disconnected: conn.n_excluded(),
        ts_used: conn.n_live(),
        isolated: conn.isolated,
        levels: tree
            .levels
            .iter()
            .map(|l| (l.energy, l.basins, l.len()))
            .collect(),
        files,
    })
}

/// The COLOURBYVALUE scale: the given range, or the range of the finite values of the
/// minima drawn (visible and kept); a single value v gives [v − 0.5, v + 0.5].
fn value_range(
    v: &config::ValueColouring,
    vals: &[Option<f64>],
    conn: &Connectivity,
    visible: &[bool],
) -> ColourScale {
    let (lo, hi) = v.range.unwrap_or_else(|| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (m, x) in vals.iter().enumerate() {
            if let Some(x) = x {
                if x.is_finite() && visible[m] && !conn.excluded[m] {
                    lo = lo.min(*x);
                    hi = hi.max(*x);
                }
            }
        }
        if !lo.is_finite() {
            (0.0, 1.0)
        } else if lo == hi {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    });
    ColourScale {
        palette: v.palette,
        lo,
        hi,
    }
}
