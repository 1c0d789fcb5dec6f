//! The SAVE list: the `nsave` lowest distinct minima of a basin-hopping run
//! (algorithms.md §2, step 3). Minima are distinct when their energies differ by at least
//! EDIFF (the SAVE list uses energy only), or with PERMDIST when their energies differ by at
//! least EDIFF **or** their distance after alignment under the system's symmetry
//! ([`common::system::Symmetry`]) is at least GEOMDIFFTOL.

use common::system::Symmetry;
use std::sync::Arc;

/// The structural part of the SAVE-list identity (PERMDIST): the system's symmetry and the
/// distance tolerance GEOMDIFFTOL (length units).
#[derive(Debug, Clone, PartialEq)]
pub struct SaveIdentity {
    /// Alignment rules of the system.
    pub symmetry: Symmetry,
    /// GEOMDIFFTOL.
    pub geomdifftol: f64,
}

/// One saved minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedMinimum {
    /// Quench energy.
    pub energy: f64,
    /// Coordinates (NOPT values).
    pub coords: Vec<f64>,
    /// Basin-hopping step at which it was found (0 = the initial quench).
    pub step: usize,
    /// Cumulative energy+gradient calls when it was found.
    pub calls: u64,
}

/// Sorted list (lowest energy first) of at most `capacity` minima.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveList {
    capacity: usize,
    ediff: f64,
    identity: Option<Arc<SaveIdentity>>,
    entries: Vec<SavedMinimum>,
}

/// What [`SaveList::offer`] did with a minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Inserted at this 0-based position.
    Inserted(usize),
    /// Replaced the entry within EDIFF (which was higher) at this position.
    Replaced(usize),
    /// Not stored (a lower entry within EDIFF exists, or the list is full of lower minima).
    Rejected,
}

impl SaveList {
    /// An empty list keeping `capacity` minima, identical within `ediff`.
    pub fn new(capacity: usize, ediff: f64) -> Self {
        Self {
            capacity,
            ediff,
            identity: None,
            // Nothing reserved from the capacity (SAVE in the deck, or a restart dump): the
            // list grows as minima are stored.
            entries: Vec::new(),
        }
    }

    /// The same list with a structural identity (PERMDIST) or energy only (`None`).
    pub fn with_identity(mut self, identity: Option<Arc<SaveIdentity>>) -> Self {
        self.identity = identity;
        self
    }

    /// The structural identity, if any.
    pub fn identity(&self) -> Option<&Arc<SaveIdentity>> {
        self.identity.as_ref()
    }

    /// Whether two minima are the same minimum (energy within EDIFF, and with PERMDIST the
    /// aligned distance below GEOMDIFFTOL).
    fn same(&self, a: &SavedMinimum, b: &SavedMinimum) -> bool {
        if (a.energy - b.energy).abs() >= self.ediff {
            return false;
        }
        match &self.identity {
            None => true,
            Some(id) => id.symmetry.distance(&a.coords, &b.coords) < id.geomdifftol,
        }
    }

    /// The saved minima, lowest first.
    pub fn entries(&self) -> &[SavedMinimum] {
        &self.entries
    }

    /// Mutable access for the final requench (call [`SaveList::resort`] afterwards).
    pub fn entries_mut(&mut self) -> &mut [SavedMinimum] {
        &mut self.entries
    }

    /// Maximum number of entries.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// EDIFF.
    pub fn ediff(&self) -> f64 {
        self.ediff
    }

    /// Offer a new minimum.
    pub fn offer(&mut self, m: SavedMinimum) -> SaveOutcome {
        if self.capacity == 0 || !m.energy.is_finite() {
            return SaveOutcome::Rejected;
        }
        if let Some(i) = self.entries.iter().position(|e| self.same(e, &m)) {
            if m.energy < self.entries[i].energy {
                self.entries.remove(i);
                let pos = self.insert_sorted(m);
                return SaveOutcome::Replaced(pos);
            }
            return SaveOutcome::Rejected;
        }
        if self.entries.len() < self.capacity {
            return SaveOutcome::Inserted(self.insert_sorted(m));
        }
        let highest = self.entries.last().expect("full list is not empty").energy;
        if m.energy < highest {
            self.entries.pop();
            return SaveOutcome::Inserted(self.insert_sorted(m));
        }
        SaveOutcome::Rejected
    }

    fn insert_sorted(&mut self, m: SavedMinimum) -> usize {
        let pos = self.entries.partition_point(|e| e.energy <= m.energy);
        self.entries.insert(pos, m);
        pos
    }

    /// Re-sort by energy (stable) after the entries were requenched.
    pub fn resort(&mut self) {
        self.entries.sort_by(|a, b| {
            a.energy
                .partial_cmp(&b.energy)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }

    /// Merge several lists (parallel walkers) in the given order into one list (with the
    /// identity of the first list).
    pub fn merged<'a>(
        capacity: usize,
        ediff: f64,
        lists: impl IntoIterator<Item = &'a SaveList>,
    ) -> SaveList {
        let mut all = SaveList::new(capacity, ediff);
        for (k, l) in lists.into_iter().enumerate() {
            if k == 0 {
                all.identity = l.identity.clone();
            }
            for e in &l.entries {
                all.offer(e.clone());
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(e: f64, step: usize) -> SavedMinimum {
        SavedMinimum {
            energy: e,
            coords: vec![e],
            step,
            calls: step as u64,
        }
    }

    #[test]
    fn keeps_the_lowest_distinct_minima_sorted() {
        let mut s = SaveList::new(3, 0.01);
        assert_eq!(s.offer(m(-1.0, 1)), SaveOutcome::Inserted(0));
        assert_eq!(s.offer(m(-3.0, 2)), SaveOutcome::Inserted(0));
        assert_eq!(s.offer(m(-2.0, 3)), SaveOutcome::Inserted(1));
        // Full: a higher one is rejected, a lower one drops the highest.
        assert_eq!(s.offer(m(-0.5, 4)), SaveOutcome::Rejected);
        assert_eq!(s.offer(m(-2.5, 5)), SaveOutcome::Inserted(1));
        let es: Vec<f64> = s.entries().iter().map(|e| e.energy).collect();
        assert_eq!(es, vec![-3.0, -2.5, -2.0]);
    }

    #[test]
    fn within_ediff_replaces_only_when_lower() {
        let mut s = SaveList::new(5, 0.1);
        s.offer(m(-1.0, 1));
        assert_eq!(s.offer(m(-0.95, 2)), SaveOutcome::Rejected);
        assert_eq!(s.offer(m(-1.05, 3)), SaveOutcome::Replaced(0));
        assert_eq!(s.entries().len(), 1);
        assert_eq!(s.entries()[0].step, 3);
        assert_eq!(s.offer(m(f64::NAN, 4)), SaveOutcome::Rejected);
    }

    #[test]
    fn merge_is_order_defined() {
        let mut a = SaveList::new(2, 0.01);
        a.offer(m(-1.0, 1));
        a.offer(m(-2.0, 2));
        let mut b = SaveList::new(2, 0.01);
        b.offer(m(-1.5, 1));
        b.offer(m(-2.0, 9));
        let all = SaveList::merged(3, 0.01, [&a, &b]);
        let es: Vec<(f64, usize)> = all.entries().iter().map(|e| (e.energy, e.step)).collect();
        assert_eq!(es, vec![(-2.0, 2), (-1.5, 1), (-1.0, 1)]);
    }
}
