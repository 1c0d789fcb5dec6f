//! OPTIM's output files: `path.info` blocks (files.md §2.4), `EofS` and `path.xyz` (§2.6).

use crate::keywords::OptimInput;
use crate::model::Model;
use crate::run::Names;
use anyhow::Result;
use common::files::path_info::{self, PathInfoBlock};
use common::fortran_fmt::fmt_f;
use common::hessian_data::{vibrational_log_product, zero_modes, System};
use common::linalg::sym_eigenvalues;
use common::potential::fd;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// A stationary point with what path.info and min.data.info record.
#[derive(Debug, Clone)]
pub struct StationaryPoint {
    /// Energy.
    pub energy: f64,
    /// Point-group order.
    pub order: usize,
    /// Schoenflies symbol in the 4-column path.info style.
    pub symbol: String,
    /// Hessian eigenvalues, descending (None with NOFRQS).
    pub eigenvalues: Option<Vec<f64>>,
    /// ln Π of the positive non-zero eigenvalues (1.0 with NOFRQS).
    pub fvib: f64,
    /// Principal moments of inertia (0 for networks).
    pub inertia: [f64; 3],
    /// Coordinates.
    pub coords: Vec<f64>,
}

impl StationaryPoint {
    fn build(model: &Model, x: &[f64], input: &OptimInput, ts: bool) -> Result<Self> {
        let pot = model.potential.as_ref();
        let energy = pot.energy(x);
        let (order, symbol, inertia) = match model.kind() {
            System::Atoms => {
                let g = common::geometry::point_group(x, common::geometry::POINT_GROUP_TOL);
                (
                    g.order,
                    g.symbol_field(),
                    common::geometry::inertia_moments(x),
                )
            }
            System::Network { .. } => (1, "C1  ".to_string(), [0.0; 3]),
        };
        let (eigenvalues, f) = if input.nofrqs {
            (None, 1.0)
        } else {
            let h = if input.numerical_hessian {
                let mut h = fd::hessian(pot, x, 1.0e-6);
                if let Some(m) = pot.frozen() {
                    m.apply_matrix(&mut h);
                }
                h
            } else {
                pot.hessian(x)
            };
            let ev = sym_eigenvalues(&h)?;
            let (f, flat) = vibrational_log_product(&ev, zero_modes(pot, model.kind()), ts);
            if flat > 0 {
                log::warn!(
                    "{} at E = {energy}: {flat} flat Hessian mode(s) beyond the zero modes, left \
                     out of fvib",
                    if ts { "transition state" } else { "minimum" }
                );
            }
            (Some(ev), f)
        };
        Ok(Self {
            energy,
            order,
            symbol,
            eigenvalues,
            fvib: f,
            inertia,
            coords: x.to_vec(),
        })
    }

    /// A minimum.
    pub fn minimum(model: &Model, x: &[f64], input: &OptimInput) -> Result<Self> {
        Self::build(model, x, input, false)
    }

    /// A transition state.
    pub fn ts(model: &Model, x: &[f64], input: &OptimInput) -> Result<Self> {
        Self::build(model, x, input, true)
    }

    /// The path.info block (files.md §2.4).
    pub fn block(&self) -> PathInfoBlock {
        PathInfoBlock {
            energy: self.energy,
            order: self.order,
            symbol: self.symbol.trim_end().to_string(),
            eigenvalues: self.eigenvalues.clone(),
            coords: self.coords.clone(),
        }
    }
}

/// Appends (minimum, TS, minimum) triples to a path.info file, flushing after each.
pub struct PathWriter {
    file: File,
}

impl PathWriter {
    /// Create (truncate) the file.
    pub fn create(path: &Path) -> Result<Self> {
        Ok(Self {
            file: File::create(path)?,
        })
    }

    /// Write one triple.
    pub fn write_triple(
        &mut self,
        plus: &StationaryPoint,
        ts: &StationaryPoint,
        minus: &StationaryPoint,
    ) -> Result<()> {
        let text = path_info::render(&[plus.block(), ts.block(), minus.block()]);
        self.file.write_all(text.as_bytes())?;
        self.file.flush()?;
        Ok(())
    }
}

/// Records the points a minimisation evaluates.
struct Recording<'a> {
    model: &'a Model,
    frames: Vec<(Vec<f64>, f64)>,
}

impl common::lbfgs::Objective for Recording<'_> {
    fn dimension(&self) -> usize {
        self.model.nopt()
    }
    fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let e = self.model.potential.energy_gradient(x, g);
        self.frames.push((x.to_vec(), e));
        e
    }
}

/// The descent from `x` as the sequence of accepted iterates (each lower than all before).
fn descent(
    model: &Model,
    x: &[f64],
    minimiser: &common::lbfgs::LbfgsConfig,
) -> Vec<(Vec<f64>, f64)> {
    let mut rec = Recording {
        model,
        frames: Vec::new(),
    };
    common::lbfgs::Lbfgs::new(minimiser.clone()).minimise(&mut rec, x);
    let mut out: Vec<(Vec<f64>, f64)> = Vec::new();
    for (f, e) in rec.frames {
        if out.last().is_none_or(|l| e < l.1) {
            out.push((f, e));
        }
    }
    out
}

/// PATH: the two descents from the TS (pushed off by ±p along its eigenvector) joined at the
/// TS, from the + minimum to the − minimum; written to `EofS` (arc length, energy as
/// `2F20.10`) and, for atoms, `path.xyz` (count line, `Energy=` line, `AX x y z` lines).
pub fn write_path_files(
    model: &Model,
    ts: &crate::hef::TsResult,
    pushoff: f64,
    minimiser: &common::lbfgs::LbfgsConfig,
    names: &Names,
) -> Result<()> {
    let side = |sign: f64| {
        descent(
            model,
            &crate::connect::pushed_off(ts, pushoff, sign),
            minimiser,
        )
    };
    let mut frames: Vec<(Vec<f64>, f64)> = side(1.0);
    frames.reverse();
    frames.push((ts.x.clone(), ts.energy));
    frames.extend(side(-1.0));
    let mut eofs = String::new();
    let mut xyz = String::new();
    let mut s = 0.0;
    for (i, (f, e)) in frames.iter().enumerate() {
        if i > 0 {
            s += f
                .iter()
                .zip(&frames[i - 1].0)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
        }
        eofs.push_str(&format!("{}{}\n", fmt_f(s, 20, 10), fmt_f(*e, 20, 10)));
        if model.kind() == System::Atoms {
            xyz.push_str(&format!("{}\nEnergy= {}\n", f.len() / 3, fmt_f(*e, 20, 10)));
            for a in f.chunks(3) {
                xyz.push_str(&format!(
                    "AX {} {} {}\n",
                    fmt_f(a[0], 20, 10),
                    fmt_f(a[1], 20, 10),
                    fmt_f(a[2], 20, 10)
                ));
            }
        }
    }
    std::fs::write(names.file("EofS"), eofs)?;
    if model.kind() == System::Atoms {
        std::fs::write(names.xyz(), xyz)?;
    }
    Ok(())
}
