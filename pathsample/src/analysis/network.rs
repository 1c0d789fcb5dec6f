//! The kinetic network the analyses work on (algorithms.md §10): nodes (minima, or
//! free-energy groups after REGROUPFREE) with ln Z, edges (transition states, or inter-group
//! links) with ln k in both directions, the dead-TS tests and the NCONNMIN pruning.

use common::database::rates::ln_sum_exp;
use common::database::{Database, RateOptions};

/// The value below which a log rate makes a TS dead (algorithms.md §10).
pub const LN_RATE_MIN: f64 = -300.0;

/// The TS tests of algorithms.md §10 that do not depend on the connectivity.
#[derive(Debug, Clone, Copy)]
pub struct DeadTs {
    /// TSTHRESH: a TS above this energy is dead.
    pub tsthresh: f64,
    /// MAXBARRIER: a TS whose two barriers both exceed it is dead.
    pub maxbarrier: f64,
    /// MINBARRIER: a TS with a barrier below it is dead.
    pub minbarrier: f64,
}

/// One edge: a TS (or a link between groups) joining nodes `i` and `j` (0-based; `i == j`
/// is a degenerate rearrangement, a self-loop).
#[derive(Debug, Clone)]
pub struct Edge {
    /// 1-based label: the TS id (or the link number for groups).
    pub id: usize,
    /// First node (the TS's `plus` minimum), 0-based.
    pub i: usize,
    /// Second node (`minus`), 0-based.
    pub j: usize,
    /// Energy (free energy for links).
    pub energy: f64,
    /// ln k(i → j).
    pub ln_k_ij: f64,
    /// ln k(j → i).
    pub ln_k_ji: f64,
}

impl Edge {
    /// (other node, ln k from `from` to the other node).
    pub fn from(&self, from: usize) -> (usize, f64) {
        if self.i == from {
            (self.j, self.ln_k_ij)
        } else {
            (self.i, self.ln_k_ji)
        }
    }

    /// True for a self-loop.
    pub fn is_degenerate(&self) -> bool {
        self.i == self.j
    }
}

/// Nodes with ln Z and energies, the live edges, the A and B sets, and which nodes survive
/// the NCONNMIN pruning.
#[derive(Debug, Clone)]
pub struct Network {
    /// Energy (or free energy) of every node.
    pub energy: Vec<f64>,
    /// ln Z of every node (any common shift).
    pub ln_z: Vec<f64>,
    /// Edges that passed the dead-TS tests (before the NCONNMIN pruning).
    pub edges: Vec<Edge>,
    /// Edge indices of every node (a self-loop once).
    pub adj: Vec<Vec<usize>>,
    /// The A set, 0-based node indices.
    pub a: Vec<usize>,
    /// The B set, 0-based node indices.
    pub b: Vec<usize>,
    /// NCONN > NCONNMIN (set by [`Network::prune`]; all true before).
    pub alive: Vec<bool>,
    /// NCONN of every node (non-degenerate live edges to surviving nodes).
    pub nconn: Vec<usize>,
}

impl Network {
    /// A network from its parts; every node alive until [`Network::prune`].
    pub fn new(
        energy: Vec<f64>,
        ln_z: Vec<f64>,
        edges: Vec<Edge>,
        a: Vec<usize>,
        b: Vec<usize>,
    ) -> Self {
        let n = energy.len();
        let mut adj = vec![Vec::new(); n];
        for (k, e) in edges.iter().enumerate() {
            adj[e.i].push(k);
            if e.j != e.i {
                adj[e.j].push(k);
            }
        }
        let mut net = Self {
            energy,
            ln_z,
            edges,
            adj,
            a,
            b,
            alive: vec![true; n],
            nconn: vec![0; n],
        };
        net.prune(None);
        net
    }

    /// The network of a database: every minimum a node, the TSs that pass the tests of
    /// `dead` (and, with `rates`, the ln k ≥ −300 test) as edges. Without `rates` every ln k
    /// is 0 (connectivity only) and ln Z is 0.
    pub fn from_db(db: &Database, dead: &DeadTs, rates: Option<&RateOptions>) -> Self {
        let ln_k: Option<Vec<(f64, f64)>> = rates.map(|o| {
            db.ln_rates(o)
                .iter()
                .map(|r| (r.ln_plus_to_minus, r.ln_minus_to_plus))
                .collect()
        });
        let ln_z: Vec<f64> = match rates {
            Some(o) => db
                .minima()
                .iter()
                .map(|m| common::database::rates::ln_z(m, o))
                .collect(),
            None => vec![0.0; db.nmin()],
        };
        Self::from_parts(db, dead, ln_k.as_deref(), ln_z)
    }

    /// The network of a database whose energies are free energies at kT = `t` (FREEENERGY,
    /// the files NGTKEEPLIST writes): ln k(i → j) = ln(kT/h) − (F_ts − F_i)/kT through every
    /// TS (a degenerate TS, i = j, is a self-loop with that rate) and ln Z_i = −F_i/kT;
    /// fvib, point-group orders and moments of inertia are ignored. `planck` is h in the
    /// database's units.
    pub fn from_free_energies(db: &Database, dead: &DeadTs, t: f64, planck: f64) -> Self {
        let pre = (t / planck).ln();
        let ln_k: Vec<(f64, f64)> = db
            .transition_states()
            .iter()
            .map(|ts| {
                let fp = db.minimum(ts.plus).energy;
                let fm = db.minimum(ts.minus).energy;
                (pre - (ts.energy - fp) / t, pre - (ts.energy - fm) / t)
            })
            .collect();
        let ln_z = db.minima().iter().map(|m| -m.energy / t).collect();
        Self::from_parts(db, dead, Some(&ln_k), ln_z)
    }

    /// The edges of `db` that pass the tests of `dead` (and, with `ln_k`, the ln k ≥ −300
    /// test); `ln_k[k]` = (ln k(plus → minus), ln k(minus → plus)) of TS k + 1.
    fn from_parts(
        db: &Database,
        dead: &DeadTs,
        ln_k: Option<&[(f64, f64)]>,
        ln_z: Vec<f64>,
    ) -> Self {
        let mut edges = Vec::new();
        for (k, t) in db.transition_states().iter().enumerate() {
            let ep = db.minimum(t.plus).energy;
            let em = db.minimum(t.minus).energy;
            let (bp, bm) = (t.energy - ep, t.energy - em);
            if t.energy > dead.tsthresh
                || (bp > dead.maxbarrier && bm > dead.maxbarrier)
                || bp < dead.minbarrier
                || bm < dead.minbarrier
            {
                continue;
            }
            let (kij, kji) = match ln_k {
                Some(r) => r[k],
                None => (0.0, 0.0),
            };
            if kij < LN_RATE_MIN || kji < LN_RATE_MIN {
                continue;
            }
            edges.push(Edge {
                id: k + 1,
                i: t.plus - 1,
                j: t.minus - 1,
                energy: t.energy,
                ln_k_ij: kij,
                ln_k_ji: kji,
            });
        }
        let energy = db.minima().iter().map(|m| m.energy).collect();
        let a = db.set_a().iter().map(|&i| i - 1).collect();
        let b = db.set_b().iter().map(|&i| i - 1).collect();
        Self::new(energy, ln_z, edges, a, b)
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.energy.len()
    }

    /// True without nodes.
    pub fn is_empty(&self) -> bool {
        self.energy.is_empty()
    }

    /// The recursive NCONNMIN pruning (algorithms.md §10): NCONN of a node is the number of
    /// non-degenerate edges to nodes that themselves have NCONN > NCONNMIN, recomputed until
    /// stable; nodes with NCONN ≤ NCONNMIN are removed (their edges are dead). `None` keeps
    /// every node and only counts.
    pub fn prune(&mut self, nconnmin: Option<usize>) {
        let n = self.len();
        let mut nconn = vec![0usize; n];
        for e in &self.edges {
            if !e.is_degenerate() {
                nconn[e.i] += 1;
                nconn[e.j] += 1;
            }
        }
        let Some(nmin) = nconnmin else {
            self.alive = vec![true; n];
            self.nconn = nconn;
            return;
        };
        // Peel nodes with too few connections; each removal lowers its neighbours' counts.
        let mut alive = vec![true; n];
        let mut stack: Vec<usize> = (0..n).filter(|&i| nconn[i] <= nmin).collect();
        for &i in &stack {
            alive[i] = false;
        }
        while let Some(x) = stack.pop() {
            for &k in &self.adj[x] {
                let e = &self.edges[k];
                if e.is_degenerate() {
                    continue;
                }
                let y = if e.i == x { e.j } else { e.i };
                if alive[y] {
                    nconn[y] -= 1;
                    if nconn[y] <= nmin {
                        alive[y] = false;
                        stack.push(y);
                    }
                }
            }
        }
        // The final counts: edges between surviving nodes.
        let mut final_conn = vec![0usize; n];
        for e in &self.edges {
            if !e.is_degenerate() && alive[e.i] && alive[e.j] {
                final_conn[e.i] += 1;
                final_conn[e.j] += 1;
            }
        }
        self.alive = alive;
        self.nconn = final_conn;
    }

    /// True when edge `k` joins surviving nodes.
    pub fn edge_live(&self, k: usize) -> bool {
        let e = &self.edges[k];
        self.alive[e.i] && self.alive[e.j]
    }

    /// Live edges of node `i`: (edge index, other node, ln k from i).
    pub fn live_out(&self, i: usize) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.adj[i]
            .iter()
            .filter(move |&&k| self.edge_live(k))
            .map(move |&k| {
                let (o, l) = self.edges[k].from(i);
                (k, o, l)
            })
    }

    /// ln of the total escape rate Σ_l k(i → l) over the live edges of `i` (a self-loop once).
    pub fn ln_escape(&self, i: usize) -> f64 {
        ln_sum_exp(self.live_out(i).map(|(_, _, l)| l))
    }

    /// Component label (smallest node index) of every surviving node over the live edges;
    /// `usize::MAX` for removed nodes.
    pub fn components(&self) -> Vec<usize> {
        let n = self.len();
        let mut comp = vec![usize::MAX; n];
        for s in 0..n {
            if !self.alive[s] || comp[s] != usize::MAX {
                continue;
            }
            comp[s] = s;
            let mut stack = vec![s];
            while let Some(x) = stack.pop() {
                for (_, y, _) in self.live_out(x) {
                    if comp[y] == usize::MAX {
                        comp[y] = s;
                        stack.push(y);
                    }
                }
            }
        }
        comp
    }

    /// The nodes the rate analyses use: surviving nodes in a component that holds a
    /// surviving A node and a surviving B node.
    pub fn ab_graph(&self) -> Vec<bool> {
        let comp = self.components();
        let n = self.len();
        let mut has_a = vec![false; n];
        let mut has_b = vec![false; n];
        for &a in &self.a {
            if comp[a] != usize::MAX {
                has_a[comp[a]] = true;
            }
        }
        for &b in &self.b {
            if comp[b] != usize::MAX {
                has_b[comp[b]] = true;
            }
        }
        (0..n)
            .map(|i| comp[i] != usize::MAX && has_a[comp[i]] && has_b[comp[i]])
            .collect()
    }
}

/// The three-state chain B = 0 — 1 — A = 2 of the kinetics tests: k01 = 2, k10 = 1,
/// k12 = 3, k21 = 0.5 (π1/π0 = 2 and π2/π1 = 6 by detailed balance). From 0 the exact mean
/// first-passage time to A is 1 (m0 = 1/2 + m1, m1 = 1/4 + m0/4) and the mean number of
/// steps 8/3 (s0 = 1 + s1, s1 = 1 + s0/4).
#[cfg(test)]
pub(crate) fn three_state_chain() -> Network {
    let edge = |id, i, j, kij: f64, kji: f64| Edge {
        id,
        i,
        j,
        energy: 0.0,
        ln_k_ij: kij.ln(),
        ln_k_ji: kji.ln(),
    };
    Network::new(
        vec![0.0; 3],
        vec![0.0, 2f64.ln(), 12f64.ln()],
        vec![edge(1, 0, 1, 2.0, 1.0), edge(2, 1, 2, 3.0, 0.5)],
        vec![2],
        vec![0],
    )
}
