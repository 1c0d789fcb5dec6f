//! The system OPTIM works on: a potential plus what identity, distances and zero modes mean
//! for it (atoms: alignment and 6 zero modes; networks: plain Euclidean distance).

use common::geometry::{
    aligned_distance, euclidean_distance, same_point_euclidean, same_structure, AlignOptions,
};
use common::hessian_data::System;
use common::potential::Potential;

/// A potential with the rules for comparing its points.
pub struct Model {
    /// The energy function.
    pub potential: Box<dyn Potential>,
    /// Atoms or network weights.
    pub system: System,
    /// Alignment options for atoms (PERMDIST, NOINVERSION, RANROT).
    pub align: AlignOptions,
}

impl Model {
    /// Number of variables.
    pub fn nopt(&self) -> usize {
        self.potential.nopt()
    }

    /// Distance between `a` and `b` after optimal alignment (atoms) or plain Euclidean
    /// (networks), with `b` moved onto `a`.
    pub fn distance(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        match self.system {
            System::Atoms => {
                let al = aligned_distance(a, b, &self.align);
                (al.distance, al.b_aligned)
            }
            System::Network { .. } => (euclidean_distance(a, b), b.to_vec()),
        }
    }

    /// Identity of two stationary points (DECISION 9): energy test first, then the distance.
    pub fn same(
        &self,
        ea: f64,
        eb: f64,
        a: &[f64],
        b: &[f64],
        edifftol: f64,
        geomdifftol: f64,
    ) -> bool {
        match self.system {
            System::Atoms => same_structure(ea, eb, a, b, edifftol, geomdifftol, &self.align),
            System::Network { .. } => same_point_euclidean(ea, eb, a, b, edifftol, geomdifftol),
        }
    }

    /// An orthonormal basis of the zero-mode space to project out of eigenvector searches:
    /// for atoms the 3 translations and 3 infinitesimal rotations about the centre of mass
    /// (fewer for a linear structure), for networks nothing (algorithms.md §5).
    pub fn zero_modes(&self, x: &[f64]) -> Vec<Vec<f64>> {
        match self.system {
            System::Network { .. } => Vec::new(),
            System::Atoms => {
                let n = x.len() / 3;
                let com = common::geometry::centre_of_mass(x);
                let mut raw: Vec<Vec<f64>> = Vec::with_capacity(6);
                for c in 0..3 {
                    let mut t = vec![0.0; 3 * n];
                    for a in 0..n {
                        t[3 * a + c] = 1.0;
                    }
                    raw.push(t);
                }
                for axis in 0..3 {
                    let mut r = vec![0.0; 3 * n];
                    for a in 0..n {
                        let p = [
                            x[3 * a] - com[0],
                            x[3 * a + 1] - com[1],
                            x[3 * a + 2] - com[2],
                        ];
                        // axis × p
                        let (u, v, w) = match axis {
                            0 => (0.0, -p[2], p[1]),
                            1 => (p[2], 0.0, -p[0]),
                            _ => (-p[1], p[0], 0.0),
                        };
                        r[3 * a] = u;
                        r[3 * a + 1] = v;
                        r[3 * a + 2] = w;
                    }
                    raw.push(r);
                }
                gram_schmidt(raw)
            }
        }
    }
}

/// Orthonormalise, dropping vectors that are (nearly) dependent.
pub fn gram_schmidt(vs: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = Vec::new();
    for mut v in vs {
        for u in &out {
            let d = dot(&v, u);
            v.iter_mut().zip(u).for_each(|(a, b)| *a -= d * b);
        }
        let n = dot(&v, &v).sqrt();
        if n > 1e-8 {
            v.iter_mut().for_each(|a| *a /= n);
            out.push(v);
        }
    }
    out
}

/// Remove the components of `v` along the orthonormal `basis`.
pub fn project_out(v: &mut [f64], basis: &[Vec<f64>]) {
    for u in basis {
        let d = dot(v, u);
        v.iter_mut().zip(u).for_each(|(a, b)| *a -= d * b);
    }
}

/// Dot product.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean norm.
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}
