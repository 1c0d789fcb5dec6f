//! Connectivity, dead transition states and visibility (algorithms.md §13 steps 1–5, 7).
//!
//! Conventions: minima are 0-based here. A minimum is **excluded** when its connection count
//! `nconn` is at most NCONNMIN after the recursive count and the reachability test; excluded
//! minima take no part in any basin. A TS is **live** when neither end is excluded, its
//! energy is at most TSTHRESH and not both of its barriers exceed MAXTSBARRIER. Visibility
//! (LOWEST, MONOTONIC, EXCLUDEALL, PICK, IDMIN) only decides which minima count as members
//! of the drawn nodes; hidden minima still join basins.
//!
//! Project rule for a database without any non-degenerate TS (the Fortran would draw an
//! empty graph): every minimum is kept and becomes its own branch ([`Connectivity::isolated`]).

use std::collections::VecDeque;

use crate::config::Config;
use crate::database::Database;
use crate::order::indexx;

/// Result of steps 1–5.
#[derive(Debug, Clone, PartialEq)]
pub struct Connectivity {
    /// First minimum with the strictly lowest energy (0-based).
    pub gmin: usize,
    /// Reference minimum for reachability: CONNECTMIN − 1, or `gmin`.
    pub reference: usize,
    /// Connection counts after the recursive count; 0 for unreachable minima.
    pub nconn: Vec<u32>,
    /// Excluded minima (`nconn ≤ NCONNMIN`).
    pub excluded: Vec<bool>,
    /// Live TSs, parallel to `Database::ts`.
    pub live: Vec<bool>,
    /// TS energies used for the basins (NOBARRIERS applied), parallel to `Database::ts`.
    pub ts_energy: Vec<f64>,
    /// True when the database has no non-degenerate TS: every minimum is its own branch.
    pub isolated: bool,
}

/// First index of the strictly lowest energy.
pub fn global_minimum(energies: &[f64]) -> usize {
    let mut g = 0;
    for (k, &e) in energies.iter().enumerate() {
        if e < energies[g] {
            g = k;
        }
    }
    g
}

fn both_barriers_exceed(e: f64, m1: f64, m2: f64, x: f64) -> bool {
    e - m1 > x && e - m2 > x
}

impl Connectivity {
    /// Steps 2–5 for `db` under `cfg`. `cfg.connect_min` must be in `0..=N_MIN` (checked by
    /// the caller).
    pub fn compute(db: &Database, cfg: &Config) -> Connectivity {
        let n = db.nmin();
        let gmin = global_minimum(&db.energies);
        let reference = if cfg.connect_min > 0 {
            (cfg.connect_min - 1) as usize
        } else {
            gmin
        };
        if db.ts.is_empty() {
            return Connectivity {
                gmin,
                reference,
                nconn: vec![0; n],
                excluded: vec![false; n],
                live: Vec::new(),
                ts_energy: Vec::new(),
                isolated: true,
            };
        }
        // Adjacency (CSR) over all non-degenerate TSs.
        let mut start = vec![0u32; n + 1];
        for t in &db.ts {
            start[t.min1 as usize + 1] += 1;
            start[t.min2 as usize + 1] += 1;
        }
        for k in 0..n {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut adj = vec![0u32; 2 * db.ts.len()]; // TS index per incidence
        for (j, t) in db.ts.iter().enumerate() {
            for m in [t.min1, t.min2] {
                adj[fill[m as usize] as usize] = j as u32;
                fill[m as usize] += 1;
            }
        }
        let other = |j: u32, m: usize| {
            let t = &db.ts[j as usize];
            if t.min1 as usize == m {
                t.min2 as usize
            } else {
                t.min1 as usize
            }
        };
        // Step 2: the recursive count is the (NCONNMIN+1)-core of the multigraph, found by
        // peeling; the counts are then the number of TSs whose other end is in the core.
        let mut count: Vec<i64> = (0..n).map(|m| (start[m + 1] - start[m]) as i64).collect();
        let mut connected = vec![true; n];
        let mut queue: VecDeque<usize> = (0..n).filter(|&m| count[m] <= cfg.nconnmin).collect();
        for &m in &queue {
            connected[m] = false;
        }
        while let Some(m) = queue.pop_front() {
            for &j in &adj[start[m] as usize..start[m + 1] as usize] {
                let o = other(j, m);
                count[o] -= 1;
                if connected[o] && count[o] <= cfg.nconnmin {
                    connected[o] = false;
                    queue.push_back(o);
                }
            }
        }
        let mut nconn: Vec<u32> = (0..n)
            .map(|m| {
                adj[start[m] as usize..start[m + 1] as usize]
                    .iter()
                    .filter(|&&j| connected[other(j, m)])
                    .count() as u32
            })
            .collect();
        // Step 3: reachability from the reference minimum.
        let usable = |j: u32| {
            let t = &db.ts[j as usize];
            t.energy <= cfg.ts_thresh
                && !both_barriers_exceed(
                    t.energy,
                    db.energies[t.min1 as usize],
                    db.energies[t.min2 as usize],
                    cfg.max_ts_barrier,
                )
        };
        let mut reached = vec![false; n];
        reached[reference] = true;
        let mut stack = vec![reference];
        while let Some(m) = stack.pop() {
            for &j in &adj[start[m] as usize..start[m + 1] as usize] {
                let o = other(j, m);
                if !reached[o] && usable(j) {
                    reached[o] = true;
                    stack.push(o);
                }
            }
        }
        for m in 0..n {
            if !reached[m] {
                nconn[m] = 0;
            }
        }
        let excluded: Vec<bool> = nconn.iter().map(|&c| (c as i64) <= cfg.nconnmin).collect();
        // Step 4: dead TSs.
        let live: Vec<bool> = db
            .ts
            .iter()
            .enumerate()
            .map(|(j, t)| {
                !excluded[t.min1 as usize] && !excluded[t.min2 as usize] && usable(j as u32)
            })
            .collect();
        // Step 5: NOBARRIERS.
        let ts_energy = db
            .ts
            .iter()
            .map(|t| {
                if cfg.no_barriers {
                    db.energies[t.min1 as usize].max(db.energies[t.min2 as usize])
                } else {
                    t.energy
                }
            })
            .collect();
        Connectivity {
            gmin,
            reference,
            nconn,
            excluded,
            live,
            ts_energy,
            isolated: false,
        }
    }

    /// May minimum `m` take a basin label of its own (step 6: `NCONN > 0`, or isolated mode)?
    pub fn may_stand_alone(&self, m: usize) -> bool {
        !self.excluded[m] && (self.isolated || self.nconn[m] > 0)
    }

    /// Number of excluded ("disconnected") minima.
    pub fn n_excluded(&self) -> usize {
        self.excluded.iter().filter(|&&x| x).count()
    }

    /// Number of live TSs.
    pub fn n_live(&self) -> usize {
        self.live.iter().filter(|&&x| x).count()
    }
}

/// A PICK entry outside `1..=N_MIN`, reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredPick(pub i64);

/// Step 7: which minima are shown. `pick` is the PICK list (signed ids) and `pick_file` its
/// name for the warning `WARNING: Ignoring <id> in <file>; minima numbers: 1 to <N_MIN>`.
/// `idmin` ids must be valid (checked by the caller).
pub fn visibility(
    energies: &[f64],
    ts: &[crate::database::Ts],
    cfg: &Config,
    pick: Option<(&[i64], &str)>,
) -> Vec<bool> {
    let n = energies.len();
    let mut shown = vec![false; n];
    let lowest = if cfg.lowest <= 0 || cfg.lowest as u64 > n as u64 {
        n
    } else {
        cfg.lowest as usize
    };
    if lowest == n {
        shown.iter_mut().for_each(|s| *s = true);
    } else {
        for &m in indexx(energies).iter().take(lowest) {
            shown[m] = true;
        }
    }
    if cfg.monotonic {
        for t in ts {
            let (a, b) = (t.min1 as usize, t.min2 as usize);
            let higher = if energies[b] > energies[a] { b } else { a };
            shown[higher] = false;
        }
    }
    if cfg.exclude_all {
        shown.iter_mut().for_each(|s| *s = false);
    }
    if let Some((ids, file)) = pick {
        for &id in ids {
            let m = id.unsigned_abs();
            if id == 0 || m > n as u64 {
                println!("WARNING: Ignoring {id} in {file}; minima numbers: 1 to {n}");
                continue;
            }
            shown[(m - 1) as usize] = id > 0;
        }
    }
    for &id in &cfg.idmin {
        shown[(id - 1) as usize] = true;
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::Ts;

    fn db(energies: &[f64], ts: &[(f64, u32, u32)]) -> Database {
        Database {
            energies: energies.to_vec(),
            ts: ts
                .iter()
                .map(|&(energy, a, b)| Ts {
                    energy,
                    min1: a - 1,
                    min2: b - 1,
                })
                .collect(),
            degenerate: 0,
        }
    }

    fn cfg() -> Config {
        Config {
            delta: 1.0,
            levels: 3,
            ..Config::default()
        }
    }

    #[test]
    fn g2_disconnected_minimum() {
        let d = db(
            &[-5.0, -4.0, -4.5, -3.0, -2.0],
            &[(-3.5, 1, 2), (-2.5, 1, 3), (-1.0, 3, 4)],
        );
        let c = Connectivity::compute(&d, &cfg());
        assert_eq!(c.gmin, 0);
        assert_eq!(c.excluded, vec![false, false, false, false, true]);
        assert_eq!(c.n_live(), 3);
        assert_eq!(c.nconn, vec![2, 1, 2, 1, 0]);
    }

    #[test]
    fn nconnmin_peels_chains() {
        // Chain 1-2-3-4 plus triangle 1-5-6: with NCONNMIN 1 the chain peels away.
        let d = db(
            &[-5.0, -4.0, -3.0, -2.0, -4.5, -4.2],
            &[
                (0.0, 1, 2),
                (0.0, 2, 3),
                (0.0, 3, 4),
                (0.0, 1, 5),
                (0.0, 5, 6),
                (0.0, 6, 1),
            ],
        );
        let c = Connectivity::compute(
            &d,
            &Config {
                nconnmin: 1,
                ..cfg()
            },
        );
        assert_eq!(c.excluded, vec![false, true, true, true, false, false]);
        assert_eq!(c.nconn[0], 2);
        assert_eq!(c.nconn[1], 1, "counts TSs to the remaining core");
    }

    #[test]
    fn thresholds_and_barriers() {
        let d = db(&[-5.0, -4.0, -3.0], &[(-1.0, 1, 2), (0.5, 2, 3)]);
        let c = Connectivity::compute(
            &d,
            &Config {
                ts_thresh: 0.0,
                ..cfg()
            },
        );
        assert_eq!(c.excluded, vec![false, false, true]);
        assert_eq!(c.live, vec![true, false]);
        // Barriers 4 and 3 from the two sides of TS 1: both > 2.5 → unusable.
        let c = Connectivity::compute(
            &d,
            &Config {
                max_ts_barrier: 2.5,
                ..cfg()
            },
        );
        assert_eq!(c.excluded, vec![false, true, true]);
        // Barriers 4 and 3: one ≤ 3.5 → usable.
        let c = Connectivity::compute(
            &d,
            &Config {
                max_ts_barrier: 3.5,
                ..cfg()
            },
        );
        assert_eq!(c.excluded, vec![false, false, false]);
    }

    #[test]
    fn visibility_rules() {
        let e = [-1.0, -3.0, -2.0, -2.0, 0.0];
        let ts = db(&e, &[(1.0, 1, 2), (1.0, 3, 4), (1.0, 4, 5)]).ts;
        let base = cfg();
        let v = visibility(
            &e,
            &ts,
            &Config {
                lowest: 3,
                ..base.clone()
            },
            None,
        );
        assert_eq!(v, vec![false, true, true, true, false]);
        let v = visibility(
            &e,
            &ts,
            &Config {
                monotonic: true,
                ..base.clone()
            },
            None,
        );
        // TS 1-2 hides 1; TS 3-4 (equal) hides 3; TS 4-5 hides 5.
        assert_eq!(v, vec![false, true, false, true, false]);
        let c = Config {
            exclude_all: true,
            idmin: vec![5],
            ..base.clone()
        };
        let v = visibility(&e, &ts, &c, Some((&[2, 3, -3, 9, 1], "pick")));
        assert_eq!(v, vec![true, true, false, false, true]);
    }
}
