//! The LJAT3 classification datasets of the MLP landscape work (D1, D2, D3).
//!
//! Each data item is a random 3-atom geometry, drawn uniformly (all nine Cartesians) in a
//! cube of side L centred on the origin, minimised with LBFGS to RMS 1e-10 under LJAT with
//! Z = 2. The inputs are the start geometry's distances r12 and r13; the label is the minimum
//! reached:
//!
//! | label | minimum |
//! |---|---|
//! | 0 | equilateral triangle (E = −2.185098840269) |
//! | 1 | linear, atom 1 in the middle (E = −2.219098169601) |
//! | 2 | linear, atom 2 in the middle |
//! | 3 | linear, atom 3 in the middle |
//!
//! Labels are 0-based, as in `MLPdata` files. Item `i` uses its own random stream derived from
//! (seed, i), so a dataset does not depend on the number of threads. Starts whose quench
//! does not converge to one of the two minima (very rare) are redrawn from the same stream.

use crate::lbfgs::{minimise, LbfgsConfig};
use crate::ljat::{geometry::distance, Ljat};
use crate::rng::Stream;
use rayon::prelude::*;
use std::fmt::Write as _;

/// The cube side of the paper's dataset D1: 2√3.
pub fn side_d1() -> f64 {
    2.0 * 3f64.sqrt()
}
/// The cube side of D2: 1.385.
pub const SIDE_D2: f64 = 1.385;
/// The cube side of D3: 2√2.
pub fn side_d3() -> f64 {
    2.0 * 2f64.sqrt()
}

/// Number of classes of the LJAT3 datasets.
pub const NCLASSES: usize = 4;

/// One labelled item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Distance between atoms 1 and 2 of the start geometry.
    pub r12: f64,
    /// Distance between atoms 1 and 3 of the start geometry.
    pub r13: f64,
    /// Label (0-based, see the module table).
    pub label: usize,
}

const E_LINEAR: f64 = -2.219098169601;
const E_EQUILATERAL: f64 = -2.185098840269;

/// Classify a minimised LJAT3 (Z = 2) geometry; `None` if it is neither minimum.
pub fn classify(x: &[f64], energy: f64) -> Option<usize> {
    if (energy - E_EQUILATERAL).abs() < 1e-6 {
        return Some(0);
    }
    if (energy - E_LINEAR).abs() >= 1e-6 {
        return None;
    }
    let (r12, r13, r23) = (distance(x, 0, 1), distance(x, 0, 2), distance(x, 1, 2));
    // The middle atom is the one not in the longest pair.
    Some(if r23 >= r12 && r23 >= r13 {
        1
    } else if r13 >= r12 {
        2
    } else {
        3
    })
}

/// Generate `n` items with cube side `side`, seed `seed`, in parallel.
pub fn generate(n: usize, side: f64, seed: u64) -> Vec<Item> {
    let potential = Ljat::new(3, 2.0);
    let config = LbfgsConfig {
        tolerance: 1e-10,
        max_iterations: 10_000,
        ..Default::default()
    };
    (0..n)
        .into_par_iter()
        .map(|i| {
            let mut s = Stream::child(seed, 0, i as u64);
            loop {
                let x: Vec<f64> = (0..9)
                    .map(|_| s.uniform_in(-0.5 * side, 0.5 * side))
                    .collect();
                let r = minimise(&potential, &x, &config);
                if !r.converged() {
                    continue;
                }
                if let Some(label) = classify(&r.x, r.energy) {
                    return Item {
                        r12: distance(&x, 0, 1),
                        r13: distance(&x, 0, 2),
                        label,
                    };
                }
            }
        })
        .collect()
}

/// Count items per class.
pub fn class_counts(items: &[Item]) -> [usize; NCLASSES] {
    let mut c = [0; NCLASSES];
    for it in items {
        c[it.label] += 1;
    }
    c
}

/// Uniform mislabelling: exactly `round(percent/100 · n)` items, chosen at random, get a label
/// drawn uniformly from the other classes. Returns the indices (0-based, ascending) of the
/// mislabelled items; the caller keeps the original labels for the correct/incorrect split.
pub fn mislabel(items: &mut [Item], percent: f64, seed: u64) -> Vec<usize> {
    let mut labels: Vec<usize> = items.iter().map(|it| it.label).collect();
    let chosen = mislabel_labels(&mut labels, NCLASSES, percent, seed);
    for (it, l) in items.iter_mut().zip(labels) {
        it.label = l;
    }
    chosen
}

/// [`mislabel`] on plain 0-based labels with `nclasses` classes (any data set, e.g. MNIST).
pub fn mislabel_labels(
    labels: &mut [usize],
    nclasses: usize,
    percent: f64,
    seed: u64,
) -> Vec<usize> {
    let n = labels.len();
    let k = (((percent / 100.0) * n as f64).round() as usize).min(n);
    if k == 0 || nclasses < 2 {
        return Vec::new();
    }
    let mut s = Stream::new(seed, 0xD1_5EED);
    // Partial Fisher–Yates: the first k entries of a shuffled index list.
    let mut idx: Vec<usize> = (0..n).collect();
    for j in 0..k {
        let r = j + s.index(n - j);
        idx.swap(j, r);
    }
    let mut chosen = idx[..k].to_vec();
    chosen.sort_unstable();
    for &i in &chosen {
        let shift = 1 + s.index(nclasses - 1);
        labels[i] = (labels[i] + shift) % nclasses;
    }
    chosen
}

/// Render items as `MLPdata` lines: `label r12 r13` (outcome first, 0-based), full precision.
pub fn to_mlpdata(items: &[Item]) -> String {
    let mut out = String::with_capacity(items.len() * 48);
    for it in items {
        let _ = writeln!(out, "{} {:.16e} {:.16e}", it.label, it.r12, it.r13);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ljat::geometry;

    #[test]
    fn classification_of_known_minima() {
        let p = Ljat::new(3, 2.0);
        let tri = geometry::equilateral3(1.168752317363);
        assert_eq!(
            classify(&tri, crate::potential::Potential::energy(&p, &tri)),
            Some(0)
        );
        // linear3 puts atom 2 (index 1) in the middle.
        let lin = geometry::linear3(1.108762894194);
        let e = crate::potential::Potential::energy(&p, &lin);
        assert_eq!(classify(&lin, e), Some(2));
        // Permute: atom 1 in the middle.
        let lin1 = vec![
            0.0,
            0.0,
            0.0,
            -1.108762894194,
            0.0,
            0.0,
            1.108762894194,
            0.0,
            0.0,
        ];
        assert_eq!(classify(&lin1, e), Some(1));
        let lin3 = vec![
            -1.108762894194,
            0.0,
            0.0,
            1.108762894194,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
        ];
        assert_eq!(classify(&lin3, e), Some(3));
        assert_eq!(classify(&lin3, -1.0), None);
    }

    #[test]
    fn generation_is_seeded_and_thread_count_independent() {
        let a = generate(200, SIDE_D2, 5);
        let b = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| generate(200, SIDE_D2, 5));
        assert_eq!(a, b);
        let c = generate(200, SIDE_D2, 6);
        assert_ne!(a, c);
        // Inputs are distances in the cube: at most side·√3.
        assert!(a
            .iter()
            .all(|it| it.r12 > 0.0 && it.r12 <= SIDE_D2 * 3f64.sqrt()));
        // Relabel each item independently: the label follows from the start geometry.
        let counts = class_counts(&a);
        assert_eq!(counts.iter().sum::<usize>(), 200);
    }

    #[test]
    fn labels_agree_with_an_independent_requench() {
        // Regenerate the start geometry of item i from its stream and check the label.
        let items = generate(50, side_d1(), 11);
        let p = Ljat::new(3, 2.0);
        let cfg = LbfgsConfig {
            tolerance: 1e-10,
            max_iterations: 10_000,
            ..Default::default()
        };
        let mut checked = 0;
        for (i, it) in items.iter().enumerate() {
            let mut s = Stream::child(11, 0, i as u64);
            let side = side_d1();
            let x: Vec<f64> = (0..9)
                .map(|_| s.uniform_in(-0.5 * side, 0.5 * side))
                .collect();
            let r = minimise(&p, &x, &cfg);
            if let (true, Some(l)) = (r.converged(), classify(&r.x, r.energy)) {
                assert_eq!(l, it.label, "item {i}");
                assert_eq!(distance(&x, 0, 1), it.r12);
                checked += 1;
            }
        }
        assert!(checked >= 45, "only {checked} items checked");
    }

    #[test]
    fn mislabelling_moves_exactly_the_requested_fraction_to_other_classes() {
        let orig = generate(400, side_d1(), 3);
        let mut items = orig.clone();
        let moved = mislabel(&mut items, 10.0, 9);
        assert_eq!(moved.len(), 40);
        for (i, (a, b)) in orig.iter().zip(&items).enumerate() {
            if moved.binary_search(&i).is_ok() {
                assert_ne!(a.label, b.label);
            } else {
                assert_eq!(a.label, b.label);
            }
        }
        let mut all = orig.clone();
        assert_eq!(mislabel(&mut all, 100.0, 1).len(), 400);
        assert!(all.iter().zip(&orig).all(|(a, b)| a.label != b.label));
    }

    #[test]
    fn mlpdata_lines_have_label_first() {
        let items = vec![Item {
            r12: 1.5,
            r13: 0.25,
            label: 3,
        }];
        let text = to_mlpdata(&items);
        let f: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(f[0], "3");
        assert_eq!(f[1].parse::<f64>().unwrap(), 1.5);
        assert_eq!(f[2].parse::<f64>().unwrap(), 0.25);
    }
}
