//! Plain and aligned (PERMDIST) distance between two minima of a network database, and the
//! number of distinct minima under the network symmetry.
//!
//! `cargo run --release -p common --example network_pair_distance -- DIR "MLPVB3 2 1 10 4 1000 1.0D-4" [A B]`
//! (A, B: 1-based minimum ids; default the ids in `min.A` and `min.B`).

use common::database::{Database, DbConfig};
use common::geometry::euclidean_distance;
use common::mlp::MlpSpec;
use common::system::Symmetry;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: network_pair_distance DIR NETWORK-LINE [A B]");
        std::process::exit(2);
    }
    let dir = std::path::Path::new(&args[1]);
    let words: Vec<&str> = args[2].split_whitespace().collect();
    let nums: Vec<f64> = words[1..]
        .iter()
        .map(|w| w.replace(['D', 'd'], "e").parse().expect("a number"))
        .collect();
    let spec = MlpSpec::from_keyword(words[0], &nums).expect("network line");
    let nzero = spec.frozen_mask().map_or(0, |m| m.count());
    let db = Database::open_read_only(dir, DbConfig::network(spec.nopt(), nzero)).expect("db");
    let group = Symmetry::network_group(&spec, &[]).expect("group");
    let (a, b) = if args.len() >= 5 {
        (args[3].parse().unwrap(), args[4].parse().unwrap())
    } else {
        (db.set_a()[0], db.set_b()[0])
    };
    let (xa, xb) = (db.min_coords(a), db.min_coords(b));
    println!(
        "minima {a} (E {:.10}) and {b} (E {:.10}): plain distance {:.4}, aligned distance {:.4}",
        db.minimum(a).energy,
        db.minimum(b).energy,
        euclidean_distance(xa, xb),
        group.align(xa, xb).distance
    );
    for (edifftol, geomdifftol) in [(1.0e-7, 0.01), (1.0e-6, 1.0e-3)] {
        let mut cfg = DbConfig::network(spec.nopt(), nzero);
        cfg.edifftol = edifftol;
        cfg.geomdifftol = geomdifftol;
        cfg.symmetry = Symmetry::network(nzero, Some(group.clone()));
        let mut mem = Database::in_memory(cfg);
        for id in 1..=db.nmin() {
            mem.add_minimum_if_new(db.minimum(id).clone(), db.min_coords(id))
                .expect("insert");
        }
        println!(
            "{} minima, {} distinct under the network symmetry (EDIFFTOL {edifftol:e}, GEOMDIFFTOL {geomdifftol:e})",
            db.nmin(),
            mem.nmin()
        );
    }
}
