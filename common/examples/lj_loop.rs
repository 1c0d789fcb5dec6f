//! Time our Lennard-Jones energy+gradient (LJAT with Z = 0) on the coordinates of a file
//! (one atom per line, x y z): `lj_loop COORDS CALLS` prints the energy and the best of five
//! rounds in microseconds per call, as scripts/lj_peer.c does for the C peer
//! (scripts/bench_lj_peer.sh runs both).
use common::ljat::Ljat;
use common::potential::Potential;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: lj_loop COORDS CALLS");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[1]).expect("coordinates");
    let x: Vec<f64> = text
        .split_whitespace()
        .map(|w| w.parse().expect("a number"))
        .collect();
    let calls: usize = args[2].parse().expect("CALLS");
    let lj = Ljat::new(x.len() / 3, 0.0);
    let mut g = vec![0.0; x.len()];
    let (mut e, mut best) = (0.0, f64::INFINITY);
    for _ in 0..5 {
        let t0 = Instant::now();
        for _ in 0..calls {
            e = lj.energy_gradient(black_box(&x), &mut g);
        }
        best = best.min(t0.elapsed().as_secs_f64() / calls as f64 * 1e6);
    }
    println!("energy {e:.10}\nus_per_call {best:.4}");
}
