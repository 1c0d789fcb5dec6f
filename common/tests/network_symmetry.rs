//! The network symmetry group (PERMDIST for the MLP potentials): invariance of the loss, exact
//! alignment of copies, optimality against brute force for one hidden layer, never worse than
//! the identity, and the MLPVB3NN subgroup that keeps the frozen weights.

mod network_symmetry {
    use common::database::{Database, DbConfig, MinRecord};
    use common::geometry::euclidean_distance;
    use common::lbfgs::{minimise, LbfgsConfig};
    use common::mlp::{Mlp, MlpData, MlpSpec};
    use common::potential::Potential;
    use common::system::{NetworkSymmetry, Symmetry, UnitMap};
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_data(rng: &mut ChaCha8Rng, nin: usize, nout: usize, ndata: usize) -> MlpData {
        let inputs = (0..nin * ndata).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let labels = (0..ndata).map(|_| rng.gen_range(0..nout)).collect();
        MlpData::new(nin, inputs, labels)
    }

    /// The single-layer variants and MLPMULTI networks of the tests.
    fn variants() -> Vec<(&'static str, Vec<f64>)> {
        vec![
            ("MLP3", vec![2.0, 5.0, 4.0, 40.0, 1.0e-3]),
            ("MLPVB3", vec![2.0, 1.0, 6.0, 4.0, 40.0, 1.0e-3]),
            ("MLPVB3NN", vec![2.0, 1.0, 6.0, 4.0, 40.0, 1.0e-3, 1.0]),
            ("MLPVB3NN", vec![3.0, 1.0, 7.0, 3.0, 40.0, 1.0e-3, 2.0]),
            ("MLPMULTI", vec![2.0, 1.0, 4.0, 40.0, 1.0e-3, 2.0, 4.0, 3.0]),
            (
                "MLPMULTI",
                vec![2.0, 1.0, 3.0, 40.0, 1.0e-3, 3.0, 3.0, 4.0, 3.0],
            ),
        ]
    }

    fn potential(kw: &str, args: &[f64], noregbias: bool, seed: u64) -> (MlpSpec, Mlp) {
        let mut spec = MlpSpec::from_keyword(kw, args).unwrap();
        spec.noregbias = noregbias;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let data = random_data(&mut rng, spec.nin, spec.nout, spec.ndata);
        let mlp = Mlp::new(&spec, data).unwrap();
        (spec, mlp)
    }

    fn group(spec: &MlpSpec) -> NetworkSymmetry {
        Symmetry::network_group(spec, &[]).unwrap()
    }

    /// A random element of the group that keeps the frozen weights of `b` (units exchanged only
    /// within classes of equal frozen pattern and values; a flip only where that keeps them).
    fn random_element(g: &NetworkSymmetry, b: &[f64], rng: &mut ChaCha8Rng) -> UnitMap {
        let sizes = g.network().sizes().to_vec();
        let hidden = &sizes[1..sizes.len() - 1];
        let mut map = UnitMap::identity(hidden);
        for (l, &h) in hidden.iter().enumerate() {
            let mut p: Vec<usize> = (0..h).collect();
            p.shuffle(rng);
            map.perm[l] = p;
            map.sign[l] = (0..h)
                .map(|_| if rng.gen_bool(0.5) { -1.0 } else { 1.0 })
                .collect();
        }
        if g.frozen().is_none() {
            return map;
        }
        // One hidden layer with a mask: retry until the element keeps it, falling back to
        // random transpositions of equal-pattern units.
        for _ in 0..200 {
            if g.keeps_frozen(b, &map) {
                return map;
            }
            let h = hidden[0];
            let mut m = UnitMap::identity(hidden);
            for j in 0..h {
                let k = rng.gen_range(0..h);
                let s = if rng.gen_bool(0.5) { -1.0 } else { 1.0 };
                let mut t = m.clone();
                t.perm[0].swap(j, k);
                t.sign[0][j] = s;
                if g.keeps_frozen(b, &t) {
                    m = t;
                }
            }
            map = m;
        }
        map
    }

    /// Two random points uniform in ±`scale` whose frozen variables hold `frozen_values`.
    fn random_pair(
        rng: &mut ChaCha8Rng,
        g: &NetworkSymmetry,
        scale: f64,
        frozen_values: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let n = g.network().nopt();
        let mut point = || -> Vec<f64> {
            let mut x: Vec<f64> = (0..n).map(|_| rng.gen_range(-scale..scale)).collect();
            if let Some(m) = g.frozen() {
                for ((v, &f), &fv) in x.iter_mut().zip(m.flags()).zip(frozen_values) {
                    if f {
                        *v = fv;
                    }
                }
            }
            x
        };
        (point(), point())
    }

    fn converged_minimum(mlp: &Mlp, rng: &mut ChaCha8Rng, zero_frozen: bool) -> Vec<f64> {
        let mut x0: Vec<f64> = (0..mlp.nopt()).map(|_| rng.gen_range(-1.0..1.0)).collect();
        if zero_frozen {
            if let Some(m) = mlp.frozen() {
                for (v, &f) in x0.iter_mut().zip(m.flags()) {
                    if f {
                        *v = 0.0;
                    }
                }
            }
        }
        let cfg = LbfgsConfig {
            tolerance: 1.0e-8,
            max_iterations: 20_000,
            ..Default::default()
        };
        let r = minimise(mlp, &x0, &cfg);
        assert!(
            r.converged(),
            "minimisation did not converge (rms {})",
            r.rms
        );
        r.x
    }

    #[test]
    fn copies_of_a_converged_minimum_have_its_loss_and_align_to_distance_zero() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for (case, (kw, args)) in variants().into_iter().enumerate() {
            for noregbias in [false, true] {
                let (spec, mlp) = potential(kw, &args, noregbias, case as u64 + 1);
                let g = group(&spec);
                for zero_frozen in [true, false] {
                    let x = converged_minimum(&mlp, &mut rng, zero_frozen);
                    let e = mlp.energy(&x);
                    let mut moved = 0;
                    for _ in 0..8 {
                        let map = random_element(&g, &x, &mut rng);
                        let y = g.apply(&x, &map);
                        assert!(g.keeps_frozen(&x, &map), "{kw}: element breaks the mask");
                        let ey = mlp.energy(&y);
                        assert!(
                            (ey - e).abs() < 1e-12,
                            "{kw} {args:?}: loss {e} of a copy is {ey}"
                        );
                        let al = g.align(&x, &y);
                        assert!(
                            al.distance < 1e-10,
                            "{kw} {args:?}: copy at {} (plain {})",
                            al.distance,
                            euclidean_distance(&x, &y)
                        );
                        assert!((mlp.energy(&al.b_aligned) - e).abs() < 1e-12);
                        if euclidean_distance(&x, &y) > 1e-3 {
                            moved += 1;
                        }
                    }
                    // The copies are really elsewhere (except where the mask leaves no freedom).
                    if spec.kind != common::mlp::MlpKind::MlpVb3Nn || zero_frozen {
                        assert!(moved > 0, "{kw}: every random copy was the identity");
                    }
                }
            }
        }
    }

    #[test]
    fn aligned_distance_never_exceeds_the_plain_distance_and_keeps_the_loss() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (case, (kw, args)) in variants().into_iter().enumerate() {
            let (spec, mlp) = potential(kw, &args, false, 100 + case as u64);
            let g = group(&spec);
            let frozen_values: Vec<f64> =
                (0..spec.nopt()).map(|_| rng.gen_range(-1.0..1.0)).collect();
            for _ in 0..30 {
                // Points of one constrained landscape share their frozen values.
                let (a, b) = random_pair(&mut rng, &g, 2.0, &frozen_values);
                let plain = euclidean_distance(&a, &b);
                let al = g.align(&a, &b);
                assert!(
                    al.distance <= plain + 1e-12,
                    "{kw}: {} > {plain}",
                    al.distance
                );
                assert!((al.distance - euclidean_distance(&a, &al.b_aligned)).abs() < 1e-12);
                assert!((mlp.energy(&al.b_aligned) - mlp.energy(&b)).abs() < 1e-10);
                // MLPVB3NN: the element used keeps the mask and the frozen values.
                assert!(
                    g.keeps_frozen(&b, &al.map),
                    "{kw}: alignment breaks the mask"
                );
                if let Some(m) = g.frozen() {
                    for (i, (&f, (&y, &z))) in m
                        .flags()
                        .iter()
                        .zip(al.b_aligned.iter().zip(&b))
                        .enumerate()
                    {
                        assert!(!f || y == z, "{kw}: frozen variable {i} moved");
                    }
                }
            }
        }
    }

    /// Every element of the group of one hidden layer of `h` units.
    fn all_elements(h: usize) -> Vec<UnitMap> {
        fn perms(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![vec![]];
            }
            let mut out = Vec::new();
            for p in perms(n - 1) {
                for pos in 0..=p.len() {
                    let mut q = p.clone();
                    q.insert(pos, n - 1);
                    out.push(q);
                }
            }
            out
        }
        let mut out = Vec::new();
        for p in perms(h) {
            for bits in 0..(1u32 << h) {
                let s = (0..h)
                    .map(|j| if bits >> j & 1 == 1 { -1.0 } else { 1.0 })
                    .collect();
                out.push(UnitMap {
                    perm: vec![p.clone()],
                    sign: vec![s],
                });
            }
        }
        out
    }

    #[test]
    fn one_hidden_layer_alignment_is_the_brute_force_optimum() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for (kw, args) in [
            ("MLP3", vec![2.0, 4.0, 3.0, 10.0]),
            ("MLPVB3", vec![3.0, 1.0, 4.0, 2.0, 10.0]),
            ("MLPVB3NN", vec![3.0, 1.0, 5.0, 3.0, 10.0, 0.0, 2.0]),
        ] {
            let spec = MlpSpec::from_keyword(kw, &args).unwrap();
            let g = group(&spec);
            let h = spec.hidden[0];
            let elements = all_elements(h);
            for _ in 0..20 {
                // Zero frozen weights: flips allowed, exchanges only between equal patterns.
                let (a, b) = random_pair(&mut rng, &g, 1.0, &vec![0.0; spec.nopt()]);
                let brute = elements
                    .iter()
                    .filter(|m| g.keeps_frozen(&b, m))
                    .map(|m| euclidean_distance(&a, &g.apply(&b, m)))
                    .fold(f64::INFINITY, f64::min);
                let al = g.align(&a, &b);
                assert!(
                    (al.distance - brute).abs() < 1e-12,
                    "{kw}: alignment {} against brute force {brute}",
                    al.distance
                );
            }
        }
    }

    #[test]
    fn nearest_neighbour_masks_restrict_the_group() {
        // I = 2, H = 6, O = 4 with one neighbour: units 1 and 2 share input 1 and output 1 and
        // may be exchanged; a unit never moves onto another frozen pattern.
        let spec =
            MlpSpec::from_keyword("MLPVB3NN", &[2.0, 1.0, 6.0, 4.0, 10.0, 0.0, 1.0]).unwrap();
        let g = group(&spec);
        let mask = spec.frozen_mask().unwrap();
        let b = vec![0.0; spec.nopt()];
        let mut allowed = 0;
        for m in all_elements(6) {
            let keeps = g.keeps_frozen(&b, &m);
            // Independent check: every unit goes to a unit with the same frozen pattern.
            let net = g.network();
            let pattern = |j: usize| -> Vec<bool> {
                let mut v: Vec<bool> = (0..2)
                    .map(|s| mask.is_frozen(net.weight_index(0, j, s)))
                    .collect();
                v.extend((0..4).map(|t| mask.is_frozen(net.weight_index(1, t, j))));
                v
            };
            let same_patterns = (0..6).all(|j| pattern(j) == pattern(m.perm[0][j]));
            assert_eq!(keeps, same_patterns, "{m:?}");
            if keeps {
                allowed += 1;
            }
        }
        // A proper subgroup, but more than the sign flips alone.
        assert!(allowed > 64 && allowed < 720 * 64, "{allowed}");
        // With non-zero frozen weights a flip is no longer a symmetry.
        let nonzero: Vec<f64> = (0..spec.nopt()).map(|i| 0.1 + i as f64 * 0.01).collect();
        let mut flip = UnitMap::identity(&[6]);
        flip.sign[0][0] = -1.0;
        assert!(g.keeps_frozen(&b, &flip));
        assert!(!g.keeps_frozen(&nonzero, &flip));
    }

    #[test]
    fn database_with_permdist_holds_one_minimum_per_network() {
        let (spec, mlp) = potential("MLPVB3", &[2.0, 1.0, 5.0, 4.0, 40.0, 1.0e-3], false, 3);
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let x = converged_minimum(&mlp, &mut rng, false);
        let g = group(&spec);
        let copy = g.apply(&x, &random_element(&g, &x, &mut rng));
        assert!(euclidean_distance(&x, &copy) > 0.5);
        let rec = |e: f64| MinRecord {
            energy: e,
            fvib: 1.0,
            order: 1,
            inertia: [0.0; 3],
            lowest_frq: None,
        };
        for permdist in [false, true] {
            let mut cfg = DbConfig::network(spec.nopt(), 0);
            cfg.edifftol = 1.0e-7;
            cfg.geomdifftol = 0.01;
            if permdist {
                cfg.symmetry = Symmetry::network(0, Some(g.clone()));
            }
            let mut db = Database::in_memory(cfg);
            db.add_minimum_if_new(rec(mlp.energy(&x)), &x).unwrap();
            let second = db
                .add_minimum_if_new(rec(mlp.energy(&copy)), &copy)
                .unwrap();
            assert_eq!(db.nmin(), if permdist { 1 } else { 2 });
            assert_eq!(second.new, !permdist);
        }
    }
}
