//! Adding the stationary points of a `path.info` file (algorithms.md §9.3).

use std::path::Path;

use super::{Database, DbError, MinRecord, TsRecord};
use crate::files::path_info::{self, Eigenvalues, Layout, PathInfoBlock, PathTriple};
use crate::geometry::inertia_moments;

/// A point of a processed triple: its id (1-based) and whether it was appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointId {
    /// 1-based id in the database.
    pub id: usize,
    /// True when the point was new and has been appended.
    pub new: bool,
}

/// What [`Database::add_triple`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum TripleOutcome {
    /// The triple was skipped; nothing was added (the reason as logged).
    Skipped {
        /// Why (an eigenvalue below EVCUT, the TS above TSTHRESH, ...).
        reason: String,
    },
    /// The triple was accepted: the ids of its three points (TS `plus` = `plus.id`, `minus` =
    /// `minus.id` when the TS is new).
    Accepted {
        /// The first minimum.
        plus: PointId,
        /// The transition state.
        ts: PointId,
        /// The second minimum.
        minus: PointId,
    },
}

/// Totals of [`Database::add_path_info`].
#[derive(Debug, Clone, PartialEq)]
pub struct PathSummary {
    /// The layout used.
    pub layout: Layout,
    /// The outcome of every triple, in file order.
    pub outcomes: Vec<TripleOutcome>,
    /// Minima appended.
    pub new_minima: usize,
    /// Transition states appended.
    pub new_ts: usize,
    /// True when the file ended inside a block (that block was ignored).
    pub incomplete: bool,
}

/// fvib and the negative eigenvalue of one block, or the reason to skip its triple.
struct Vib {
    fvib: f64,
    negeig: f64,
}

impl Database {
    /// fvib (algorithms.md §8) and the EVCUT tests of §9.3 for one block; `ts` selects the
    /// TS rules. Without eigenvalues: fvib = 1.0 and negeig = −1 (NOFRQS).
    fn vib(&self, b: &PathInfoBlock, ts: bool, what: &str) -> Result<Vib, String> {
        let Some(ev) = &b.eigenvalues else {
            return Ok(Vib {
                fvib: 1.0,
                negeig: -1.0,
            });
        };
        let nopt = self.cfg.nopt;
        let nz = self.cfg.zero_modes();
        let evcut = self.cfg.evcut;
        let used = nopt.saturating_sub(nz + usize::from(ts));
        if ev.len() != nopt || used == 0 {
            return Err(format!(
                "the {what} has {} eigenvalues for NOPT = {nopt} and {nz} zero modes",
                ev.len()
            ));
        }
        let mut fvib = 0.0;
        for (i, &l) in ev[..used].iter().enumerate() {
            let bad = if ts { l < evcut } else { l <= evcut };
            if bad {
                return Err(format!(
                    "eigenvalue {} of the {what} is {l:e}, below EVCUT = {evcut:e}",
                    i + 1
                ));
            }
            fvib += l.ln();
        }
        let negeig = ev[nopt - 1];
        if ts && negeig.abs() < evcut {
            return Err(format!(
                "the last eigenvalue of the {what} is {negeig:e}, of magnitude below EVCUT = \
                 {evcut:e}"
            ));
        }
        Ok(Vib { fvib, negeig })
    }

    fn inertia_of(&self, x: &[f64]) -> [f64; 3] {
        if self.cfg.is_atoms() {
            inertia_moments(x)
        } else {
            [0.0; 3]
        }
    }

    /// Report a re-found point whose fvib or order differs (algorithms.md §9.3 step 3) and
    /// keep the larger order in memory.
    fn reconcile(&mut self, ts: bool, id: usize, fvib: f64, order: usize) {
        let kind = if ts { "transition state" } else { "minimum" };
        let (old_fvib, old_order) = if ts {
            (self.tss[id - 1].fvib, self.tss[id - 1].order)
        } else {
            (self.minima[id - 1].fvib, self.minima[id - 1].order)
        };
        if !self.cfg.nofrqs && old_fvib != 0.0 && ((fvib - old_fvib) / old_fvib).abs() > 1.0e-3 {
            log::warn!(
                "{kind} {id} found again with fvib {fvib} instead of {old_fvib} (relative \
                 difference above 1.0e-3)"
            );
        }
        if order != old_order && !self.cfg.no_point_group {
            log::error!(
                "{kind} {id} found again with point-group order {order} instead of \
                 {old_order}; the larger order is used"
            );
            let h = order.max(old_order);
            if ts {
                self.tss[id - 1].order = h;
            } else {
                self.minima[id - 1].order = h;
            }
        }
    }

    fn identify_minimum(&mut self, b: &PathInfoBlock, v: &Vib) -> Result<PointId, DbError> {
        if let Some(id) = self.find_minimum(b.energy, &b.coords) {
            self.reconcile(
                false,
                id,
                if self.cfg.nofrqs { 1.0 } else { v.fvib },
                b.order,
            );
            return Ok(PointId { id, new: false });
        }
        let rec = MinRecord::new(b.energy, v.fvib, b.order, self.inertia_of(&b.coords));
        let id = self.add_minimum(rec, &b.coords)?;
        Ok(PointId { id, new: true })
    }

    /// Process one (minimum, TS, minimum) triple (algorithms.md §9.3): compute fvib (1.0
    /// without eigenvalues), skip the triple when an eigenvalue fails the EVCUT tests or the TS
    /// lies above TSTHRESH, then identify each point against the database (including points
    /// added earlier from the same file) and append the new ones — minima first, each as a
    /// points record then a `min.data` line, then a new TS with `plus` = the first minimum's
    /// id and `minus` = the third's. A known TS is not added again. The skip decisions are
    /// made before anything is written.
    pub fn add_triple(&mut self, t: &PathTriple) -> Result<TripleOutcome, DbError> {
        let nopt = self.cfg.nopt;
        for (b, what) in [
            (&t.plus, "first minimum"),
            (&t.ts, "TS"),
            (&t.minus, "second minimum"),
        ] {
            if b.coords.len() != nopt {
                return Err(DbError::Invalid(format!(
                    "the {what} has {} coordinates, NOPT is {nopt}",
                    b.coords.len()
                )));
            }
        }
        let skip = |reason: String| {
            log::warn!("getallpaths> SKIPPING triple: {reason}");
            Ok(TripleOutcome::Skipped { reason })
        };
        let vp = match self.vib(&t.plus, false, "first minimum") {
            Ok(v) => v,
            Err(r) => return skip(r),
        };
        let vt = match self.vib(&t.ts, true, "TS") {
            Ok(v) => v,
            Err(r) => return skip(r),
        };
        let vm = match self.vib(&t.minus, false, "second minimum") {
            Ok(v) => v,
            Err(r) => return skip(r),
        };
        if t.ts.energy > self.cfg.tsthresh {
            return skip(format!(
                "the TS energy {} lies above TSTHRESH = {}",
                t.ts.energy, self.cfg.tsthresh
            ));
        }
        if t.ts.energy < t.plus.energy || t.ts.energy < t.minus.energy {
            log::warn!(
                "getallpaths> the TS energy {} is below one of its minima ({}, {})",
                t.ts.energy,
                t.plus.energy,
                t.minus.energy
            );
        }
        let plus = self.identify_minimum(&t.plus, &vp)?;
        let minus = self.identify_minimum(&t.minus, &vm)?;
        let ts = if let Some(id) = self.find_ts(t.ts.energy, &t.ts.coords) {
            self.reconcile(
                true,
                id,
                if self.cfg.nofrqs { 1.0 } else { vt.fvib },
                t.ts.order,
            );
            PointId { id, new: false }
        } else {
            let rec = TsRecord {
                energy: t.ts.energy,
                fvib: vt.fvib,
                order: t.ts.order,
                plus: plus.id,
                minus: minus.id,
                inertia: self.inertia_of(&t.ts.coords),
                negeig: self.cfg.imfrq.then_some(vt.negeig),
            };
            PointId {
                id: self.add_ts(rec, &t.ts.coords)?,
                new: true,
            }
        };
        Ok(TripleOutcome::Accepted { plus, ts, minus })
    }

    /// Read a `path.info` file (eigenvalues detected by content) and add its triples in file
    /// order with [`Database::add_triple`]. `layout`: `Some` when a keyword fixes it (TRIPLES,
    /// STARTTRIPLES, ADDTRIPLES), `None` for the auto-detection of algorithms.md §9.3. A
    /// trailing incomplete triple or block is ignored (with a warning).
    pub fn add_path_info(
        &mut self,
        path: &Path,
        layout: Option<Layout>,
    ) -> Result<PathSummary, DbError> {
        let info = path_info::read(path, self.cfg.nopt, Eigenvalues::Auto)?;
        if let Some(inc) = &info.incomplete {
            log::warn!(
                "{}: the block starting at line {} is incomplete ({}); ignored",
                path.display(),
                inc.line,
                inc.message
            );
        }
        let layout = layout.unwrap_or_else(|| path_info::detect_layout(&info));
        let mut summary = PathSummary {
            layout,
            outcomes: Vec::new(),
            new_minima: 0,
            new_ts: 0,
            incomplete: info.incomplete.is_some(),
        };
        for t in path_info::triples(&info.blocks, layout) {
            let o = self.add_triple(&t)?;
            if let TripleOutcome::Accepted { plus, ts, minus } = &o {
                summary.new_minima += usize::from(plus.new) + usize::from(minus.new);
                summary.new_ts += usize::from(ts.new);
            }
            summary.outcomes.push(o);
        }
        Ok(summary)
    }

    /// Add the minima of a `min.data.info` file (READMIN; several records may be
    /// concatenated, files.md §2.5), each unless it is already known. Returns the id of every
    /// record's minimum, in file order, and whether it was appended.
    pub fn add_min_data_info(&mut self, path: &Path) -> Result<Vec<PointId>, DbError> {
        let text = crate::files::error::read_text(path)?;
        let recs =
            crate::files::min_data_info::parse(&text, &path.display().to_string(), self.cfg.nopt)
                .map_err(crate::files::error::FileError::Read)?;
        recs.iter()
            .map(|m| self.add_minimum_if_new(MinRecord::from(m), &m.coords))
            .collect()
    }
}
