//! Random networks and data shared by the kernel tests.
#![allow(dead_code)]

use common::mlp::{Mlp, MlpData, MlpSpec, Network};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random data set for `net` (inputs in [-2, 2], labels uniform) and random weights in
/// [-0.6, 0.6].
pub fn random_mlp(
    sizes: &[usize],
    biases: bool,
    ndata: usize,
    lambda: f64,
    noregbias: bool,
    seed: u64,
) -> (Mlp, Vec<f64>) {
    let net = Network::new(sizes.to_vec(), biases).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let data = random_data(&mut rng, net.nin(), net.nout(), ndata);
    let x = random_vector(&mut rng, net.nopt(), 0.6);
    (Mlp::from_network(net, data, lambda, noregbias).unwrap(), x)
}

/// MLPVB3NN from its keyword line (`Nin Nstart Nhidden Nout Ndata lambda Nneigh`).
pub fn random_vb3nn(
    nin: usize,
    nh: usize,
    nout: usize,
    ndata: usize,
    nneigh: usize,
    seed: u64,
) -> (Mlp, Vec<f64>) {
    let args = [
        nin as f64,
        1.0,
        nh as f64,
        nout as f64,
        ndata as f64,
        1.0e-3,
        nneigh as f64,
    ];
    let spec = MlpSpec::from_keyword("MLPVB3NN", &args).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let data = random_data(&mut rng, nin, nout, ndata);
    let mlp = Mlp::new(&spec, data).unwrap();
    let x = random_vector(&mut rng, spec.nopt(), 0.6);
    assert!(common::potential::Potential::n_frozen(&mlp) > 0);
    (mlp, x)
}

pub fn random_data(rng: &mut ChaCha8Rng, nin: usize, nout: usize, ndata: usize) -> MlpData {
    let inputs: Vec<f64> = (0..nin * ndata).map(|_| rng.gen_range(-2.0..2.0)).collect();
    let labels: Vec<usize> = (0..ndata).map(|_| rng.gen_range(0..nout)).collect();
    MlpData::new(nin, inputs, labels)
}

pub fn random_vector(rng: &mut ChaCha8Rng, n: usize, scale: f64) -> Vec<f64> {
    (0..n).map(|_| rng.gen_range(-scale..scale)).collect()
}

/// max |a − b| / max |b| (vectors), the comparison used against the CPU path.
pub fn rel_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

/// |a − b| / |b|.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

/// Say that a test was skipped, visibly: written straight to the process's stderr, which the
/// test harness does not capture (an `eprintln!` of a passing test would be swallowed).
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let line = format!("SKIPPED {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
