//! The energy-sorted index: ids ordered by energy, so that the candidates of a duplicate
//! lookup (|ΔE| < EDIFFTOL) are found in O(log n + k) instead of a linear scan.

use std::collections::BTreeSet;

/// A key that sorts like the `f64` it comes from (total order; energies are finite).
fn key(e: f64) -> u64 {
    let b = e.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Ids (1-based) sorted by energy.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnergyIndex {
    set: BTreeSet<(u64, u32)>,
}

impl EnergyIndex {
    /// Add point `id` with energy `e`.
    pub fn insert(&mut self, e: f64, id: usize) {
        self.set.insert((key(e), id as u32));
    }

    /// Remove point `id` with energy `e` (used when an in-memory energy is corrected).
    #[allow(dead_code)]
    pub fn remove(&mut self, e: f64, id: usize) {
        self.set.remove(&(key(e), id as u32));
    }

    /// The ids whose energy `f` satisfies `|f − e| < tol`, in ascending id order.
    /// `energy_of(id)` returns the stored energy (the range is widened by the key order and
    /// filtered exactly).
    pub fn window(&self, e: f64, tol: f64, energy_of: impl Fn(usize) -> f64) -> Vec<usize> {
        if tol <= 0.0 || tol.is_nan() || !e.is_finite() {
            return Vec::new();
        }
        let lo = key(e - tol);
        let hi = key(e + tol);
        let mut ids: Vec<usize> = self
            .set
            .range((lo, 0)..=(hi, u32::MAX))
            .map(|&(_, id)| id as usize)
            .filter(|&id| (energy_of(id) - e).abs() < tol)
            .collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_like_floats() {
        let v = [
            -1e300, -2.5, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, 3.5, 1e300,
        ];
        for w in v.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{} {}", w[0], w[1]);
        }
        let mut idx = EnergyIndex::default();
        let es = [0.5, -0.25, 0.50000001, 0.4999999, 2.0];
        for (i, &e) in es.iter().enumerate() {
            idx.insert(e, i + 1);
        }
        assert_eq!(idx.window(0.5, 1e-6, |id| es[id - 1]), vec![1, 3, 4]);
        assert_eq!(idx.window(0.5, 1e-8, |id| es[id - 1]), vec![1]);
        assert!(idx.window(0.5, 0.0, |id| es[id - 1]).is_empty());
        idx.remove(0.5, 1);
        assert_eq!(idx.window(0.5, 1e-8, |id| es[id - 1]), Vec::<usize>::new());
    }
}
