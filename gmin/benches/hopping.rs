//! GMIN benchmarks: basin-hopping steps per second (LJ38, MLP [2,10,4,1000]) and LJAT3
//! dataset minimisations per second. `cargo bench -p gmin --bench hopping`.

use common::dataset;
use common::lbfgs::LbfgsConfig;
use common::ljat::Ljat;
use common::mlp::{Mlp, MlpData, Network};
use common::potential::Potential;
use common::rng::Stream;
use gmin::hopping::{Adjust, BhSettings, Silent, Walker};
use std::time::Instant;

fn settings(steps: usize, step: f64, tol: f64) -> BhSettings {
    BhSettings {
        steps,
        tfac: 1.0,
        temperature: 0.8,
        step,
        astep: 0.3,
        angular_moves: false,
        accept_ratio: 0.5,
        naccept: 50,
        adjust: Adjust::Step,
        quench: LbfgsConfig {
            tolerance: tol,
            max_iterations: 2000,
            ..Default::default()
        },
        final_quench: LbfgsConfig::default(),
        nsave: 10,
        ediff: 1e-6,
        targets: vec![],
        reset: true,
        centre_atoms: None,
        container: None,
        newrestart: None,
        avoid: None,
        save_identity: None,
    }
}

/// Steps per second, quenches' mean LBFGS calls.
fn bh(p: &dyn Potential, x0: &[f64], s: &BhSettings) -> (f64, f64, f64) {
    let mut w = Walker::start(p, s, x0, Stream::new(1, 0), &mut Silent);
    let calls0 = w.calls;
    let t = Instant::now();
    w.run(p, s, &mut Silent, &mut |_| {});
    let secs = t.elapsed().as_secs_f64();
    (
        s.steps as f64 / secs,
        (w.calls - calls0) as f64 / s.steps as f64,
        w.best_energy,
    )
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    println!(
        "# GMIN benchmarks ({} threads available)",
        rayon::current_num_threads()
    );
    let mut s = Stream::new(7, 0);
    let lj38 = Ljat::new(38, 0.0);
    let x38: Vec<f64> = (0..114).map(|_| s.uniform_in(-1.6, 1.6)).collect();
    let (r, calls, best) = bh(
        &lj38,
        &x38,
        &settings(if quick { 100 } else { 500 }, 0.36, 1e-3),
    );
    println!(
        "LJ38 (LJAT Z=0): {r:.1} BH steps/s ({calls:.0} E+G calls per quench, best E {best:.6})"
    );
    let net = Network::new(vec![2, 10, 4], true).unwrap();
    let items = dataset::generate(1000, dataset::side_d1(), 3);
    let data = MlpData::new(
        2,
        items.iter().flat_map(|i| [i.r12, i.r13]).collect(),
        items.iter().map(|i| i.label).collect(),
    );
    let mlp = Mlp::from_network(net, data, 1e-4, false).unwrap();
    let xm: Vec<f64> = (0..mlp.nopt()).map(|_| s.uniform_in(-0.5, 0.5)).collect();
    let (rm, callsm, bestm) = bh(&mlp, &xm, &settings(if quick { 10 } else { 50 }, 1.0, 1e-5));
    println!("MLP [2,10,4,1000]: {rm:.2} BH steps/s ({callsm:.0} E+G calls per quench, best E {bestm:.8})");
    println!(
        "  LJ38 steps are {:.1}x faster than MLP [2,10,4,1000] steps",
        r / rm
    );
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let n = if quick { 20_000 } else { 100_000 };
        let t = Instant::now();
        let items = pool.install(|| dataset::generate(n, dataset::side_d1(), 1));
        let secs = t.elapsed().as_secs_f64();
        println!(
            "LJAT3 D1 dataset, {threads} thread(s): {:.0} minimisations/s ({n} items)",
            n as f64 / secs
        );
        std::hint::black_box(items);
    }
    for (name, side) in [
        ("D1", dataset::side_d1()),
        ("D2", dataset::SIDE_D2),
        ("D3", dataset::side_d3()),
    ] {
        let items = dataset::generate(200_000, side, 11);
        let c = dataset::class_counts(&items);
        let pct = |k: usize| 100.0 * c[k] as f64 / items.len() as f64;
        println!(
            "{name}: 200000 minimisations: equilateral {:.2}%, linear (1 middle) {:.2}%, (2) {:.2}%, (3) {:.2}%",
            pct(0),
            pct(1),
            pct(2),
            pct(3)
        );
    }
}
