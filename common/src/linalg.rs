//! Dense symmetric linear algebra through LAPACK (OpenBLAS).
//!
//! - [`sym_eigenvalues`] / [`sym_eigen`]: all eigenvalues (optionally eigenvectors) of a real
//!   symmetric matrix by `dsyevd` (divide and conquer), returned sorted **descending** (the
//!   order OPTIM writes to `path.info`).
//! - [`count_negative`], [`fvib`]: Hessian index and `ln Π λ_i` over the positive non-zero
//!   modes, with the number of zero modes given by the caller (algorithms.md §8).
//! - [`cholesky_log_det`]: `ln det H` of a positive-definite matrix by `dpotrf`, the cheap
//!   route to fvib for a large minimum whose Hessian has no zero modes.

use nalgebra::DMatrix;
use thiserror::Error;

/// A LAPACK failure.
#[derive(Debug, Error, PartialEq)]
pub enum LinalgError {
    /// The matrix is not square.
    #[error("matrix is not square ({0} x {1})")]
    NotSquare(usize, usize),
    /// LAPACK reported an illegal argument or a convergence failure.
    #[error("LAPACK {routine} failed with INFO = {info}")]
    Lapack { routine: &'static str, info: i32 },
    /// Cholesky: the matrix is not positive definite (leading minor `order` is not positive).
    #[error("matrix is not positive definite (leading minor of order {order})")]
    NotPositiveDefinite { order: usize },
    /// A non-finite entry (NaN or infinity) in the input.
    #[error("matrix contains a non-finite entry")]
    NonFinite,
}

/// Eigen-decomposition of a symmetric matrix.
#[derive(Debug, Clone)]
pub struct SymEigen {
    /// Eigenvalues, sorted descending.
    pub values: Vec<f64>,
    /// Eigenvectors as columns, in the same order as `values` (present when requested).
    pub vectors: Option<DMatrix<f64>>,
}

fn check_square(a: &DMatrix<f64>) -> Result<usize, LinalgError> {
    if a.nrows() != a.ncols() {
        return Err(LinalgError::NotSquare(a.nrows(), a.ncols()));
    }
    if a.iter().any(|v| !v.is_finite()) {
        return Err(LinalgError::NonFinite);
    }
    Ok(a.nrows())
}

fn lapack_int(n: usize) -> i32 {
    i32::try_from(n).expect("matrix dimension exceeds LAPACK's 32-bit integers")
}

/// Eigenvalues and, if `vectors`, eigenvectors of the symmetric matrix `a` (its lower
/// triangle is used), sorted descending.
pub fn sym_eigen(a: &DMatrix<f64>, vectors: bool) -> Result<SymEigen, LinalgError> {
    let n = check_square(a)?;
    if n == 0 {
        return Ok(SymEigen {
            values: vec![],
            vectors: vectors.then(|| DMatrix::zeros(0, 0)),
        });
    }
    let ni = lapack_int(n);
    let mut m: Vec<f64> = a.as_slice().to_vec(); // column-major
    let mut w = vec![0.0; n];
    let jobz = if vectors { b'V' } else { b'N' };
    let mut info = 0;
    // Workspace query.
    let mut work = vec![0.0; 1];
    let mut iwork = vec![0; 1];
    unsafe {
        lapack::dsyevd(
            jobz, b'L', ni, &mut m, ni, &mut w, &mut work, -1, &mut iwork, -1, &mut info,
        );
    }
    if info != 0 {
        return Err(LinalgError::Lapack {
            routine: "dsyevd",
            info,
        });
    }
    let lwork = work[0] as usize;
    let liwork = iwork[0] as usize;
    let mut work = vec![0.0; lwork.max(1)];
    let mut iwork = vec![0; liwork.max(1)];
    unsafe {
        lapack::dsyevd(
            jobz,
            b'L',
            ni,
            &mut m,
            ni,
            &mut w,
            &mut work,
            lapack_int(lwork.max(1)),
            &mut iwork,
            lapack_int(liwork.max(1)),
            &mut info,
        );
    }
    if info != 0 {
        return Err(LinalgError::Lapack {
            routine: "dsyevd",
            info,
        });
    }
    // LAPACK returns ascending order; reverse to descending.
    w.reverse();
    let vectors = vectors.then(|| {
        let asc = DMatrix::from_vec(n, n, m);
        DMatrix::from_fn(n, n, |r, c| asc[(r, n - 1 - c)])
    });
    Ok(SymEigen { values: w, vectors })
}

/// Eigenvalues of a symmetric matrix, sorted descending.
pub fn sym_eigenvalues(a: &DMatrix<f64>) -> Result<Vec<f64>, LinalgError> {
    sym_eigen(a, false).map(|e| e.values)
}

/// The lowest eigenvalue and its (unit) eigenvector.
pub fn lowest_eigenpair(a: &DMatrix<f64>) -> Result<(f64, Vec<f64>), LinalgError> {
    let e = sym_eigen(a, true)?;
    let n = e.values.len();
    let vecs = e.vectors.expect("vectors requested");
    Ok((
        e.values[n - 1],
        vecs.column(n - 1).iter().copied().collect(),
    ))
}

/// Number of eigenvalues below `-tol` (the Hessian index when `tol` is a small positive
/// threshold separating negative curvature from numerical zeros).
pub fn count_negative(values: &[f64], tol: f64) -> usize {
    values.iter().filter(|&&v| v < -tol).count()
}

/// `fvib = Σ ln λ_i` over the first `NOPT − nzero − index` eigenvalues of a descending list
/// (algorithms.md §8): `index` is 0 for a minimum and 1 for a transition state (the negative
/// eigenvalue, last in the list, is excluded with the zero modes). Returns `None` when one of
/// the included eigenvalues is not positive.
pub fn fvib(values_desc: &[f64], nzero: usize, index: usize) -> Option<f64> {
    let count = values_desc.len().checked_sub(nzero + index)?;
    let used = &values_desc[..count];
    if used.iter().any(|&v| v <= 0.0) {
        return None;
    }
    Some(used.iter().map(|v| v.ln()).sum())
}

/// `ln det A` of a symmetric positive-definite matrix by Cholesky factorisation (`dpotrf`):
/// `2 Σ ln L_ii`. Equals [`fvib`] with no zero modes for a minimum, at a fraction of the cost of
/// a full eigen-decomposition.
pub fn cholesky_log_det(a: &DMatrix<f64>) -> Result<f64, LinalgError> {
    let n = check_square(a)?;
    if n == 0 {
        return Ok(0.0);
    }
    let ni = lapack_int(n);
    let mut m: Vec<f64> = a.as_slice().to_vec();
    let mut info = 0;
    unsafe {
        lapack::dpotrf(b'L', ni, &mut m, ni, &mut info);
    }
    match info {
        0 => Ok((0..n).map(|i| m[i * n + i].ln()).sum::<f64>() * 2.0),
        k if k > 0 => Err(LinalgError::NotPositiveDefinite { order: k as usize }),
        k => Err(LinalgError::Lapack {
            routine: "dpotrf",
            info: k,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_symmetric(n: usize, seed: u64) -> DMatrix<f64> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let a = DMatrix::from_fn(n, n, |_, _| rng.gen_range(-1.0..1.0));
        (&a + a.transpose()) * 0.5
    }

    #[test]
    fn eigenpairs_reconstruct_the_matrix_and_are_descending() {
        let a = random_symmetric(30, 1);
        let e = sym_eigen(&a, true).unwrap();
        assert!(e.values.windows(2).all(|w| w[0] >= w[1]));
        let v = e.vectors.unwrap();
        for (k, &lam) in e.values.iter().enumerate() {
            let col = v.column(k);
            let av = &a * col;
            let err = (av - col * lam).norm();
            assert!(err < 1e-10, "eigenpair {k} residual {err}");
        }
        // Orthonormal eigenvectors.
        let vtv = v.transpose() * &v;
        assert!((vtv - DMatrix::identity(30, 30)).norm() < 1e-10);
    }

    #[test]
    fn eigenvalues_match_known_diagonal_and_trace() {
        let a = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![3.0, -1.0, 2.0, 0.0]));
        assert_eq!(sym_eigenvalues(&a).unwrap(), vec![3.0, 2.0, 0.0, -1.0]);
        let b = random_symmetric(17, 2);
        let sum: f64 = sym_eigenvalues(&b).unwrap().iter().sum();
        assert!((sum - b.trace()).abs() < 1e-12);
    }

    #[test]
    fn negative_count_and_fvib() {
        let vals = [5.0, 2.0, 1e-9, -1e-9, -3.0];
        assert_eq!(count_negative(&vals, 1e-6), 1);
        // TS: two zero modes + one negative: ln 5 + ln 2.
        assert!((fvib(&vals, 2, 1).unwrap() - 10f64.ln()).abs() < 1e-15);
        // Minimum with a negative included: undefined.
        assert_eq!(fvib(&vals, 1, 0), None);
        assert_eq!(fvib(&vals, 9, 0), None);
    }

    #[test]
    fn cholesky_log_det_equals_sum_of_log_eigenvalues() {
        let b = random_symmetric(40, 3);
        let spd = &b * b.transpose() + DMatrix::identity(40, 40);
        let via_eig: f64 = sym_eigenvalues(&spd).unwrap().iter().map(|v| v.ln()).sum();
        let via_chol = cholesky_log_det(&spd).unwrap();
        assert!((via_eig - via_chol).abs() < 1e-9 * via_eig.abs().max(1.0));
        let not_pd = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        assert_eq!(
            cholesky_log_det(&not_pd),
            Err(LinalgError::NotPositiveDefinite { order: 2 })
        );
    }

    #[test]
    fn bad_matrices_are_errors_not_panics() {
        let r = DMatrix::<f64>::zeros(2, 3);
        assert_eq!(sym_eigenvalues(&r), Err(LinalgError::NotSquare(2, 3)));
        let mut nan = DMatrix::<f64>::identity(3, 3);
        nan[(1, 1)] = f64::NAN;
        assert_eq!(sym_eigenvalues(&nan), Err(LinalgError::NonFinite));
    }
}
