//! Integration tests of `common::geometry`: moments of inertia (goldens DB1), alignment
//! distance (rotation, inversion, permutations) and point groups.

use common::geometry::{
    aligned_distance, centre, centred, euclidean_distance, inertia_moments, natoms,
    optimal_rotation, point_group, random_rotation, same_structure, solve_assignment, transform,
    AlignOptions, Mat3, PointGroup, POINT_GROUP_TOL,
};
use common::lbfgs::{minimise, LbfgsConfig};
use common::ljat::{geometry as lg, Ljat};
use common::rng::Stream;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Structures

/// DB1 (goldens.md §5) stationary points of LJAT3, Z = 2.
fn db1_equilateral() -> Vec<f64> {
    vec![
        0.000000000000000,
        0.000000000000000,
        0.000000000000000,
        1.16875231736338,
        0.000000000000000,
        0.000000000000000,
        0.584376158681690,
        1.01216919756862,
        0.000000000000000,
    ]
}

fn db1_ts() -> Vec<f64> {
    vec![
        0.000000000000000,
        0.822227173976953,
        0.000000000000000,
        -0.776542238413486,
        0.000000000000000,
        0.000000000000000,
        0.776542238413486,
        0.000000000000000,
        0.000000000000000,
    ]
}

fn db1_linear() -> Vec<f64> {
    vec![
        -1.108762894194149,
        0.000000000000000,
        0.000000000000000,
        0.000000000000000,
        0.000000000000000,
        0.000000000000000,
        1.108762894194149,
        0.000000000000000,
        0.000000000000000,
    ]
}

fn tight() -> LbfgsConfig {
    LbfgsConfig {
        tolerance: 1e-8,
        max_iterations: 20000,
        ..Default::default()
    }
}

/// The LJ13 Mackay icosahedron, minimised.
fn lj13() -> Vec<f64> {
    let r = minimise(&Ljat::new(13, 0.0), &lg::icosahedron13(1.1), &tight());
    assert!(r.converged());
    assert!((r.energy + 44.326801).abs() < 1e-5, "{}", r.energy);
    r.x
}

/// The LJ38 fcc truncated octahedron (global minimum, Oh), minimised: the fcc sites around an
/// octahedral hole at squared distances 1, 3 and 5 (6 + 8 + 24 atoms).
fn lj38() -> Vec<f64> {
    let mut x = Vec::new();
    for i in -3i32..=3 {
        for j in -3i32..=3 {
            for k in -3i32..=3 {
                if (i + j + k).rem_euclid(2) != 0 {
                    continue;
                }
                let d = [(i - 1) as f64, j as f64, k as f64];
                let r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                if r2 <= 5.0 {
                    x.extend(d.map(|c| c * 1.1 / 2f64.sqrt()));
                }
            }
        }
    }
    assert_eq!(x.len(), 3 * 38);
    let r = minimise(&Ljat::new(38, 0.0), &x, &tight());
    assert!(r.converged());
    assert!((r.energy + 173.928427).abs() < 1e-5, "{}", r.energy);
    r.x
}

fn random_cluster(s: &mut Stream, n: usize, half: f64) -> Vec<f64> {
    (0..3 * n).map(|_| s.uniform_in(-half, half)).collect()
}

fn random_permutation(s: &mut Stream, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        p.swap(i, s.index(i + 1));
    }
    p
}

/// `y[i] = x[perm[i]]` atom-wise.
fn permute(x: &[f64], perm: &[usize]) -> Vec<f64> {
    perm.iter()
        .flat_map(|&j| x[3 * j..3 * j + 3].to_vec())
        .collect()
}

fn translate(x: &[f64], t: [f64; 3]) -> Vec<f64> {
    x.iter().enumerate().map(|(k, v)| v + t[k % 3]).collect()
}

fn invert(x: &[f64]) -> Vec<f64> {
    x.iter().map(|v| -v).collect()
}

/// A randomly rotated, translated and permuted copy.
fn scramble(s: &mut Stream, x: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let n = natoms(x);
    let perm = random_permutation(s, n);
    let r = random_rotation(s);
    let t = [
        s.uniform_in(-5.0, 5.0),
        s.uniform_in(-5.0, 5.0),
        s.uniform_in(-5.0, 5.0),
    ];
    (translate(&permute(&transform(x, &r), &perm), t), perm)
}

fn perm_opts() -> AlignOptions {
    AlignOptions {
        permdist: true,
        ..Default::default()
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..n {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

/// Exact minimum over all permutations (exact rotation for each), with optional inversion.
fn brute_force_distance(a: &[f64], b: &[f64], inversion: bool) -> f64 {
    let ac = centred(a);
    let bc = centred(b);
    let n = natoms(a);
    let mut best = f64::INFINITY;
    let mut candidates = vec![bc.clone()];
    if inversion {
        candidates.push(invert(&bc));
    }
    for bb in &candidates {
        for p in permutations(n) {
            let bp = permute(bb, &p);
            let r = optimal_rotation(&ac, &bp);
            best = best.min(euclidean_distance(&ac, &transform(&bp, &r)));
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Moments of inertia

#[test]
fn inertia_moments_match_db1() {
    let cases: [(Vec<f64>, [f64; 3]); 3] = [
        (
            db1_equilateral(),
            [0.6829909897, 0.6829909897, 1.3659819793],
        ),
        (db1_ts(), [0.4507050171, 1.2060356961, 1.6567407132]),
        (db1_linear(), [0.0, 2.4587103111, 2.4587103111]),
    ];
    for (x, expected) in cases {
        let m = inertia_moments(&x);
        for k in 0..3 {
            assert!(
                (m[k] - expected[k]).abs() < 1e-9,
                "moment {k}: {} vs {}",
                m[k],
                expected[k]
            );
        }
        // F20.10 rendering as in min.data (the linear first moment may be ±0).
        let s = format!("{:20.10}", m[1]);
        assert_eq!(s.trim(), format!("{:.10}", expected[1]));
    }
}

#[test]
fn inertia_is_invariant_under_rigid_motion() {
    let mut s = Stream::new(11, 0);
    let x = random_cluster(&mut s, 10, 1.5);
    let (y, _) = scramble(&mut s, &x);
    let (mx, my) = (inertia_moments(&x), inertia_moments(&y));
    for k in 0..3 {
        assert!((mx[k] - my[k]).abs() < 1e-10);
    }
    assert!(mx[0] <= mx[1] && mx[1] <= mx[2]);
}

#[test]
fn lj38_moments_match_golden_f5() {
    // goldens F5: the LJ38 global minimum has moments ≈ 61.09120 (×3), point group order 48.
    let x = lj38();
    let m = inertia_moments(&x);
    for v in m {
        assert!((v - 61.09120).abs() < 1e-4, "{v}");
    }
}

// ---------------------------------------------------------------------------------------------
// Alignment

#[test]
fn rotated_translated_permuted_copy_aligns_exactly() {
    let mut s = Stream::new(21, 0);
    for n in [2usize, 3, 5, 8, 13, 20, 30] {
        let a = random_cluster(&mut s, n, 1.5);
        let (b, perm) = scramble(&mut s, &a);
        let al = aligned_distance(&a, &b, &perm_opts());
        assert!(al.distance < 1e-8, "n={n}: {}", al.distance);
        assert!(!al.inverted);
        // A random cluster of N ≥ 3 has no symmetry that permutes atoms: the permutation found
        // undoes the scrambling.
        for i in 0..if n >= 3 { n } else { 0 } {
            assert_eq!(perm[al.permutation[i]], i);
        }
        assert!((euclidean_distance(&a, &al.b_aligned) - al.distance).abs() < 1e-14);
        // Without permdist the scrambled copy is far (the option that undoes it is off).
        let plain = aligned_distance(&a, &b, &AlignOptions::default());
        if n > 2 {
            assert!(plain.distance > 1e-3, "n={n}: {}", plain.distance);
        }
    }
}

#[test]
fn inverted_copy_needs_inversion() {
    let mut s = Stream::new(22, 0);
    let a = random_cluster(&mut s, 9, 1.5); // chiral (no symmetry)
    let (b, _) = scramble(&mut s, &invert(&a));
    let al = aligned_distance(&a, &b, &perm_opts());
    assert!(al.distance < 1e-8, "{}", al.distance);
    assert!(al.inverted);
    let det = {
        let m = al.rotation;
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    assert!((det + 1.0).abs() < 1e-12);
    let no_inv = AlignOptions {
        no_inversion: true,
        ranrot: 10,
        ..perm_opts()
    };
    let al = aligned_distance(&a, &b, &no_inv);
    assert!(al.distance > 1e-2, "{}", al.distance);
    assert!(!al.inverted);
    // Without permutations too.
    let bi = transform(&invert(&a), &random_rotation(&mut s));
    assert!(aligned_distance(&a, &bi, &AlignOptions::default()).distance < 1e-10);
    let rigid_no_inv = AlignOptions {
        no_inversion: true,
        ..Default::default()
    };
    assert!(aligned_distance(&a, &bi, &rigid_no_inv).distance > 1e-2);
}

#[test]
fn b_aligned_follows_permutation_and_rotation() {
    let mut s = Stream::new(23, 0);
    let a = random_cluster(&mut s, 7, 1.5);
    let b = random_cluster(&mut s, 7, 1.5);
    let al = aligned_distance(&a, &b, &perm_opts());
    let ca = common::geometry::centre_of_mass(&a);
    let cb = common::geometry::centre_of_mass(&b);
    for i in 0..7 {
        let j = al.permutation[i];
        let v = [0, 1, 2].map(|k| b[3 * j + k] - cb[k]);
        for (r, row) in al.rotation.iter().enumerate() {
            let w: f64 = (0..3).map(|c| row[c] * v[c]).sum::<f64>() + ca[r];
            assert!((w - al.b_aligned[3 * i + r]).abs() < 1e-12);
        }
    }
}

#[test]
fn matches_brute_force_for_small_clusters() {
    // N ≤ 6 (exhaustive enumeration inside): unrelated pairs and perturbed scrambled copies;
    // N = 7 (local search): perturbed scrambled copies.
    let mut s = Stream::new(24, 0);
    let mut checked = 0;
    for trial in 0..72 {
        let n = 2 + trial % 6; // 2..=7
        let a = random_cluster(&mut s, n, 1.2);
        let related = trial % 2 == 1 || n == 7;
        let b = if related {
            let (c, _) = scramble(&mut s, &a);
            c.iter().map(|v| v + s.uniform_in(-0.1, 0.1)).collect()
        } else {
            random_cluster(&mut s, n, 1.2)
        };
        for no_inversion in [false, true] {
            let opts = AlignOptions {
                no_inversion,
                ..perm_opts()
            };
            let d = aligned_distance(&a, &b, &opts).distance;
            let bf = brute_force_distance(&a, &b, !no_inversion);
            assert!(
                (d - bf).abs() < 1e-9,
                "trial {trial} n={n} noinv={no_inversion}: {d} vs brute force {bf}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 144);
}

#[test]
fn never_worse_than_sampled_rotations() {
    // Upper-bound check: for many random orientations, the best assignment at that fixed
    // orientation is never closer than the optimum found.
    let mut s = Stream::new(25, 0);
    for _ in 0..4 {
        let n = 9;
        let a = centred(&random_cluster(&mut s, n, 1.5));
        let b = centred(&random_cluster(&mut s, n, 1.5));
        let d = aligned_distance(
            &a,
            &b,
            &AlignOptions {
                ranrot: 10,
                ..perm_opts()
            },
        )
        .distance;
        let mut best = f64::INFINITY;
        for k in 0..4000 {
            let r = random_rotation(&mut s);
            let mut bb = transform(&b, &r);
            if k % 2 == 1 {
                bb = invert(&bb);
            }
            let cost: Vec<f64> = (0..n * n)
                .map(|ij| {
                    let (i, j) = (ij / n, ij % n);
                    (0..3).map(|c| (a[3 * i + c] - bb[3 * j + c]).powi(2)).sum()
                })
                .collect();
            best = best.min(solve_assignment(&cost, n).1.sqrt());
        }
        assert!(d <= best + 1e-12, "{d} > sampled {best}");
    }
}

#[test]
fn distance_is_symmetric_and_bounded_by_centred_distance() {
    // Unrelated pairs for N ≤ 6 (exact optimum) and perturbed scrambled copies up to N = 14.
    let mut s = Stream::new(26, 0);
    for trial in 0..24 {
        let related = trial % 2 == 1;
        let n = if related {
            4 + trial % 11
        } else {
            3 + trial % 4
        };
        let a = random_cluster(&mut s, n, 1.5);
        let b = if related {
            let (c, _) = scramble(&mut s, &a);
            c.iter().map(|v| v + s.uniform_in(-0.1, 0.1)).collect()
        } else {
            random_cluster(&mut s, n, 1.5)
        };
        let plain = euclidean_distance(&centred(&a), &centred(&b));
        for opts in [
            AlignOptions::default(),
            AlignOptions {
                no_inversion: true,
                ..Default::default()
            },
            perm_opts(),
        ] {
            let dab = aligned_distance(&a, &b, &opts).distance;
            let dba = aligned_distance(&b, &a, &opts).distance;
            assert!(dab <= plain + 1e-12, "{dab} > {plain}");
            assert!(
                (dab - dba).abs() < 1e-9,
                "trial {trial} {opts:?}: {dab} vs {dba}"
            );
        }
    }
}

#[test]
fn perm_groups_restrict_permutations() {
    let mut s = Stream::new(27, 0);
    let a = random_cluster(&mut s, 6, 1.5);
    let groups = Some(vec![vec![0, 1, 2], vec![3, 4, 5]]);
    let opts = AlignOptions {
        perm_groups: groups,
        ..perm_opts()
    };
    // Swap within a group: recovered.
    let b = permute(
        &transform(&a, &random_rotation(&mut s)),
        &[1, 2, 0, 5, 3, 4],
    );
    let al = aligned_distance(&a, &b, &opts);
    assert!(al.distance < 1e-8);
    assert_eq!(al.permutation, vec![2, 0, 1, 4, 5, 3]);
    // Swap across groups: not allowed with the groups, allowed with one group.
    let c = permute(&a, &[3, 1, 2, 0, 4, 5]);
    assert!(aligned_distance(&a, &c, &opts).distance > 1e-2);
    assert!(aligned_distance(&a, &c, &perm_opts()).distance < 1e-8);
}

#[test]
fn symmetric_minima_align_exactly() {
    let mut s = Stream::new(28, 0);
    for x in [lj13(), db1_equilateral(), db1_linear(), db1_ts()] {
        for _ in 0..5 {
            let (y, _) = scramble(&mut s, &x);
            let al = aligned_distance(&x, &y, &perm_opts());
            assert!(al.distance < 1e-8, "{}", al.distance);
        }
    }
}

#[test]
fn lj38_permutational_alignment() {
    let x = lj38();
    let mut s = Stream::new(29, 0);
    let (y, _) = scramble(&mut s, &x);
    let t = Instant::now();
    let al = aligned_distance(&x, &y, &perm_opts());
    let dt = t.elapsed();
    assert!(al.distance < 1e-8, "{}", al.distance);
    // A perturbed copy (not an exact match: the whole search runs).
    let z: Vec<f64> = y.iter().map(|v| v + s.uniform_in(-0.05, 0.05)).collect();
    let t = Instant::now();
    let alz = aligned_distance(
        &x,
        &z,
        &AlignOptions {
            ranrot: 10,
            ..perm_opts()
        },
    );
    let dtz = t.elapsed();
    // The perturbation is at most 0.05·√3 per atom.
    assert!(
        alz.distance < 0.05 * (3.0f64 * 38.0).sqrt(),
        "{}",
        alz.distance
    );
    eprintln!(
        "LJ38 permutational alignment: exact copy {:.3} ms, perturbed copy (ranrot 10) {:.3} ms",
        dt.as_secs_f64() * 1e3,
        dtz.as_secs_f64() * 1e3
    );
}

#[test]
fn deterministic_for_a_seed() {
    let mut s = Stream::new(30, 0);
    let a = random_cluster(&mut s, 15, 1.5);
    let b = random_cluster(&mut s, 15, 1.5);
    let opts = AlignOptions {
        ranrot: 25,
        seed: 99,
        ..perm_opts()
    };
    let r1 = aligned_distance(&a, &b, &opts);
    let r2 = aligned_distance(&a, &b, &opts);
    assert_eq!(r1, r2);
    assert_eq!(r1.distance.to_bits(), r2.distance.to_bits());
}

#[test]
fn same_structure_energy_first() {
    let mut s = Stream::new(31, 0);
    let a = lj13();
    let (b, _) = scramble(&mut s, &a);
    let opts = perm_opts();
    assert!(same_structure(-44.3268, -44.3268, &a, &b, 1e-8, 0.1, &opts));
    // Energy test fails: not the same, whatever the geometry.
    assert!(!same_structure(
        -44.3268, -44.3267, &a, &a, 1e-8, 0.1, &opts
    ));
    // Energies equal but geometry different.
    let c = random_cluster(&mut s, 13, 1.5);
    assert!(!same_structure(-1.0, -1.0, &a, &c, 1e-8, 0.1, &opts));
    // Without permdist the scrambled copy is a different point.
    assert!(!same_structure(
        -1.0,
        -1.0,
        &a,
        &b,
        1e-8,
        0.1,
        &AlignOptions::default()
    ));
    // MLP without PERMDIST: plain Euclidean distance, no alignment.
    let plain = common::system::Symmetry::network(0, None);
    let u = vec![0.0, 1.0, 2.0];
    let v = vec![0.0, 1.0, 2.05];
    assert!(plain.same_point((&u, 1.0), (&v, 1.0), 1e-8, 0.1));
    assert!(!plain.same_point((&u, 1.0), (&[2.0, 1.0, 0.0], 1.0), 1e-8, 0.1));
    assert!(!plain.same_point((&u, 1.0), (&v, 1.1), 1e-8, 0.1));
    assert!((euclidean_distance(&u, &v) - 0.05).abs() < 1e-15);
}

#[test]
fn centre_returns_the_shift() {
    let mut x = vec![1.0, 0.0, 0.0, 3.0, 0.0, 0.0];
    assert_eq!(centre(&mut x), [2.0, 0.0, 0.0]);
    assert_eq!(x, vec![-1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// Point groups

fn pg(x: &[f64]) -> PointGroup {
    point_group(x, POINT_GROUP_TOL)
}

fn check(x: &[f64], order: usize, symbol: &str) {
    let g = pg(x);
    assert_eq!(
        (g.order, g.symbol.as_str()),
        (order, symbol),
        "expected {symbol} ({order})"
    );
    // Invariance under rigid motion and relabelling.
    let mut s = Stream::new(order as u64, 77);
    let (y, _) = scramble(&mut s, x);
    assert_eq!(pg(&y), g, "after scrambling");
}

#[test]
fn point_groups_of_db1() {
    let eq = pg(&db1_equilateral());
    assert_eq!((eq.order, eq.symbol_field().as_str()), (12, "D3h "));
    let ts = pg(&db1_ts());
    assert_eq!((ts.order, ts.symbol_field().as_str()), (4, "C2v "));
    let lin = pg(&db1_linear());
    assert_eq!((lin.order, lin.symbol_field().as_str()), (2, "DXh "));
    // The (I6,1X,A4) line of path.info.
    assert_eq!(
        format!("{:6} {}", eq.order, eq.symbol_field()),
        "    12 D3h "
    );
}

#[test]
fn three_atom_groups() {
    check(&lg::equilateral3(1.1), 12, "D3h");
    check(&lg::isosceles3(1.13, 1.55), 4, "C2v");
    check(&lg::linear3(1.1), 2, "DXh");
    // Scalene triangle.
    check(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.3, 1.2, 0.0], 2, "Cs");
    // Asymmetric linear.
    check(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.5, 0.0, 0.0], 1, "CXv");
    // Two atoms.
    check(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.1], 2, "DXh");
}

#[test]
fn lj13_is_ih() {
    let x = lj13();
    check(&x, 120, "Ih");
    assert_eq!(pg(&x).symbol_field(), "I h ");
}

#[test]
fn lj38_is_oh() {
    let x = lj38();
    let t = Instant::now();
    let g = pg(&x);
    eprintln!(
        "LJ38 point group: {:.3} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!((g.order, g.symbol.as_str()), (48, "Oh"));
    assert_eq!(format!("{:6} {}", g.order, g.symbol_field()), "    48 O h ");
}

#[test]
fn polyhedra() {
    let tetra = [
        1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 1.0, -1.0, -1.0, -1.0, 1.0,
    ];
    check(&tetra, 24, "Td");
    let octa = [
        1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, -1.0,
    ];
    check(&octa, 48, "Oh");
    let square = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, 0.0, 0.0, 0.0, -1.0, 0.0];
    check(&square, 16, "D4h");
    let cube: Vec<f64> = (0..8)
        .flat_map(|k| [0, 1, 2].map(|b| if k >> b & 1 == 1 { 1.0 } else { -1.0 }))
        .collect();
    check(&cube, 48, "Oh");
    let rectangle = [
        1.0, 0.5, 0.0, -1.0, 0.5, 0.0, 1.0, -0.5, 0.0, -1.0, -0.5, 0.0,
    ];
    check(&rectangle, 8, "D2h");
}

/// A ring of `k` atoms of radius `r` at height `z`, rotated by `phase` (radians).
fn ring(k: usize, r: f64, z: f64, phase: f64) -> Vec<f64> {
    (0..k)
        .flat_map(|i| {
            let t = phase + std::f64::consts::TAU * i as f64 / k as f64;
            [r * t.cos(), r * t.sin(), z]
        })
        .collect()
}

#[test]
fn axial_groups() {
    use std::f64::consts::PI;
    // Pentagonal bipyramid (LJ7 minimum shape): D5h.
    let mut pbp = ring(5, 1.0, 0.0, 0.0);
    pbp.extend([0.0, 0.0, 0.8, 0.0, 0.0, -0.8]);
    check(&pbp, 20, "D5h");
    // Triangle plus apex: C3v.
    let mut c3v = ring(3, 1.0, 0.0, 0.0);
    c3v.extend([0.0, 0.0, 0.9]);
    check(&c3v, 6, "C3v");
    // Trigonal prism: D3h; staggered (antiprism-like) with a 60° twist: D3d; generic twist: D3.
    let prism = [ring(3, 1.0, 0.6, 0.0), ring(3, 1.0, -0.6, 0.0)].concat();
    check(&prism, 12, "D3h");
    let stag = [ring(3, 1.0, 0.6, 0.0), ring(3, 1.0, -0.6, PI / 3.0)].concat();
    check(&stag, 12, "D3d");
    let twisted = [ring(3, 1.0, 0.6, 0.0), ring(3, 1.0, -0.6, 0.4)].concat();
    check(&twisted, 6, "D3");
    // Square antiprism: D4d (order 16).
    let sap = [ring(4, 1.0, 0.5, 0.0), ring(4, 1.0, -0.5, PI / 4.0)].concat();
    check(&sap, 16, "D4d");
    // Allene-like: two perpendicular pairs at ±z: D2d.
    let d2d = [
        1.0, 0.0, 0.5, -1.0, 0.0, 0.5, 0.0, 1.0, -0.5, 0.0, -1.0, -0.5,
    ];
    check(&d2d, 8, "D2d");
    // Twisted pairs (generic angle): D2.
    let d2 = [
        1.0, 0.0, 0.5, -1.0, 0.0, 0.5, 0.6, 0.8, -0.5, -0.6, -0.8, -0.5,
    ];
    check(&d2, 4, "D2");
    // Planar trans arrangement: C2h.
    let c2h = [
        1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 2.0, 1.0, 0.0, -2.0, -1.0, 0.0,
    ];
    check(&c2h, 4, "C2h");
    // Planar pinwheel: C3h.
    let c3h = [ring(3, 1.0, 0.0, 0.0), ring(3, 1.8, 0.0, 0.3)].concat();
    check(&c3h, 6, "C3h");
    // Two rings of different radii, generic twist, at different heights: C3.
    let c3 = [ring(3, 1.0, 0.6, 0.0), ring(3, 1.5, -0.4, 0.4)].concat();
    check(&c3, 3, "C3");
    // S4: two generic orbits of the S4 operation (x,y,z) → (y,−x,−z) (one orbit of four
    // atoms alone would be a D2d disphenoid).
    let s4_orbit = |v: [f64; 3]| -> Vec<f64> {
        (0..4)
            .scan(v, |p, _| {
                let cur = *p;
                *p = [cur[1], -cur[0], -cur[2]];
                Some(cur)
            })
            .flatten()
            .collect()
    };
    let s4 = [s4_orbit([1.0, 0.3, 0.5]), s4_orbit([0.5, 1.4, 0.2])].concat();
    check(&s4, 4, "S4");
    // S6: two generic orbits of C3 and the inversion (one orbit alone would be D3d).
    let rings = [ring(3, 1.0, 0.5, 0.2), ring(3, 1.6, 0.2, 0.9)].concat();
    let s6 = [rings.clone(), invert(&rings)].concat();
    check(&s6, 6, "S6");
    // Ci: a generic centrosymmetric cluster; C2: a generic pair-symmetric cluster.
    let mut s = Stream::new(40, 0);
    let half = random_cluster(&mut s, 4, 1.5);
    check(&[half.clone(), invert(&half)].concat(), 2, "Ci");
    let c2op: Mat3 = [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]];
    check(&[half.clone(), transform(&half, &c2op)].concat(), 2, "C2");
    let sigma: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
    check(&[half.clone(), transform(&half, &sigma)].concat(), 2, "Cs");
}

/// The orbit of a generic point under a group given by its matrices.
fn orbit(ops: &[Mat3], v: [f64; 3]) -> Vec<f64> {
    ops.iter()
        .flat_map(|m| [0, 1, 2].map(|r| (0..3).map(|c| m[r][c] * v[c]).sum::<f64>()))
        .collect()
}

/// Signed permutation matrices: `even_perms_only` keeps cyclic permutations; `det_filter`
/// keeps matrices of that determinant (0 = all).
fn signed_perms(cyclic_only: bool, sign_filter: impl Fn(&[f64; 3], bool) -> bool) -> Vec<Mat3> {
    let perms: Vec<[usize; 3]> = if cyclic_only {
        vec![[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    } else {
        vec![
            [0, 1, 2],
            [1, 2, 0],
            [2, 0, 1],
            [1, 0, 2],
            [0, 2, 1],
            [2, 1, 0],
        ]
    };
    let mut out = Vec::new();
    for (pi, p) in perms.iter().enumerate() {
        let odd = pi >= 3;
        for sb in 0..8 {
            let signs = [0, 1, 2].map(|b| if sb >> b & 1 == 1 { -1.0 } else { 1.0 });
            if !sign_filter(&signs, odd) {
                continue;
            }
            let mut m = [[0.0; 3]; 3];
            for r in 0..3 {
                m[r][p[r]] = signs[r];
            }
            out.push(m);
        }
    }
    out
}

#[test]
fn cubic_orbits() {
    let v = [0.9, 0.35, 0.15];
    let prod = |s: &[f64; 3]| s[0] * s[1] * s[2];
    // T: cyclic permutations with an even number of sign changes (12).
    let t = signed_perms(true, |s, _| prod(s) > 0.0);
    assert_eq!(t.len(), 12);
    check(&orbit(&t, v), 12, "T");
    // Th: cyclic permutations, all signs (24).
    let th = signed_perms(true, |_, _| true);
    check(&orbit(&th, v), 24, "Th");
    // O: all permutations, determinant +1 (24).
    let o = signed_perms(false, |s, odd| (prod(s) > 0.0) != odd);
    assert_eq!(o.len(), 24);
    check(&orbit(&o, v), 24, "O");
    // Td: even permutations with even sign changes, odd permutations with odd ones... i.e.
    // the matrices whose sign product is +1 (24).
    let td = signed_perms(false, |s, _| prod(s) > 0.0);
    check(&orbit(&td, v), 24, "Td");
    // Oh: everything (48).
    let oh = signed_perms(false, |_, _| true);
    check(&orbit(&oh, v), 48, "Oh");
}

#[test]
fn perturbed_clusters_are_c1() {
    let mut s = Stream::new(41, 0);
    let x: Vec<f64> = lj13()
        .iter()
        .map(|v| v + s.uniform_in(-0.05, 0.05))
        .collect();
    check(&x, 1, "C1");
    check(&random_cluster(&mut s, 10, 1.5), 1, "C1");
    // Perturbations below the tolerance keep the symmetry.
    let y: Vec<f64> = lj13()
        .iter()
        .map(|v| v + s.uniform_in(-1e-5, 1e-5))
        .collect();
    assert_eq!(pg(&y).order, 120);
}

#[test]
fn point_group_is_deterministic() {
    let x = lj13();
    assert_eq!(pg(&x), pg(&x));
    assert_eq!(
        point_group(&[], POINT_GROUP_TOL),
        PointGroup {
            order: 1,
            symbol: "C1".into()
        }
    );
}
