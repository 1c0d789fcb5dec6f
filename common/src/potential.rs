//! The potential abstraction shared by every program.
//!
//! A potential maps a vector `x` of NOPT reals (3N Cartesians `x1,y1,z1,x2,...` for atoms, or
//! network weights in the Fortran layout for the MLP family) to an energy. Every potential
//! provides analytic first and second derivatives.
//!
//! **Frozen variables.** A potential may carry a [`FrozenMask`]. Frozen components never move:
//! every method returns derivatives with the frozen components removed, i.e. the gradient's
//! frozen components are exactly zero, the Hessian's frozen rows and columns are exactly zero,
//! and the Hessian-vector product is `P H P v` with `P` the projector onto the free components.
//! Optimisers therefore never move a frozen component (their steps are built from gradients).

use nalgebra::DMatrix;

/// Which variables are frozen (held at their input values).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrozenMask {
    frozen: Vec<bool>,
    count: usize,
}

impl FrozenMask {
    /// A mask with no frozen variable.
    pub fn none(nopt: usize) -> Self {
        Self {
            frozen: vec![false; nopt],
            count: 0,
        }
    }

    /// Build from one flag per variable (`true` = frozen).
    pub fn from_flags(frozen: Vec<bool>) -> Self {
        let count = frozen.iter().filter(|&&f| f).count();
        Self { frozen, count }
    }

    /// Build from 0-based indices of frozen variables.
    pub fn from_indices(nopt: usize, indices: &[usize]) -> Self {
        let mut frozen = vec![false; nopt];
        for &i in indices {
            frozen[i] = true;
        }
        Self::from_flags(frozen)
    }

    /// Freeze whole atoms (0-based atom indices; three Cartesians each).
    pub fn from_atoms(natoms: usize, atoms: &[usize]) -> Self {
        let idx: Vec<usize> = atoms
            .iter()
            .flat_map(|&a| [3 * a, 3 * a + 1, 3 * a + 2])
            .collect();
        Self::from_indices(3 * natoms, &idx)
    }

    /// Number of variables covered by the mask.
    pub fn len(&self) -> usize {
        self.frozen.len()
    }

    /// True when the mask covers no variable.
    pub fn is_empty(&self) -> bool {
        self.frozen.is_empty()
    }

    /// Number of frozen variables (NFREEZE).
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether variable `i` (0-based) is frozen.
    pub fn is_frozen(&self, i: usize) -> bool {
        self.frozen[i]
    }

    /// Per-variable flags.
    pub fn flags(&self) -> &[bool] {
        &self.frozen
    }

    /// 0-based indices of the free (unfrozen) variables.
    pub fn free_indices(&self) -> Vec<usize> {
        (0..self.frozen.len())
            .filter(|&i| !self.frozen[i])
            .collect()
    }

    /// Zero the frozen components of a vector (gradient, step, Hv).
    pub fn apply(&self, v: &mut [f64]) {
        if self.count == 0 {
            return;
        }
        for (x, &f) in v.iter_mut().zip(&self.frozen) {
            if f {
                *x = 0.0;
            }
        }
    }

    /// Zero the frozen rows and columns of a square matrix.
    pub fn apply_matrix(&self, h: &mut DMatrix<f64>) {
        if self.count == 0 {
            return;
        }
        for (i, &f) in self.frozen.iter().enumerate() {
            if f {
                h.row_mut(i).fill(0.0);
                h.column_mut(i).fill(0.0);
            }
        }
    }
}

/// An energy function of NOPT variables with analytic derivatives.
///
/// Implementations must be deterministic: the same `x` gives bit-identical results whatever the
/// number of rayon threads. All quantities are f64; energies in the potential's own units
/// (ε for LJAT, dimensionless loss for MLP).
pub trait Potential: Send + Sync {
    /// Number of variables (NOPT).
    fn nopt(&self) -> usize;

    /// Energy at `x` (`x.len() == nopt()`).
    fn energy(&self, x: &[f64]) -> f64;

    /// Energy and gradient at `x`; the gradient is written into `grad` (length NOPT), with
    /// frozen components zero.
    fn energy_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64;

    /// Dense analytic Hessian at `x` (NOPT × NOPT, symmetric), frozen rows/columns zero.
    fn hessian(&self, x: &[f64]) -> DMatrix<f64>;

    /// Analytic Hessian-vector product `H(x) v` written into `hv`, without forming `H`;
    /// frozen components of `v` are ignored and those of `hv` are zero.
    fn hessian_vector(&self, x: &[f64], v: &[f64], hv: &mut [f64]);

    /// The frozen-variable mask, if any variable is frozen.
    fn frozen(&self) -> Option<&FrozenMask> {
        None
    }

    /// The pair energy of each atom (the sum of the pair terms it takes part in, each pair
    /// counted for both of its atoms), for potentials of atoms made of pair terms; `None`
    /// otherwise. GMIN's angular ("surface") move picks its atom by these.
    fn atom_energies(&self, _x: &[f64]) -> Option<Vec<f64>> {
        None
    }

    /// Number of frozen variables.
    fn n_frozen(&self) -> usize {
        self.frozen().map_or(0, FrozenMask::count)
    }

    /// Convenience: allocate and return the gradient.
    fn gradient(&self, x: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; self.nopt()];
        self.energy_gradient(x, &mut g);
        g
    }
}

/// Root-mean-square of a gradient: `sqrt(Σ g_i² / NOPT)` (the convergence measure everywhere).
pub fn rms(g: &[f64]) -> f64 {
    if g.is_empty() {
        return 0.0;
    }
    (crate::linalg::dot(g, g) / g.len() as f64).sqrt()
}

/// Central finite-difference checks, used by the test suites of every potential.
pub mod fd {
    use super::Potential;
    use nalgebra::DMatrix;

    /// Central-difference gradient with step `h`.
    pub fn gradient<P: Potential + ?Sized>(p: &P, x: &[f64], h: f64) -> Vec<f64> {
        let mut xp = x.to_vec();
        (0..x.len())
            .map(|i| {
                xp[i] = x[i] + h;
                let ep = p.energy(&xp);
                xp[i] = x[i] - h;
                let em = p.energy(&xp);
                xp[i] = x[i];
                (ep - em) / (2.0 * h)
            })
            .collect()
    }

    /// Central-difference Hessian from the analytic gradient (OPTIM's ENDNUMHESS), symmetrised.
    pub fn hessian<P: Potential + ?Sized>(p: &P, x: &[f64], h: f64) -> DMatrix<f64> {
        let n = x.len();
        let mut m = DMatrix::zeros(n, n);
        let mut xp = x.to_vec();
        let mut gp = vec![0.0; n];
        let mut gm = vec![0.0; n];
        for i in 0..n {
            xp[i] = x[i] + h;
            p.energy_gradient(&xp, &mut gp);
            xp[i] = x[i] - h;
            p.energy_gradient(&xp, &mut gm);
            xp[i] = x[i];
            for j in 0..n {
                m[(j, i)] = (gp[j] - gm[j]) / (2.0 * h);
            }
        }
        (&m + m.transpose()) * 0.5
    }

    /// Central-difference Hessian-vector product from the analytic gradient.
    pub fn hessian_vector<P: Potential + ?Sized>(p: &P, x: &[f64], v: &[f64], h: f64) -> Vec<f64> {
        let n = x.len();
        let xp: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + h * b).collect();
        let xm: Vec<f64> = x.iter().zip(v).map(|(a, b)| a - h * b).collect();
        let mut gp = vec![0.0; n];
        let mut gm = vec![0.0; n];
        p.energy_gradient(&xp, &mut gp);
        p.energy_gradient(&xm, &mut gm);
        gp.iter()
            .zip(&gm)
            .map(|(a, b)| (a - b) / (2.0 * h))
            .collect()
    }
}
