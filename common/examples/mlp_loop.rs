//! A loop of one MLP quantity on random data, for profilers:
//! `cargo run --release -p common --example mlp_loop -- eg|hv|hvn|hess NIN H NOUT NDATA SECONDS`
//! (`hv`: products at one point, the forward pass reused; `hvn`: at two points in turn).

use common::mlp::{Mlp, MlpData, Network};
use common::potential::Potential;
use common::rng::Stream;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize, d: usize| a.get(i).and_then(|v| v.parse().ok()).unwrap_or(d);
    let mode = a.first().map_or("eg", String::as_str).to_string();
    let (nin, h, nout, ndata) = (n(1, 2), n(2, 10), n(3, 4), n(4, 1000));
    let secs: f64 = a.get(5).and_then(|v| v.parse().ok()).unwrap_or(3.0);
    let mut s = Stream::new(1, 7);
    let net = Network::new(vec![nin, h, nout], true).unwrap();
    let inputs = (0..nin * ndata).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let labels = (0..ndata).map(|_| s.index(nout)).collect();
    let mlp = Mlp::from_network(net, MlpData::new(nin, inputs, labels), 1e-4, false).unwrap();
    let x: Vec<f64> = (0..mlp.nopt()).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let v: Vec<f64> = (0..mlp.nopt()).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let x2: Vec<f64> = x.iter().map(|a| a * 0.999).collect();
    let mut g = vec![0.0; mlp.nopt()];
    common::linalg::set_blas_threads(1);
    let threads = std::env::var("THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let t = Instant::now();
        let mut calls = 0u64;
        while t.elapsed().as_secs_f64() < secs {
            match mode.as_str() {
                "hv" => mlp.hessian_vector(&x, &v, &mut g),
                "hvn" => {
                    mlp.hessian_vector(if calls.is_multiple_of(2) { &x } else { &x2 }, &v, &mut g)
                }
                "hess" => {
                    std::hint::black_box(mlp.hessian(&x));
                }
                _ => {
                    std::hint::black_box(mlp.energy_gradient(&x, &mut g));
                }
            }
            calls += 1;
        }
        println!(
            "{mode}: {:.3} us per call",
            t.elapsed().as_secs_f64() / calls as f64 * 1e6
        );
    });
}
