//! The smallest Hessian eigenpair, by Rayleigh–Ritz minimisation with the analytic
//! Hessian-vector product, or exactly from the LAPACK Hessian (algorithms.md §5, step 1).
//!
//! Zero modes (atoms: translations and rotations) are projected out of the trial vector so
//! the search finds the lowest *non-zero* mode; for LAPACK the zero-mode space is shifted
//! up by a large constant instead.

use crate::model::{dot, norm, project_out, Model};
use common::lbfgs::{Lbfgs, LbfgsConfig, Objective};
use common::linalg::{lowest_eigenpair, LinalgError};

/// How the lowest eigenpair is found.
#[derive(Debug, Clone)]
pub struct EigenSettings {
    /// Rayleigh–Ritz (NOHESS without NOIT) instead of LAPACK.
    pub rayleigh_ritz: bool,
    /// Maximum Rayleigh–Ritz iterations (NEVS).
    pub max_iterations: usize,
    /// Convergence: RMS of the Rayleigh-quotient gradient (CEIG).
    pub tolerance: f64,
    /// LBFGS memory (XMUPDATE).
    pub memory: usize,
    /// Initial inverse-Hessian diagonal (XDGUESS).
    pub dguess: f64,
    /// Maximum step (2nd MAXBFGS value).
    pub max_step: f64,
    /// Maximum rise of the Rayleigh quotient per step (2nd MAXERISE value).
    pub max_erise: f64,
    /// Use a central finite difference of gradients for Hv (the Fortran's NOHESS route)
    /// instead of the analytic product; for comparisons only.
    pub finite_difference_hv: bool,
}

impl Default for EigenSettings {
    fn default() -> Self {
        Self {
            rayleigh_ritz: false,
            max_iterations: 500,
            tolerance: 1.0e-10,
            memory: 4,
            dguess: 0.1,
            max_step: 0.2,
            max_erise: 1.0e-3,
            finite_difference_hv: false,
        }
    }
}

/// The lowest eigenpair.
#[derive(Debug, Clone)]
pub struct Eigenpair {
    /// Eigenvalue (Rayleigh quotient).
    pub value: f64,
    /// Unit eigenvector.
    pub vector: Vec<f64>,
    /// Whether the iterative search converged (always true for LAPACK).
    pub converged: bool,
    /// Hessian-vector products used.
    pub products: usize,
}

/// Rayleigh quotient `vᵀHv / vᵀv` as an objective of `v`, with zero modes projected out.
struct RayleighQuotient<'a> {
    model: &'a Model,
    x: &'a [f64],
    zero: &'a [Vec<f64>],
    finite_difference: bool,
    hv: Vec<f64>,
    v: Vec<f64>,
    products: usize,
}

impl Objective for RayleighQuotient<'_> {
    fn dimension(&self) -> usize {
        self.x.len()
    }
    fn evaluate(&mut self, v: &[f64], grad: &mut [f64]) -> f64 {
        self.v.copy_from_slice(v);
        project_out(&mut self.v, self.zero);
        if self.finite_difference {
            // Central difference of gradients along the unit vector, step 1e-6 (as OPTIM).
            let nv = dot(&self.v, &self.v).sqrt().max(1e-300);
            let unit: Vec<f64> = self.v.iter().map(|a| a / nv).collect();
            let pot = self.model.potential.as_ref();
            let fd = common::potential::fd::hessian_vector(pot, self.x, &unit, 1e-6);
            self.hv.iter_mut().zip(&fd).for_each(|(h, f)| *h = f * nv);
        } else {
            self.model
                .potential
                .hessian_vector(self.x, &self.v, &mut self.hv);
        }
        self.products += 1;
        let vv = dot(&self.v, &self.v).max(1e-300);
        let q = dot(&self.v, &self.hv) / vv;
        for ((gi, hvi), vi) in grad.iter_mut().zip(&self.hv).zip(&self.v) {
            *gi = 2.0 * (hvi - q * vi) / vv;
        }
        project_out(grad, self.zero);
        if let Some(m) = self.model.potential.frozen() {
            m.apply(grad);
        }
        q
    }
}

/// Lowest eigenpair of the Hessian at `x`, starting the iterative search from `guess`.
pub fn lowest_mode(
    model: &Model,
    x: &[f64],
    guess: Option<&[f64]>,
    s: &EigenSettings,
) -> Result<Eigenpair, LinalgError> {
    let zero = model.zero_modes(x);
    if !s.rayleigh_ritz {
        let mut h = model.potential.hessian(x);
        let shift = 1.0e3 * (1.0 + h.amax());
        for u in &zero {
            for i in 0..u.len() {
                for j in 0..u.len() {
                    h[(i, j)] += shift * u[i] * u[j];
                }
            }
        }
        if let Some(m) = model.potential.frozen() {
            for i in 0..x.len() {
                if m.is_frozen(i) {
                    h[(i, i)] += shift;
                }
            }
        }
        let (value, vector) = lowest_eigenpair(&h)?;
        return Ok(Eigenpair {
            value,
            vector,
            converged: true,
            products: 0,
        });
    }
    let n = x.len();
    let mut v0: Vec<f64> = match guess {
        Some(g) if norm(g) > 0.0 => g.to_vec(),
        _ => (0..n)
            .map(|i| ((i as f64 + 1.0) * 0.7548776662).sin())
            .collect(),
    };
    project_out(&mut v0, &zero);
    if let Some(m) = model.potential.frozen() {
        m.apply(&mut v0);
    }
    let nv = norm(&v0);
    if nv < 1e-12 {
        v0 = (0..n)
            .map(|i| ((i as f64 + 1.0) * 0.7548776662).sin())
            .collect();
        project_out(&mut v0, &zero);
    }
    let nv = norm(&v0);
    v0.iter_mut().for_each(|a| *a /= nv);
    let mut obj = RayleighQuotient {
        model,
        x,
        zero: &zero,
        finite_difference: s.finite_difference_hv,
        hv: vec![0.0; n],
        v: vec![0.0; n],
        products: 0,
    };
    let cfg = LbfgsConfig {
        memory: s.memory,
        dguess: s.dguess,
        max_step: s.max_step,
        max_erise: s.max_erise,
        tolerance: s.tolerance,
        max_iterations: s.max_iterations,
        step_block: None,
    };
    let r = Lbfgs::new(cfg).minimise(&mut obj, &v0);
    let converged = r.converged();
    let value = r.energy;
    let mut v = r.x;
    project_out(&mut v, &zero);
    let nv = norm(&v);
    v.iter_mut().for_each(|a| *a /= nv);
    Ok(Eigenpair {
        value,
        vector: v,
        converged,
        products: obj.products,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::geometry::AlignOptions;
    use common::ljat::{geometry, Ljat};

    fn ljat3() -> Model {
        Model::new(
            Box::new(Ljat::new(3, 2.0)),
            common::system::Symmetry::atoms(AlignOptions::default()),
        )
    }

    #[test]
    fn ts_negative_mode_by_both_methods() {
        let m = ljat3();
        let x = geometry::isosceles3(1.130962145108, 1.553084476827);
        let exact = lowest_mode(&m, &x, None, &EigenSettings::default()).unwrap();
        assert!(
            (exact.value + 3.53942100564).abs() < 1e-8,
            "{}",
            exact.value
        );
        let rr = lowest_mode(
            &m,
            &x,
            None,
            &EigenSettings {
                rayleigh_ritz: true,
                tolerance: 1e-9,
                max_iterations: 2000,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(rr.converged);
        assert!((rr.value + 3.53942100564).abs() < 1e-6, "{}", rr.value);
        assert!(dot(&rr.vector, &exact.vector).abs() > 0.9999);
    }

    #[test]
    fn zero_modes_are_skipped_at_a_minimum() {
        let m = ljat3();
        let x = geometry::equilateral3(1.168752317363);
        let e = lowest_mode(&m, &x, None, &EigenSettings::default()).unwrap();
        assert!((e.value - 32.8950544989).abs() < 1e-6, "{}", e.value);
        let rr = lowest_mode(
            &m,
            &x,
            None,
            &EigenSettings {
                rayleigh_ritz: true,
                tolerance: 1e-9,
                max_iterations: 2000,
                ..Default::default()
            },
        )
        .unwrap();
        assert!((rr.value - 32.8950544989).abs() < 1e-5, "{}", rr.value);
    }
}
