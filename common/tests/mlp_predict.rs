//! Predictions, test-set losses and ROC AUC.

// Wrapped in a module so that every test name contains "mlp" (`cargo test mlp`).
mod mlp_predict {
    use common::mlp::{auc, class_auc, Mlp, MlpData, Network};
    use common::potential::Potential;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn brute_force_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
        let (mut num, mut pairs) = (0.0, 0.0);
        for (i, &si) in scores.iter().enumerate() {
            for (j, &sj) in scores.iter().enumerate() {
                if positive[i] && !positive[j] {
                    pairs += 1.0;
                    if si > sj {
                        num += 1.0;
                    } else if si == sj {
                        num += 0.5;
                    }
                }
            }
        }
        (pairs > 0.0).then(|| num / pairs)
    }

    #[test]
    fn auc_matches_brute_force_with_many_ties() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for trial in 0..200 {
            let n = rng.gen_range(1..120);
            let levels = rng.gen_range(1..8);
            let scores: Vec<f64> = (0..n)
                .map(|_| rng.gen_range(0..levels) as f64 / 4.0)
                .collect();
            let frac = rng.gen_range(0.0..1.0);
            let positive: Vec<bool> = (0..n).map(|_| rng.gen_bool(frac)).collect();
            let a = auc(&scores, &positive);
            let b = brute_force_auc(&scores, &positive);
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "trial {trial}: {a} vs {b}"),
                (None, None) => {}
                _ => panic!("trial {trial}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn auc_simple_cases() {
        assert_eq!(auc(&[0.1, 0.9], &[false, true]), Some(1.0));
        assert_eq!(auc(&[0.9, 0.1], &[false, true]), Some(0.0));
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(auc(&[-0.0, 0.0], &[false, true]), Some(0.5));
        assert_eq!(auc(&[0.5, 0.7], &[true, true]), None);
        assert_eq!(auc(&[0.5, 0.7], &[false, false]), None);
        assert_eq!(auc(&[], &[]), None);
        // Three positives, two negatives: pairs (p>n) = 2 + 1.5 + 1 = 4.5 of 6... checked by hand:
        // scores p: 0.9, 0.4, 0.3; n: 0.4, 0.2 → 0.9 beats both (2), 0.4 ties 0.4 and beats 0.2
        // (1.5), 0.3 beats 0.2 (1) → 4.5 / 6.
        let a = auc(
            &[0.9, 0.4, 0.3, 0.4, 0.2],
            &[true, true, true, false, false],
        )
        .unwrap();
        assert!((a - 0.75).abs() < 1e-15);
    }

    #[test]
    fn class_auc_is_one_vs_rest_on_probabilities() {
        let probs = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.6, 0.1, 0.3];
        let labels = [0, 1, 2, 0];
        let a0 = class_auc(&probs, &labels, 3, 0).unwrap();
        assert_eq!(
            Some(a0),
            auc(&[0.7, 0.1, 0.3, 0.6], &[true, false, false, true])
        );
        assert_eq!(a0, 1.0);
        let a2 = class_auc(&probs, &labels, 3, 2).unwrap();
        assert_eq!(a2, 1.0);
        assert_eq!(class_auc(&probs, &[0, 0, 0, 0], 3, 0), None);
    }

    #[test]
    fn probabilities_and_test_set_losses() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let net = Network::new(vec![3, 5, 4], true).unwrap();
        let make = |rng: &mut ChaCha8Rng, n: usize| {
            let inputs = (0..3 * n).map(|_| rng.gen_range(-1.0..1.0)).collect();
            let labels = (0..n).map(|_| rng.gen_range(0..4)).collect();
            MlpData::new(3, inputs, labels)
        };
        let train = make(&mut rng, 150);
        let test = make(&mut rng, 70);
        let p = Mlp::from_network(net, train.clone(), 0.02, false).unwrap();
        let x: Vec<f64> = (0..p.nopt()).map(|_| rng.gen_range(-1.0..1.0)).collect();

        let probs = p.probabilities(&x);
        assert_eq!(probs.len(), 150 * 4);
        for row in probs.chunks(4) {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-14);
            assert!(row.iter().all(|&q| q > 0.0 && q < 1.0));
        }
        // The energy is the mean of −ln p_label plus the regulariser.
        let ce: f64 = train
            .labels()
            .iter()
            .enumerate()
            .map(|(d, &c)| -probs[d * 4 + c].ln())
            .sum::<f64>()
            / 150.0;
        let reg: f64 = 0.02 * x.iter().map(|v| v * v).sum::<f64>();
        assert!((p.energy(&x) - (ce + reg)).abs() < 1e-13);
        assert_eq!(p.loss_on(&train, &x).to_bits(), p.energy(&x).to_bits());
        assert_eq!(
            p.cross_entropy_on(&train, &x) + p.regulariser(&x),
            p.loss_on(&train, &x)
        );
        assert_eq!(p.probabilities_on(&train, &x), probs);

        let tprobs = p.probabilities_on(&test, &x);
        assert_eq!(tprobs.len(), 70 * 4);
        let tce: f64 = test
            .labels()
            .iter()
            .enumerate()
            .map(|(d, &c)| -tprobs[d * 4 + c].ln())
            .sum::<f64>()
            / 70.0;
        assert!((p.cross_entropy_on(&test, &x) - tce).abs() < 1e-13);
        assert!((p.loss_on(&test, &x) - tce - reg).abs() < 1e-13);
        // Probabilities stay finite for huge outputs (max-shifted softmax).
        let big: Vec<f64> = x.iter().map(|v| v * 1.0e3).collect();
        assert!(p.probabilities(&big).iter().all(|q| q.is_finite()));
        assert!(p.energy(&big).is_finite());
    }
}
