//! Rough timings (ignored by default): `cargo test -p common --release --test mlp_timing --
//! --ignored --nocapture`.

// Wrapped in a module so that every test name contains "mlp" (`cargo test mlp`).
mod mlp_timing {
    use std::time::Instant;

    use common::mlp::{Mlp, MlpData, Network};
    use common::potential::Potential;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    pub fn setup(sizes: Vec<usize>, ndata: usize) -> (Mlp, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let nin = sizes[0];
        let nout = *sizes.last().unwrap();
        let inputs = (0..nin * ndata).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let labels = (0..ndata).map(|_| rng.gen_range(0..nout)).collect();
        let net = Network::new(sizes, true).unwrap();
        let p = Mlp::from_network(net, MlpData::new(nin, inputs, labels), 1e-4, false).unwrap();
        let x = (0..p.nopt()).map(|_| rng.gen_range(-0.3..0.3)).collect();
        (p, x)
    }

    /// Best of five batches of `reps` calls (the machine may be shared).
    pub fn time<F: FnMut()>(label: &str, reps: usize, mut f: F) {
        f();
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            best = best.min(t.elapsed().as_secs_f64() / reps as f64);
        }
        println!(
            "{label}: {:.1} µs/call ({:.0} calls/s)",
            best * 1e6,
            1.0 / best
        );
    }

    #[test]
    #[ignore]
    fn timings() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                println!("--- {threads} thread(s)");
                let (p, x) = setup(vec![2, 10, 4], 1000);
                let mut g = vec![0.0; p.nopt()];
                time("[2,10,4] N=1000 energy", 1000, || {
                    std::hint::black_box(p.energy(&x));
                });
                time("[2,10,4] N=1000 energy+gradient", 1000, || {
                    std::hint::black_box(p.energy_gradient(&x, &mut g));
                });
                let v = x.clone();
                time("[2,10,4] N=1000 Hv", 200, || {
                    p.hessian_vector(&x, &v, &mut g)
                });
                time("[2,10,4] N=1000 Hessian", 20, || {
                    std::hint::black_box(p.hessian(&x));
                });
                let (p, x) = setup(vec![784, 10, 10], 1000);
                let mut g = vec![0.0; p.nopt()];
                time("[784,10,10] N=1000 energy+gradient", 10, || {
                    std::hint::black_box(p.energy_gradient(&x, &mut g));
                });
                let v = x.clone();
                time("[784,10,10] N=1000 Hv", 4, || {
                    p.hessian_vector(&x, &v, &mut g)
                });
                let (p, x) = setup(vec![784, 10, 10], 20);
                time("[784,10,10] N=20 Hessian", 1, || {
                    std::hint::black_box(p.hessian(&x));
                });
            });
        }
    }

    #[test]
    #[ignore]
    fn timing_small_single_thread() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(|| {
            let (p, x) = setup(vec![2, 10, 4], 1000);
            let mut g = vec![0.0; p.nopt()];
            time("[2,10,4] N=1000 energy+gradient", 4000, || {
                std::hint::black_box(p.energy_gradient(&x, &mut g));
            });
        });
    }
}

mod mlp_timing_hessian {
    use super::mlp_timing::{setup, time};
    use common::potential::Potential;

    #[test]
    #[ignore]
    fn timing_mnist_hessian() {
        for n in [20, 100] {
            let (p, x) = setup(vec![784, 10, 10], n);
            time(&format!("[784,10,10] N={n} Hessian"), 1, || {
                std::hint::black_box(p.hessian(&x));
            });
        }
    }
}
