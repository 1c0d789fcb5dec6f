//! OPTIM benchmarks: hybrid EF time to converge a TS for MLP [2,10,4,1000], DNEB seconds per
//! connection attempt, and Rayleigh–Ritz with the analytic Hv against a finite-difference Hv.
//! `cargo bench -p optim --bench ts`.

use common::dataset;
use common::lbfgs::{minimise, LbfgsConfig};
use common::mlp::{Mlp, MlpData, Network};
use common::rng::Stream;
use optim::dneb::{self, DnebSettings};
use optim::eigen::{lowest_mode, EigenSettings};
use optim::hef::{find_ts, HefSettings};
use optim::model::Model;
use std::time::Instant;

fn main() {
    println!(
        "# OPTIM benchmarks ({} threads available)",
        rayon::current_num_threads()
    );
    let items = dataset::generate(1000, dataset::side_d1(), 3);
    let data = MlpData::new(
        2,
        items.iter().flat_map(|i| [i.r12, i.r13]).collect(),
        items.iter().map(|i| i.label).collect(),
    );
    let mlp = Mlp::from_network(
        Network::new(vec![2, 10, 4], true).unwrap(),
        data,
        1e-4,
        false,
    )
    .unwrap();
    let model = Model::new(Box::new(mlp), common::system::Symmetry::network(0, None));
    let pot = model.potential.as_ref();
    let tight = LbfgsConfig {
        tolerance: 1e-7,
        max_iterations: 50_000,
        ..Default::default()
    };
    // Two nearby minima: one from a random start, the next from a perturbation of it.
    let mut s = Stream::new(5, 0);
    let x0: Vec<f64> = (0..74).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let a = minimise(pot, &x0, &tight);
    let mut b = a.clone();
    for k in 1..200 {
        let xp: Vec<f64> = a.x.iter().map(|v| v + s.uniform_in(-0.6, 0.6)).collect();
        let r = minimise(pot, &xp, &tight);
        if (r.energy - a.energy).abs() > 1e-5 {
            b = r;
            println!("second minimum after {k} perturbations");
            break;
        }
    }
    let (_, b_aligned) = model.align(&a.x, &b.x);
    // DNEB between them.
    let settings = DnebSettings {
        nimage: 10,
        max_iterations: 500,
        rms_tol: 1e-5,
        ..Default::default()
    };
    let t = Instant::now();
    let band = dneb::run(&model, &a.x, &b_aligned, &settings);
    let t_dneb = t.elapsed().as_secs_f64();
    println!(
        "DNEB [2,10,4,1000], 10 images: {t_dneb:.2} s per connection attempt ({} iterations, {} candidates)",
        band.iterations,
        band.candidates().len()
    );
    let Some((_, xc, tangent)) = band.candidates().into_iter().next() else {
        println!("no TS candidate; stopping");
        return;
    };
    for (name, rr) in [
        ("LAPACK eigenvector", false),
        ("Rayleigh-Ritz (analytic Hv)", true),
    ] {
        let hef = HefSettings {
            convr: 1e-6,
            eigen: EigenSettings {
                rayleigh_ritz: rr,
                tolerance: 1e-9,
                max_iterations: 500,
                ..Default::default()
            },
            ..Default::default()
        };
        let t = Instant::now();
        let ts = find_ts(&model, &xc, Some(&tangent), &hef, &mut |_| {});
        println!(
            "HEF [2,10,4,1000] with {name}: {:.3} s, converged {}, {} iterations, E {:.8}, eigenvalue {:.4e}",
            t.elapsed().as_secs_f64(),
            ts.converged,
            ts.iterations,
            ts.energy,
            ts.eigenvalue
        );
    }
    // Rayleigh-Ritz alone: analytic Hv against finite differences, from the same guess.
    let mut times = [0.0; 2];
    for (k, fdhv) in [false, true].into_iter().enumerate() {
        let es = EigenSettings {
            rayleigh_ritz: true,
            tolerance: 1e-9,
            max_iterations: 1000,
            finite_difference_hv: fdhv,
            ..Default::default()
        };
        let t = Instant::now();
        let reps = 5;
        let mut ep = None;
        for _ in 0..reps {
            ep = Some(lowest_mode(&model, &xc, Some(&tangent), &es).unwrap());
        }
        times[k] = t.elapsed().as_secs_f64() / reps as f64;
        let ep = ep.unwrap();
        println!(
            "Rayleigh-Ritz with {} Hv: {:.4} s, eigenvalue {:.6e}, {} products, converged {}",
            if fdhv {
                "finite-difference"
            } else {
                "analytic"
            },
            times[k],
            ep.value,
            ep.products,
            ep.converged
        );
    }
    println!(
        "ratio finite-difference / analytic time: {:.2}",
        times[1] / times[0]
    );
}
