//! Doubly-nudged elastic band (algorithms.md §4).
//!
//! Images X_1..X_n between fixed end points X_0 and X_{n+1}, initially by linear interpolation
//! (the second end point aligned onto the first for atoms). Each image feels the true gradient
//! perpendicular to the improved tangent, the spring force along it, and the DNEB component of
//! the perpendicular spring force. All images are optimised together with LBFGS (no energy-rise
//! test: the DNEB gradient is not conservative), the step capped per image. Images higher than
//! both neighbours are the transition-state candidates.

use crate::model::{dot, norm, Model};
use common::lbfgs::{Lbfgs, LbfgsConfig, Objective};

/// DNEB parameters.
#[derive(Debug, Clone)]
pub struct DnebSettings {
    /// Number of images (NIMAGE).
    pub nimage: usize,
    /// Maximum LBFGS iterations (NITERMAX).
    pub max_iterations: usize,
    /// RMS tolerance of the DNEB gradient (RMSTOL).
    pub rms_tol: f64,
    /// Spring constant (NEBK).
    pub spring: f64,
    /// LBFGS memory (NEBMUPDATE).
    pub memory: usize,
    /// Initial inverse-Hessian diagonal (NEBDGUESS).
    pub dguess: f64,
    /// Maximum step per image (MAXNEBBFGS, 4th MAXBFGS value).
    pub max_step: f64,
}

impl Default for DnebSettings {
    fn default() -> Self {
        Self {
            nimage: 10,
            max_iterations: 300,
            rms_tol: 0.01,
            spring: 1.0,
            memory: 4,
            dguess: 0.001,
            max_step: 0.2,
        }
    }
}

/// The optimised band.
#[derive(Debug, Clone)]
pub struct Band {
    /// All points: end point 0, the images, end point n+1.
    pub points: Vec<Vec<f64>>,
    /// Their energies.
    pub energies: Vec<f64>,
    /// Final RMS of the DNEB gradient.
    pub rms: f64,
    /// LBFGS iterations.
    pub iterations: usize,
}

impl Band {
    /// TS candidates: (image index in `points`, coordinates, unit tangent) for every image
    /// higher than both neighbours.
    pub fn candidates(&self) -> Vec<(usize, Vec<f64>, Vec<f64>)> {
        let e = &self.energies;
        (1..self.points.len() - 1)
            .filter(|&i| e[i] > e[i - 1] && e[i] > e[i + 1])
            .map(|i| (i, self.points[i].clone(), tangent(&self.points, e, i)))
            .collect()
    }
}

/// The improved tangent at image `i` (unit vector).
pub fn tangent(points: &[Vec<f64>], e: &[f64], i: usize) -> Vec<f64> {
    let n = points[i].len();
    let plus: Vec<f64> = (0..n).map(|k| points[i + 1][k] - points[i][k]).collect();
    let minus: Vec<f64> = (0..n).map(|k| points[i][k] - points[i - 1][k]).collect();
    let (ep, ei, em) = (e[i + 1], e[i], e[i - 1]);
    let t: Vec<f64> = if ep > ei && ei > em {
        plus
    } else if ep < ei && ei < em {
        minus
    } else {
        let dmax = (ep - ei).abs().max((em - ei).abs());
        let dmin = (ep - ei).abs().min((em - ei).abs());
        if ep > em {
            (0..n).map(|k| plus[k] * dmax + minus[k] * dmin).collect()
        } else {
            (0..n).map(|k| plus[k] * dmin + minus[k] * dmax).collect()
        }
    };
    let nt = norm(&t);
    if nt == 0.0 {
        return t;
    }
    t.iter().map(|a| a / nt).collect()
}

struct BandObjective<'a> {
    model: &'a Model,
    start: &'a [f64],
    end: &'a [f64],
    nimage: usize,
    spring: f64,
    energies: Vec<f64>,
}

impl Objective for BandObjective<'_> {
    fn dimension(&self) -> usize {
        self.nimage * self.start.len()
    }

    fn evaluate(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let n = self.start.len();
        let m = self.nimage;
        // True energies and gradients of all images (in parallel; each image is independent).
        use rayon::prelude::*;
        let results: Vec<(f64, Vec<f64>)> = (0..m)
            .into_par_iter()
            .map(|i| {
                let mut g = vec![0.0; n];
                let e = self
                    .model
                    .potential
                    .energy_gradient(&x[i * n..(i + 1) * n], &mut g);
                (e, g)
            })
            .collect();
        let e0 = self.model.potential.energy(self.start);
        let e1 = self.model.potential.energy(self.end);
        let mut points: Vec<Vec<f64>> = Vec::with_capacity(m + 2);
        points.push(self.start.to_vec());
        for i in 0..m {
            points.push(x[i * n..(i + 1) * n].to_vec());
        }
        points.push(self.end.to_vec());
        let mut energies = vec![e0];
        energies.extend(results.iter().map(|r| r.0));
        energies.push(e1);
        for i in 1..=m {
            let tau = tangent(&points, &energies, i);
            let g = &results[i - 1].1;
            let gs: Vec<f64> = (0..n)
                .map(|k| self.spring * (2.0 * points[i][k] - points[i - 1][k] - points[i + 1][k]))
                .collect();
            let g_par = dot(g, &tau);
            let gperp: Vec<f64> = (0..n).map(|k| g[k] - g_par * tau[k]).collect();
            let gs_par = dot(&gs, &tau);
            let gsperp: Vec<f64> = (0..n).map(|k| gs[k] - gs_par * tau[k]).collect();
            let ngp = norm(&gperp);
            let out = &mut grad[(i - 1) * n..i * n];
            if ngp > 1e-300 {
                let proj = dot(&gsperp, &gperp) / (ngp * ngp);
                for k in 0..n {
                    out[k] = gperp[k] + gs_par * tau[k] + (gsperp[k] - proj * gperp[k]);
                }
            } else {
                for k in 0..n {
                    out[k] = gperp[k] + gs_par * tau[k] + gsperp[k];
                }
            }
            if let Some(mask) = self.model.potential.frozen() {
                mask.apply(out);
            }
        }
        self.energies = energies;
        results.iter().map(|r| r.0).sum()
    }
}

/// Run DNEB between `start` and `end` (already aligned).
pub fn run(model: &Model, start: &[f64], end: &[f64], s: &DnebSettings) -> Band {
    let n = start.len();
    let m = s.nimage.max(1);
    let mut x0 = Vec::with_capacity(m * n);
    for i in 1..=m {
        let t = i as f64 / (m + 1) as f64;
        x0.extend((0..n).map(|k| start[k] + t * (end[k] - start[k])));
    }
    let mut obj = BandObjective {
        model,
        start,
        end,
        nimage: m,
        spring: s.spring,
        energies: Vec::new(),
    };
    let cfg = LbfgsConfig {
        memory: s.memory,
        dguess: s.dguess,
        max_step: s.max_step,
        max_erise: f64::INFINITY,
        tolerance: s.rms_tol,
        max_iterations: s.max_iterations,
        step_block: Some(n),
    };
    let r = Lbfgs::new(cfg).minimise(&mut obj, &x0);
    // Re-evaluate at the final point so the stored energies belong to it.
    let mut g = vec![0.0; m * n];
    obj.evaluate(&r.x, &mut g);
    let mut points = vec![start.to_vec()];
    for i in 0..m {
        points.push(r.x[i * n..(i + 1) * n].to_vec());
    }
    points.push(end.to_vec());
    Band {
        points,
        energies: obj.energies,
        rms: r.rms,
        iterations: r.iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::geometry::AlignOptions;
    use common::ljat::{geometry, Ljat};

    #[test]
    fn band_between_ljat3_minima_has_a_maximum_near_the_ts() {
        let model = Model::new(
            Box::new(Ljat::new(3, 2.0)),
            common::system::Symmetry::atoms(AlignOptions::default()),
        );
        let tri = geometry::equilateral3(1.168752317363);
        let lin = geometry::linear3(1.108762894194);
        let (_, lin_aligned) = model.align(&tri, &lin);
        let band = run(
            &model,
            &tri,
            &lin_aligned,
            &DnebSettings {
                nimage: 12,
                max_iterations: 500,
                rms_tol: 1e-3,
                ..Default::default()
            },
        );
        let c = band.candidates();
        assert!(
            !c.is_empty(),
            "no maximum along the band: {:?}",
            band.energies
        );
        let emax = c
            .iter()
            .map(|(i, _, _)| band.energies[*i])
            .fold(f64::MIN, f64::max);
        // The climbing image sits below the true TS but not far from it.
        assert!(emax < -1.985069657957 + 1e-6 && emax > -2.1, "{emax}");
        for (_, _, t) in &c {
            assert!((norm(t) - 1.0).abs() < 1e-12);
        }
    }
}
