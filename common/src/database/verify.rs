//! Verification of the points files against the data files with the deck's potential, run
//! before the first append (issue 16): the energy recomputed from the first and the last
//! record of `points.min` (`points.ts`) must equal the energy on the same line of `min.data`
//! (`ts.data`). Size arithmetic alone cannot tell a crash remnant from records of another
//! length (a points file written with another NOPT, another potential, another dataset); the
//! energies can. Only after this check may a partial last record be treated as the remnant of
//! an interrupted append.

use super::{Database, DbError, MIN_DATA, POINTS_MIN, POINTS_TS, TS_DATA};

/// Largest accepted difference between a recorded and a recomputed energy: relative to
/// max(1, |E|). The data files carry 10 decimals (OPTIM and GMIN write what they computed), so
/// a record that belongs to the line matches to ~1e−10; a record of another length, potential
/// or dataset misses by orders of magnitude more.
pub const VERIFY_RTOL: f64 = 1.0e-6;

/// What [`Database::verify_energies`] checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Records whose energy was recomputed (at most two per points file).
    pub records: usize,
    /// Largest |recorded − recomputed| / max(1, |recorded|) seen.
    pub worst: f64,
}

impl Database {
    /// Recompute the energy of the first and the last record of each points file with
    /// `energy` (the deck's potential) and compare it with the data files. A mismatch is an
    /// error naming the points file, the record and both energies; nothing is written (the
    /// repairs that loading found necessary stay pending, and [`Database::repair`] is what
    /// applies them). An empty database passes.
    pub fn verify_energies(&self, energy: &dyn Fn(&[f64]) -> f64) -> Result<Verified, DbError> {
        let mut checked = Verified {
            records: 0,
            worst: 0.0,
        };
        let dir = self
            .dir()
            .map_or_else(String::new, |d| format!("{}/", d.display()));
        let ends = |n: usize| -> Vec<usize> {
            match n {
                0 => vec![],
                1 => vec![1],
                n => vec![1, n],
            }
        };
        let mut records: Vec<(&str, &str, usize, &[f64], f64)> = Vec::new();
        for id in ends(self.nmin()) {
            let e = self.minimum(id).energy;
            records.push((POINTS_MIN, MIN_DATA, id, self.min_coords(id), e));
        }
        for id in ends(self.nts()) {
            records.push((
                POINTS_TS,
                TS_DATA,
                id,
                self.ts_coords(id),
                self.ts(id).energy,
            ));
        }
        for (points, data, id, coords, want) in records {
            let e = energy(coords);
            let rel = (e - want).abs() / want.abs().max(1.0);
            if !rel.is_finite() || rel > VERIFY_RTOL {
                return Err(DbError::Invalid(format!(
                    "{dir}{points}: record {id} does not belong to line {id} of {dir}{data}: \
                     its coordinates give E = {e:.10} with this deck's potential, the data \
                     file says {want:.10}. The points file was written with another record \
                     size (NOPT), potential or dataset; nothing was written"
                )));
            }
            checked.records += 1;
            checked.worst = checked.worst.max(rel);
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::{DbConfig, MinRecord, TsRecord};
    use crate::ljat::Ljat;
    use crate::potential::Potential;

    /// A cluster of `n` atoms on a slightly perturbed line (distinct energies per `k`).
    fn cluster(n: usize, k: usize) -> Vec<f64> {
        (0..n)
            .flat_map(|i| {
                [
                    1.1 * i as f64 + 0.01 * k as f64 * i as f64,
                    0.1 * k as f64,
                    0.0,
                ]
            })
            .collect()
    }

    /// A database of 3 minima and 2 TSs of `natoms` LJ atoms, energies from the potential.
    fn build(dir: &std::path::Path, natoms: usize, with_ts: bool) {
        let p = Ljat::new(natoms, 0.0);
        let mut db = Database::open(dir, DbConfig::atoms(natoms)).unwrap();
        for k in 0..3 {
            let x = cluster(natoms, k);
            db.add_minimum(MinRecord::new(p.energy(&x), 1.0, 1, [0.0; 3]), &x)
                .unwrap();
        }
        for k in (3..5).filter(|_| with_ts) {
            let x = cluster(natoms, k);
            let ts = TsRecord {
                energy: p.energy(&x),
                fvib: 1.0,
                order: 1,
                plus: 1,
                minus: k - 2,
                inertia: [0.0; 3],
                negeig: None,
            };
            db.add_ts(ts, &x).unwrap();
        }
    }

    #[test]
    fn the_right_potential_passes() {
        let d = tempfile::tempdir().unwrap();
        build(d.path(), 4, true);
        let db = Database::open(d.path(), DbConfig::atoms(4)).unwrap();
        let p = Ljat::new(4, 0.0);
        let v = db.verify_energies(&|x| p.energy(x)).unwrap();
        assert_eq!(v.records, 4);
        assert!(v.worst < 1e-12, "{}", v.worst);
        // An empty database has nothing to check.
        let e = tempfile::tempdir().unwrap();
        let db = Database::open(e.path(), DbConfig::atoms(4)).unwrap();
        assert_eq!(db.verify_energies(&|x| p.energy(x)).unwrap().records, 0);
    }

    #[test]
    fn another_potential_is_refused_and_nothing_changes() {
        let d = tempfile::tempdir().unwrap();
        build(d.path(), 4, true);
        let before = crate::files::snapshot(d.path()).unwrap();
        let db = Database::open(d.path(), DbConfig::atoms(4)).unwrap();
        // The same records under LJAT with Z = 2: another potential.
        let p = Ljat::new(4, 2.0);
        let e = db
            .verify_energies(&|x| p.energy(x))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("points.min: record 1 does not belong to line 1"),
            "{e}"
        );
        drop(db);
        assert_eq!(crate::files::snapshot(d.path()).unwrap(), before);
    }

    #[test]
    fn records_of_another_length_are_not_taken_for_a_crash_remnant() {
        // Three minima written for 4 atoms (96-byte records, 288 bytes) opened as 3 atoms
        // (72 bytes): the size arithmetic sees 3 records plus one surplus record, which is
        // what an interrupted append leaves; the energies tell the difference.
        let d = tempfile::tempdir().unwrap();
        build(d.path(), 4, false);
        let before = crate::files::snapshot(d.path()).unwrap();
        let p = Ljat::new(3, 0.0);
        let db = Database::open(d.path(), DbConfig::atoms(3)).unwrap();
        assert!(db.needs_repair(), "taken for a remnant");
        let e = db.verify_energies(&|x| p.energy(x)).unwrap_err();
        assert!(e.to_string().contains("does not belong"), "{e}");
        drop(db);
        assert_eq!(crate::files::snapshot(d.path()).unwrap(), before);
    }
}
