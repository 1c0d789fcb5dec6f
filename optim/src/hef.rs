//! Hybrid eigenvector-following transition-state search (BFGSTS; algorithms.md §5).
//!
//! Each macro-iteration: find the lowest Hessian eigenpair (λ, v); take an uphill
//! eigenvector-following step along v with an adaptive trust radius; minimise with LBFGS in the
//! subspace orthogonal to v. Converged when the RMS gradient is below CONVR with λ < 0 (and,
//! with CHECKINDEX, exactly one negative Hessian eigenvalue by LAPACK).

use crate::eigen::{lowest_mode, EigenSettings};
use crate::model::{dot, norm, Model};
use common::hessian_data::INDEX_TOL;
use common::lbfgs::{Lbfgs, LbfgsConfig, Objective};
use common::linalg::{count_negative, sym_eigenvalues};
use common::potential::rms;

/// BFGSTS parameters.
#[derive(Debug, Clone)]
pub struct HefSettings {
    /// Maximum macro-iterations (STEPS).
    pub max_steps: usize,
    /// RMS-gradient tolerance (CONVR / GMAX).
    pub convr: f64,
    /// Initial trust radius along the eigenvector (MAXSTEP).
    pub max_step: f64,
    /// Upper cap of the trust radius (MAXMAX).
    pub max_max: f64,
    /// Lower cap (MINMAX).
    pub min_max: f64,
    /// Trust-ratio threshold (TRAD).
    pub trad: f64,
    /// Subspace LBFGS steps while the eigenvector is still changing (NBFGSMAX1).
    pub nbfgsmax1: usize,
    /// Subspace LBFGS steps once it is converged (NBFGSMAX2).
    pub nbfgsmax2: usize,
    /// Subspace LBFGS parameters (memory, DGUESS, MAXBFGS, MAXERISE).
    pub subspace: LbfgsConfig,
    /// Eigenvector search parameters.
    pub eigen: EigenSettings,
    /// Verify the Hessian index with LAPACK before declaring convergence (CHECKINDEX).
    pub check_index: bool,
}

impl Default for HefSettings {
    fn default() -> Self {
        Self {
            max_steps: 200,
            convr: 1.0e-5,
            max_step: 0.2,
            max_max: 0.5,
            min_max: 0.01,
            trad: 2.0,
            nbfgsmax1: 10,
            nbfgsmax2: 100,
            subspace: LbfgsConfig {
                max_step: 0.2,
                ..LbfgsConfig::default()
            },
            eigen: EigenSettings::default(),
            check_index: false,
        }
    }
}

/// Outcome of a TS search.
#[derive(Debug, Clone)]
pub struct TsResult {
    /// Final coordinates.
    pub x: Vec<f64>,
    /// Energy.
    pub energy: f64,
    /// RMS gradient.
    pub rms: f64,
    /// Lowest eigenvalue.
    pub eigenvalue: f64,
    /// Its unit eigenvector.
    pub eigenvector: Vec<f64>,
    /// Macro-iterations used.
    pub iterations: usize,
    /// Converged to an index-one saddle.
    pub converged: bool,
}

/// Energy with the gradient projected orthogonal to a fixed direction.
struct Orthogonal<'a> {
    model: &'a Model,
    v: &'a [f64],
}

impl Objective for Orthogonal<'_> {
    fn dimension(&self) -> usize {
        self.v.len()
    }
    fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let e = self.model.potential.energy_gradient(x, g);
        let d = dot(g, self.v);
        g.iter_mut().zip(self.v).for_each(|(a, b)| *a -= d * b);
        e
    }
}

/// Search for a transition state from `x0`, with an optional initial eigenvector guess (a DNEB
/// tangent). `log` receives one line per macro-iteration.
pub fn find_ts(
    model: &Model,
    x0: &[f64],
    guess: Option<&[f64]>,
    s: &HefSettings,
    log: &mut dyn FnMut(String),
) -> TsResult {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut stpmax = s.max_step;
    let mut v: Option<Vec<f64>> = guess.map(<[f64]>::to_vec);
    let mut prev_lambda: Option<f64> = None;
    let mut energy = model.potential.energy_gradient(&x, &mut g);
    let mut last = (f64::NAN, vec![0.0; n]);
    for it in 1..=s.max_steps {
        let ep = match lowest_mode(model, &x, v.as_deref(), &s.eigen) {
            Ok(ep) => ep,
            Err(e) => {
                log(format!("bfgsts> eigenvector search failed: {e}"));
                break;
            }
        };
        let lambda = ep.value;
        let mut evec = ep.vector;
        // Keep the eigenvector's sign continuous between iterations.
        if let Some(old) = &v {
            if dot(old, &evec) < 0.0 {
                evec.iter_mut().for_each(|a| *a = -*a);
            }
        }
        // The eigenvector has settled when the search converged and it barely turned since the
        // previous macro-iteration (or its eigenvalue barely changed).
        let turned_little = v.as_ref().is_some_and(|old| dot(old, &evec).abs() > 0.99);
        let settled = ep.converged
            && (turned_little
                || prev_lambda
                    .is_some_and(|p| (p - lambda).abs() <= 1e-2 * lambda.abs().max(1e-8)));
        prev_lambda = Some(lambda);
        let r = rms(&g);
        log(format!(
            "bfgsts> iteration {it:5} E= {energy:20.10} RMS= {r:12.4e} lowest eigenvalue= {lambda:14.6e} step limit= {stpmax:8.4}"
        ));
        last = (lambda, evec.clone());
        if r < s.convr && lambda < 0.0 {
            let index_ok = !s.check_index || {
                let ev = sym_eigenvalues(&model.potential.hessian(&x)).unwrap_or_default();
                count_negative(&ev, INDEX_TOL) == 1
            };
            if index_ok {
                return TsResult {
                    rms: r,
                    x,
                    energy,
                    eigenvalue: lambda,
                    eigenvector: evec,
                    iterations: it,
                    converged: true,
                };
            }
            log("bfgsts> converged but the Hessian index is not one".into());
        }
        // Uphill eigenvector-following step along evec.
        let f = dot(&g, &evec);
        let lam = lambda.abs().max(1e-10);
        let mut h = 2.0 * f / (lam * (1.0 + (1.0 + 4.0 * f * f / (lam * lam)).sqrt()));
        // Capped at STPMAX, or at MAXMAX while λ ≥ 0; with λ ≥ 0 (still in a well along v)
        // move at least STPMAX uphill so the search leaves the well.
        let cap = if lambda >= 0.0 { s.max_max } else { stpmax };
        if h.abs() > cap {
            h = cap * h.signum();
        }
        if lambda >= 0.0 && h.abs() < stpmax {
            h = if h < 0.0 { -stpmax } else { stpmax };
        }
        x.iter_mut().zip(&evec).for_each(|(a, b)| *a += h * b);
        let mut g_new = vec![0.0; n];
        energy = model.potential.energy_gradient(&x, &mut g_new);
        let predicted = lambda * h;
        let actual = dot(&g_new, &evec) - f;
        if predicted.abs() > 1e-14 {
            let ratio = actual / predicted;
            if (ratio - 1.0).abs() > s.trad {
                stpmax = (stpmax / 1.1).max(s.min_max);
            } else {
                stpmax = (stpmax * 1.1).min(s.max_max);
            }
        }
        g = g_new;
        // Minimise in the space orthogonal to the eigenvector.
        let steps = if settled { s.nbfgsmax2 } else { s.nbfgsmax1 };
        if steps > 0 {
            let cfg = LbfgsConfig {
                max_iterations: steps,
                tolerance: s.convr / 10.0,
                ..s.subspace.clone()
            };
            let mut obj = Orthogonal { model, v: &evec };
            let r = Lbfgs::new(cfg).minimise(&mut obj, &x);
            x = r.x;
            energy = model.potential.energy_gradient(&x, &mut g);
        }
        v = Some(evec);
        if !energy.is_finite() {
            log("bfgsts> energy is not finite; giving up".into());
            break;
        }
    }
    TsResult {
        rms: rms(&g),
        x,
        energy,
        eigenvalue: last.0,
        eigenvector: last.1,
        iterations: s.max_steps,
        converged: false,
    }
}

/// Unit vector helper.
pub fn unit(v: &[f64]) -> Vec<f64> {
    let n = norm(v);
    if n == 0.0 {
        return v.to_vec();
    }
    v.iter().map(|a| a / n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::geometry::AlignOptions;
    use common::ljat::{geometry, Ljat};
    use common::rng::Stream;

    fn ljat3() -> Model {
        Model::new(
            Box::new(Ljat::new(3, 2.0)),
            common::system::Symmetry::atoms(AlignOptions::default()),
        )
    }

    #[test]
    fn converges_to_the_ljat3_ts_from_perturbed_geometries() {
        let m = ljat3();
        for (k, rr) in [(0u64, false), (1, true), (2, false), (3, true)] {
            let mut s = Stream::new(k, 0);
            let x0: Vec<f64> = geometry::isosceles3(1.130962145108, 1.553084476827)
                .iter()
                .map(|c| c + s.uniform_in(-0.05, 0.05))
                .collect();
            let settings = HefSettings {
                convr: 1e-8,
                check_index: true,
                eigen: EigenSettings {
                    rayleigh_ritz: rr,
                    tolerance: 1e-8,
                    max_iterations: 200,
                    ..Default::default()
                },
                ..Default::default()
            };
            let r = find_ts(&m, &x0, None, &settings, &mut |_| {});
            assert!(
                r.converged,
                "start {k} (RR {rr}) did not converge: E={} rms={}",
                r.energy, r.rms
            );
            assert!((r.energy + 1.985069657957).abs() < 1e-8, "{}", r.energy);
            assert!((r.eigenvalue + 3.53942100564).abs() < 1e-5);
        }
    }
}
