//! Benchmarks of the library's hot paths (a plain timing harness, `harness = false`).
//!
//! `cargo bench -p common --bench potentials` runs everything; `BENCH_QUICK=1` skips the
//! largest cases (the 7960-variable Hessian). Every figure is printed together with a ratio
//! against a baseline measured in the same run, so numbers from different machines compare.

use common::linalg::{cholesky_log_det, sym_eigenvalues};
use common::ljat::{geometry, Ljat};
use common::mlp::{Mlp, MlpData, Network};
use common::potential::{fd, Potential};
use common::rng::Stream;
use nalgebra::DMatrix;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Call `f` repeatedly for at least `budget`; return calls per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Time one call of `f` (seconds).
fn once<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed().as_secs_f64())
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn random_cluster(n: usize, seed: u64) -> Vec<f64> {
    // Atoms on a jittered simple-cubic lattice of spacing 1.1 (no overlaps).
    let side = (n as f64).cbrt().ceil() as usize;
    let mut s = Stream::new(seed, 0);
    (0..n)
        .flat_map(|a| {
            let (i, j, k) = (a % side, (a / side) % side, a / (side * side));
            [i, j, k].map(|c| 1.1 * c as f64)
        })
        .map(|c| c + s.uniform_in(-0.05, 0.05))
        .collect()
}

fn bench_ljat(budget: Duration) {
    println!("\n## LJAT energy+gradient");
    let ljat3 = Ljat::new(3, 2.0);
    let x3 = geometry::equilateral3(1.17);
    let mut g3 = vec![0.0; 9];
    let r3 = rate(budget, || {
        black_box(ljat3.energy_gradient(black_box(&x3), &mut g3));
    });
    println!("LJAT3 (Z=2)            {:>12.0} calls/s", r3);
    let lj38 = Ljat::new(38, 0.0);
    let ljat38 = Ljat::new(38, 2.0);
    let x38 = random_cluster(38, 1);
    let mut g38 = vec![0.0; 114];
    let r38 = rate(budget, || {
        black_box(lj38.energy_gradient(black_box(&x38), &mut g38));
    });
    let r38at = rate(budget, || {
        black_box(ljat38.energy_gradient(black_box(&x38), &mut g38));
    });
    println!(
        "LJ38 (Z=0)             {:>12.0} calls/s  ({:.1}x slower than LJAT3)",
        r38,
        r3 / r38
    );
    println!(
        "LJAT38 (Z=2, 8436 triples) {:>8.0} calls/s  ({:.1}x slower than LJ38)",
        r38at,
        r38 / r38at
    );
    let v: Vec<f64> = (0..114).map(|i| (i as f64).sin()).collect();
    let mut hv = vec![0.0; 114];
    let rhv = rate(budget, || ljat38.hessian_vector(&x38, &v, &mut hv));
    let rfd = rate(budget, || {
        black_box(fd::hessian_vector(&ljat38, &x38, &v, 1e-6));
    });
    println!(
        "LJAT38 Hv analytic     {:>12.0} calls/s  (finite-difference Hv: {:.0}/s; ratio {:.2})",
        rhv,
        rfd,
        rhv / rfd
    );
}

fn random_symmetric(n: usize, seed: u64) -> DMatrix<f64> {
    let mut s = Stream::new(seed, 0);
    let a = DMatrix::from_fn(n, n, |_, _| s.uniform_in(-1.0, 1.0));
    (&a + a.transpose()) * 0.5
}

fn bench_eigen(quick: bool) {
    println!("\n## Hessian eigenvalues (LAPACK dsyevd)");
    let h74 = random_symmetric(74, 2);
    let r74 = rate(Duration::from_millis(500), || {
        black_box(sym_eigenvalues(&h74).unwrap());
    });
    println!(
        "74 variables           {:>12.1} decompositions/s ({:.3} ms each)",
        r74,
        1e3 / r74
    );
    let sizes: &[usize] = if quick { &[1000] } else { &[1000, 7960] };
    for &n in sizes {
        let h = random_symmetric(n, 3);
        let (_, t) = once(|| sym_eigenvalues(&h).unwrap());
        let spd = {
            let mut m = h.clone();
            for i in 0..n {
                m[(i, i)] += n as f64;
            }
            m
        };
        let (_, tc) = once(|| cholesky_log_det(&spd).unwrap());
        println!(
            "{n} variables: eigenvalues {t:.2} s; Cholesky log-det {tc:.3} s (ratio {:.1})",
            t / tc
        );
    }
}

/// A random network and data set of the given shape (inputs uniform in [-1, 1]).
fn random_mlp(sizes: &[usize], ndata: usize, seed: u64) -> (Mlp, Vec<f64>) {
    let net = Network::new(sizes.to_vec(), true).unwrap();
    let nin = sizes[0];
    let nout = *sizes.last().unwrap();
    let mut s = Stream::new(seed, 0);
    let inputs: Vec<f64> = (0..ndata * nin).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let labels: Vec<usize> = (0..ndata).map(|_| s.index(nout)).collect();
    let data = MlpData::new(nin, inputs, labels);
    let x: Vec<f64> = (0..net.nopt()).map(|_| s.uniform_in(-0.3, 0.3)).collect();
    (Mlp::from_network(net, data, 1e-4, false).unwrap(), x)
}

fn bench_mlp(budget: Duration, quick: bool) {
    println!("\n## MLP energy+gradient and Hv (calls/s; ratio = 2 threads / 1 thread)");
    for (name, sizes, ndata) in [
        ("[2,10,4,1000]", vec![2, 10, 4], 1000),
        ("[784,10,10,1000]", vec![784, 10, 10], 1000),
    ] {
        let (mlp, x) = random_mlp(&sizes, ndata, 1);
        let n = mlp.nopt();
        let mut g = vec![0.0; n];
        let mut eg = [0.0; 2];
        let mut hvr = [0.0; 2];
        let v: Vec<f64> = (0..n).map(|i| ((i * 7) as f64).sin()).collect();
        let mut hv = vec![0.0; n];
        for (k, threads) in [1, 2].into_iter().enumerate() {
            pool(threads).install(|| {
                eg[k] = rate(budget, || {
                    black_box(mlp.energy_gradient(black_box(&x), &mut g));
                });
                hvr[k] = rate(budget, || mlp.hessian_vector(&x, &v, &mut hv));
            });
        }
        println!(
            "{name:<18} E+G {:>9.0} /s (1 thr) {:>9.0} /s (2 thr) ratio {:.2} | Hv {:>9.0} /s (1 thr) {:>9.0} /s (2 thr) ratio {:.2} | Hv/E+G cost {:.2}",
            eg[0], eg[1], eg[1] / eg[0], hvr[0], hvr[1], hvr[1] / hvr[0], eg[1] / hvr[1]
        );
        let rfd = rate(budget, || {
            black_box(fd::hessian_vector(&mlp, &x, &v, 1e-6));
        });
        println!(
            "{name:<18} analytic Hv {:.0}/s vs finite-difference Hv {:.0}/s (ratio {:.2})",
            hvr[1],
            rfd,
            hvr[1] / rfd
        );
    }
    println!("\n## MLP Hessians: build and eigenvalues");
    let (mlp, x) = random_mlp(&[2, 10, 4], 1000, 2);
    let (h, tb) = once(|| mlp.hessian(&x));
    let (_, te) = once(|| sym_eigenvalues(&h).unwrap());
    println!(
        "[2,10,4,1000] (74 variables): Hessian {:.2} ms, eigenvalues {:.2} ms",
        tb * 1e3,
        te * 1e3
    );
    if !quick {
        let (mlp, x) = random_mlp(&[784, 10, 10], 20, 3);
        let (h, tb) = once(|| mlp.hessian(&x));
        let (_, te) = once(|| sym_eigenvalues(&h).unwrap());
        println!("[784,10,10,20] (7960 variables): Hessian {tb:.2} s, eigenvalues {te:.1} s");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let budget = Duration::from_millis(if quick { 300 } else { 1000 });
    println!(
        "# common benchmarks ({} threads available)",
        rayon::current_num_threads()
    );
    bench_ljat(budget);
    bench_mlp(budget, quick);
    bench_eigen(quick);
}
