//! Duplicate lookup through the energy-sorted index against the brute-force linear scan of
//! algorithms.md §3, on random databases (networks and LJAT3 atoms).

// Wrapped in a module so that `cargo test database` selects these tests by name.
mod database_lookup {
    use common::database::{Database, DbConfig, MinRecord, TsRecord};
    use common::geometry::{random_rotation, transform, AlignOptions};
    use common::rng::Stream;

    /// Energies on a few levels with noise around EDIFFTOL, so that lookups see many
    /// candidates, some just inside and some just outside the energy window.
    fn clustered_energy(s: &mut Stream, tol: f64) -> f64 {
        let level = s.index(300) as f64 * 0.037 - 3.0;
        level + s.uniform_in(-3.0, 3.0) * tol
    }

    #[test]
    fn network_lookup_equals_linear_scan() {
        let nopt = 10;
        let mut cfg = DbConfig::network(nopt, 0);
        cfg.edifftol = 1.0e-6;
        cfg.geomdifftol = 0.3;
        let mut db = Database::in_memory(cfg.clone());
        let mut s = Stream::new(11, 0);
        // Coordinates near a few centres so that distances straddle GEOMDIFFTOL.
        let centres: Vec<Vec<f64>> = (0..5)
            .map(|_| (0..nopt).map(|_| s.uniform_in(-1.0, 1.0)).collect())
            .collect();
        let point = |s: &mut Stream| -> Vec<f64> {
            let c = &centres[s.index(centres.len())];
            c.iter().map(|v| v + s.uniform_in(-0.12, 0.12)).collect()
        };
        let mut added = 0;
        for _ in 0..3000 {
            let e = clustered_energy(&mut s, cfg.edifftol);
            let x = point(&mut s);
            // Plain appends (duplicates included) so that several ids may match.
            db.add_minimum(MinRecord::new(e, 1.0, 1, [0.0; 3]), &x)
                .unwrap();
            added += 1;
        }
        assert_eq!(db.nmin(), added);
        let (mut hits, mut misses) = (0, 0);
        for q in 0..4000 {
            let (e, x) = if q % 2 == 0 {
                // Near a stored point.
                let id = 1 + s.index(db.nmin());
                let e = db.minimum(id).energy + s.uniform_in(-2.0, 2.0) * cfg.edifftol;
                let x: Vec<f64> = db
                    .min_coords(id)
                    .iter()
                    .map(|v| v + s.uniform_in(-0.1, 0.1))
                    .collect();
                (e, x)
            } else {
                (clustered_energy(&mut s, cfg.edifftol), point(&mut s))
            };
            let fast = db.find_minimum(e, &x);
            let slow = db.find_minimum_linear(e, &x);
            assert_eq!(fast, slow, "query {q}");
            if fast.is_some() {
                hits += 1;
            } else {
                misses += 1;
            }
        }
        assert!(hits > 500 && misses > 500, "{hits} hits, {misses} misses");
    }

    #[test]
    fn ljat3_lookup_equals_linear_scan() {
        let mut cfg = DbConfig::atoms(3);
        cfg.edifftol = 1.0e-6;
        cfg.geomdifftol = 0.05;
        cfg.symmetry.align = AlignOptions {
            permdist: true,
            ..Default::default()
        };
        let mut db = Database::in_memory(cfg.clone());
        let mut s = Stream::new(5, 0);
        let triangle = |s: &mut Stream| -> Vec<f64> {
            let (a, b) = (s.uniform_in(1.0, 1.3), s.uniform_in(1.0, 1.3));
            let t = s.uniform_in(1.0, 2.0);
            vec![0.0, 0.0, 0.0, a, 0.0, 0.0, b * t.cos(), b * t.sin(), 0.0]
        };
        let shapes: Vec<Vec<f64>> = (0..8).map(|_| triangle(&mut s)).collect();
        for _ in 0..1500 {
            let e = clustered_energy(&mut s, cfg.edifftol);
            let base = &shapes[s.index(shapes.len())];
            let r = random_rotation(&mut s);
            let mut x = transform(base, &r);
            for v in &mut x {
                *v += s.uniform_in(-0.02, 0.02);
            }
            db.add_minimum(MinRecord::new(e, 1.0, 1, [0.0; 3]), &x)
                .unwrap();
        }
        let mut hits = 0;
        for q in 0..1500 {
            let id = 1 + s.index(db.nmin());
            let e = db.minimum(id).energy + s.uniform_in(-2.0, 2.0) * cfg.edifftol;
            // A rotated, permuted copy with noise.
            let r = random_rotation(&mut s);
            let y = transform(db.min_coords(id), &r);
            let mut x: Vec<f64> = [2, 0, 1]
                .iter()
                .flat_map(|&a| y[3 * a..3 * a + 3].to_vec())
                .collect();
            for v in &mut x {
                *v += s.uniform_in(-0.03, 0.03);
            }
            let fast = db.find_minimum(e, &x);
            assert_eq!(fast, db.find_minimum_linear(e, &x), "query {q}");
            hits += usize::from(fast.is_some());
        }
        assert!(hits > 300 && hits < 1400, "{hits}");
    }

    #[test]
    fn ts_lookup_and_if_new() {
        let mut db = Database::in_memory(DbConfig::network(2, 0));
        db.add_minimum(MinRecord::new(0.0, 1.0, 1, [0.0; 3]), &[0.0, 0.0])
            .unwrap();
        db.add_minimum(MinRecord::new(0.5, 1.0, 1, [0.0; 3]), &[1.0, 0.0])
            .unwrap();
        let ts = TsRecord {
            energy: 1.0,
            fvib: 1.0,
            order: 1,
            plus: 1,
            minus: 2,
            inertia: [0.0; 3],
            negeig: None,
        };
        let a = db.add_ts_if_new(ts.clone(), &[0.5, 0.0]).unwrap();
        assert!(a.new);
        let b = db.add_ts_if_new(ts.clone(), &[0.5, 0.05]).unwrap();
        assert_eq!((b.id, b.new), (1, false));
        let mut t2 = ts.clone();
        t2.energy += 2e-8;
        assert!(db.add_ts_if_new(t2, &[0.5, 0.0]).unwrap().new);
        assert_eq!(db.find_ts(1.0, &[0.5, 0.2]), None);
        // Minima beyond NMIN and wrong lengths are refused.
        let mut bad = ts.clone();
        bad.minus = 3;
        assert!(db.add_ts(bad, &[0.0, 0.0]).is_err());
        assert!(db
            .add_minimum(MinRecord::new(0.0, 1.0, 1, [0.0; 3]), &[0.0])
            .is_err());
        assert!(db
            .add_minimum(MinRecord::new(f64::NAN, 1.0, 1, [0.0; 3]), &[0.0, 0.0])
            .is_err());
        // Connectivity.
        db.add_minimum(MinRecord::new(2.0, 1.0, 1, [0.0; 3]), &[5.0, 0.0])
            .unwrap();
        assert_eq!(db.connected_components(), vec![1, 1, 3]);
        assert_eq!(db.connected_to(&[2]), vec![true, true, false]);
        assert!(db.directly_connected(2, 1) && !db.directly_connected(1, 3));
        let mut deg = ts.clone();
        deg.plus = 3;
        deg.minus = 3;
        let id = db.add_ts(deg, &[5.0, 0.1]).unwrap();
        assert_eq!(db.ts_of_minimum(3), &[id]);
        assert_eq!(db.neighbours(3).collect::<Vec<_>>(), vec![(id, 3)]);
        assert_eq!(db.connected_components(), vec![1, 1, 3]);
        assert_eq!(db.components_where(|t, _| t != 1 && t != 2), vec![1, 2, 3]);
    }
}
