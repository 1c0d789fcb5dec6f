//! Hessian-derived data of a stationary point (algorithms.md §8): sorted eigenvalues, Hessian
//! index, fvib, point group and moments of inertia — what `min.data.info`, `path.info` and the
//! PATHSAMPLE database record.

use crate::geometry::{inertia_moments, point_group, PointGroup, POINT_GROUP_TOL};
use crate::linalg::{count_negative, fvib_with_flat_modes, sym_eigenvalues, LinalgError};
use crate::potential::Potential;

/// What kind of coordinates a potential has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// 3N Cartesians of identical atoms (LJAT): 6 zero modes, point groups, inertia.
    Atoms,
    /// Network weights: zero modes = frozen variables + `nzero`, group C1 (order 1), inertia 0.
    Network {
        /// Extra zero modes (OPTIM `VARIABLES NZERO`, PATHSAMPLE `ZEROS`).
        nzero: usize,
    },
}

/// Number of zero modes of a point (algorithms.md §8).
pub fn zero_modes<P: Potential + ?Sized>(p: &P, system: System) -> usize {
    match system {
        System::Atoms => 6,
        System::Network { nzero } => p.n_frozen() + nzero,
    }
}

/// Hessian data of one stationary point.
#[derive(Debug, Clone)]
pub struct PointData {
    /// Energy.
    pub energy: f64,
    /// Hessian eigenvalues, descending (unit masses).
    pub eigenvalues: Vec<f64>,
    /// Number of negative eigenvalues below −`tol` (the Hessian index).
    pub index: usize,
    /// ln Π λ over the positive non-zero modes (the zero modes, the TS's negative mode and
    /// any flat mode excluded: [`vibrational_log_product`]); NaN when an included eigenvalue
    /// is below −[`INDEX_TOL`] (the point is not of the kind asked for: see `index`).
    pub fvib: f64,
    /// Eigenvalues in [−`INDEX_TOL`, 0] beyond the counted zero modes (flat directions).
    pub flat_modes: usize,
    /// Point group (C1 for networks).
    pub group: PointGroup,
    /// Principal moments of inertia, ascending (0 for networks).
    pub inertia: [f64; 3],
}

/// Eigenvalues below this magnitude count as zero when the index is computed.
pub const INDEX_TOL: f64 = 1.0e-6;

/// fvib of a point from its descending eigenvalues (the one rule for GMIN, OPTIM and
/// `min.data.info`): the `nzero` zero modes and, for a TS, the negative mode are left out, and
/// so are flat modes (included eigenvalues in [−[`INDEX_TOL`], 0]), which a network minimum
/// can have beyond its counted zero modes. Returns `(fvib, flat modes)`; fvib is NaN when an
/// included eigenvalue is below −`INDEX_TOL`, i.e. the point is not a minimum (or a TS).
pub fn vibrational_log_product(eigenvalues_desc: &[f64], nzero: usize, ts: bool) -> (f64, usize) {
    fvib_with_flat_modes(eigenvalues_desc, nzero, usize::from(ts), INDEX_TOL)
        .unwrap_or((f64::NAN, 0))
}

/// Compute the Hessian data at `x`; `ts` selects the TS rule for fvib (one negative mode
/// excluded).
pub fn point_data<P: Potential + ?Sized>(
    p: &P,
    x: &[f64],
    system: System,
    ts: bool,
) -> Result<PointData, LinalgError> {
    let energy = p.energy(x);
    let eigenvalues = sym_eigenvalues(&p.hessian(x))?;
    let nz = zero_modes(p, system);
    let index = count_negative(&eigenvalues, INDEX_TOL);
    let (f, flat_modes) = vibrational_log_product(&eigenvalues, nz, ts);
    let (group, inertia) = match system {
        System::Atoms => (point_group(x, POINT_GROUP_TOL), inertia_moments(x)),
        System::Network { .. } => (PointGroup::c1(), [0.0; 3]),
    };
    Ok(PointData {
        energy,
        eigenvalues,
        index,
        fvib: f,
        flat_modes,
        group,
        inertia,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ljat::{geometry, Ljat};

    #[test]
    fn ljat3_points_match_db1() {
        let p = Ljat::new(3, 2.0);
        let tri = geometry::equilateral3(1.16875231736338);
        let d = point_data(&p, &tri, System::Atoms, false).unwrap();
        assert_eq!(d.index, 0);
        assert_eq!(d.group.order, 12);
        assert!((d.fvib - 11.693670447770367).abs() < 1e-9);
        assert!((d.inertia[2] - 1.3659819793).abs() < 1e-9);
        let ts = geometry::isosceles3(1.130962145108, 1.553084476827);
        let d = point_data(&p, &ts, System::Atoms, true).unwrap();
        assert_eq!(d.index, 1);
        assert_eq!(d.group.order, 4);
        assert!((d.fvib - 9.242900298175368).abs() < 1e-9);
        let lin = geometry::linear3(1.108762894194149);
        let d = point_data(&p, &lin, System::Atoms, false).unwrap();
        assert_eq!((d.index, d.group.order), (0, 2));
        assert!((d.fvib - 9.759410218053027).abs() < 1e-9);
    }
}
