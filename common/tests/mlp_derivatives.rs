//! Analytic gradient, Hessian and Hessian-vector products of the MLP family against finite
//! differences and each other; frozen variables; thread-count independence.

// Wrapped in a module so that every test name contains "mlp" (`cargo test mlp`).
mod mlp_derivatives {
    use common::mlp::{Mlp, MlpData, MlpSpec, Network};
    use common::potential::{fd, FrozenMask, Potential};
    use nalgebra::{DMatrix, DVector};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_data(rng: &mut ChaCha8Rng, nin: usize, nout: usize, ndata: usize) -> MlpData {
        let inputs = (0..nin * ndata).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let labels = (0..ndata).map(|_| rng.gen_range(0..nout)).collect();
        MlpData::new(nin, inputs, labels)
    }

    fn random_point(rng: &mut ChaCha8Rng, n: usize, scale: f64) -> Vec<f64> {
        (0..n).map(|_| rng.gen_range(-scale..scale)).collect()
    }

    /// A potential from a keyword line on random data (`Nstart` is irrelevant in memory).
    fn from_keyword(kw: &str, args: &[f64], noregbias: bool, mlpnorm: bool, seed: u64) -> Mlp {
        let mut spec = MlpSpec::from_keyword(kw, args).unwrap();
        spec.noregbias = noregbias;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut data = random_data(&mut rng, spec.nin, spec.nout, spec.ndata);
        if mlpnorm {
            data.normalise();
        }
        Mlp::new(&spec, data).unwrap()
    }

    fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    }

    fn hv(p: &Mlp, x: &[f64], v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; p.nopt()];
        p.hessian_vector(x, v, &mut out);
        out
    }

    /// Every derivative check at two random points.
    fn check_all(p: &Mlp, seed: u64) {
        let n = p.nopt();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for scale in [0.5, 1.5] {
            let x = random_point(&mut rng, n, scale);
            let v = random_point(&mut rng, n, 1.0);
            let free = |i: usize| p.frozen().is_none_or(|m| !m.is_frozen(i));

            // Gradient vs central differences (free components), frozen components zero.
            let g = p.gradient(&x);
            let gn = fd::gradient(p, &x, 1e-6);
            for i in 0..n {
                if free(i) {
                    assert!(
                        (g[i] - gn[i]).abs() < 1e-8,
                        "gradient[{i}]: {} vs {}",
                        g[i],
                        gn[i]
                    );
                } else {
                    assert_eq!(g[i], 0.0, "frozen gradient component {i}");
                }
            }

            // Hessian vs central differences of the analytic gradient; exactly symmetric.
            let h = p.hessian(&x);
            assert_eq!(h, h.transpose(), "Hessian not exactly symmetric");
            // (The finite-difference Hessian of a masked gradient is meaningful on free pairs only.)
            let hn = fd::hessian(p, &x, 1e-6);
            let mut err: f64 = 0.0;
            for i in (0..n).filter(|&i| free(i)) {
                for j in (0..n).filter(|&j| free(j)) {
                    err = err.max((h[(i, j)] - hn[(i, j)]).abs());
                }
            }
            assert!(err < 1e-7, "Hessian error {err:e}");
            for i in 0..n {
                if !free(i) {
                    assert!(h.row(i).iter().all(|&e| e == 0.0));
                    assert!(h.column(i).iter().all(|&e| e == 0.0));
                }
            }

            // Hv vs H·v, and vs central differences of the gradient along v.
            let hvv = hv(p, &x, &v);
            let hdot = &h * DVector::from_column_slice(&v);
            let scale_hv = hdot.amax().max(1.0);
            let err = max_abs_diff(&hvv, hdot.as_slice());
            assert!(err < 1e-12 * scale_hv, "Hv vs H·v error {err:e}");
            let mut vfree = v.clone();
            if let Some(m) = p.frozen() {
                m.apply(&mut vfree);
            }
            let mut hvn = fd::hessian_vector(p, &x, &vfree, 1e-6);
            if let Some(m) = p.frozen() {
                m.apply(&mut hvn);
            }
            let err = max_abs_diff(&hvv, &hvn);
            assert!(err < 1e-7, "Hv vs finite differences error {err:e}");

            // Hv of unit vectors reproduces the Hessian columns.
            for j in [0, n / 2, n - 1] {
                let mut e = vec![0.0; n];
                e[j] = 1.0;
                let col = hv(p, &x, &e);
                let err = max_abs_diff(&col, h.column(j).as_slice());
                assert!(
                    err < 1e-12 * scale_hv,
                    "Hessian column {j} vs H e_j: {err:e}"
                );
            }
        }
    }

    #[test]
    fn mlp3_derivatives() {
        check_all(
            &from_keyword("MLP3", &[3.0, 4.0, 3.0, 20.0, 0.01], false, false, 1),
            11,
        );
    }

    #[test]
    fn mlpvb3_derivatives() {
        check_all(
            &from_keyword("MLPVB3", &[3.0, 1.0, 4.0, 3.0, 20.0, 0.01], false, false, 2),
            12,
        );
    }

    #[test]
    fn mlpvb3_noregbias_derivatives() {
        let p = from_keyword("MLPVB3", &[3.0, 1.0, 4.0, 3.0, 20.0, 0.05], true, false, 3);
        check_all(&p, 13);
        // NOREGBIAS changes only the bias components, by exactly the regulariser.
        let q = from_keyword("MLPVB3", &[3.0, 1.0, 4.0, 3.0, 20.0, 0.05], false, false, 3);
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let x = random_point(&mut rng, p.nopt(), 1.0);
        let (gp, gq) = (p.gradient(&x), q.gradient(&x));
        let nw = p.network().n_weights();
        assert_eq!(gp[..nw], gq[..nw]);
        for i in nw..p.nopt() {
            assert!((gq[i] - gp[i] - 0.1 * x[i]).abs() < 1e-15);
        }
        let reg: f64 = x[nw..].iter().map(|v| 0.05 * v * v).sum();
        assert!((q.energy(&x) - p.energy(&x) - reg).abs() < 1e-14);
    }

    #[test]
    fn mlpvb3nn_derivatives_with_frozen_weights() {
        let p = from_keyword(
            "MLPVB3NN",
            &[4.0, 1.0, 5.0, 3.0, 20.0, 0.01, 2.0],
            false,
            false,
            4,
        );
        assert_eq!(p.n_frozen(), 5 * 7 - (5 * 2 + 5 * 2));
        check_all(&p, 14);
        // Hv = P H P v with H the Hessian without freezing.
        let free_p = p.clone().with_frozen(FrozenMask::none(p.nopt())).unwrap();
        assert!(free_p.frozen().is_none());
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let x = random_point(&mut rng, p.nopt(), 1.0);
        let v = random_point(&mut rng, p.nopt(), 1.0);
        let mask = p.frozen().unwrap();
        let mut pv = v.clone();
        mask.apply(&mut pv);
        let mut expect = hv(&free_p, &x, &pv);
        mask.apply(&mut expect);
        assert!(max_abs_diff(&hv(&p, &x, &v), &expect) < 1e-14);
        let mut hfull = free_p.hessian(&x);
        mask.apply_matrix(&mut hfull);
        assert_eq!(p.hessian(&x), hfull);
    }

    #[test]
    fn mlpmulti_two_hidden_layers_derivatives() {
        let p = from_keyword(
            "MLPMULTI",
            &[3.0, 1.0, 3.0, 25.0, 0.01, 2.0, 4.0, 5.0],
            false,
            false,
            6,
        );
        check_all(&p, 16);
        let p = from_keyword(
            "MLPMULTI",
            &[3.0, 1.0, 3.0, 25.0, 0.01, 2.0, 4.0, 5.0],
            true,
            false,
            6,
        );
        check_all(&p, 17);
    }

    #[test]
    fn mlpmulti_three_hidden_layers_derivatives() {
        let p = from_keyword(
            "MLPMULTI",
            &[2.0, 1.0, 3.0, 30.0, 0.02, 3.0, 3.0, 4.0, 3.0],
            false,
            false,
            7,
        );
        check_all(&p, 18);
    }

    #[test]
    fn mlpnorm_derivatives() {
        check_all(
            &from_keyword("MLPVB3", &[3.0, 1.0, 4.0, 3.0, 20.0, 0.01], false, true, 8),
            19,
        );
        check_all(
            &from_keyword(
                "MLPMULTI",
                &[3.0, 1.0, 3.0, 20.0, 0.01, 2.0, 3.0, 3.0],
                false,
                true,
                9,
            ),
            20,
        );
    }

    #[test]
    fn single_node_layers_and_one_output() {
        // H = 1 and Nout = 1 (E = 0 for one class) still give consistent derivatives.
        check_all(
            &from_keyword(
                "MLPVB3",
                &[3.0, 1.0, 1.0, 2.0, 10.0, 0.01],
                false,
                false,
                21,
            ),
            22,
        );
        let p = from_keyword("MLPVB3", &[3.0, 1.0, 2.0, 1.0, 10.0, 0.0], false, false, 23);
        let x = vec![0.3; p.nopt()];
        assert_eq!(p.energy(&x), 0.0);
        assert!(p.gradient(&x).iter().all(|&g| g == 0.0));
    }

    #[test]
    fn zero_weights_give_ln_nout() {
        for (sizes, biases) in [
            (vec![5, 7, 3], false),
            (vec![5, 7, 4], true),
            (vec![5, 3, 4, 6], true),
            (vec![2, 2, 2, 2, 10], true),
        ] {
            let net = Network::new(sizes.clone(), biases).unwrap();
            let nout = net.nout();
            let mut rng = ChaCha8Rng::seed_from_u64(30);
            let data = random_data(&mut rng, sizes[0], nout, 50);
            let p = Mlp::from_network(net, data, 0.3, false).unwrap();
            let e = p.energy(&vec![0.0; p.nopt()]);
            assert!((e - (nout as f64).ln()).abs() < 1e-14, "{sizes:?}: {e}");
        }
    }

    #[test]
    fn hessian_over_several_item_blocks() {
        // More than 256 items (several matrix-product blocks) and a wider input layer.
        let net = Network::new(vec![30, 6, 5, 4], true).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(40);
        let data = random_data(&mut rng, 30, 4, 600);
        let p = Mlp::from_network(net, data, 0.01, true).unwrap();
        let n = p.nopt();
        let x = random_point(&mut rng, n, 0.5);
        let h = p.hessian(&x);
        assert_eq!(h, h.transpose());
        let mut cols = DMatrix::zeros(n, n);
        for j in 0..n {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            cols.set_column(j, &DVector::from_vec(hv(&p, &x, &e)));
        }
        let err = (&h - &cols).abs().max();
        assert!(err < 1e-13 * h.amax(), "Hessian vs Hv columns: {err:e}");
    }

    /// Gradient, Hv and a few Hessian columns of a larger network.
    fn check_large(p: &Mlp, seed: u64) {
        let n = p.nopt();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = random_point(&mut rng, n, 0.3);
        let v = random_point(&mut rng, n, 1.0);
        let g = p.gradient(&x);
        let gn = fd::gradient(p, &x, 1e-6);
        let err = max_abs_diff(&g, &gn);
        assert!(err < 1e-8, "gradient error {err:e}");
        let hvv = hv(p, &x, &v);
        let err = max_abs_diff(&hvv, &fd::hessian_vector(p, &x, &v, 1e-6));
        assert!(err < 1e-7, "Hv error {err:e}");
        let h = p.hessian(&x);
        assert_eq!(h, h.transpose());
        let hdot = &h * DVector::from_column_slice(&v);
        assert!(max_abs_diff(&hvv, hdot.as_slice()) < 1e-12 * hdot.amax().max(1.0));
        for j in [0, 1, n / 3, n / 2, n - 2, n - 1] {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            let err = max_abs_diff(&hv(p, &x, &e), h.column(j).as_slice());
            assert!(err < 1e-13 * h.amax(), "Hessian column {j}: {err:e}");
        }
    }

    fn random_mlp(sizes: Vec<usize>, ndata: usize, lambda: f64, seed: u64) -> Mlp {
        let net = Network::new(sizes.clone(), true).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let data = random_data(&mut rng, sizes[0], *sizes.last().unwrap(), ndata);
        Mlp::from_network(net, data, lambda, false).unwrap()
    }

    #[test]
    fn wide_layers_use_matrix_products() {
        // A first layer of 1200 weights (matrix-product path), 131 items: two full chunks and
        // a chunk of 3 items (loop path).
        check_large(&random_mlp(vec![200, 6, 3], 131, 0.01, 60), 61);
        // A wide hidden-to-hidden matrix (30 × 40): the Wᵀδ product is a matrix product too.
        check_large(&random_mlp(vec![40, 30, 40, 3], 100, 0.01, 62), 63);
    }

    #[test]
    fn results_independent_of_thread_count() {
        check_threads(random_mlp(vec![2, 10, 4], 1000, 1e-4, 50), 51);
        check_threads(random_mlp(vec![200, 6, 3], 300, 1e-4, 52), 53);
        check_threads(random_mlp(vec![40, 30, 40, 3], 150, 1e-4, 54), 55);
    }

    /// Calls made from inside a parallel loop: with more threads than loop items some threads
    /// help with other items' chunks, with fewer every call runs on its caller; either way the
    /// same bits as one thread, and no deadlock.
    #[test]
    fn calls_nested_in_a_parallel_loop_match_one_thread() {
        use rayon::prelude::*;
        let p = random_mlp(vec![2, 10, 4], 1000, 1e-4, 80);
        let mut rng = ChaCha8Rng::seed_from_u64(81);
        let points: Vec<Vec<f64>> = (0..12)
            .map(|_| random_point(&mut rng, p.nopt(), 1.0))
            .collect();
        let eval = |x: &Vec<f64>| {
            let mut g = vec![0.0; p.nopt()];
            let e = p.energy_gradient(x, &mut g);
            let v = vec![0.5; p.nopt()];
            let mut bits: Vec<u64> = g
                .iter()
                .chain(&hv(&p, x, &v))
                .map(|a| a.to_bits())
                .collect();
            bits.push(e.to_bits());
            bits
        };
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one: Vec<_> = pool(1).install(|| points.iter().map(eval).collect());
        for threads in [2, 4, 6] {
            let pool = pool(threads);
            for _ in 0..5 {
                let nested: Vec<_> = pool.install(|| points.par_iter().map(eval).collect());
                assert!(one == nested, "nested calls differ on {threads} threads");
            }
        }
    }

    /// Energy, gradient, Hv, Hessian and probabilities are bit-identical for 1, 2, 3 threads.
    fn check_threads(p: Mlp, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = random_point(&mut rng, p.nopt(), 1.0);
        let v = random_point(&mut rng, p.nopt(), 1.0);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            // A fresh copy per run: nothing kept from another run's products.
            let p = p.clone();
            pool.install(|| {
                let mut g = vec![0.0; p.nopt()];
                let e = p.energy_gradient(&x, &mut g);
                let e2 = p.energy(&x);
                let h = p.hessian(&x);
                let probs = p.probabilities(&x);
                (e.to_bits(), e2.to_bits(), g, hv(&p, &x, &v), h, probs)
            })
        };
        let one = run(1);
        assert_eq!(one.0, one.1, "energy() and energy_gradient() differ");
        // Repeated: which thread takes which chunks changes from call to call.
        for threads in [2, 3, 2, 3, 2] {
            let other = run(threads);
            assert_eq!(one.0, other.0, "energy bits differ with {threads} threads");
            let bits = |g: &[f64]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&one.2),
                bits(&other.2),
                "gradient bits differ with {threads} threads"
            );
            assert_eq!(
                bits(&one.3),
                bits(&other.3),
                "Hv bits differ with {threads} threads"
            );
            assert_eq!(
                bits(one.4.as_slice()),
                bits(other.4.as_slice()),
                "Hessian differs"
            );
            assert_eq!(bits(&one.5), bits(&other.5), "probabilities differ");
        }
    }

    /// Hessian-vector products at the point of the previous one reuse its forward pass: the
    /// same bits as a fresh potential's product, for any thread count (a state stored with 2
    /// threads read with 1); a point one unit in the last place away is a new point, and so
    /// is -0.0 in place of 0.0 (the cache compares bits).
    #[test]
    fn hessian_vector_products_at_one_point_match_a_fresh_potential() {
        // Small layers (loop path); a wide first layer with a last chunk of 5 items (matrix
        // products, the loop path in the last chunk); two hidden layers.
        for (sizes, ndata) in [
            (vec![2, 10, 4], 1000),
            (vec![200, 6, 3], 133),
            (vec![3, 5, 4, 2], 70),
        ] {
            let p = random_mlp(sizes, ndata, 1e-4, 70);
            let mut rng = ChaCha8Rng::seed_from_u64(71);
            let n = p.nopt();
            let mut x = random_point(&mut rng, n, 1.0);
            x[n / 2] = 0.0;
            let vs: Vec<Vec<f64>> = (0..3).map(|_| random_point(&mut rng, n, 1.0)).collect();
            let bits = |g: &[f64]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            let fresh = |x: &[f64], v: &[f64]| bits(&hv(&p.clone(), x, v));
            let in_pool = |threads: usize, f: &(dyn Fn() -> Vec<f64> + Sync)| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(f)
            };
            assert_eq!(bits(&in_pool(2, &|| hv(&p, &x, &vs[0]))), fresh(&x, &vs[0]));
            for v in &vs[1..] {
                assert_eq!(bits(&in_pool(1, &|| hv(&p, &x, v))), fresh(&x, v));
            }
            let mut moved = x.clone();
            moved[0] = f64::from_bits(moved[0].to_bits() + 1);
            assert_eq!(bits(&hv(&p, &moved, &vs[1])), fresh(&moved, &vs[1]));
            assert_ne!(
                fresh(&moved, &vs[1]),
                fresh(&x, &vs[1]),
                "the ulp must matter"
            );
            let mut signed = x.clone();
            signed[n / 2] = -0.0;
            assert_eq!(bits(&hv(&p, &signed, &vs[2])), fresh(&signed, &vs[2]));
            assert_eq!(bits(&hv(&p, &x, &vs[2])), fresh(&x, &vs[2]));
        }
    }
}
