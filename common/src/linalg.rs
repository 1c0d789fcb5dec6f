//! Dense symmetric linear algebra through LAPACK (OpenBLAS).
//!
//! - [`sym_eigenvalues`] / [`sym_eigen`]: all eigenvalues (optionally eigenvectors) of a real
//!   symmetric matrix by `dsyevd` (divide and conquer), returned sorted **descending** (the
//!   order OPTIM writes to `path.info`).
//! - [`count_negative`], [`fvib`]: Hessian index and `ln Π λ_i` over the positive non-zero
//!   modes, with the number of zero modes given by the caller (algorithms.md §8).
//! - [`cholesky_log_det`]: `ln det H` of a positive-definite matrix by `dpotrf`, the cheap
//!   route to fvib for a large minimum whose Hessian has no zero modes.
//! - [`gemm_row_major`]: `C ← α·op(A)·op(B) + β·C` on row-major blocks by BLAS `dgemm`.
//! - [`set_blas_threads`]: how many threads OpenBLAS itself may start.

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

/// [`fvib`] for a point that may have more flat directions than its counted zero modes (a
/// network minimum with a saturated hidden unit and an unregularised bias, say): included
/// eigenvalues in `[−flat_tol, 0]` are flat modes, left out of the sum like the zero modes
/// (files.md: "the product of the positive eigenvalues"). Returns `(fvib, flat modes)`; `None`
/// only when an included eigenvalue is below `−flat_tol` (the point's index is not `index`).
pub fn fvib_with_flat_modes(
    values_desc: &[f64],
    nzero: usize,
    index: usize,
    flat_tol: f64,
) -> Option<(f64, usize)> {
    let count = values_desc.len().checked_sub(nzero + index)?;
    let used = &values_desc[..count];
    if used.iter().any(|&v| v < -flat_tol || v.is_nan()) {
        return None;
    }
    let flat = used.iter().filter(|&&v| v <= 0.0).count();
    Some((
        used.iter().filter(|&&v| v > 0.0).map(|v| v.ln()).sum(),
        flat,
    ))
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

/// Row-major `C (m × n) ← α·op(A)·op(B) + β·C` by BLAS `dgemm` (OpenBLAS), where `op(A)` is
/// `m × k` (`A`, or `Aᵀ` with `ta`), `op(B)` is `k × n` (`B`, or `Bᵀ` with `tb`); `lda`, `ldb`,
/// `ldc` are the row strides of the stored `A`, `B`, `C`. OpenBLAS never splits the `k` sum
/// between threads, so each entry's value does not depend on its thread count.
///
/// # Panics
/// If a slice is too short for its dimensions and stride.
#[allow(clippy::too_many_arguments)]
pub fn gemm_row_major(
    ta: bool,
    tb: bool,
    (m, n, k): (usize, usize, usize),
    alpha: f64,
    (a, lda): (&[f64], usize),
    (b, ldb): (&[f64], usize),
    beta: f64,
    (c, ldc): (&mut [f64], usize),
) {
    if m == 0 || n == 0 {
        return;
    }
    let (ar, ac) = if ta { (k, m) } else { (m, k) };
    let (br, bc) = if tb { (n, k) } else { (k, n) };
    let need = |rows: usize, cols: usize, ld: usize| {
        if rows == 0 || cols == 0 {
            0
        } else {
            (rows - 1) * ld + cols
        }
    };
    assert!(
        lda >= ac.max(1) && a.len() >= need(ar, ac, lda),
        "gemm: A too short"
    );
    assert!(
        ldb >= bc.max(1) && b.len() >= need(br, bc, ldb),
        "gemm: B too short"
    );
    assert!(ldc >= n && c.len() >= need(m, n, ldc), "gemm: C too short");
    // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major stored
    // matrix is its transpose in column-major terms.
    let flag = |t: bool| if t { b'T' } else { b'N' };
    // SAFETY: the dimensions and strides were checked against the slices above; dgemm reads
    // only those entries and writes only C's.
    unsafe {
        blas::dgemm(
            flag(tb),
            flag(ta),
            n as i32,
            m as i32,
            k as i32,
            alpha,
            b,
            ldb as i32,
            a,
            lda as i32,
            beta,
            c,
            ldc as i32,
        );
    }
}

extern "C" {
    fn openblas_set_num_threads(n: std::os::raw::c_int);
}

/// Let OpenBLAS start at most `n` threads of its own (at least 1). The programs use 1: their
/// parallelism is rayon's over data chunks (and PATHSAMPLE's jobs), and OpenBLAS's worker
/// threads on top only oversubscribe the cores (measured on 114 × 114 eigenproblems: 0.9 s of
/// system time per OPTIM run, no gain in wall time).
pub fn set_blas_threads(n: usize) {
    // SAFETY: a plain setter of OpenBLAS's thread count, valid at any time.
    unsafe { openblas_set_num_threads(n.clamp(1, 1024) as std::os::raw::c_int) }
}

/// Number of partial sums of [`dot`].
const DOT_LANES: usize = 8;

/// Dot product `Σ a_i b_i` over the common length, with [`DOT_LANES`] partial sums (entry `i`
/// to sum `i mod 8`, in index order), added pairwise at the end, then the remainder in order:
/// independent chains the compiler turns into vector instructions, and a result that depends
/// only on the inputs (no fused multiply-add, the same on every instruction set).
#[inline(always)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; DOT_LANES];
    let (ac, bc) = (a.chunks_exact(DOT_LANES), b.chunks_exact(DOT_LANES));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for k in 0..DOT_LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    for (x, y) in ar.iter().zip(br) {
        s += x * y;
    }
    s
}

/// Euclidean norm, `sqrt(dot(a, a))`.
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer-valued vectors make every partial sum exact, so any order gives the exact
    /// value; every remainder length is covered, and a real-valued case agrees with a
    /// compensated sum to a few ulps.
    #[test]
    fn dot_is_the_dot_product_for_every_length() {
        for n in 0..41usize {
            let ai = |i: usize| (i as i64 * 7) % 11 - 5;
            let bi = |i: usize| (i as i64 * 3) % 13 - 6;
            let a: Vec<f64> = (0..n).map(|i| ai(i) as f64).collect();
            let b: Vec<f64> = (0..n).map(|i| bi(i) as f64).collect();
            let exact: i64 = (0..n).map(|i| ai(i) * bi(i)).sum();
            assert_eq!(dot(&a, &b), exact as f64, "n = {n}");
            assert_eq!(
                dot(&a, &b[..n.saturating_sub(1)]),
                dot(&a[..n.saturating_sub(1)], &b)
            );
        }
        let a: Vec<f64> = (0..1001).map(|i| (i as f64 * 0.37).sin()).collect();
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for x in &a {
            let y = x * x - c;
            let t = s + y;
            c = (t - s) - y;
            s = t;
        }
        assert!((norm(&a) - s.sqrt()).abs() < 1e-13 * s.sqrt());
    }

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
    fn flat_modes_are_left_out_of_fvib() {
        // 3·2 = 6 over the positive modes; one flat mode of −1e−9 within the tolerance.
        let vals = [3.0, 2.0, -1.0e-9, -5.0];
        let (f, flat) = fvib_with_flat_modes(&vals, 0, 1, 1.0e-6).unwrap();
        assert!((f - 6f64.ln()).abs() < 1e-15);
        assert_eq!(flat, 1);
        // Without flat modes: the plain fvib.
        let (f, flat) = fvib_with_flat_modes(&vals[..2], 0, 0, 1.0e-6).unwrap();
        assert_eq!((f, flat), (fvib(&vals[..2], 0, 0).unwrap(), 0));
        // An included eigenvalue below −tol: the index is wrong, no fvib.
        assert_eq!(fvib_with_flat_modes(&vals, 0, 0, 1.0e-6), None);
        assert_eq!(fvib_with_flat_modes(&[1.0, f64::NAN], 0, 0, 1.0e-6), None);
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

    #[test]
    fn gemm_row_major_matches_the_naive_product_for_every_transposition() {
        let (m, n, k) = (3, 5, 4);
        let val = |i: usize| ((i * 37 % 11) as f64 - 5.0) * 0.25;
        for ta in [false, true] {
            for tb in [false, true] {
                // Stored A is m×k (or k×m), B is k×n (or n×k), with padded row strides.
                let (ar, ac) = if ta { (k, m) } else { (m, k) };
                let (br, bc) = if tb { (n, k) } else { (k, n) };
                let (lda, ldb, ldc) = (ac + 2, bc + 1, n + 3);
                let a: Vec<f64> = (0..ar * lda).map(val).collect();
                let b: Vec<f64> = (0..br * ldb).map(|i| val(i + 7)).collect();
                let mut c: Vec<f64> = (0..m * ldc).map(|i| val(i + 3)).collect();
                let c0 = c.clone();
                gemm_row_major(
                    ta,
                    tb,
                    (m, n, k),
                    2.0,
                    (&a, lda),
                    (&b, ldb),
                    0.5,
                    (&mut c, ldc),
                );
                for i in 0..m {
                    for j in 0..n {
                        let mut want = 0.5 * c0[i * ldc + j];
                        for l in 0..k {
                            let av = if ta { a[l * lda + i] } else { a[i * lda + l] };
                            let bv = if tb { b[j * ldb + l] } else { b[l * ldb + j] };
                            want += 2.0 * av * bv;
                        }
                        assert!((c[i * ldc + j] - want).abs() < 1e-12, "{ta} {tb} ({i},{j})");
                    }
                    // Padding columns untouched.
                    for j in n..ldc {
                        assert_eq!(c[i * ldc + j], c0[i * ldc + j]);
                    }
                }
            }
        }
    }
}
