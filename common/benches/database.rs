//! Benchmarks of the stationary-point database (a plain timing harness, `harness = false`).
//!
//! `cargo bench -p common --bench database` measures, for synthetic databases of 10^3, 10^4
//! and 10^5 minima of three kinds — networks (NOPT = 74, the MLPVB3 [2,10,4] size) with the
//! plain Euclidean identity, the same networks with PERMDIST (identity under hidden-unit
//! permutations and sign flips; the hit queries are permuted, sign-flipped copies) and LJAT3
//! atoms (NOPT = 9, alignment by rotation and inversion) —
//! - inserts per second: `add_minimum_if_new` (duplicate lookup, then a points record and a
//!   `min.data` line written to disk and flushed, per point) into a fresh directory;
//! - duplicate lookups per second through the energy index (`find_minimum`), for queries that
//!   hit a stored point (a perturbed copy; for atoms rotated) and for queries that miss;
//! - the same lookups by the linear scan of algorithms.md §3 (`find_minimum_linear`);
//! - the time to reload the directory (`Database::open`).
//!
//! Every figure is printed with ratios (against the 10^3 case of the same kind, and index vs
//! linear scan) so that numbers from different machines compare. `BENCH_QUICK=1` skips 10^5.

use common::database::{Database, DbConfig, MinRecord};
use common::geometry::{random_rotation, transform};
use common::rng::Stream;
use common::system::{NetworkSymmetry, Symmetry, UnitMap};
use std::hint::black_box;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Network,
    NetworkPermdist,
    Ljat3,
}

/// The MLPVB3 [2,10,4] network's symmetry group.
fn group() -> NetworkSymmetry {
    let net = common::mlp::Network::new(vec![2, 10, 4], true).expect("network");
    NetworkSymmetry::new(net, None)
}

/// A random permutation with random signs of the 10 hidden units.
fn random_map(s: &mut Stream) -> UnitMap {
    let mut m = UnitMap::identity(&[10]);
    for j in (1..10).rev() {
        let k = s.index(j + 1);
        m.perm[0].swap(j, k);
    }
    for v in &mut m.sign[0] {
        *v = if s.uniform() < 0.5 { -1.0 } else { 1.0 };
    }
    m
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Network => "network NOPT=74",
            Kind::NetworkPermdist => {
                "network NOPT=74 with PERMDIST (hits are permuted, sign-flipped copies)"
            }
            Kind::Ljat3 => "LJAT3 atoms NOPT=9",
        }
    }

    fn config(self) -> DbConfig {
        match self {
            Kind::Network => DbConfig::network(74, 0),
            Kind::NetworkPermdist => {
                let mut c = DbConfig::network(74, 0);
                c.symmetry = Symmetry::network(0, Some(group()));
                c
            }
            Kind::Ljat3 => DbConfig::atoms(3),
        }
    }

    fn point(self, s: &mut Stream) -> Vec<f64> {
        match self {
            Kind::Network | Kind::NetworkPermdist => {
                (0..74).map(|_| s.uniform_in(-2.0, 2.0)).collect()
            }
            Kind::Ljat3 => {
                let (a, b) = (s.uniform_in(1.0, 1.3), s.uniform_in(1.0, 1.3));
                let t = s.uniform_in(1.0, 3.1);
                let x = vec![0.0, 0.0, 0.0, a, 0.0, 0.0, b * t.cos(), b * t.sin(), 0.0];
                transform(&x, &random_rotation(s))
            }
        }
    }

    /// A query that should find `x`: a small perturbation (atoms also rotated).
    fn copy_of(self, x: &[f64], s: &mut Stream) -> Vec<f64> {
        let y = match self {
            Kind::Network => x.to_vec(),
            Kind::NetworkPermdist => group().apply(x, &random_map(s)),
            Kind::Ljat3 => transform(x, &random_rotation(s)),
        };
        y.iter().map(|v| v + s.uniform_in(-1e-3, 1e-3)).collect()
    }
}

#[derive(Clone, Copy)]
struct Row {
    n: usize,
    insert: f64,
    hit: f64,
    miss: f64,
    linear: f64,
    load: f64,
}

fn energy(s: &mut Stream) -> f64 {
    // Synthetic minima spread over 100 energy units: at 10^5 minima the mean spacing is
    // 1e-3, far above EDIFFTOL = 1e-8, as in real databases.
    s.uniform_in(-100.0, 0.0)
}

fn run(kind: Kind, n: usize) -> Row {
    let dir = tempfile::tempdir().expect("temporary directory");
    let cfg = kind.config();
    let mut s = Stream::new(n as u64, 1);
    let pts: Vec<(f64, Vec<f64>)> = (0..n)
        .map(|_| (energy(&mut s), kind.point(&mut s)))
        .collect();

    let mut db = Database::open(dir.path(), cfg.clone()).expect("open");
    let t = Instant::now();
    for (e, x) in &pts {
        let r = db
            .add_minimum_if_new(MinRecord::new(*e, 100.0, 1, [0.0; 3]), x)
            .expect("insert");
        assert!(r.new);
    }
    let insert = n as f64 / t.elapsed().as_secs_f64();

    let nq = 20_000;
    let hits: Vec<(usize, f64, Vec<f64>)> = (0..nq)
        .map(|_| {
            let id = 1 + s.index(n);
            (id, pts[id - 1].0, kind.copy_of(&pts[id - 1].1, &mut s))
        })
        .collect();
    let t = Instant::now();
    for (id, e, x) in &hits {
        assert_eq!(db.find_minimum(*e, x), Some(*id));
    }
    let hit = nq as f64 / t.elapsed().as_secs_f64();

    let misses: Vec<(f64, Vec<f64>)> = (0..nq)
        .map(|_| (energy(&mut s), kind.point(&mut s)))
        .collect();
    let t = Instant::now();
    for (e, x) in &misses {
        black_box(db.find_minimum(*e, x));
    }
    let miss = nq as f64 / t.elapsed().as_secs_f64();

    // The linear scan costs O(n) per query: fewer queries.
    let nl = (2_000_000 / n).clamp(20, 2000);
    let t = Instant::now();
    for (id, e, x) in hits.iter().take(nl) {
        assert_eq!(db.find_minimum_linear(*e, x), Some(*id));
    }
    let linear = nl as f64 / t.elapsed().as_secs_f64();

    drop(db);
    let t = Instant::now();
    let re = Database::open(dir.path(), cfg).expect("reload");
    let load = t.elapsed().as_secs_f64();
    assert_eq!(re.nmin(), n);
    Row {
        n,
        insert,
        hit,
        miss,
        linear,
        load,
    }
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    println!(
        "# Database benchmarks (EDIFFTOL 1e-8, GEOMDIFFTOL 0.1; files on {})",
        std::env::temp_dir().display()
    );
    println!("# rates per second; (xN) = ratio to the 10^3 row of the same kind; index/linear = speed-up of the energy index over the linear scan");
    for kind in [Kind::Network, Kind::NetworkPermdist, Kind::Ljat3] {
        println!("\n## {}", kind.name());
        println!(
            "{:>8} {:>22} {:>12} {:>22} {:>22} {:>14} {:>13} {:>10}",
            "minima",
            "inserts/s (to disk)",
            "us/insert",
            "lookups/s hit",
            "lookups/s miss",
            "linear hit/s",
            "index/linear",
            "reload s"
        );
        let mut base: Option<Row> = None;
        for &n in sizes {
            let r = run(kind, n);
            let b = *base.get_or_insert(r);
            println!(
                "{:>8} {:>12.0} (x{:>5.2}) {:>12.2} {:>12.0} (x{:>5.2}) {:>12.0} (x{:>5.2}) {:>14.0} {:>12.0}x {:>10.3}",
                r.n,
                r.insert,
                r.insert / b.insert,
                1.0e6 / r.insert,
                r.hit,
                r.hit / b.hit,
                r.miss,
                r.miss / b.miss,
                r.linear,
                r.hit / r.linear,
                r.load
            );
        }
    }
}
