//! One OPTIM run in a working directory: `OPTIM` reads `odata` (and `finish`); `OPTIM s` reads
//! `odata.s` and `finish.s` and suffixes every output with `.s` (files.md §2.1).
//!
//! All inputs are read and validated before any output file is created.

use crate::connect::{
    minimise_to_minimum, step_off, ConnectObserver, Connection, KnownMinimum, KnownTs,
};
use crate::hef::find_ts;
use crate::keywords::{Coordinates, OptimInput, Task};
use crate::model::Model;
use crate::output::{PathWriter, StationaryPoint};
use anyhow::{anyhow, bail, Context, Result};
use common::deck::Deck;
use common::files::min_data_info::MinDataInfo;
use common::geometry::AlignOptions;
use common::lbfgs::minimise;
use common::mlp::MlpSpec;
use common::potential::{rms, Potential};
use common::system::Symmetry;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File names of a run, with the optional job suffix.
#[derive(Debug, Clone)]
pub struct Names {
    dir: PathBuf,
    suffix: Option<String>,
}

impl Names {
    /// Names in `dir` with an optional suffix (`OPTIM s`).
    pub fn new(dir: &Path, suffix: Option<&str>) -> Self {
        Self {
            dir: dir.to_path_buf(),
            suffix: suffix.map(str::to_string),
        }
    }

    /// `base` or `base.s`.
    pub fn file(&self, base: &str) -> PathBuf {
        match &self.suffix {
            Some(s) => self.dir.join(format!("{base}.{s}")),
            None => self.dir.join(base),
        }
    }

    /// `path.xyz` or `path.s.xyz`.
    pub fn xyz(&self) -> PathBuf {
        match &self.suffix {
            Some(s) => self.dir.join(format!("path.{s}.xyz")),
            None => self.dir.join("path.xyz"),
        }
    }
}

/// A validated run.
pub struct Prepared {
    /// Keywords.
    pub input: OptimInput,
    /// The potential and its comparison rules.
    pub model: Model,
    /// Start point.
    pub start: Vec<f64>,
    /// Second end point (NEWCONNECT).
    pub finish: Option<Vec<f64>>,
    /// File names.
    pub names: Names,
}

fn read_values(path: &Path, nopt: usize) -> Result<Vec<f64>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut x = Vec::with_capacity(nopt);
    for (k, line) in text.lines().enumerate() {
        for t in line
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
        {
            x.push(common::deck::list_directed_real(t).ok_or_else(|| {
                anyhow!(
                    "{}:{}: cannot read '{t}' as a number",
                    path.display(),
                    k + 1
                )
            })?);
        }
    }
    if x.len() != nopt {
        bail!(
            "{}: expected {nopt} values, found {}",
            path.display(),
            x.len()
        );
    }
    Ok(x)
}

/// The potential, symmetry and start point that an odata deck defines (`dir` holds its
/// MLPdata). `gpu`: honour the deck's GPU line (OPTIM's own run); PATHSAMPLE's check of its
/// database (a few energies) asks for the CPU path.
pub fn system_of(
    input: &OptimInput,
    dir: &Path,
    deck_path: &Path,
    gpu: bool,
) -> Result<(Box<dyn Potential>, Symmetry, Vec<f64>)> {
    let align = AlignOptions {
        no_inversion: input.no_inversion,
        permdist: input.permdist,
        perm_groups: None,
        ranrot: input.ranrot,
        seed: 1,
    };
    let system: (Box<dyn Potential>, Symmetry, Vec<f64>) = match &input.coords {
        Coordinates::Atoms { labels, x } => {
            if let Some(bad) = labels.iter().find(|l| l.as_str() != "AX") {
                bail!(
                    "{}: atom label {bad} is not supported (only AX atoms: LJAT with Z = PARAMS 1)",
                    deck_path.display()
                );
            }
            let z = input.params.first().copied().unwrap_or(0.0);
            let p = common::system::build_ljat(labels.len(), z, &input.freeze)?;
            (Box::new(p), Symmetry::atoms(align), x.clone())
        }
        Coordinates::Variables { x, nzero } => {
            let line = input.mlp.as_ref().ok_or_else(|| {
                anyhow!(
                    "{}: VARIABLES needs an MLP keyword before it",
                    deck_path.display()
                )
            })?;
            let mut spec = MlpSpec::from_keyword(&line.keyword, &line.args)
                .map_err(|m| anyhow!("{}: {}: {m}", line.place(), line.keyword))?;
            spec.noregbias = input.noregbias;
            spec.mlpnorm = input.mlpnorm;
            if spec.nopt() != x.len() {
                bail!(
                    "keywords> ERROR *** NATOMS,NMLP= {} {}: VARIABLES holds {} values but {} needs {}",
                    x.len(),
                    spec.nopt(),
                    x.len(),
                    line.keyword,
                    spec.nopt()
                );
            }
            let mlp = common::system::build_mlp(&spec, &dir.join("MLPdata"), &input.freeze)
                .map_err(|e| anyhow!("{}: {e}", line.place()))?;
            let group = input.permdist.then(|| {
                common::system::NetworkSymmetry::new(mlp.network().clone(), mlp.frozen().cloned())
            });
            (
                if gpu {
                    kernels::select_mlp(mlp, input.gpu)
                } else {
                    Box::new(mlp)
                },
                Symmetry::network(*nzero, group),
                x.clone(),
            )
        }
    };
    Ok(system)
}

/// Read and validate everything (no file is written).
pub fn prepare(dir: &Path, suffix: Option<&str>) -> Result<Prepared> {
    let names = Names::new(dir, suffix);
    let deck_path = names.file("odata");
    let deck = Deck::read_with_terminators(&deck_path, &["POINTS", "VARIABLES"])?;
    let input = OptimInput::from_deck(&deck)?;
    let (potential, symmetry, start) = system_of(&input, dir, &deck_path, true)?;
    let nopt = potential.nopt();
    let finish = if input.task == Task::Connect {
        Some(read_values(&names.file("finish"), nopt)?)
    } else {
        None
    };
    let mut model = Model::new(potential, symmetry);
    model.edifftol = input.connect.edifftol;
    model.geomdifftol = input.connect.geomdifftol;
    Ok(Prepared {
        input,
        model,
        start,
        finish,
        names,
    })
}

/// Writes triples to path.info as they are found (DUMPALLPATHS) and logs to stdout.
struct Reporter<'a> {
    writer: Option<&'a mut PathWriter>,
    out: &'a mut dyn Write,
    model: &'a Model,
    input: &'a OptimInput,
    error: Option<anyhow::Error>,
}

impl ConnectObserver for Reporter<'_> {
    fn log(&mut self, line: String) {
        let _ = writeln!(self.out, "{line}");
    }
    fn triple(&mut self, minima: &[KnownMinimum], ts: &KnownTs) {
        if let Some(w) = self.writer.as_deref_mut() {
            let r = (|| -> Result<()> {
                let p = StationaryPoint::minimum(self.model, &minima[ts.plus].x, self.input)?;
                let t = StationaryPoint::ts(self.model, &ts.x, self.input)?;
                let m = StationaryPoint::minimum(self.model, &minima[ts.minus].x, self.input)?;
                w.write_triple(&p, &t, &m)
            })();
            if let Err(e) = r {
                self.error.get_or_insert(e);
            }
        }
    }
}

/// Run a prepared job; writes the outputs and the log to `out`.
pub fn execute(p: Prepared, out: &mut dyn Write) -> Result<()> {
    let Prepared {
        input,
        model,
        start,
        finish,
        names,
    } = p;
    let pot = model.potential.as_ref();
    match input.task {
        Task::Minimise => {
            let r = minimise(pot, &start, &input.minimiser);
            writeln!(
                out,
                "OPTIM> minimisation {} after {} iterations: E= {:.10} RMS= {:.4e}",
                if r.converged() {
                    "converged"
                } else {
                    "did NOT converge"
                },
                r.iterations,
                r.energy,
                r.rms
            )?;
            if input.dump_data {
                if !r.converged() {
                    bail!("minimisation did not converge: min.data.info not written");
                }
                let sp = StationaryPoint::minimum(&model, &r.x, &input)?;
                let rec = MinDataInfo {
                    energy: sp.energy,
                    fvib: sp.fvib,
                    order: sp.order,
                    inertia: sp.inertia,
                    coords: r.x.clone(),
                };
                std::fs::write(names.file("min.data.info"), rec.render())?;
            }
        }
        Task::TransitionState => {
            let mut log_lines = Vec::new();
            let ts = find_ts(&model, &start, None, &input.hef, &mut |l| log_lines.push(l));
            for l in log_lines {
                writeln!(out, "{l}")?;
            }
            writeln!(
                out,
                "OPTIM> TS search {} after {} iterations: E= {:.10} RMS= {:.4e} eigenvalue= {:.6e}",
                if ts.converged {
                    "converged"
                } else {
                    "did NOT converge"
                },
                ts.iterations,
                ts.energy,
                ts.rms,
                ts.eigenvalue
            )?;
            if !ts.converged {
                bail!("transition-state search did not converge");
            }
            if input.path || input.dump_all_paths || input.dump_path {
                let off = step_off(&model, &ts, input.connect.pushoff, &input.minimiser);
                let mut w = PathWriter::create(&names.file("path.info"))?;
                let p = StationaryPoint::minimum(&model, &off.plus.x, &input)?;
                let t = StationaryPoint::ts(&model, &ts.x, &input)?;
                let m = StationaryPoint::minimum(&model, &off.minus.x, &input)?;
                w.write_triple(&p, &t, &m)?;
                if input.path {
                    crate::output::write_path_files(
                        &model,
                        &ts,
                        input.connect.pushoff,
                        &input.minimiser,
                        &names,
                    )?;
                }
                writeln!(
                    out,
                    "OPTIM> minima on either side: E+= {:.10} E-= {:.10}",
                    off.plus.energy, off.minus.energy
                )?;
            }
        }
        Task::Connect => {
            let mut finish = finish.expect("finish read for NEWCONNECT");
            let mut start = start;
            for (name, x) in [("start", &mut start), ("finish", &mut finish)] {
                let r = rms(&pot.gradient(x));
                if input.reoptimise_endpoints && r > input.minimiser.tolerance {
                    let m = minimise_to_minimum(&model, x, &input.minimiser);
                    writeln!(
                        out,
                        "OPTIM> reoptimised the {name} end point: E= {:.10} RMS= {:.4e}",
                        m.energy, m.rms
                    )?;
                    *x = m.x;
                }
                // An end point with negative curvature is a saddle, not a minimum: connecting
                // it makes no sense, so it is pushed downhill to the nearest minimum.
                let mode = crate::eigen::lowest_mode(
                    &model,
                    x,
                    None,
                    &crate::eigen::EigenSettings::default(),
                )?;
                if mode.value < -common::hessian_data::INDEX_TOL {
                    let m = minimise_to_minimum(&model, x, &input.minimiser);
                    writeln!(
                        out,
                        "OPTIM> WARNING: the {name} end point has a negative Hessian eigenvalue ({:.4e}); moved to the minimum below it: E= {:.10} RMS= {:.4e}",
                        mode.value, m.energy, m.rms
                    )?;
                    *x = m.x;
                }
            }
            let mut writer = if input.dump_all_paths || input.dump_path {
                Some(PathWriter::create(&names.file("path.info"))?)
            } else {
                None
            };
            let (es, ef) = (pot.energy(&start), pot.energy(&finish));
            if model.same_minimum(&start, es, &finish, ef) {
                // Copies of one minimum (under PERMDIST: permuted or sign-flipped networks,
                // rotated or permuted clusters): nothing to connect.
                writeln!(
                    out,
                    "OPTIM> the start and finish points are the same minimum (E= {:.10} and {:.10}, distance {:.6e} after alignment{}): nothing to connect",
                    es,
                    ef,
                    model.distance(&start, &finish),
                    if model.symmetry.permdist() {
                        " with PERMDIST"
                    } else {
                        ""
                    }
                )?;
                return Ok(());
            }
            let mut conn = Connection::new(
                &model,
                KnownMinimum {
                    energy: pot.energy(&start),
                    x: start.clone(),
                },
                KnownMinimum {
                    energy: pot.energy(&finish),
                    x: finish.clone(),
                },
            );
            writeln!(
                out,
                "OPTIM> connecting minima E= {:.10} and E= {:.10}",
                conn.minima[0].energy, conn.minima[1].energy
            )?;
            let mut rep = Reporter {
                writer: if input.dump_all_paths {
                    writer.as_mut()
                } else {
                    None
                },
                out,
                model: &model,
                input: &input,
                error: None,
            };
            let outcome = conn.run(
                &input.connect,
                &input.hef,
                &input.minimiser,
                &input.dneb,
                &mut rep,
            );
            if let Some(e) = rep.error {
                return Err(e);
            }
            if input.dump_path && !input.dump_all_paths && outcome.connected {
                let w = writer.as_mut().expect("writer created for DUMPPATH");
                // Consecutive triples along the path, each oriented from start to finish.
                for &(a, t, b) in &outcome.path {
                    let p = StationaryPoint::minimum(&model, &conn.minima[a].x, &input)?;
                    let ts = StationaryPoint::ts(&model, &conn.ts[t].x, &input)?;
                    let m = StationaryPoint::minimum(&model, &conn.minima[b].x, &input)?;
                    w.write_triple(&p, &ts, &m)?;
                }
            }
            writeln!(
                out,
                "OPTIM> {} after {} cycles: {} minima and {} transition states known",
                if outcome.connected {
                    "connected"
                } else {
                    "NOT connected"
                },
                outcome.cycles,
                conn.minima.len(),
                conn.ts.len()
            )?;
        }
    }
    Ok(())
}
