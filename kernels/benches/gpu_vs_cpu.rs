//! MLP energy+gradient calls per second, CPU path vs GPU path, and basin-hopping steps per
//! second for an MNIST-sized network (a plain timing harness, `harness = false`).
//!
//! ```sh
//! cargo bench -p kernels --bench gpu_vs_cpu                 # everything
//! BENCH_QUICK=1 cargo bench -p kernels --bench gpu_vs_cpu   # short budgets, no 60000-item case
//! ```
//!
//! Synthetic data: inputs uniform in [0, 1) (pixel-like), labels uniform, weights uniform in
//! [−0.1, 0.1). GPU calls include the weight upload and the gradient download. On a machine
//! without a GPU the CPU side runs and the GPU columns say why they are missing.

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::lbfgs::{minimise, LbfgsConfig};
use common::mlp::{Mlp, MlpData, Network};
use common::potential::Potential;
use kernels::{gpu_unavailable_reason, GpuMlp, GpuRequest};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Walkers per batched GPU launch.
const BATCH: usize = 16;

/// Calls per second of `f` over at least `budget` (and at least `min_calls` calls).
fn rate(budget: Duration, min_calls: u32, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let start = Instant::now();
    let mut n = 0u32;
    while n < min_calls || start.elapsed() < budget {
        f();
        n += 1;
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

fn synthetic(sizes: &[usize], ndata: usize, seed: u64) -> (Mlp, Vec<f64>) {
    let net = Network::new(sizes.to_vec(), true).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs: Vec<f64> = (0..net.nin() * ndata).map(|_| rng.gen::<f64>()).collect();
    let labels: Vec<usize> = (0..ndata).map(|_| rng.gen_range(0..net.nout())).collect();
    let x: Vec<f64> = (0..net.nopt()).map(|_| rng.gen_range(-0.1..0.1)).collect();
    let data = MlpData::new(net.nin(), inputs, labels);
    (Mlp::from_network(net, data, 1.0e-4, false).unwrap(), x)
}

fn fmt_rate(r: Option<f64>) -> String {
    match r {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "-".into(),
    }
}

fn bench_calls(budget: Duration, quick: bool, gpu_ok: bool) {
    println!("\n## energy+gradient calls per second");
    println!(
        "{:<22} {:>6} {:>6} {:>12} {:>12} {:>16} {:>9}",
        "network",
        "NOPT",
        "Ndata",
        "CPU /s",
        "GPU /s",
        format!("GPU batch{BATCH} /s"),
        "GPU/CPU"
    );
    let mut cases: Vec<(Vec<usize>, usize)> = vec![
        (vec![2, 10, 4], 1000),
        (vec![784, 10, 10], 1000),
        (vec![784, 10, 10], 5000),
    ];
    if !quick {
        cases.push((vec![784, 100, 10], 60000));
    }
    for (sizes, ndata) in cases {
        let (mlp, x) = synthetic(&sizes, ndata, 1);
        let n = mlp.nopt();
        let mut g = vec![0.0; n];
        let cpu = rate(budget, 2, || {
            black_box(mlp.energy_gradient(black_box(&x), &mut g));
        });
        let (gpu, batch) = if gpu_ok {
            match GpuMlp::new(mlp, 0) {
                Ok(gm) => {
                    let single = rate(budget, 3, || {
                        black_box(gm.energy_gradient(black_box(&x), &mut g));
                    });
                    let xs: Vec<Vec<f64>> = (0..BATCH)
                        .map(|i| x.iter().map(|v| v * (1.0 + 1e-3 * i as f64)).collect())
                        .collect();
                    let refs: Vec<&[f64]> = xs.iter().map(Vec::as_slice).collect();
                    let per_launch = rate(budget, 3, || {
                        black_box(gm.energy_gradient_batch(black_box(&refs)));
                    });
                    (Some(single), Some(per_launch * BATCH as f64))
                }
                Err(f) => {
                    println!("  (GPU failed for this case: {})", f.error);
                    (None, None)
                }
            }
        } else {
            (None, None)
        };
        println!(
            "{:<22} {:>6} {:>6} {:>12} {:>12} {:>16} {:>9}",
            format!("{sizes:?}"),
            n,
            ndata,
            fmt_rate(Some(cpu)),
            fmt_rate(gpu),
            fmt_rate(batch),
            gpu.map_or("-".into(), |r| format!("{:.1}x", r / cpu)),
        );
    }
}

/// Basin-hopping steps as in the bundled GMIN MLP deck: perturb every weight by up to ±0.3,
/// LBFGS quench to RMS 1e-5 (SLOPPYCONV) in at most 2000 iterations (MAXIT), Metropolis test
/// at kT = 1.
fn basin_hopping_rate(p: &dyn Potential, x0: &[f64], budget: Duration, min_steps: u32) -> f64 {
    let cfg = LbfgsConfig {
        tolerance: 1.0e-5,
        max_iterations: 2000,
        ..Default::default()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let first = minimise(p, x0, &cfg);
    let (mut x, mut e) = (first.x, first.energy);
    let start = Instant::now();
    let mut steps = 0u32;
    while steps < min_steps || start.elapsed() < budget {
        let trial: Vec<f64> = x.iter().map(|v| v + rng.gen_range(-0.3..0.3)).collect();
        let q = minimise(p, &trial, &cfg);
        if q.energy < e || rng.gen::<f64>() < (e - q.energy).exp() {
            x = q.x;
            e = q.energy;
        }
        steps += 1;
    }
    f64::from(steps) / start.elapsed().as_secs_f64()
}

fn bench_basin_hopping(budget: Duration, gpu_ok: bool) {
    println!("\n## basin-hopping steps per second, MNIST-sized [784,10,10], 1000 items");
    let (mlp, x) = synthetic(&[784, 10, 10], 1000, 2);
    let cpu = basin_hopping_rate(&mlp, &x, budget, 2);
    println!("CPU  {:>10} steps/s", format!("{cpu:.3}"));
    if gpu_ok {
        match GpuMlp::new(mlp, 0) {
            Ok(gm) => {
                let gpu = basin_hopping_rate(&gm, &x, budget, 2);
                println!(
                    "GPU  {:>10} steps/s  ({:.1}x the CPU)",
                    format!("{gpu:.3}"),
                    gpu / cpu
                );
            }
            Err(f) => println!("GPU  failed: {}", f.error),
        }
    } else {
        println!("GPU           - (absent)");
    }
}

fn main() {
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let budget = Duration::from_secs_f64(if quick { 0.5 } else { 3.0 });
    let threads = rayon_threads();
    println!("# kernels: MLP loss, CPU ({threads} rayon threads) vs GPU");
    let gpu_ok = match gpu_unavailable_reason(GpuRequest::Auto) {
        None => true,
        Some(reason) => {
            println!("GPU absent ({reason}): CPU side only");
            false
        }
    };
    bench_calls(budget, quick, gpu_ok);
    bench_basin_hopping(budget * 3, gpu_ok);
}

fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
