//! Limited-memory BFGS in the GMIN/OPTIM style (algorithms.md §1).
//!
//! The problem (an [`Objective`]: energy and gradient) is separated from the solver
//! ([`Lbfgs`], configured by [`LbfgsConfig`]). Any [`Potential`] is an objective through
//! [`minimise`]; OPTIM's subspace and Rayleigh–Ritz minimisations implement [`Objective`]
//! themselves.
//!
//! One iteration:
//! 1. converged when RMS(g) ≤ `tolerance`; stop when `max_iterations` iterations were taken;
//! 2. direction: after a (re)start `d = −DGUESS·g` with step scale `s = min(1/|g|, |g|)`;
//!    afterwards the two-loop recursion over the last `min(iter, M)` pairs with
//!    `H0 = (yᵀs)/(yᵀy)` and `s = 1`;
//! 3. an uphill direction (`d·g > 0`) is reversed;
//! 4. the step `s·|d|` is capped at `max_step` (MAXBFGS);
//! 5. the trial point is accepted when `E' − E ≤ max_erise` (MAXERISE); otherwise the step is
//!    divided by 10 and retried; after more than 10 reductions in one iteration the memory is
//!    reset (a "failure"); more than 5 failures end the run ("Too many failures - giving up").
//!
//! Frozen variables have zero gradient components, so they never move.

pub mod keywords;

use crate::potential::{rms, Potential};
use log::warn;

/// Energy and gradient of the function being minimised.
pub trait Objective {
    /// Number of variables.
    fn dimension(&self) -> usize;
    /// Energy at `x`, gradient written into `grad`.
    fn evaluate(&mut self, x: &[f64], grad: &mut [f64]) -> f64;
}

/// Adapter making any [`Potential`] an [`Objective`].
pub struct PotentialObjective<'a, P: Potential + ?Sized>(pub &'a P);

impl<P: Potential + ?Sized> Objective for PotentialObjective<'_, P> {
    fn dimension(&self) -> usize {
        self.0.nopt()
    }
    fn evaluate(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.0.energy_gradient(x, grad)
    }
}

/// Parameters (GMIN keyword names in brackets; defaults are GMIN's).
#[derive(Debug, Clone, PartialEq)]
pub struct LbfgsConfig {
    /// Memory length M (UPDATES), default 4.
    pub memory: usize,
    /// Initial inverse-Hessian diagonal (DGUESS), default 0.1.
    pub dguess: f64,
    /// Maximum step length (MAXBFGS), default 0.4.
    pub max_step: f64,
    /// Maximum energy rise accepted in one step (MAXERISE), default 1.0e-10.
    pub max_erise: f64,
    /// RMS-gradient tolerance (SLOPPYCONV, TIGHTCONV, BFGSMIN ...), default 1.0e-3.
    pub tolerance: f64,
    /// Maximum number of iterations (MAXIT), default 500.
    pub max_iterations: usize,
    /// Apply the step cap per consecutive block of this many variables instead of to the whole
    /// step (DNEB: one block per image, MAXNEBBFGS per image). `None`: whole step.
    pub step_block: Option<usize>,
}

impl Default for LbfgsConfig {
    fn default() -> Self {
        Self {
            memory: 4,
            dguess: 0.1,
            max_step: 0.4,
            max_erise: 1.0e-10,
            tolerance: 1.0e-3,
            max_iterations: 500,
            step_block: None,
        }
    }
}

/// Why a minimisation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// RMS gradient ≤ tolerance.
    Converged,
    /// The iteration limit was reached first.
    MaxIterations,
    /// More than 5 memory resets after repeated energy rises ("Too many failures").
    TooManyFailures,
    /// The energy or gradient at the current point is not finite.
    NonFinite,
}

/// Outcome of a minimisation.
#[derive(Debug, Clone)]
pub struct MinimisationResult {
    /// Final coordinates (the lowest point reached).
    pub x: Vec<f64>,
    /// Energy at `x`.
    pub energy: f64,
    /// Gradient at `x`.
    pub gradient: Vec<f64>,
    /// RMS gradient at `x`.
    pub rms: f64,
    /// Accepted iterations.
    pub iterations: usize,
    /// Energy+gradient evaluations.
    pub function_calls: usize,
    /// Why the run stopped.
    pub termination: Termination,
}

impl MinimisationResult {
    /// True when the RMS tolerance was met.
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }
}

/// The solver; holds its configuration only.
#[derive(Debug, Clone, Default)]
pub struct Lbfgs {
    /// Parameters.
    pub config: LbfgsConfig,
}

use crate::linalg::{dot, norm};

/// The correction-pair memory of the two-loop recursion (a ring buffer).
struct Memory {
    s: Vec<Vec<f64>>,
    y: Vec<Vec<f64>>,
    rho: Vec<f64>,
    len: usize,
    next: usize,
}

impl Memory {
    fn new(m: usize, n: usize) -> Self {
        let m = m.max(1);
        Self {
            s: vec![vec![0.0; n]; m],
            y: vec![vec![0.0; n]; m],
            rho: vec![0.0; m],
            len: 0,
            next: 0,
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.next = 0;
    }

    fn capacity(&self) -> usize {
        self.s.len()
    }

    /// Store the pair (s, y); a zero `yᵀs` is replaced by 1 with a warning.
    fn push(&mut self, s: &[f64], y: &[f64]) {
        let k = self.next;
        self.s[k].copy_from_slice(s);
        self.y[k].copy_from_slice(y);
        let mut ys = dot(y, s);
        if ys == 0.0 {
            warn!("lbfgs> YS=0; replaced by 1");
            ys = 1.0;
        }
        self.rho[k] = 1.0 / ys;
        self.next = (k + 1) % self.capacity();
        self.len = (self.len + 1).min(self.capacity());
    }

    /// d = −H g by the two-loop recursion, H0 = (yᵀs/yᵀy) from the newest pair.
    fn direction(&self, g: &[f64], d: &mut [f64], alpha: &mut [f64]) {
        let m = self.capacity();
        d.iter_mut().zip(g).for_each(|(di, gi)| *di = -gi);
        let newest = (self.next + m - 1) % m;
        for j in 0..self.len {
            let k = (newest + m - j) % m;
            alpha[k] = self.rho[k] * dot(&self.s[k], d);
            d.iter_mut()
                .zip(&self.y[k])
                .for_each(|(di, yi)| *di -= alpha[k] * yi);
        }
        let yy = dot(&self.y[newest], &self.y[newest]);
        let ys = 1.0 / self.rho[newest];
        let h0 = if yy == 0.0 {
            warn!("lbfgs> YY=0; H0 replaced by 1");
            1.0
        } else {
            ys / yy
        };
        d.iter_mut().for_each(|di| *di *= h0);
        for j in (0..self.len).rev() {
            let k = (newest + m - j) % m;
            let beta = self.rho[k] * dot(&self.y[k], d);
            d.iter_mut()
                .zip(&self.s[k])
                .for_each(|(di, si)| *di += (alpha[k] - beta) * si);
        }
    }
}

impl Lbfgs {
    /// A solver with the given parameters.
    pub fn new(config: LbfgsConfig) -> Self {
        Self { config }
    }

    /// Minimise `objective` from `x0`.
    pub fn minimise<O: Objective + ?Sized>(
        &self,
        objective: &mut O,
        x0: &[f64],
    ) -> MinimisationResult {
        let c = &self.config;
        let n = objective.dimension();
        assert_eq!(x0.len(), n, "start point has the wrong dimension");
        let mut x = x0.to_vec();
        let mut g = vec![0.0; n];
        let mut energy = objective.evaluate(&x, &mut g);
        let mut calls = 1;
        let mut memory = Memory::new(c.memory, n);
        let mut alpha = vec![0.0; memory.capacity()];
        let mut d = vec![0.0; n];
        let mut x_new = vec![0.0; n];
        let mut g_new = vec![0.0; n];
        let mut step = vec![0.0; n];
        let mut y = vec![0.0; n];
        let mut iterations = 0;
        let mut failures = 0;

        let finish = |x: Vec<f64>, energy: f64, g: Vec<f64>, it, calls, t| MinimisationResult {
            rms: rms(&g),
            x,
            energy,
            gradient: g,
            iterations: it,
            function_calls: calls,
            termination: t,
        };

        loop {
            if !energy.is_finite() || g.iter().any(|v| !v.is_finite()) {
                return finish(x, energy, g, iterations, calls, Termination::NonFinite);
            }
            if rms(&g) <= c.tolerance {
                return finish(x, energy, g, iterations, calls, Termination::Converged);
            }
            if iterations >= c.max_iterations {
                return finish(x, energy, g, iterations, calls, Termination::MaxIterations);
            }
            let mut scale;
            if memory.len == 0 {
                let gnorm = norm(&g);
                d.iter_mut()
                    .zip(&g)
                    .for_each(|(di, gi)| *di = -c.dguess * gi);
                scale = (1.0 / gnorm).min(gnorm);
            } else {
                memory.direction(&g, &mut d, &mut alpha);
                scale = 1.0;
            }
            if dot(&d, &g) > 0.0 {
                d.iter_mut().for_each(|di| *di = -*di);
            }
            let dnorm = match c.step_block {
                Some(b) if b > 0 => d.chunks(b).map(norm).fold(0.0, f64::max),
                _ => norm(&d),
            };
            if scale * dnorm > c.max_step {
                scale = c.max_step / dnorm;
            }
            let mut reductions = 0;
            let accepted = loop {
                for i in 0..n {
                    step[i] = scale * d[i];
                    x_new[i] = x[i] + step[i];
                }
                let e_new = objective.evaluate(&x_new, &mut g_new);
                calls += 1;
                // A NaN energy fails this test and is treated as a rise.
                if e_new - energy <= c.max_erise {
                    break Some(e_new);
                }
                reductions += 1;
                if reductions > 10 {
                    break None;
                }
                scale /= 10.0;
            };
            match accepted {
                Some(e_new) => {
                    for i in 0..n {
                        y[i] = g_new[i] - g[i];
                    }
                    memory.push(&step, &y);
                    std::mem::swap(&mut x, &mut x_new);
                    std::mem::swap(&mut g, &mut g_new);
                    energy = e_new;
                    iterations += 1;
                }
                None => {
                    failures += 1;
                    if failures > 5 {
                        warn!("lbfgs> Too many failures - giving up");
                        return finish(
                            x,
                            energy,
                            g,
                            iterations,
                            calls,
                            Termination::TooManyFailures,
                        );
                    }
                    warn!("lbfgs> energy rises in every reduced step; resetting the memory");
                    memory.clear();
                }
            }
        }
    }
}

/// Minimise a potential from `x0` with the given configuration.
pub fn minimise<P: Potential + ?Sized>(
    potential: &P,
    x0: &[f64],
    config: &LbfgsConfig,
) -> MinimisationResult {
    Lbfgs::new(config.clone()).minimise(&mut PotentialObjective(potential), x0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f(x) = Σ a_i (x_i − c_i)² with known minimum.
    struct Quadratic {
        a: Vec<f64>,
        c: Vec<f64>,
        calls: usize,
    }

    impl Objective for Quadratic {
        fn dimension(&self) -> usize {
            self.a.len()
        }
        fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            self.calls += 1;
            let mut e = 0.0;
            for i in 0..x.len() {
                let dx = x[i] - self.c[i];
                e += self.a[i] * dx * dx;
                g[i] = 2.0 * self.a[i] * dx;
            }
            e
        }
    }

    /// Rosenbrock in 2D.
    struct Rosenbrock;
    impl Objective for Rosenbrock {
        fn dimension(&self) -> usize {
            2
        }
        fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            let (a, b) = (x[0], x[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        }
    }

    #[test]
    fn quadratic_converges_to_its_centre_and_counts_calls() {
        let mut q = Quadratic {
            a: vec![1.0, 10.0, 0.5, 3.0],
            c: vec![1.0, -2.0, 0.3, 4.0],
            calls: 0,
        };
        let cfg = LbfgsConfig {
            tolerance: 1e-10,
            max_step: 10.0,
            ..Default::default()
        };
        let r = Lbfgs::new(cfg).minimise(&mut q, &[0.0; 4]);
        assert!(r.converged(), "{:?}", r.termination);
        for (xi, ci) in r.x.iter().zip(&q.c) {
            assert!((xi - ci).abs() < 1e-9);
        }
        assert_eq!(r.function_calls, q.calls);
        assert!(r.rms <= 1e-10);
    }

    #[test]
    fn rosenbrock_converges() {
        let cfg = LbfgsConfig {
            tolerance: 1e-9,
            max_iterations: 5000,
            max_erise: 0.0,
            ..Default::default()
        };
        let r = Lbfgs::new(cfg).minimise(&mut Rosenbrock, &[-1.2, 1.0]);
        assert!(r.converged(), "{:?} after {}", r.termination, r.iterations);
        assert!((r.x[0] - 1.0).abs() < 1e-6 && (r.x[1] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn iteration_limit_and_max_step_are_honoured() {
        let mut q = Quadratic {
            a: vec![1.0; 3],
            c: vec![100.0; 3],
            calls: 0,
        };
        let cfg = LbfgsConfig {
            max_iterations: 7,
            max_step: 0.5,
            ..Default::default()
        };
        let r = Lbfgs::new(cfg).minimise(&mut q, &[0.0; 3]);
        assert_eq!(r.termination, Termination::MaxIterations);
        assert_eq!(r.iterations, 7);
        // Each accepted step is at most 0.5 long.
        assert!(norm(&r.x) <= 7.0 * 0.5 + 1e-12);
        assert!(norm(&r.x) > 3.0);
    }

    #[test]
    fn energy_never_rises_more_than_maxerise() {
        struct Tracked(Rosenbrock, Vec<f64>);
        impl Objective for Tracked {
            fn dimension(&self) -> usize {
                2
            }
            fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
                let e = self.0.evaluate(x, g);
                self.1.push(e);
                e
            }
        }
        let cfg = LbfgsConfig {
            tolerance: 1e-6,
            max_iterations: 2000,
            max_erise: 1e-10,
            ..Default::default()
        };
        let mut t = Tracked(Rosenbrock, vec![]);
        let r = Lbfgs::new(cfg).minimise(&mut t, &[-1.2, 1.0]);
        assert!(r.converged());
        // The accepted energies (a subsequence) never rise: the final energy is the minimum of
        // everything evaluated up to rounding of MAXERISE.
        let min_seen = t.1.iter().cloned().fold(f64::INFINITY, f64::min);
        assert!(r.energy <= min_seen + 1e-10);
    }

    #[test]
    fn block_step_cap_limits_every_block() {
        let mut q = Quadratic {
            a: vec![1.0; 4],
            c: vec![100.0, 1.0, 100.0, 1.0],
            calls: 0,
        };
        let cfg = LbfgsConfig {
            max_iterations: 1,
            max_step: 0.5,
            dguess: 10.0,
            step_block: Some(2),
            ..Default::default()
        };
        let r = Lbfgs::new(cfg).minimise(&mut q, &[0.0; 4]);
        let b1 = norm(&r.x[..2]);
        let b2 = norm(&r.x[2..]);
        assert!(b1 <= 0.5 + 1e-12 && b2 <= 0.5 + 1e-12, "{b1} {b2}");
        assert!((b1.max(b2) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn nan_start_is_reported_not_silent() {
        struct NanObj;
        impl Objective for NanObj {
            fn dimension(&self) -> usize {
                1
            }
            fn evaluate(&mut self, _x: &[f64], g: &mut [f64]) -> f64 {
                g[0] = f64::NAN;
                f64::NAN
            }
        }
        let r = Lbfgs::default().minimise(&mut NanObj, &[0.0]);
        assert_eq!(r.termination, Termination::NonFinite);
    }

    #[test]
    fn a_function_that_always_rises_gives_up() {
        // Gradient points the wrong way (a non-conservative "gradient"), so every step rises.
        struct Liar;
        impl Objective for Liar {
            fn dimension(&self) -> usize {
                1
            }
            fn evaluate(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
                g[0] = -1.0;
                -x[0] * 0.0 + (x[0]).abs() + 1.0
            }
        }
        let cfg = LbfgsConfig {
            max_erise: 0.0,
            ..Default::default()
        };
        let r = Lbfgs::new(cfg).minimise(&mut Liar, &[0.0]);
        assert_eq!(r.termination, Termination::TooManyFailures);
        assert_eq!(r.x, vec![0.0]);
    }
}
