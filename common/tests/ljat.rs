//! LJAT: goldens (goldens.md §1), finite-difference derivative checks, frozen atoms, and LBFGS
//! on LJAT3 and LJ13.

use common::lbfgs::{minimise, LbfgsConfig};
use common::linalg::{count_negative, fvib, sym_eigenvalues};
use common::ljat::{geometry, Ljat};
use common::potential::{fd, rms, FrozenMask, Potential};
use common::rng::Stream;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn tight() -> LbfgsConfig {
    LbfgsConfig {
        tolerance: 1e-10,
        max_iterations: 10_000,
        max_erise: 1e-10,
        ..Default::default()
    }
}

fn random_cluster(n: usize, side: f64, seed: u64) -> Vec<f64> {
    let mut s = Stream::new(seed, 0);
    (0..3 * n).map(|_| s.uniform_in(0.0, side)).collect()
}

fn assert_eigs(h: &nalgebra::DMatrix<f64>, expected_nonzero: &[f64], zeros: usize) {
    let ev = sym_eigenvalues(h).unwrap();
    assert_eq!(ev.len(), 9);
    // Non-zero eigenvalues in descending order, relative tolerance 1e-6 (goldens.md §1).
    let nonzero: Vec<f64> = ev.iter().copied().filter(|v| v.abs() > 1e-6).collect();
    assert_eq!(nonzero.len(), expected_nonzero.len(), "eigenvalues {ev:?}");
    for (got, want) in nonzero.iter().zip(expected_nonzero) {
        assert!(
            ((got - want) / want).abs() < 1e-6,
            "eigenvalue {got} vs {want} in {ev:?}"
        );
    }
    assert_eq!(ev.iter().filter(|v| v.abs() <= 1e-6).count(), zeros);
}

#[test]
fn l1_lj_equilateral_trimer() {
    let p = Ljat::new(3, 0.0);
    let x = geometry::equilateral3(2f64.powf(1.0 / 6.0));
    let mut g = vec![0.0; 9];
    let e = p.energy_gradient(&x, &mut g);
    assert!(close(e, -3.0, 1e-12), "{e}");
    assert!(rms(&g) < 1e-12);
}

#[test]
fn l2_lj_symmetric_linear_stationary_point() {
    let p = Ljat::new(3, 0.0);
    let x = geometry::linear3(1.121029938282);
    let mut g = vec![0.0; 9];
    let e = p.energy_gradient(&x, &mut g);
    assert!(close(e, -2.031124130355, 1e-11), "{e}");
    assert!(rms(&g) < 1e-10);
}

#[test]
fn l3_linear_minimum_from_a_slightly_bent_start() {
    let p = Ljat::new(3, 2.0);
    let mut x = geometry::linear3(1.1);
    x[4] = 0.05; // bend atom 2 off the axis
    let r = minimise(&p, &x, &tight());
    assert!(r.converged() && r.rms < 1e-10);
    assert!(close(r.energy, -2.219098169601, 1e-11), "{}", r.energy);
    let r12 = geometry::distance(&r.x, 0, 1);
    let r23 = geometry::distance(&r.x, 1, 2);
    let r13 = geometry::distance(&r.x, 0, 2);
    assert!(close(r12, 1.108762894194, 1e-8) && close(r23, 1.108762894194, 1e-8));
    assert!(close(r13, 2.217525788388, 1e-8));
    let h = p.hessian(&geometry::linear3(1.108762894194149));
    assert_eigs(
        &h,
        &[219.023542474, 65.7059813476, 1.20326781177, 1.20326781177],
        5,
    );
    let ev = sym_eigenvalues(&h).unwrap();
    // L7: Nz = 6 leaves 3 logs (the 4th non-zero mode is excluded, as the Fortran does).
    assert!(close(fvib(&ev, 6, 0).unwrap(), 9.75941021771, 1e-9));
}

#[test]
fn l4_equilateral_minimum() {
    let p = Ljat::new(3, 2.0);
    let x = geometry::equilateral3(1.168752317363);
    let mut g = vec![0.0; 9];
    let e = p.energy_gradient(&x, &mut g);
    assert!(close(e, -2.185098840269, 1e-11), "{e}");
    assert!(rms(&g) < 1e-10);
    let r = minimise(&p, &geometry::equilateral3(1.2), &tight());
    assert!(close(r.energy, -2.185098840269, 1e-11));
    let h = p.hessian(&x);
    assert_eigs(&h, &[110.722358527, 32.8950544989, 32.8950544989], 6);
    let ev = sym_eigenvalues(&h).unwrap();
    assert!(close(fvib(&ev, 6, 0).unwrap(), 11.6936704479, 1e-9));
}

#[test]
fn l5_transition_state_and_l6_barriers() {
    let p = Ljat::new(3, 2.0);
    let x = geometry::isosceles3(1.130962145108, 1.553084476827);
    let mut g = vec![0.0; 9];
    let e = p.energy_gradient(&x, &mut g);
    assert!(close(e, -1.985069657957, 1e-11), "{e}");
    assert!(rms(&g) < 1e-10);
    // Apex angle 86.72643 degrees.
    let cos_apex = 1.0 - 1.553084476827f64.powi(2) / (2.0 * 1.130962145108f64.powi(2));
    assert!(close(cos_apex.acos().to_degrees(), 86.72643, 1e-5));
    let h = p.hessian(&x);
    assert_eigs(&h, &[107.356590648, 96.2303101261, -3.53942100564], 6);
    let ev = sym_eigenvalues(&h).unwrap();
    assert_eq!(count_negative(&ev, 1e-6), 1);
    assert!(close(fvib(&ev, 6, 1).unwrap(), 9.24290029858, 1e-9));
    assert!(close(e - (-2.185098840269), 0.200029182311, 1e-11));
    assert!(close(e - (-2.219098169601), 0.234028511644, 1e-11));
}

/// Max absolute difference relative to the scale of the reference.
fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
        / scale
}

#[test]
fn derivatives_match_finite_differences_at_random_points() {
    for (n, z) in [(3, 2.0), (3, 0.0), (4, 1.3), (5, -0.7), (6, 2.0)] {
        let p = Ljat::new(n, z);
        for seed in 0..5 {
            // A loose random cluster (avoids overlapping atoms): lattice plus jitter.
            let mut s = Stream::new(seed, n as u64);
            let x: Vec<f64> = (0..3 * n)
                .map(|i| {
                    1.2 * ((i / 3) as f64) * [1.0, 0.3, -0.2][i % 3] + s.uniform_in(-0.25, 0.25)
                })
                .collect();
            let g = p.gradient(&x);
            let gfd = fd::gradient(&p, &x, 1e-6);
            assert!(
                rel_err(&g, &gfd) < 1e-7,
                "gradient n={n} z={z}: {}",
                rel_err(&g, &gfd)
            );
            let h = p.hessian(&x);
            let hfd = fd::hessian(&p, &x, 1e-6);
            assert!(
                rel_err(h.as_slice(), hfd.as_slice()) < 1e-7,
                "hessian n={n} z={z}"
            );
            assert!((&h - h.transpose()).amax() < 1e-9 * h.amax());
            let v: Vec<f64> = (0..3 * n).map(|_| s.uniform_in(-1.0, 1.0)).collect();
            let mut hv = vec![0.0; 3 * n];
            p.hessian_vector(&x, &v, &mut hv);
            let hv_dense: Vec<f64> = (&h * nalgebra::DVector::from_vec(v.clone()))
                .iter()
                .copied()
                .collect();
            assert!(rel_err(&hv, &hv_dense) < 1e-12, "Hv vs H v");
            let hv_fd = fd::hessian_vector(&p, &x, &v, 1e-6);
            assert!(rel_err(&hv, &hv_fd) < 1e-7, "Hv vs finite differences");
        }
    }
}

#[test]
fn frozen_atoms_have_zero_derivatives_and_never_move() {
    let mask = FrozenMask::from_atoms(4, &[0, 2]);
    let p = Ljat::new(4, 2.0).with_frozen(mask.clone());
    assert_eq!(p.n_frozen(), 6);
    let x0 = random_cluster(4, 2.0, 9);
    let g = p.gradient(&x0);
    for (i, gi) in g.iter().enumerate() {
        if mask.is_frozen(i) {
            assert_eq!(*gi, 0.0);
        }
    }
    let free = Ljat::new(4, 2.0);
    let gfree = free.gradient(&x0);
    for i in mask.free_indices() {
        assert_eq!(g[i], gfree[i]);
    }
    let h = p.hessian(&x0);
    let v: Vec<f64> = (0..12).map(|i| (i as f64 * 0.37).sin()).collect();
    let mut hv = vec![0.0; 12];
    p.hessian_vector(&x0, &v, &mut hv);
    let hv_dense = &h * nalgebra::DVector::from_vec(v);
    let scale = hv_dense.amax().max(1.0);
    for i in 0..12 {
        assert!((hv[i] - hv_dense[i]).abs() < 1e-12 * scale);
        if mask.is_frozen(i) {
            assert_eq!(hv[i], 0.0);
            assert!(h.row(i).iter().all(|&e| e == 0.0));
            assert!(h.column(i).iter().all(|&e| e == 0.0));
        }
    }
    let r = minimise(&p, &x0, &tight());
    for (i, (xi, x0i)) in r.x.iter().zip(&x0).enumerate() {
        if mask.is_frozen(i) {
            assert_eq!(xi, x0i, "frozen component {i} moved");
        }
    }
    assert!(r.converged());
}

#[test]
fn lj13_icosahedron_golden() {
    let p = Ljat::new(13, 0.0);
    let x = geometry::icosahedron13(1.1);
    let r = minimise(&p, &x, &tight());
    assert!(r.converged());
    assert!(r.rms < 1e-8);
    assert!(close(r.energy, -44.326801, 1e-6), "{}", r.energy);
}

#[test]
fn lj13_from_a_perturbed_start_converges_to_rms_1e_8() {
    let p = Ljat::new(13, 0.0);
    let mut s = Stream::new(5, 0);
    let x: Vec<f64> = geometry::icosahedron13(1.1)
        .iter()
        .map(|c| c + s.uniform_in(-0.1, 0.1))
        .collect();
    let r = minimise(&p, &x, &tight());
    assert!(r.converged() && r.rms < 1e-8);
    assert!(close(r.energy, -44.326801, 1e-6), "{}", r.energy);
}

#[test]
fn lbfgs_reaches_an_ljat3_minimum_from_1000_random_starts() {
    let p = Ljat::new(3, 2.0);
    let (mut linear, mut equilateral) = (0, 0);
    for k in 0..1000 {
        let x = random_cluster(3, 2.0 * 3f64.sqrt(), 1000 + k);
        let r = minimise(&p, &x, &tight());
        assert!(
            r.converged(),
            "start {k}: {:?} E={}",
            r.termination,
            r.energy
        );
        if close(r.energy, -2.219098169601, 1e-8) {
            linear += 1;
        } else if close(r.energy, -2.185098840269, 1e-8) {
            equilateral += 1;
        } else {
            panic!("start {k} ended at {} (not an LJAT3 minimum)", r.energy);
        }
    }
    eprintln!("LJAT3 random starts: linear {linear}, equilateral {equilateral}");
    assert!(
        linear > 100 && equilateral > 100,
        "linear {linear}, equilateral {equilateral}"
    );
}
