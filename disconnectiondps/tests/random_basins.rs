//! Randomised check of the basin analysis: basin counts per level against a brute-force
//! union-find written straight from algorithms.md §13 steps 2, 3, 4 and 6, plus structural
//! invariants of the tree (sizes, children, columns, display order).

use disconnectiondps::analysis::{visibility, Connectivity};
use disconnectiondps::database::{Database, Ts};
use disconnectiondps::tree::{build, TreeInput};
use disconnectiondps::Config;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Case {
    db: Database,
    cfg: Config,
}

fn random_case(rng: &mut ChaCha8Rng) -> Case {
    let n = rng.gen_range(1..40);
    let coarse = rng.gen_bool(0.5);
    let energies: Vec<f64> = (0..n)
        .map(|_| {
            let e: f64 = rng.gen_range(-10.0..0.0);
            if coarse {
                (e * 4.0).round() / 4.0
            } else {
                e
            }
        })
        .collect();
    let nts = if rng.gen_bool(0.1) {
        0
    } else {
        rng.gen_range(0..3 * n + 1)
    };
    let mut ts = Vec::new();
    for _ in 0..nts {
        let a = rng.gen_range(0..n);
        let b = rng.gen_range(0..n);
        if a == b {
            continue; // degenerate: dropped by the reader
        }
        let top = energies[a].max(energies[b]);
        let mut e = top + rng.gen_range(-0.2..3.0);
        if coarse {
            e = (e * 4.0).round() / 4.0;
        }
        ts.push(Ts {
            energy: e,
            min1: a as u32,
            min2: b as u32,
        });
    }
    let delta = [0.25, 0.5, 0.7, 1.3][rng.gen_range(0..4)];
    let cfg = Config {
        delta,
        first: rng.gen_range(-3.0..3.0_f64).round(),
        levels: rng.gen_range(2..16),
        minima: Some("min.data".into()),
        ts: Some("ts.data".into()),
        nconnmin: [0, 0, 0, 1, 2][rng.gen_range(0..5)],
        ts_thresh: if rng.gen_bool(0.3) {
            rng.gen_range(-6.0..2.0)
        } else {
            1.0e100
        },
        no_split: rng.gen_bool(0.3),
        connect_min: if rng.gen_bool(0.2) {
            rng.gen_range(1..=n as i64)
        } else {
            0
        },
        ..Config::default()
    };
    Case {
        db: Database {
            energies,
            ts,
            degenerate: 0,
        },
        cfg,
    }
}

/// Basins per level, straight from the spec, with quadratic relabelling.
fn brute_force(case: &Case) -> Vec<usize> {
    let (db, cfg) = (&case.db, &case.cfg);
    let n = db.energies.len();
    let isolated = db.ts.is_empty();
    // Step 2: synchronous recursion.
    let mut connected = vec![true; n];
    let mut nconn = vec![0i64; n];
    loop {
        for (j, c) in nconn.iter_mut().enumerate() {
            *c = db
                .ts
                .iter()
                .filter(|t| {
                    (t.min1 as usize == j && connected[t.min2 as usize])
                        || (t.min2 as usize == j && connected[t.min1 as usize])
                })
                .count() as i64;
        }
        let next: Vec<bool> = nconn.iter().map(|&c| c > cfg.nconnmin).collect();
        let before = connected.iter().filter(|&&c| c).count();
        let after = next.iter().filter(|&&c| c).count();
        connected = next;
        if before == after {
            break;
        }
    }
    // Step 3: relaxation from the reference minimum.
    let mut gmin = 0;
    for m in 0..n {
        if db.energies[m] < db.energies[gmin] {
            gmin = m;
        }
    }
    let reference = if cfg.connect_min > 0 {
        cfg.connect_min as usize - 1
    } else {
        gmin
    };
    let mut reached = vec![false; n];
    reached[reference] = true;
    loop {
        let mut changed = false;
        for t in &db.ts {
            if t.energy > cfg.ts_thresh {
                continue;
            }
            let (a, b) = (t.min1 as usize, t.min2 as usize);
            if reached[a] != reached[b] {
                reached[a] = true;
                reached[b] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for m in 0..n {
        if !reached[m] {
            nconn[m] = 0;
        }
    }
    let excluded: Vec<bool> = (0..n)
        .map(|m| !isolated && nconn[m] <= cfg.nconnmin)
        .collect();
    (0..cfg.levels as usize)
        .map(|li| {
            let e = cfg.first - li as f64 * cfg.delta;
            let theta = if cfg.no_split { e + cfg.delta } else { e };
            let mut comp: Vec<usize> = (0..n).collect();
            let mut joined = vec![false; n];
            for t in &db.ts {
                let (a, b) = (t.min1 as usize, t.min2 as usize);
                if excluded[a] || excluded[b] || t.energy > cfg.ts_thresh || t.energy >= theta {
                    continue;
                }
                joined[a] = true;
                joined[b] = true;
                let (ca, cb) = (comp[a], comp[b]);
                if ca != cb {
                    comp.iter_mut().filter(|c| **c == cb).for_each(|c| *c = ca);
                }
            }
            let mut seen: Vec<usize> = (0..n)
                .filter(|&m| {
                    !excluded[m]
                        && (joined[m]
                            || (db.energies[m] < e + cfg.delta && (isolated || nconn[m] > 0)))
                })
                .map(|m| comp[m])
                .collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        })
        .collect()
}

#[test]
fn basin_counts_match_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(20240611);
    let mut nonempty = 0;
    for case_no in 0..1500 {
        let case = random_case(&mut rng);
        let conn = Connectivity::compute(&case.db, &case.cfg);
        let visible = visibility(&case.db.energies, &case.db.ts, &case.cfg, None);
        let tree = build(
            &case.cfg,
            &TreeInput {
                db: &case.db,
                conn: &conn,
                visible: &visible,
                trmin: None,
            },
            None,
        );
        let got: Vec<usize> = tree.levels.iter().map(|l| l.basins).collect();
        let want = brute_force(&case);
        assert_eq!(got, want, "case {case_no}: {:?} {:?}", case.cfg, case.db);
        // Everything visible: one node per basin.
        let nodes: Vec<usize> = tree.levels.iter().map(|l| l.len()).collect();
        assert_eq!(nodes, want, "case {case_no}: nodes");
        if want.iter().any(|&b| b > 0) {
            nonempty += 1;
        }
        check_structure(&tree);
    }
    assert!(
        nonempty > 1000,
        "the generator must mostly make drawable graphs"
    );
}

fn check_structure(tree: &disconnectiondps::tree::Tree) {
    for (li, level) in tree.levels.iter().enumerate() {
        let mut order = level.order.clone();
        order.sort_unstable();
        if li == 0 || !tree.levels[li - 1].is_empty() {
            assert_eq!(
                order,
                (0..level.len() as u32).collect::<Vec<_>>(),
                "order is a permutation"
            );
        }
        if li + 1 < tree.levels.len() {
            let next = &tree.levels[li + 1];
            for k in 0..level.len() {
                let kids = level.children_of(k);
                assert!(kids.windows(2).all(|w| w[0] < w[1]));
                let total: u32 = kids.iter().map(|&c| next.size[c as usize]).sum();
                assert!(total <= level.size[k]);
                for &c in kids {
                    assert_eq!(next.parent[c as usize] as usize, k);
                    let (c0, s) = (next.col0[c as usize], next.size[c as usize]);
                    assert!(c0 >= level.col0[k] && c0 + s <= level.col0[k] + level.size[k]);
                }
            }
        }
    }
}

#[test]
fn hidden_minima_still_join_basins() {
    // 1 and 3 are joined only through 2; hiding 2 keeps them in one node.
    let db = Database {
        energies: vec![-3.0, -1.0, -2.5],
        ts: vec![
            Ts {
                energy: -0.5,
                min1: 0,
                min2: 1,
            },
            Ts {
                energy: -0.6,
                min1: 1,
                min2: 2,
            },
        ],
        degenerate: 0,
    };
    let cfg = Config {
        delta: 0.5,
        first: 0.0,
        levels: 3,
        minima: Some("m".into()),
        ts: Some("t".into()),
        ..Config::default()
    };
    let conn = Connectivity::compute(&db, &cfg);
    let tree = build(
        &cfg,
        &TreeInput {
            db: &db,
            conn: &conn,
            visible: &[true, false, true],
            trmin: None,
        },
        None,
    );
    assert_eq!(tree.levels[0].size, vec![2]);
    assert_eq!(tree.levels[0].basins, 1);
    assert_eq!(tree.levels[1].size, vec![1, 1]);
}
