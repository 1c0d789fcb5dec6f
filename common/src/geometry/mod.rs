//! Geometry of atomic clusters: centring, moments of inertia, optimal alignment distance
//! (rotation, inversion, permutations of identical atoms) and point groups.
//!
//! Conventions used throughout this module:
//! - Coordinates are flat slices `x1, y1, z1, x2, y2, z2, ...` (NOPT = 3N); atom `i`
//!   (0-based) occupies `x[3i..3i+3]`. A slice whose length is not a multiple of 3 is a
//!   programming error (functions panic).
//! - Units are those of the coordinates (reduced units σ for LJAT); moments of inertia are in
//!   mass × length² with **unit masses** for every atom (LJAT and the MLP programs use unit
//!   masses, algorithms.md §8).
//! - 3×3 matrices are `[[f64; 3]; 3]` indexed `m[row][column]` and act on column vectors:
//!   `y = m x` means `y[r] = Σ_c m[r][c] x[c]`.
//! - All atoms count as identical for the point group (LJAT atoms are identical).
//!
//! Submodules: [`solve_assignment`] (O(n³) shortest-augmenting-path assignment solver),
//! alignment ([`aligned_distance`], [`same_structure`], [`euclidean_distance`]) and point
//! groups ([`point_group`]).

mod align;
mod assignment;
mod symmetry;

pub use align::{
    aligned_distance, euclidean_distance, optimal_rotation, same_structure, AlignOptions, Alignment,
};
pub use assignment::solve_assignment;
pub use symmetry::{point_group, PointGroup, POINT_GROUP_TOL};

use crate::rng::Stream;
use nalgebra::{Matrix3, SymmetricEigen};

/// A 3×3 matrix, `m[row][column]`, acting on column vectors.
pub type Mat3 = [[f64; 3]; 3];

/// The 3×3 identity.
pub const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// Number of atoms of a coordinate slice (`x.len() / 3`).
///
/// # Panics
/// If `x.len()` is not a multiple of 3.
pub fn natoms(x: &[f64]) -> usize {
    assert!(
        x.len().is_multiple_of(3),
        "coordinate slice of length {} is not a multiple of 3",
        x.len()
    );
    x.len() / 3
}

/// Centre of mass (unit masses, i.e. the mean atom position); `[0, 0, 0]` for no atoms.
pub fn centre_of_mass(x: &[f64]) -> [f64; 3] {
    let n = natoms(x);
    let mut c = [0.0; 3];
    if n == 0 {
        return c;
    }
    for a in x.chunks_exact(3) {
        for k in 0..3 {
            c[k] += a[k];
        }
    }
    c.map(|v| v / n as f64)
}

/// Translate `x` in place so that its centre of mass is at the origin; returns the centre
/// that was subtracted (the original centre of mass).
pub fn centre(x: &mut [f64]) -> [f64; 3] {
    let c = centre_of_mass(x);
    for a in x.chunks_exact_mut(3) {
        for k in 0..3 {
            a[k] -= c[k];
        }
    }
    c
}

/// A centred copy of `x` (see [`centre`]).
pub fn centred(x: &[f64]) -> Vec<f64> {
    let mut y = x.to_vec();
    centre(&mut y);
    y
}

/// Inertia tensor about the centre of mass with unit masses:
/// `I = Σ_i (|r_i|² 𝟙 − r_i r_iᵀ)`, `r_i` the position of atom `i` relative to the centre.
pub fn inertia_tensor(x: &[f64]) -> Mat3 {
    let c = centre_of_mass(x);
    let mut t = [[0.0; 3]; 3];
    for a in x.chunks_exact(3) {
        let r = [a[0] - c[0], a[1] - c[1], a[2] - c[2]];
        let r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
        for p in 0..3 {
            for q in 0..3 {
                t[p][q] -= r[p] * r[q];
            }
            t[p][p] += r2;
        }
    }
    t
}

/// Principal moments of inertia (unit masses, about the centre of mass) sorted ascending,
/// and the matching principal axes: `axes[k]` is the unit vector of moment `k`. The axes form
/// a proper rotation (right-handed: `axes[2] = axes[0] × axes[1]`).
pub fn principal_axes(x: &[f64]) -> ([f64; 3], Mat3) {
    let t = inertia_tensor(x);
    let m = Matrix3::from_fn(|r, c| t[r][c]);
    let eig = SymmetricEigen::new(m);
    let mut order = [0usize, 1, 2];
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let moments = order.map(|k| eig.eigenvalues[k]);
    let mut axes = order.map(|k| {
        let v = eig.eigenvectors.column(k);
        [v[0], v[1], v[2]]
    });
    axes[2] = cross(axes[0], axes[1]);
    (moments, axes)
}

/// Principal moments of inertia about the centre of mass with unit masses, sorted ascending
/// (units: length²). These are the three values written to `min.data`/`ts.data`. A linear
/// structure gives a first moment of zero up to rounding (it may be a tiny negative number).
pub fn inertia_moments(x: &[f64]) -> [f64; 3] {
    principal_axes(x).0
}

/// Apply the 3×3 matrix `m` to every atom of `x` (about the origin, not the centre of mass).
pub fn transform(x: &[f64], m: &Mat3) -> Vec<f64> {
    natoms(x);
    let mut y = Vec::with_capacity(x.len());
    for a in x.chunks_exact(3) {
        y.extend_from_slice(&mat_vec(m, [a[0], a[1], a[2]]));
    }
    y
}

/// A uniformly distributed random proper rotation (Shoemake's quaternion method), drawing
/// three uniforms from `stream`.
pub fn random_rotation(stream: &mut Stream) -> Mat3 {
    let u1 = stream.uniform();
    let u2 = stream.uniform();
    let u3 = stream.uniform();
    let tau = std::f64::consts::TAU;
    let (a, b) = ((1.0 - u1).sqrt(), u1.sqrt());
    let q = [
        a * (tau * u2).sin(),
        a * (tau * u2).cos(),
        b * (tau * u3).sin(),
        b * (tau * u3).cos(),
    ];
    quaternion_to_matrix(q)
}

// ---------------------------------------------------------------------------------------------
// Small vector helpers shared by the submodules.

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

pub(crate) fn mat_vec(m: &Mat3, v: [f64; 3]) -> [f64; 3] {
    [dot(m[0], v), dot(m[1], v), dot(m[2], v)]
}

pub(crate) fn mat_mul(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut c = [[0.0; 3]; 3];
    for (r, row) in c.iter_mut().enumerate() {
        for (col, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[r][k] * b[k][col]).sum();
        }
    }
    c
}

pub(crate) fn transpose(a: &Mat3) -> Mat3 {
    let mut t = [[0.0; 3]; 3];
    for (r, row) in a.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            t[c][r] = *v;
        }
    }
    t
}

pub(crate) fn det(m: &Mat3) -> f64 {
    dot(m[0], cross(m[1], m[2]))
}

pub(crate) fn scale_mat(m: &Mat3, s: f64) -> Mat3 {
    m.map(|row| row.map(|v| v * s))
}

/// Max-abs entry difference of two matrices.
pub(crate) fn mat_diff(a: &Mat3, b: &Mat3) -> f64 {
    let mut d: f64 = 0.0;
    for r in 0..3 {
        for c in 0..3 {
            d = d.max((a[r][c] - b[r][c]).abs());
        }
    }
    d
}

/// Atom positions as `[f64; 3]` points.
pub(crate) fn points(x: &[f64]) -> Vec<[f64; 3]> {
    natoms(x);
    x.chunks_exact(3).map(|a| [a[0], a[1], a[2]]).collect()
}

/// Rotation matrix of the unit quaternion `q = (w, x, y, z)` (normalised here).
pub(crate) fn quaternion_to_matrix(q: [f64; 4]) -> Mat3 {
    let n = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).sqrt();
    let [w, x, y, z] = q.map(|c| c / n);
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ljat::geometry::{equilateral3, isosceles3, linear3};

    #[test]
    fn centring_moves_com_to_origin() {
        let mut x = vec![1.0, 2.0, 3.0, 3.0, 2.0, 1.0, -1.0, 5.0, 2.0];
        let c = centre(&mut x);
        assert!((c[0] - 1.0).abs() < 1e-15 && (c[1] - 3.0).abs() < 1e-15);
        let c2 = centre_of_mass(&x);
        assert!(c2.iter().all(|v| v.abs() < 1e-15));
    }

    #[test]
    fn random_rotations_are_proper_and_orthogonal() {
        let mut s = Stream::new(5, 0);
        for _ in 0..50 {
            let r = random_rotation(&mut s);
            assert!((det(&r) - 1.0).abs() < 1e-12);
            assert!(mat_diff(&mat_mul(&r, &transpose(&r)), &IDENTITY) < 1e-12);
        }
    }

    #[test]
    fn principal_axes_are_right_handed() {
        let x = isosceles3(1.13, 1.55);
        let (_, ax) = principal_axes(&x);
        assert!((det(&ax) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn moments_of_simple_shapes() {
        // Linear: two atoms at ±r from the middle one: I = 0, 2r², 2r².
        let m = inertia_moments(&linear3(1.5));
        assert!(m[0].abs() < 1e-12);
        assert!((m[1] - 4.5).abs() < 1e-12 && (m[2] - 4.5).abs() < 1e-12);
        // Equilateral triangle of side r: r²/2, r²/2, r².
        let m = inertia_moments(&equilateral3(2.0));
        assert!((m[0] - 2.0).abs() < 1e-12 && (m[1] - 2.0).abs() < 1e-12);
        assert!((m[2] - 4.0).abs() < 1e-12);
    }
}
