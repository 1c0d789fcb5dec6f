//! Time the first-layer products of an MNIST chunk (10×784 weights, 64 items) with OpenBLAS
//! (cblas_dgemm) and matrixmultiply (through nalgebra).
use nalgebra::{DMatrixView, DMatrixViewMut};
use std::time::Instant;

#[allow(non_camel_case_types)]
type c_int = i32;
extern "C" {
    fn cblas_dgemm(
        order: c_int,
        ta: c_int,
        tb: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *const f64,
        ldb: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    fn openblas_set_num_threads(n: c_int);
}

fn main() {
    let _ = common::linalg::sym_eigenvalues; // link common (OpenBLAS)
                                             // Items per product: the second argument (default 64, the chunk size).
    let nb: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let (t, s) = (10usize, 784usize);
    let w: Vec<f64> = (0..t * s).map(|i| (i % 13) as f64 * 0.01).collect();
    let x: Vec<f64> = (0..nb * s).map(|i| (i % 7) as f64 * 0.1).collect();
    let d: Vec<f64> = (0..t * nb).map(|i| (i % 5) as f64 * 0.1).collect();
    let mut c = vec![0.0; t * nb];
    let mut g = vec![0.0; t * s];
    let reps = 20000 * 64 / nb;
    if std::env::args().nth(1).as_deref() == Some("1") {
        unsafe { openblas_set_num_threads(1) };
    }
    let forward = |c: &mut [f64]| unsafe {
        cblas_dgemm(
            101,
            111,
            112,
            t as _,
            nb as _,
            s as _,
            1.0,
            w.as_ptr(),
            s as _,
            x.as_ptr(),
            s as _,
            0.0,
            c.as_mut_ptr(),
            nb as _,
        )
    };
    let gradient = |g: &mut [f64]| unsafe {
        cblas_dgemm(
            101,
            111,
            111,
            t as _,
            s as _,
            nb as _,
            1.0,
            d.as_ptr(),
            nb as _,
            x.as_ptr(),
            s as _,
            0.0,
            g.as_mut_ptr(),
            s as _,
        )
    };
    let t0 = Instant::now();
    for _ in 0..reps {
        forward(&mut c);
    }
    let tf = t0.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let t0 = Instant::now();
    for _ in 0..reps {
        gradient(&mut g);
    }
    let tg = t0.elapsed().as_secs_f64() / reps as f64 * 1e6;
    println!("openblas: forward {tf:.2} us, gradient (beta 0) {tg:.2} us per {nb} items");
    // Alternatives: item-major outputs from a pre-transposed W (row-major nn) or from W (nt);
    // the transposed gradient (tn).
    let wt: Vec<f64> = (0..s * t).map(|i| w[(i % t) * s + i / t]).collect();
    let mut ct = vec![0.0; nb * t];
    let mut gt = vec![0.0; s * t];
    let time = |f: &mut dyn FnMut()| {
        let t0 = Instant::now();
        for _ in 0..reps {
            f();
        }
        t0.elapsed().as_secs_f64() / reps as f64 * 1e6
    };
    let f2 = time(&mut || unsafe {
        cblas_dgemm(
            101,
            111,
            111,
            nb as _,
            t as _,
            s as _,
            1.0,
            x.as_ptr(),
            s as _,
            wt.as_ptr(),
            t as _,
            0.0,
            ct.as_mut_ptr(),
            t as _,
        )
    });
    let f3 = time(&mut || unsafe {
        cblas_dgemm(
            101,
            111,
            112,
            nb as _,
            t as _,
            s as _,
            1.0,
            x.as_ptr(),
            s as _,
            w.as_ptr(),
            s as _,
            0.0,
            ct.as_mut_ptr(),
            t as _,
        )
    });
    let g2 = time(&mut || unsafe {
        cblas_dgemm(
            101,
            112,
            112,
            s as _,
            t as _,
            nb as _,
            1.0,
            x.as_ptr(),
            s as _,
            d.as_ptr(),
            nb as _,
            0.0,
            gt.as_mut_ptr(),
            t as _,
        )
    });
    println!("openblas: forward X·Wt {f2:.2} us, X·W^T {f3:.2} us; gradient X^T·D^T {g2:.2} us");
    // Streaming, as a call over 1000 items does: each 64-item chunk's forward then gradient
    // (beta 1) over a 6.3 MB input matrix, W·Xᵀ (tn) against X·Wt (nn, item-major output).
    let items = 1000 / nb * nb;
    let big: Vec<f64> = (0..items * s).map(|i| (i % 11) as f64 * 0.1).collect();
    let calls = 200;
    for variant in ["W*X^T (tn)", "X*Wt (nn)", "W*X^T (tn)", "X*Wt (nn)"] {
        let t0 = Instant::now();
        for _ in 0..calls {
            for chunk in big.chunks_exact(nb * s) {
                unsafe {
                    if variant.starts_with('W') {
                        cblas_dgemm(
                            101,
                            111,
                            112,
                            t as _,
                            nb as _,
                            s as _,
                            1.0,
                            w.as_ptr(),
                            s as _,
                            chunk.as_ptr(),
                            s as _,
                            0.0,
                            c.as_mut_ptr(),
                            nb as _,
                        );
                    } else {
                        cblas_dgemm(
                            101,
                            111,
                            111,
                            nb as _,
                            t as _,
                            s as _,
                            1.0,
                            chunk.as_ptr(),
                            s as _,
                            wt.as_ptr(),
                            t as _,
                            0.0,
                            ct.as_mut_ptr(),
                            t as _,
                        );
                    }
                    cblas_dgemm(
                        101,
                        111,
                        111,
                        t as _,
                        s as _,
                        nb as _,
                        1.0,
                        d.as_ptr(),
                        nb as _,
                        chunk.as_ptr(),
                        s as _,
                        1.0,
                        g.as_mut_ptr(),
                        s as _,
                    );
                }
            }
        }
        println!(
            "streaming {items} items, forward {variant} + gradient: {:.1} us per call",
            t0.elapsed().as_secs_f64() / calls as f64 * 1e6
        );
    }
    let t0 = Instant::now();
    for _ in 0..reps {
        unsafe {
            cblas_dgemm(
                101,
                111,
                112,
                t as _,
                nb as _,
                s as _,
                1.0,
                w.as_ptr(),
                s as _,
                x.as_ptr(),
                s as _,
                0.0,
                c.as_mut_ptr(),
                nb as _,
            );
            cblas_dgemm(
                101,
                111,
                111,
                t as _,
                s as _,
                nb as _,
                1.0,
                d.as_ptr(),
                nb as _,
                x.as_ptr(),
                s as _,
                1.0,
                g.as_mut_ptr(),
                s as _,
            );
        }
    }
    println!(
        "openblas: {:.2} us per forward+gradient pair of {nb} items ({:.3} us per 64)",
        t0.elapsed().as_secs_f64() / reps as f64 * 1e6,
        t0.elapsed().as_secs_f64() / reps as f64 * 1e6 * 64.0 / nb as f64
    );
    let t0 = Instant::now();
    for _ in 0..reps {
        let a = DMatrixView::from_slice_with_strides(&w, t, s, s, 1);
        let b = DMatrixView::from_slice_with_strides(&x, s, nb, 1, s);
        DMatrixViewMut::from_slice_with_strides_mut(&mut c, t, nb, nb, 1).gemm(1.0, &a, &b, 0.0);
        let a = DMatrixView::from_slice_with_strides(&d, t, nb, nb, 1);
        let b = DMatrixView::from_slice_with_strides(&x, nb, s, s, 1);
        DMatrixViewMut::from_slice_with_strides_mut(&mut g, t, s, s, 1).gemm(1.0, &a, &b, 1.0);
    }
    println!(
        "matrixmultiply: {:.2} us per forward+gradient pair of {nb} items ({:.3} us per 64)",
        t0.elapsed().as_secs_f64() / reps as f64 * 1e6,
        t0.elapsed().as_secs_f64() / reps as f64 * 1e6 * 64.0 / nb as f64
    );
}
