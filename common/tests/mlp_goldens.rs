//! Golden checks M1–M12 (goldens.md §2; potentials.md §4).

// Wrapped in a module so that every test name contains "mlp" (`cargo test mlp`).
mod mlp_goldens {
    use common::mlp::{Mlp, MlpData, MlpError, MlpSpec};
    use common::potential::{fd, Potential};

    const DATA: &str = "0 0.5 -1.0\n1 1.5 0.3\n1 -0.2 0.8\n";
    const W_M1: [f64; 8] = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8];
    const BIAS_M2: [f64; 4] = [0.05, -0.05, 0.1, -0.1];
    const TOL: f64 = 1e-12;

    fn build(keyword: &str, args: &[f64], text: &str, noregbias: bool, mlpnorm: bool) -> Mlp {
        let mut spec = MlpSpec::from_keyword(keyword, args).unwrap();
        spec.noregbias = noregbias;
        spec.mlpnorm = mlpnorm;
        let data = MlpData::parse(text, "MLPdata", &spec.data_layout()).unwrap();
        Mlp::new(&spec, data).unwrap()
    }

    fn w_m2() -> Vec<f64> {
        [W_M1.as_slice(), BIAS_M2.as_slice()].concat()
    }

    fn check(p: &Mlp, x: &[f64], e: f64, g: &[f64]) {
        let mut grad = vec![0.0; p.nopt()];
        let en = p.energy_gradient(x, &mut grad);
        assert!((en - e).abs() < TOL, "energy {en:.15} expected {e:.12}");
        assert_eq!(
            p.energy(x).to_bits(),
            en.to_bits(),
            "energy() and energy_gradient() differ"
        );
        assert_eq!(grad.len(), g.len());
        for (i, (a, b)) in grad.iter().zip(g).enumerate() {
            assert!(
                (a - b).abs() < TOL,
                "gradient[{i}] {a:.15} expected {b:.12}"
            );
        }
    }

    fn check_fd(p: &Mlp, x: &[f64]) {
        let g = p.gradient(x);
        let gn = fd::gradient(p, x, 1e-6);
        let err = g
            .iter()
            .zip(&gn)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(err < 1e-8, "finite-difference gradient error {err:e}");
    }

    const G_M1: [f64; 8] = [
        -0.011241065596,
        -0.058892076233,
        -0.029729256079,
        -0.359419964003,
        -0.040162139180,
        0.114022731901,
        0.064162139180,
        -0.110022731901,
    ];
    const G_M2: [f64; 12] = [
        -0.017592637787,
        -0.059131069115,
        -0.077017009039,
        -0.362134474172,
        -0.028852418885,
        0.117173662780,
        0.052852418885,
        -0.113173662780,
        -0.033137094870,
        -0.197184390980,
        0.167469388544,
        -0.167469388544,
    ];

    #[test]
    fn m1_mlp3() {
        let p = build("MLP3", &[2.0, 2.0, 2.0, 3.0, 0.01], DATA, false, false);
        assert_eq!(p.nopt(), 8);
        check(&p, &W_M1, 0.518048907554, &G_M1);
    }

    #[test]
    fn m2_mlpvb3() {
        let p = build(
            "MLPVB3",
            &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01],
            DATA,
            false,
            false,
        );
        assert_eq!(p.nopt(), 12);
        check(&p, &w_m2(), 0.551556224162, &G_M2);
    }

    #[test]
    fn m3_mlpvb3_noregbias() {
        let p = build(
            "MLPVB3",
            &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01],
            DATA,
            true,
            false,
        );
        let mut g = G_M2;
        g[8..].copy_from_slice(&[
            -0.034137094870,
            -0.196184390980,
            0.165469388544,
            -0.165469388544,
        ]);
        check(&p, &w_m2(), 0.551306224162, &g);
    }

    #[test]
    #[allow(clippy::approx_constant)] // the golden value is printed to 12 digits
    fn m4_zero_variables_give_ln_nout() {
        let cases: [(&str, &[f64]); 3] = [
            ("MLP3", &[2.0, 2.0, 2.0, 3.0, 0.01]),
            ("MLPVB3", &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01]),
            ("MLPMULTI", &[2.0, 1.0, 2.0, 3.0, 0.01, 2.0, 2.0, 2.0]),
        ];
        for (kw, args) in cases {
            let p = build(kw, args, DATA, false, false);
            let e = p.energy(&vec![0.0; p.nopt()]);
            assert!((e - 0.693147180560).abs() < TOL, "{kw}: {e}");
            assert!((e - 2f64.ln()).abs() < 1e-15, "{kw}: {e}");
        }
        // Nout = 3 gives ln 3.
        let p = build(
            "MLPVB3",
            &[2.0, 1.0, 4.0, 3.0, 3.0, 0.5],
            DATA,
            false,
            false,
        );
        assert!((p.energy(&vec![0.0; p.nopt()]) - 3f64.ln()).abs() < 1e-15);
    }

    const W_M5: [f64; 18] = [
        0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.3, 0.2, 0.1, -0.4, 0.05, -0.05, 0.02, -0.02,
        0.1, -0.1,
    ];
    const G_M5: [f64; 18] = [
        0.021975971123,
        0.075024835770,
        0.079577725480,
        0.246286455635,
        0.025359984610,
        -0.083056577509,
        -0.014987246670,
        0.117332743051,
        -0.132499224079,
        0.112907623368,
        0.128499224079,
        -0.116907623368,
        0.038210632127,
        0.126823442244,
        -0.096642028531,
        0.119207542284,
        0.240355300804,
        -0.240355300804,
    ];

    #[test]
    fn m5_mlpmulti_two_layers() {
        let p = build(
            "MLPMULTI",
            &[2.0, 1.0, 2.0, 3.0, 0.01, 2.0, 2.0, 2.0],
            DATA,
            false,
            false,
        );
        assert_eq!(p.nopt(), 18);
        check(&p, &W_M5, 0.865110632776, &G_M5);
    }

    #[test]
    fn m6_mlpmulti_noregbias() {
        let p = build(
            "MLPMULTI",
            &[2.0, 1.0, 2.0, 3.0, 0.01, 2.0, 2.0, 2.0],
            DATA,
            true,
            false,
        );
        let mut g = G_M5;
        g[12..].copy_from_slice(&[
            0.037210632127,
            0.127823442244,
            -0.097042028531,
            0.119607542284,
            0.238355300804,
            -0.238355300804,
        ]);
        check(&p, &W_M5, 0.864852632776, &g);
    }

    #[test]
    fn m7_mlpmulti_one_layer_is_mlpvb3() {
        let multi = build(
            "MLPMULTI",
            &[2.0, 1.0, 2.0, 3.0, 0.01, 1.0, 2.0],
            DATA,
            false,
            false,
        );
        check(&multi, &w_m2(), 0.551556224162, &G_M2);
        let vb3 = build(
            "MLPVB3",
            &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01],
            DATA,
            false,
            false,
        );
        let x = w_m2();
        assert_eq!(multi.energy(&x).to_bits(), vb3.energy(&x).to_bits());
        assert_eq!(multi.gradient(&x), vb3.gradient(&x));
    }

    #[test]
    fn m8_mlpnorm() {
        let p = build("MLP3", &[2.0, 2.0, 2.0, 3.0, 0.01], DATA, false, true);
        let scales = p.data().scales().unwrap();
        assert!((scales[0] - 0.733333333333).abs() < TOL);
        assert!((scales[1] - 0.7).abs() < TOL);
        assert!((p.energy(&W_M1) - 0.462176562867).abs() < TOL);
        check_fd(&p, &W_M1);
        let p = build(
            "MLPVB3",
            &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01],
            DATA,
            false,
            true,
        );
        assert!((p.energy(&w_m2()) - 0.490541650847).abs() < TOL);
        check_fd(&p, &w_m2());
        let p = build(
            "MLPMULTI",
            &[2.0, 1.0, 2.0, 3.0, 0.01, 1.0, 2.0],
            DATA,
            false,
            true,
        );
        assert!((p.energy(&w_m2()) - 0.490541650847).abs() < TOL);
    }

    #[test]
    fn m9_nopt_counts() {
        let multi = |h: &[f64]| {
            let mut a = vec![2.0, 1.0, 4.0, 100.0, 0.0, h.len() as f64];
            a.extend_from_slice(h);
            MlpSpec::from_keyword("MLPMULTI", &a).unwrap().nopt()
        };
        assert_eq!(multi(&[5.0, 5.0]), 69);
        assert_eq!(multi(&[4.0, 4.0, 4.0]), 72);
        assert_eq!(multi(&[10.0]), 74);
        let vb3 = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 10.0, 4.0, 100.0]).unwrap();
        assert_eq!(vb3.nopt(), 74);
        assert_eq!(vb3.network().unwrap().nopt(), 74);
        let mnist =
            MlpSpec::from_keyword("MLPMULTI", &[784.0, 1.0, 10.0, 10.0, 0.0, 1.0, 10.0]).unwrap();
        assert_eq!(mnist.nopt(), 7960);
        assert_eq!(mnist.network().unwrap().nopt(), 7960);
        let mlp3 = MlpSpec::from_keyword("MLP3", &[3.0, 5.0, 2.0, 10.0]).unwrap();
        assert_eq!(mlp3.nopt(), 25);
        assert_eq!(mlp3.network().unwrap().nopt(), 25);
        let nn = MlpSpec::from_keyword("MLPVB3NN", &[4.0, 1.0, 3.0, 2.0, 10.0]).unwrap();
        assert_eq!(nn.nopt(), 23);
        for kw in ["MLPB3", "MLPB3NEW"] {
            let args: &[f64] = if kw == "MLPB3" {
                &[3.0, 5.0, 2.0, 10.0]
            } else {
                &[3.0, 1.0, 5.0, 2.0, 10.0]
            };
            let s = MlpSpec::from_keyword(kw, args).unwrap();
            assert_eq!(s.nopt(), 26, "{kw}");
            let err = s.network().unwrap_err();
            assert!(matches!(err, MlpError::Unsupported));
            assert_eq!(err.to_string(), "MLPB3/MLPB3NEW energy is not supported");
            let data = MlpData::new(3, vec![0.0; 30], vec![0; 10]);
            assert_eq!(
                Mlp::new(&s, data).unwrap_err().to_string(),
                "MLPB3/MLPB3NEW energy is not supported"
            );
        }
    }

    fn unfrozen_weights(nneigh: f64) -> (Vec<usize>, usize, Mlp) {
        let spec =
            MlpSpec::from_keyword("MLPVB3NN", &[4.0, 1.0, 3.0, 2.0, 2.0, 0.0, nneigh]).unwrap();
        let data = MlpData::new(
            4,
            vec![0.1, 0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8],
            vec![0, 1],
        );
        let p = Mlp::new(&spec, data).unwrap();
        let mask = p.frozen().unwrap().clone();
        let unfrozen: Vec<usize> = (0..18)
            .filter(|&v| !mask.is_frozen(v))
            .map(|v| v + 1)
            .collect();
        for v in 18..23 {
            assert!(!mask.is_frozen(v), "bias {} frozen", v + 1);
        }
        (unfrozen, mask.count(), p)
    }

    #[test]
    fn m10_nearest_neighbour_freezing() {
        let (u, n, p) = unfrozen_weights(1.0);
        assert_eq!(u, vec![1, 7, 12, 13, 17, 18]);
        assert_eq!(n, 12);
        assert_eq!(p.n_frozen(), 12);
        assert_eq!(p.nopt(), 23);
        let (u, n, _) = unfrozen_weights(2.0);
        assert_eq!(u, vec![1, 2, 6, 7, 11, 12, 13, 14, 15, 16, 17, 18]);
        assert_eq!(n, 6);
        // Default Nneigh is 1.
        let spec = MlpSpec::from_keyword("MLPVB3NN", &[4.0, 1.0, 3.0, 2.0, 2.0]).unwrap();
        assert_eq!(spec.nneigh, 1);
        assert_eq!(spec.frozen_mask().unwrap().count(), 12);
    }

    #[test]
    fn m11_finite_differences_at_golden_points() {
        check_fd(
            &build("MLP3", &[2.0, 2.0, 2.0, 3.0, 0.01], DATA, false, false),
            &W_M1,
        );
        for nrb in [false, true] {
            check_fd(
                &build("MLPVB3", &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01], DATA, nrb, false),
                &w_m2(),
            );
            check_fd(
                &build(
                    "MLPMULTI",
                    &[2.0, 1.0, 2.0, 3.0, 0.01, 2.0, 2.0, 2.0],
                    DATA,
                    nrb,
                    false,
                ),
                &W_M5,
            );
        }
    }

    #[test]
    fn m12_outcome_last_legacy_file() {
        let legacy = "0.5 -1.0 0\n1.5 0.3 1\n-0.2 0.8 1\n";
        let p = build(
            "MLP3",
            &[2.0, 2.0, 2.0, 3.0, 0.01, 1.0],
            legacy,
            false,
            false,
        );
        check(&p, &W_M1, 0.518048907554, &G_M1);
        // datstart 3 skips two leading lines.
        let skipped = format!("header line\n\n{legacy}");
        let p = build(
            "MLP3",
            &[2.0, 2.0, 2.0, 3.0, 0.01, 3.0],
            &skipped,
            false,
            false,
        );
        check(&p, &W_M1, 0.518048907554, &G_M1);
    }
}
