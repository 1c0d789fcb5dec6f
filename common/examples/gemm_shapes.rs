//! Time the first-layer products of an MNIST chunk (10×784 weights, 64 items by default) with
//! OpenBLAS (through `common::linalg::gemm_row_major`, one OpenBLAS thread) and matrixmultiply
//! (through nalgebra): the forward product in its four layouts (the inputs item-major or, as a
//! transposed copy, input-major), the weight gradient in two,
//! and a call's worth of chunks streamed over a 6.3 MB input matrix.
//!
//! `cargo run --release -p common --example gemm_shapes [ITEMS]`
use common::linalg::gemm_row_major as gemm;
use nalgebra::{DMatrixView, DMatrixViewMut};
use std::time::Instant;

/// Microseconds per call of `f`, over `reps` calls.
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    let t0 = Instant::now();
    for _ in 0..reps {
        f();
    }
    t0.elapsed().as_secs_f64() / reps as f64 * 1e6
}

fn main() {
    common::linalg::set_blas_threads(1);
    let nb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let (t, s) = (10usize, 784usize);
    let w: Vec<f64> = (0..t * s).map(|i| (i % 13) as f64 * 0.01).collect();
    let wt: Vec<f64> = (0..s * t).map(|i| w[(i % t) * s + i / t]).collect();
    let x: Vec<f64> = (0..nb * s).map(|i| (i % 7) as f64 * 0.1).collect();
    let d: Vec<f64> = (0..t * nb).map(|i| (i % 5) as f64 * 0.1).collect();
    let xt: Vec<f64> = (0..s * nb).map(|i| x[(i % nb) * s + i / nb]).collect();
    let (mut c, mut ct) = (vec![0.0; t * nb], vec![0.0; nb * t]);
    let mut g = vec![0.0; t * s];
    let reps = 20000 * 64 / nb;

    // Forward: node-major W·XT from an input-major copy of the inputs (nn) or W·Xᵀ (tn),
    // item-major X·Wt from a transposed copy of the weights (nn) or X·Wᵀ (nt);
    // gradient: D·X (nn) or its transpose Xᵀ·Dᵀ (tt). Each: name, transpositions, (m, n, k),
    // A and its row stride, B and its row stride, the output's row stride.
    type Case<'a> = (
        &'a str,
        (bool, bool),
        (usize, usize, usize),
        (&'a [f64], usize),
        (&'a [f64], usize),
        usize,
    );
    #[rustfmt::skip]
    let cases: [Case; 6] = [
        ("forward W·XT", (false, false), (t, nb, s), (&w, s), (&xt, nb), nb),
        ("forward W·Xᵀ", (false, true), (t, nb, s), (&w, s), (&x, s), nb),
        ("forward X·Wt", (false, false), (nb, t, s), (&x, s), (&wt, t), t),
        ("forward X·Wᵀ", (false, true), (nb, t, s), (&x, s), (&w, s), t),
        ("gradient D·X", (false, false), (t, s, nb), (&d, nb), (&x, s), s),
        ("gradient Xᵀ·Dᵀ", (true, true), (s, t, nb), (&x, s), (&d, nb), t),
    ];
    let mut out = vec![0.0; (t * s).max(nb * t)];
    print!("openblas, us per {nb} items:");
    for (name, (ta, tb), dims, a, b, ldc) in cases {
        let us = time(reps, || gemm(ta, tb, dims, 1.0, a, b, 0.0, (&mut out, ldc)));
        print!("  {name} {us:.2}");
    }
    println!();

    // Streaming, as a call over 1000 items does: each chunk's forward then gradient (β = 1)
    // over a 6.3 MB input matrix.
    let items = 1000 / nb * nb;
    let big: Vec<f64> = (0..items * s).map(|i| (i % 11) as f64 * 0.1).collect();
    for (name, item_major) in [("W·Xᵀ", false), ("X·Wt", true)] {
        let us = time(200, || {
            for chunk in big.chunks_exact(nb * s) {
                if item_major {
                    gemm(
                        false,
                        false,
                        (nb, t, s),
                        1.0,
                        (chunk, s),
                        (&wt, t),
                        0.0,
                        (&mut ct, t),
                    );
                } else {
                    gemm(
                        false,
                        true,
                        (t, nb, s),
                        1.0,
                        (&w, s),
                        (chunk, s),
                        0.0,
                        (&mut c, nb),
                    );
                }
                gemm(
                    false,
                    false,
                    (t, s, nb),
                    1.0,
                    (&d, nb),
                    (chunk, s),
                    1.0,
                    (&mut g, s),
                );
            }
        });
        println!("streaming {items} items, forward {name} + gradient: {us:.1} us per call");
    }

    let mm = time(reps, || {
        let a = DMatrixView::from_slice_with_strides(&w, t, s, s, 1);
        let b = DMatrixView::from_slice_with_strides(&x, s, nb, 1, s);
        DMatrixViewMut::from_slice_with_strides_mut(&mut c, t, nb, nb, 1).gemm(1.0, &a, &b, 0.0);
        let a = DMatrixView::from_slice_with_strides(&d, t, nb, nb, 1);
        let b = DMatrixView::from_slice_with_strides(&x, nb, s, s, 1);
        DMatrixViewMut::from_slice_with_strides_mut(&mut g, t, s, s, 1).gemm(1.0, &a, &b, 1.0);
    });
    println!("matrixmultiply: {mm:.2} us per forward+gradient pair of {nb} items");
    std::hint::black_box((&c, &ct, &g, &out));
}
