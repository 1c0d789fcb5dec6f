//! The GPU path against the CPU path on random networks and data. Every test needs an NVIDIA
//! GPU with its driver and libnvrtc; without them it prints `SKIPPED ...` and passes. Set
//! `KERNELS_REQUIRE_GPU=1` to make a missing GPU a failure instead (on GPU machines).

mod support;

use common::lbfgs::{minimise, LbfgsConfig};
use common::mlp::Mlp;
use common::potential::Potential;
use kernels::{select_mlp_backend, GpuMlp, GpuRequest};
use support::{random_mlp, random_vb3nn, random_vector, rel, rel_diff, skipped};

/// The GPU potential for `mlp` on device 0, or None after printing why the test is skipped.
fn gpu_or_skip(test: &str, mlp: Mlp) -> Option<GpuMlp> {
    match GpuMlp::new(mlp, 0) {
        Ok(g) => {
            eprintln!("{test}: on {}", g.device_name());
            Some(g)
        }
        Err(f) => {
            if std::env::var("KERNELS_REQUIRE_GPU").is_ok_and(|v| v == "1") {
                panic!("{test}: KERNELS_REQUIRE_GPU=1 but no GPU: {}", f.error);
            }
            skipped(test, &format!("no GPU ({})", f.error));
            None
        }
    }
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Energy, gradient and Hv at two points against the CPU path; bitwise repeatability; batch
/// results equal to single calls; `energy` equal to `energy_gradient`'s energy.
fn check_against_cpu(test: &str, mlp: Mlp, x: Vec<f64>) {
    let Some(gpu) = gpu_or_skip(test, mlp) else {
        return;
    };
    let cpu = gpu.cpu().clone();
    let n = cpu.nopt();
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(42);
    let x2 = random_vector(&mut rng, n, 1.0);
    let v = random_vector(&mut rng, n, 1.0);
    let (mut gg, mut gc) = (vec![0.0; n], vec![0.0; n]);
    for xx in [&x, &x2] {
        let eg = gpu.energy_gradient(xx, &mut gg);
        let ec = cpu.energy_gradient(xx, &mut gc);
        assert!(rel(eg, ec) <= 1e-12, "{test}: energy {eg} vs CPU {ec}");
        let d = rel_diff(&gg, &gc);
        assert!(d <= 1e-12, "{test}: gradient differs by {d:e}");
        if let Some(m) = cpu.frozen() {
            assert!(m.free_indices().len() < n);
            for (i, gv) in gg.iter().enumerate() {
                if m.is_frozen(i) {
                    assert_eq!(*gv, 0.0, "{test}: frozen component {i} of the gradient");
                }
            }
        }
        assert_eq!(
            gpu.energy(xx).to_bits(),
            eg.to_bits(),
            "{test}: energy() bits"
        );
        let (mut hg, mut hc) = (vec![0.0; n], vec![0.0; n]);
        gpu.hessian_vector(xx, &v, &mut hg);
        cpu.hessian_vector(xx, &v, &mut hc);
        let d = rel_diff(&hg, &hc);
        assert!(d <= 1e-10, "{test}: Hv differs by {d:e}");
        let mut hg2 = vec![0.0; n];
        gpu.hessian_vector(xx, &v, &mut hg2);
        assert_eq!(bits(&hg), bits(&hg2), "{test}: Hv not repeatable");
    }
    // Repeated calls: identical bits.
    let mut g1 = vec![0.0; n];
    let e1 = gpu.energy_gradient(&x, &mut g1);
    for _ in 0..3 {
        let mut g2 = vec![0.0; n];
        let e2 = gpu.energy_gradient(&x, &mut g2);
        assert_eq!(e1.to_bits(), e2.to_bits(), "{test}: energy not repeatable");
        assert_eq!(bits(&g1), bits(&g2), "{test}: gradient not repeatable");
    }
    // A batch gives each vector the bits of a single call.
    let batch = gpu.energy_gradient_batch(&[&x2, &x, &x2]);
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[1].0.to_bits(), e1.to_bits(), "{test}: batch energy");
    assert_eq!(bits(&batch[1].1), bits(&g1), "{test}: batch gradient");
    assert_eq!(bits(&batch[0].1), bits(&batch[2].1));
    let energies = gpu.energy_batch(&[&x, &x2]);
    assert_eq!(energies[0].to_bits(), e1.to_bits());
    // The dense Hessian is the CPU one.
    if n <= 200 {
        assert_eq!(gpu.hessian(&x), cpu.hessian(&x));
    }
}

#[test]
fn gpu_mlpvb3() {
    let (m, x) = random_mlp(&[2, 10, 4], true, 1000, 1.0e-4, false, 11);
    check_against_cpu("gpu_mlpvb3", m, x);
}

#[test]
fn gpu_mlpvb3_noregbias() {
    let (m, x) = random_mlp(&[5, 7, 3], true, 777, 1.0e-2, true, 12);
    check_against_cpu("gpu_mlpvb3_noregbias", m, x);
}

#[test]
fn gpu_mlpvb3nn() {
    let (m, x) = random_vb3nn(6, 5, 4, 500, 2, 13);
    check_against_cpu("gpu_mlpvb3nn", m, x);
}

#[test]
fn gpu_mlpmulti() {
    let (m, x) = random_mlp(&[4, 8, 6, 5, 3], true, 1500, 1.0e-4, false, 14);
    check_against_cpu("gpu_mlpmulti", m, x);
}

#[test]
fn gpu_mlp3_no_biases() {
    let (m, x) = random_mlp(&[3, 4, 2], false, 300, 1.0e-3, false, 15);
    check_against_cpu("gpu_mlp3_no_biases", m, x);
}

#[test]
fn gpu_mnist_shape() {
    let (m, x) = random_mlp(&[784, 10, 10], true, 1000, 1.0e-4, false, 16);
    check_against_cpu("gpu_mnist_shape", m, x);
}

/// More chunks than blocks: each block strides over several chunks.
#[test]
fn gpu_many_chunks_per_block() {
    let (m, x) = random_mlp(&[2, 10, 4], true, 70_001, 1.0e-4, false, 17);
    check_against_cpu("gpu_many_chunks_per_block", m, x);
}

/// A batch larger than one launch's memory budget is split; results keep their bits.
#[test]
fn gpu_large_batch_matches_single_calls() {
    let (m, _) = random_mlp(&[30, 20, 5], true, 3000, 1.0e-4, false, 18);
    let Some(gpu) = gpu_or_skip("gpu_large_batch_matches_single_calls", m) else {
        return;
    };
    let n = gpu.nopt();
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(5);
    let xs: Vec<Vec<f64>> = (0..64).map(|_| random_vector(&mut rng, n, 0.8)).collect();
    let refs: Vec<&[f64]> = xs.iter().map(Vec::as_slice).collect();
    let batch = gpu.energy_gradient_batch(&refs);
    for (x, (e, g)) in xs.iter().zip(&batch) {
        let mut gs = vec![0.0; n];
        let es = gpu.energy_gradient(x, &mut gs);
        assert_eq!(e.to_bits(), es.to_bits());
        assert_eq!(bits(g), bits(&gs));
    }
}

/// The selection API gives the GPU path when a GPU is present, and an LBFGS quench on it
/// reaches the CPU quench's minimum. Both start in the basin of one minimum (a CPU minimum,
/// displaced by 1e-3 per weight): from a random point the two roundings can take LBFGS to
/// different minima, which says nothing about the kernels.
#[test]
fn gpu_selected_and_quench_matches_cpu() {
    let (m, x) = random_mlp(&[2, 10, 4], true, 400, 1.0e-4, false, 19);
    let (backend, why) = select_mlp_backend(m.clone(), GpuRequest::Auto);
    if !backend.is_gpu() {
        if std::env::var("KERNELS_REQUIRE_GPU").is_ok_and(|v| v == "1") {
            panic!("KERNELS_REQUIRE_GPU=1 but the CPU path was selected: {why:?}");
        }
        skipped(
            "gpu_selected_and_quench_matches_cpu",
            &format!(
                "no GPU ({})",
                why.map(|e| e.to_string()).unwrap_or_default()
            ),
        );
        return;
    }
    let cfg = LbfgsConfig {
        tolerance: 1.0e-6,
        max_iterations: 5000,
        ..Default::default()
    };
    let minimum = minimise(&m, &x, &cfg);
    assert!(minimum.converged());
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(23);
    let start: Vec<f64> = minimum
        .x
        .iter()
        .zip(random_vector(&mut rng, minimum.x.len(), 1.0e-3))
        .map(|(a, d)| a + d)
        .collect();
    let rg = minimise(&backend, &start, &cfg);
    let rc = minimise(&m, &start, &cfg);
    assert!(rg.converged() && rc.converged());
    assert!(
        rel(rg.energy, rc.energy) <= 1e-7 && rel(rc.energy, minimum.energy) <= 1e-7,
        "GPU {} vs CPU {} (minimum {})",
        rg.energy,
        rc.energy,
        minimum.energy
    );
    assert!(rel_diff(&rg.x, &rc.x) < 1e-2, "{}", rel_diff(&rg.x, &rc.x));
}
