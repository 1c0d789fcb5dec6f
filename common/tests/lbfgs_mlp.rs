//! LBFGS on network losses: convergence to tight tolerances, and frozen weights that never move.

use common::lbfgs::{minimise, LbfgsConfig};
use common::linalg::sym_eigenvalues;
use common::mlp::{Mlp, MlpData, MlpSpec};
use common::potential::{rms, Potential};
use common::rng::Stream;

fn random_data(nin: usize, nout: usize, ndata: usize, seed: u64) -> MlpData {
    let mut s = Stream::new(seed, 0);
    let inputs: Vec<f64> = (0..ndata * nin).map(|_| s.uniform_in(-1.5, 1.5)).collect();
    // Labels from a simple rule plus noise, so the problem has structure.
    let labels: Vec<usize> = (0..ndata)
        .map(|d| {
            let x = &inputs[d * nin..(d + 1) * nin];
            let base = if x[0] > 0.0 { 1 } else { 0 } + if x[1] > 0.3 { 2 } else { 0 };
            if s.uniform() < 0.1 {
                s.index(nout)
            } else {
                base % nout
            }
        })
        .collect();
    MlpData::new(nin, inputs, labels)
}

fn tight() -> LbfgsConfig {
    LbfgsConfig {
        tolerance: 1e-8,
        max_iterations: 100_000,
        max_erise: 1e-10,
        ..Default::default()
    }
}

#[test]
fn mlpvb3_2_10_4_100_converges_to_rms_1e_8_at_a_true_minimum() {
    let spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 10.0, 4.0, 100.0, 1.0e-4]).unwrap();
    let mlp = Mlp::new(&spec, random_data(2, 4, 100, 1)).unwrap();
    let mut s = Stream::new(2, 0);
    for start in 0..3 {
        let x0: Vec<f64> = (0..mlp.nopt()).map(|_| s.uniform_in(-1.0, 1.0)).collect();
        let r = minimise(&mlp, &x0, &tight());
        assert!(
            r.converged(),
            "start {start}: {:?} after {} iterations",
            r.termination,
            r.iterations
        );
        assert!(r.rms < 1e-8);
        // Independent checks: gradient recomputed, energy below the start, Hessian index 0.
        assert!(rms(&mlp.gradient(&r.x)) < 1e-8);
        assert!(r.energy < mlp.energy(&x0));
        let ev = sym_eigenvalues(&mlp.hessian(&r.x)).unwrap();
        assert!(
            ev.iter().all(|&v| v > -1e-7),
            "lowest eigenvalue {}",
            ev[ev.len() - 1]
        );
    }
}

#[test]
fn nearest_neighbour_weights_stay_frozen_during_minimisation() {
    let spec =
        MlpSpec::from_keyword("MLPVB3NN", &[2.0, 1.0, 10.0, 4.0, 100.0, 1.0e-4, 2.0]).unwrap();
    let mlp = Mlp::new(&spec, random_data(2, 4, 100, 3)).unwrap();
    let mask = mlp.frozen().expect("MLPVB3NN freezes weights").clone();
    assert_eq!(mask.count(), 20);
    let mut s = Stream::new(4, 0);
    let x0: Vec<f64> = (0..mlp.nopt()).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let r = minimise(&mlp, &x0, &tight());
    assert!(r.converged(), "{:?}", r.termination);
    for (i, (xi, x0i)) in r.x.iter().zip(&x0).enumerate() {
        if mask.is_frozen(i) {
            assert_eq!(xi, x0i, "frozen weight {i} moved");
        }
    }
    assert!(r.x.iter().zip(&x0).any(|(a, b)| a != b));
}
