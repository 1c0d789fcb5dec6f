//! One GMIN run: read the inputs of a working directory, run the walkers, write the outputs.
//!
//! Every input (deck, `coords`, `MLPdata`, a restart dump) is read and validated before any
//! output file is created, so a bad input never clobbers the results of an earlier run.

use crate::coords::{parse_atoms, parse_values, read_text};
use crate::dump;
use crate::hopping::{final_quenches, AcceptanceReport, Observer, QuenchReport, Walker};
use crate::keywords::{GminInput, PotentialChoice};
use crate::output::{self, CoordStyle};
use crate::save::SaveIdentity;
use crate::save::SaveList;
use anyhow::{bail, Context, Result};
use common::deck::Deck;
use common::files::min_data_info::{self, MinDataInfo};
use common::fortran_fmt::{fmt_f, fmt_i};
use common::geometry::AlignOptions;
use common::hessian_data::{point_data, System};
use common::lbfgs::minimise;
use common::ljat::Ljat;
use common::mlp::{class_auc, MlpSpec};
use common::potential::Potential;
use common::rng::Stream;
use common::system::{build_ljat, build_mlp, NetworkSymmetry, Symmetry};
use kernels::MlpBackend;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The potential of a run.
pub enum Model {
    /// LJAT atoms.
    Ljat(Ljat),
    /// A network loss (on the CPU or, with GPU, on the device).
    Mlp(Box<MlpBackend>),
}

impl Model {
    /// The potential as a trait object.
    pub fn potential(&self) -> &dyn Potential {
        match self {
            Model::Ljat(p) => p,
            Model::Mlp(p) => p.as_ref() as &dyn Potential,
        }
    }
}

/// Everything read from the working directory, validated.
pub struct Prepared {
    /// Interpreted deck.
    pub input: GminInput,
    /// The potential.
    pub model: Model,
    /// Identity and alignment rules (PERMDIST).
    pub symmetry: Symmetry,
    /// Start coordinates.
    pub x0: Vec<f64>,
    /// Walkers restored from a dump, if RESTORE was given.
    pub restored: Option<Vec<Walker>>,
    /// Working directory.
    pub dir: PathBuf,
    /// Name of the main output file in `dir` (`GMIN_out`, or the first command-line argument).
    pub output: String,
}

/// Read and validate the deck and its inputs (no file is written).
pub fn prepare(dir: &Path, deck_path: &Path) -> Result<Prepared> {
    let deck = Deck::read(deck_path)?;
    let mut input = GminInput::from_deck(&deck)?;
    let coords_path = dir.join("coords");
    let (model, x0) = match &input.potential {
        PotentialChoice::Ljat { z } => {
            let text = read_text(&coords_path)?;
            let x0 = parse_atoms(&text, "coords")?;
            let natoms = x0.len() / 3;
            if input.centre {
                input.settings.centre_atoms = Some(natoms);
            }
            input.settings.container = Some(
                input
                    .radius
                    .unwrap_or_else(|| crate::keywords::default_container_radius(natoms)),
            );
            // The Fortran's angular moves belong to its Lennard-Jones atoms (algorithms.md §2).
            input.settings.angular_moves = input.default_potential;
            let p = build_ljat(natoms, *z, &[])?;
            (Model::Ljat(p), x0)
        }
        PotentialChoice::Mlp(line) => {
            let mut spec = MlpSpec::from_keyword(&line.keyword, &line.args).map_err(|m| {
                anyhow::anyhow!("{}:{}: {}: {m}", line.file, line.line, line.keyword)
            })?;
            spec.noregbias = input.noregbias;
            spec.mlpnorm = input.mlpnorm;
            let text = read_text(&coords_path)?;
            let x0 = parse_values(&text, "coords", spec.nopt())?;
            let mlp = build_mlp(&spec, &dir.join("MLPdata"), &[])
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("{}:{}: {}", line.file, line.line, line.keyword))?;
            let (backend, _) = kernels::select_mlp_backend(mlp, input.gpu);
            if backend.is_gpu() {
                log::info!("GMIN: network losses on {}", backend.describe());
            }
            (Model::Mlp(Box::new(backend)), x0)
        }
    };
    let symmetry = match &model {
        Model::Ljat(_) => Symmetry::atoms(AlignOptions {
            permdist: input.permdist,
            ..AlignOptions::default()
        }),
        Model::Mlp(b) => {
            let mlp = b.cpu();
            let group = input
                .permdist
                .then(|| NetworkSymmetry::new(mlp.network().clone(), mlp.frozen().cloned()));
            Symmetry::network(0, group)
        }
    };
    if let Some((dist, size, reseed)) = input.avoid {
        input.settings.avoid = Some(crate::hopping::Avoid {
            dist,
            size,
            reseed,
            symmetry: Arc::new(symmetry.clone()),
        });
    }
    if input.permdist {
        input.settings.save_identity = Some(Arc::new(SaveIdentity {
            symmetry: symmetry.clone(),
            geomdifftol: input.geomdifftol,
        }));
    }
    let restored = match &input.restore {
        Some(f) => {
            let path = dir.join(f);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("RESTORE: cannot read {}", path.display()))?;
            let w = dump::parse(&text, f, &input.settings)?;
            if w.len() != input.walkers {
                bail!(
                    "{f}: the dump holds {} walkers but the deck asks for {}",
                    w.len(),
                    input.walkers
                );
            }
            if w.iter().any(|w| w.x_markov.len() != x0.len()) {
                bail!(
                    "{f}: the dump's coordinates do not match NOPT = {}",
                    x0.len()
                );
            }
            let mut w = w;
            for walker in &mut w {
                let list = std::mem::replace(&mut walker.saved, crate::save::SaveList::new(0, 0.0));
                walker.saved = list.with_identity(input.settings.save_identity.clone());
            }
            Some(w)
        }
        None => None,
    };
    Ok(Prepared {
        input,
        model,
        symmetry,
        x0,
        restored,
        dir: dir.to_path_buf(),
        output: "GMIN_out".to_string(),
    })
}

/// Collects a walker's report lines (and TRACKDATA lines) in memory.
#[derive(Default)]
struct Recorder {
    lines: Vec<String>,
    energy: Vec<String>,
    markov: Vec<String>,
    best: Vec<String>,
    start: Option<Instant>,
    /// With DUMPMINDB: quenched minima in the order found (energy-distinct within the walker).
    found: Option<Vec<(f64, Vec<f64>)>>,
    ediff: f64,
    /// With PERMDIST, the structural identity of found minima.
    identity: Option<Arc<SaveIdentity>>,
}

impl Observer for Recorder {
    fn quench(&mut self, q: &QuenchReport) {
        let t = self
            .start
            .get_or_insert_with(Instant::now)
            .elapsed()
            .as_secs_f64();
        self.lines.push(output::quench_line(q, t));
        self.energy
            .push(output::track_energy_line(q.step, q.energy));
        self.markov
            .push(output::track_g_line(q.step, q.markov_energy));
        self.best.push(output::track_g_line(q.step, q.best_energy));
        if let Some(found) = &mut self.found {
            let seen = found.iter().any(|(e, x)| {
                (e - q.energy).abs() < self.ediff
                    && self
                        .identity
                        .as_ref()
                        .is_none_or(|id| id.symmetry.distance(x, &q.coords) < id.geomdifftol)
            });
            if !seen {
                found.push((q.energy, q.coords.clone()));
            }
        }
    }
    fn acceptance(&mut self, a: &AcceptanceReport) {
        self.lines.extend(output::acceptance_lines(a));
    }

    fn note(&mut self, line: &str) {
        self.lines.push(line.to_string());
    }
}

fn append_lines(w: &mut impl Write, lines: &[String]) -> std::io::Result<()> {
    for l in lines {
        writeln!(w, "{l}")?;
    }
    Ok(())
}

/// DUMPMINDB: every distinct minimum found, tightly requenched, appended to a
/// `min.data.info`-style file (flushed after every record) that PATHSAMPLE's READMIN loads.
struct MinDb {
    file: File,
    /// Known minima (energy, coordinates).
    known: Vec<(f64, Vec<f64>)>,
    ediff: f64,
    /// With PERMDIST: minima within EDIFF are the same only when aligned closer than
    /// GEOMDIFFTOL.
    identity: Option<Arc<SaveIdentity>>,
}

impl MinDb {
    /// Open for appending; minima already in the file (an earlier or restored run) are known.
    /// A restored run (`restoring`) may find the last record cut short by the interruption
    /// (GMIN writes whole records of 1 + ⌈NOPT/3⌉ lines): that remnant is truncated with a
    /// warning; anything else unreadable is an error.
    fn open(
        path: &Path,
        ediff: f64,
        nopt: usize,
        identity: Option<Arc<SaveIdentity>>,
        restoring: bool,
    ) -> Result<MinDb> {
        let known = match std::fs::read_to_string(path) {
            Ok(mut text) => {
                let whole = whole_records_len(&text, nopt);
                if restoring && whole < text.len() {
                    log::warn!(
                        "{}: dropping the last {} bytes, a record cut short when the run \
                         was interrupted",
                        path.display(),
                        text.len() - whole
                    );
                    let f = std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .and_then(|f| f.set_len(whole as u64).map(|_| f))
                        .with_context(|| format!("cannot truncate {}", path.display()))?;
                    drop(f);
                    text.truncate(whole);
                }
                min_data_info::parse(&text, &path.display().to_string(), nopt)?
                    .into_iter()
                    .map(|m| (m.energy, m.coords))
                    .collect()
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(MinDb {
            file,
            known,
            ediff,
            identity,
        })
    }

    /// Whether the minimum (e, x) is already in the file.
    fn known(&self, e: f64, x: &[f64]) -> bool {
        self.known.iter().any(|(k, y)| {
            (k - e).abs() < self.ediff
                && self
                    .identity
                    .as_ref()
                    .is_none_or(|id| id.symmetry.distance(y, x) < id.geomdifftol)
        })
    }

    /// Take the walkers' newly found minima, in walker order.
    fn absorb(
        &mut self,
        pot: &dyn Potential,
        settings: &crate::hopping::BhSettings,
        system: System,
        recorders: &mut [Recorder],
    ) -> Result<()> {
        for rec in recorders.iter_mut() {
            let Some(found) = &mut rec.found else {
                continue;
            };
            for (e, x) in found.drain(..) {
                if self.known(e, &x) {
                    continue;
                }
                let r = minimise(pot, &x, &settings.final_quench);
                if self.known(r.energy, &r.x) {
                    continue;
                }
                let data = point_data(pot, &r.x, system, false)?;
                if data.index != 0 {
                    log::warn!(
                        "DUMPMINDB: skipping a point with {} negative eigenvalues (E = {})",
                        data.index,
                        r.energy
                    );
                    continue;
                }
                if !data.fvib.is_finite() {
                    log::warn!(
                        "DUMPMINDB: skipping a point whose Hessian gives no finite fvib (E = {})",
                        r.energy
                    );
                    continue;
                }
                if data.flat_modes > 0 {
                    log::warn!(
                        "DUMPMINDB: minimum at E = {} has {} flat Hessian mode(s) beyond its zero \
                         modes; they are left out of fvib",
                        r.energy,
                        data.flat_modes
                    );
                }
                self.file
                    .write_all(MinDataInfo::from_point(&data, &r.x).render().as_bytes())?;
                self.file.flush()?;
                self.known.push((r.energy, r.x));
            }
            // Keep the walker's list bounded to what is still unknown.
            found.clear();
        }
        Ok(())
    }
}

/// Bytes of the leading whole records of a `min.data.info` that GMIN wrote: records of
/// 1 + ⌈NOPT/3⌉ newline-terminated lines.
fn whole_records_len(text: &str, nopt: usize) -> usize {
    let per = 1 + nopt.div_ceil(3);
    let mut len = 0;
    let mut lines = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        if !line.ends_with('\n') {
            break;
        }
        len += line.len();
        lines += 1;
        if lines % per == 0 {
            end = len;
        }
    }
    end
}

/// Run a prepared job and write all outputs into its directory.
pub fn execute(p: Prepared) -> Result<()> {
    let Prepared {
        input,
        model,
        x0,
        restored,
        dir,
        symmetry: _,
        output,
    } = p;
    let pot = model.potential();
    let settings = &input.settings;
    let nw = input.walkers;
    let out_path = dir.join(&output);
    let mut out = BufWriter::new(
        // A restored run continues the existing main output.
        if restored.is_some() {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&out_path)
        } else {
            File::create(&out_path)
        }
        .with_context(|| format!("cannot create {}", out_path.display()))?,
    );
    let open_track = |name: &str| -> Result<Option<BufWriter<File>>> {
        if !input.trackdata {
            return Ok(None);
        }
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(restored.is_some())
            .write(true)
            .truncate(restored.is_none())
            .open(dir.join(name))?;
        Ok(Some(BufWriter::new(f)))
    };
    let mut track = [
        open_track("energy")?,
        open_track("markov")?,
        open_track("best")?,
    ];
    let t0 = Instant::now();
    let temperatures = &input.temperatures;
    let mut recorders: Vec<Recorder> = (0..nw)
        .map(|_| Recorder {
            start: Some(t0),
            found: input.dump_min_db.as_ref().map(|_| Vec::new()),
            ediff: settings.ediff,
            identity: settings.save_identity.clone(),
            ..Default::default()
        })
        .collect();
    let system = match &model {
        Model::Ljat(_) => System::Atoms,
        Model::Mlp(_) => System::Network { nzero: 0 },
    };
    let mut min_db = match &input.dump_min_db {
        Some(name) => Some(MinDb::open(
            &dir.join(name),
            settings.ediff,
            x0.len(),
            settings.save_identity.clone(),
            restored.is_some(),
        )?),
        None => None,
    };
    if restored.is_none() {
        // What the run is, as the Fortran's output says it ("  38 LJ atoms"): NATOMS is the
        // number of lines of coords, so a short coords file shows here.
        match &model {
            Model::Ljat(p) if p.z() == 0.0 => writeln!(out, "{:4} LJ atoms", p.natoms())?,
            Model::Ljat(p) => writeln!(
                out,
                "{:4} LJAT atoms, Axilrod-Teller Z = {}",
                p.natoms(),
                p.z()
            )?,
            Model::Mlp(p) => writeln!(out, "{:4} network variables", p.nopt())?,
        }
        if let Some(r) = settings.container {
            writeln!(
                out,
                "Container radius={}",
                common::fortran_fmt::fmt_f(r, 20, 10)
            )?;
        }
    }
    let mut walkers: Vec<Walker> = match restored {
        Some(w) => {
            writeln!(
                out,
                "Restored {} walker(s) from {}",
                w.len(),
                input.restore.as_deref().unwrap_or("")
            )?;
            w
        }
        None => recorders
            .par_iter_mut()
            .enumerate()
            .map(|(k, rec)| {
                let mut w =
                    Walker::start(pot, settings, &x0, Stream::new(input.seed, k as u64), rec);
                w.temperature = *temperatures.get(k).unwrap_or(&settings.temperature);
                w
            })
            .collect(),
    };
    // Run in blocks of DUMPINT steps so that dumps are taken at well-defined points.
    let block = if input.dump_interval > 0 {
        input.dump_interval
    } else {
        usize::MAX
    };
    let flush = |out: &mut BufWriter<File>,
                 track: &mut [Option<BufWriter<File>>; 3],
                 recorders: &mut [Recorder]|
     -> Result<()> {
        for (k, rec) in recorders.iter_mut().enumerate() {
            if nw > 1 && !rec.lines.is_empty() {
                writeln!(out, "Walker {}:", k + 1)?;
            }
            append_lines(out, &rec.lines)?;
            rec.lines.clear();
            for (t, lines) in
                track
                    .iter_mut()
                    .zip([&mut rec.energy, &mut rec.markov, &mut rec.best])
            {
                if let Some(f) = t {
                    append_lines(f, lines)?;
                }
                lines.clear();
            }
        }
        out.flush()?;
        Ok(())
    };
    flush(&mut out, &mut track, &mut recorders)?;
    if let Some(db) = &mut min_db {
        db.absorb(pot, settings, system, &mut recorders)?;
    }
    loop {
        if walkers.iter().all(|w| w.finished(settings)) {
            break;
        }
        walkers
            .par_iter_mut()
            .zip(recorders.par_iter_mut())
            .for_each(|(w, rec)| {
                let stop = w.steps_done.saturating_add(block);
                while !w.finished(settings) && w.steps_done < stop {
                    w.step(pot, settings, rec);
                }
            });
        flush(&mut out, &mut track, &mut recorders)?;
        if let Some(db) = &mut min_db {
            db.absorb(pot, settings, system, &mut recorders)?;
        }
        if input.dump_interval > 0 {
            dump::write(&dir.join("GMIN.dump"), &walkers).context("writing GMIN.dump")?;
        }
    }
    for (k, w) in walkers.iter().enumerate() {
        if w.target_hit {
            writeln!(
                out,
                "Walker {}: target reached at step {}",
                k + 1,
                w.steps_done
            )?;
        }
        let ratio = if w.steps_done > 0 {
            w.accepted_total as f64 / w.steps_done as f64
        } else {
            0.0
        };
        writeln!(
            out,
            "{}",
            output::run_acceptance_line(ratio, w.step, w.astep, w.temperature)
        )?;
    }
    let mut saved = SaveList::merged(
        settings.nsave,
        settings.ediff,
        walkers.iter().map(|w| &w.saved),
    );
    let t_final = Instant::now();
    writeln!(
        out,
        "Tightly converging the SAVE lowest energy minima found"
    )?;
    writeln!(
        out,
        "NOTE: these may NOT match the other output files - see below for a sorted list of Lowest minima"
    )?;
    let reports = final_quenches(pot, settings, &mut saved);
    for r in &reports {
        writeln!(
            out,
            "{}",
            output::final_quench_line(
                r.index,
                r.energy,
                r.iterations,
                r.rms,
                t_final.elapsed().as_secs_f64()
            )
        )?;
        if !r.converged {
            writeln!(out, "WARNING - Final Quench {} did not converge", r.index)?;
        }
    }
    writeln!(
        out,
        "After re-sorting, the lowest found minima are (lowest free energy subtracted if applicable):"
    )?;
    for (k, m) in saved.entries().iter().enumerate() {
        writeln!(out, "{}", output::lowest_minimum_line(k + 1, m.energy))?;
    }
    // The Fortran's last two lines: wall time and every energy call of the run.
    let calls: u64 =
        walkers.iter().map(|w| w.calls).sum::<u64>() + reports.iter().map(|r| r.calls).sum::<u64>();
    writeln!(
        out,
        "time elapsed {} seconds",
        fmt_f(t0.elapsed().as_secs_f64(), 18, 1)
    )?;
    writeln!(out, "Number of potential calls {}", fmt_i(calls as i64, 18))?;
    let style = match &model {
        Model::Ljat(_) => CoordStyle::Atoms,
        Model::Mlp(_) => CoordStyle::Values,
    };
    if let Model::Mlp(backend) = &model {
        let mlp = backend.cpu();
        if let Some(pos) = input.mlpprob {
            let nout = mlp.network().nout();
            if pos > nout {
                bail!("MLPPROB: positive outcome {pos} exceeds Nout = {nout}");
            }
            for (k, m) in saved.entries().iter().enumerate() {
                let probs = mlp.probabilities(&m.coords);
                let auc = class_auc(&probs, mlp.data().labels(), nout, pos - 1).unwrap_or(f64::NAN);
                writeln!(out, "{}", output::auc_line(k + 1, auc))?;
            }
        }
        if input.mlprint {
            if let Some(m) = saved.entries().first() {
                let probs = mlp.probabilities(&m.coords);
                let nout = mlp.network().nout();
                for (d, row) in probs.chunks(nout).enumerate() {
                    let vals: Vec<String> = row.iter().map(|p| format!("{p:.10}")).collect();
                    writeln!(
                        out,
                        "item {:>8} label {} p= {}",
                        d + 1,
                        mlp.data().label(d),
                        vals.join(" ")
                    )?;
                }
            }
        }
    }
    std::fs::write(
        dir.join("lowest"),
        output::lowest_file(saved.entries(), style),
    )?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_records_of_min_data_info() {
        // NOPT = 4: records of 1 + 2 lines.
        let rec = "h\na b c\nd\n";
        let two = format!("{rec}{rec}");
        assert_eq!(super::whole_records_len(&two, 4), two.len());
        assert_eq!(
            super::whole_records_len(&format!("{two}h\na b"), 4),
            two.len()
        );
        assert_eq!(
            super::whole_records_len(&format!("{rec}h\na b c\n"), 4),
            rec.len()
        );
        assert_eq!(super::whole_records_len("", 4), 0);
    }
}
