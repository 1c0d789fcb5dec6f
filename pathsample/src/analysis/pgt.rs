//! NGTKEEPLIST with NGT (the Kinetics tutorial `PGT_DIJ`): partial graph transformation.
//! Every surviving minimum not in the keep list (the A and B minima are always kept) is
//! removed by graph transformation ([`Gt::eliminate_all`], exact: the kept nodes' branching
//! probabilities P' and waiting times τ' are those of the Schur complement), and the reduced
//! network is written as a database of free energies at kT = T that FREEENERGY reads back:
//!
//! - kept minimum i: F'_i = −T ln(π_i τ'_i/τ_i), π_i = Z_i/max_j Z_j (the kept node absorbs
//!   the occupation of the removed nodes that drain into it; an untouched node keeps
//!   F = −T ln π_i, its energy minus the global minimum's when fvib and orders are equal),
//! - kept pair i ≤ j with P'_{j←i} > 0 (i = j: the self-loop, a degenerate TS): one TS with
//!   F_ts = F'_i − T ln(k'_ij h/(kT)), k'_ij = P'_{j←i}/τ'_i (the same from j's side by
//!   detailed balance), so that FREEENERGY's k = (kT/h) e^{−(F_ts − F_i)/kT} gives back k'.
//!
//! Mean first-passage times between kept minima, and so the NGT rates between A and B, are
//! those of the full network. The new numbering (the Fortran's, reproducing the tutorial's
//! `mapping` entry for entry): the minima sorted by NCONN − s·[not kept] descending, with
//! s = max NCONN + 1 (the Fortran prints "Subtracting s from connectivities of minima not in
//! NGTkeeplist before sort"), by a selection sort with swaps starting from the minima in id
//! order (not stable: ties are not in id order); the kept minima are then 1..n.

use super::gt::Gt;
use super::network::Network;
use common::fortran_fmt::{fmt_g, fmt_i};

/// One TS of the reduced database.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// New id (1-based) of the first minimum, ≤ `j`.
    pub i: usize,
    /// New id of the second minimum.
    pub j: usize,
    /// Free energy of the TS (energy units).
    pub free: f64,
}

/// The reduced network.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// Every node (0-based) in the new order; the first `nkeep` are the kept minima.
    pub order: Vec<usize>,
    /// Number of kept minima.
    pub nkeep: usize,
    /// Free energy of each kept minimum, in the new order (energy units).
    pub free: Vec<f64>,
    /// TSs, sorted by (i, j).
    pub links: Vec<Link>,
    /// Per kept minimum (new order): (new id j, P'_{j←i}) for its kept neighbours and itself
    /// (the self-loop, 0 when there is none), by increasing new id.
    pub branch: Vec<Vec<(usize, f64)>>,
    /// New ids of the A minima, increasing.
    pub a: Vec<usize>,
    /// New ids of the B minima.
    pub b: Vec<usize>,
    /// The connectivity subtracted from removed minima before the sort.
    pub subtract: usize,
    /// A and B minima added because the list lacked them (1-based original ids).
    pub added: Vec<usize>,
    /// Listed minima removed by the NCONNMIN pruning (1-based original ids).
    pub pruned: Vec<usize>,
}

/// The partial graph transformation of the (pruned) network keeping the minima `list`
/// (1-based ids) and the A and B minima, at kT = `t` with Planck's constant `planck`.
pub fn reduce(net: &Network, list: &[usize], t: f64, planck: f64) -> Reduced {
    let n = net.len();
    let mut keep = vec![false; n];
    let mut pruned = Vec::new();
    for &id in list {
        if net.alive[id - 1] {
            keep[id - 1] = true;
        } else {
            pruned.push(id);
        }
    }
    pruned.sort_unstable();
    pruned.dedup();
    let mut added = Vec::new();
    for &x in net.a.iter().chain(&net.b) {
        if net.alive[x] && !keep[x] {
            keep[x] = true;
            added.push(x + 1);
        }
    }
    let mut gt = Gt::new(net, &net.alive);
    let tau0: Vec<f64> = (0..n).map(|i| gt.tau(i)).collect();
    let remove: Vec<bool> = (0..n).map(|i| net.alive[i] && !keep[i]).collect();
    gt.eliminate_all(&remove);

    let subtract = net.nconn.iter().copied().max().unwrap_or(0) + 1;
    let key = |i: usize| net.nconn[i] as i64 - if keep[i] { 0 } else { subtract as i64 };
    let order = selection_sort_desc(&(0..n).map(key).collect::<Vec<_>>());
    let nkeep = keep.iter().filter(|&&k| k).count();
    let mut new_id = vec![0usize; n];
    for (pos, &x) in order.iter().enumerate() {
        new_id[x] = pos + 1;
    }
    let shift = (0..n)
        .filter(|&i| net.alive[i])
        .map(|i| net.ln_z[i])
        .fold(f64::NEG_INFINITY, f64::max);
    let free_of = |i: usize| -t * (net.ln_z[i] - shift + gt.tau(i).ln() - tau0[i].ln());
    let free: Vec<f64> = order[..nkeep].iter().map(|&i| free_of(i)).collect();
    let mut links = Vec::new();
    for &i in &order[..nkeep] {
        let fi = free_of(i);
        for (j, p) in gt.out(i) {
            if !keep[j] || p <= 0.0 || new_id[j] < new_id[i] {
                continue;
            }
            let k = p / gt.tau(i);
            links.push(Link {
                i: new_id[i],
                j: new_id[j],
                free: fi - t * (k * planck / t).ln(),
            });
        }
    }
    links.sort_by_key(|l| (l.i, l.j));
    let branch = order[..nkeep]
        .iter()
        .map(|&i| {
            let mut v: Vec<(usize, f64)> = gt
                .out(i)
                .filter(|&(j, _)| j != i && keep[j])
                .map(|(j, p)| (new_id[j], p))
                .collect();
            v.push((new_id[i], gt.p(i, i)));
            v.sort_by_key(|&(j, _)| j);
            v
        })
        .collect();
    let ids = |set: &[usize]| {
        let mut v: Vec<usize> = set
            .iter()
            .filter(|&&x| keep[x])
            .map(|&x| new_id[x])
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    Reduced {
        a: ids(&net.a),
        b: ids(&net.b),
        order,
        nkeep,
        free,
        links,
        branch,
        subtract,
        added,
        pruned,
    }
}

/// The permutation a selection sort with swaps produces on the indices 0..n ordered by
/// `key` descending: for position p = 0, 1, ..., the first position q ≥ p holding the largest
/// remaining key is swapped with p (the Fortran's SORT4; ties end up in an order that depends
/// on the swaps). O(n log n): one ordered set of positions per key value.
pub fn selection_sort_desc(key: &[i64]) -> Vec<usize> {
    use std::collections::{BTreeMap, BTreeSet};
    let n = key.len();
    let mut item: Vec<usize> = (0..n).collect();
    let mut at: Vec<i64> = key.to_vec();
    let mut pos: BTreeMap<i64, BTreeSet<usize>> = BTreeMap::new();
    for (p, &k) in key.iter().enumerate() {
        pos.entry(k).or_default().insert(p);
    }
    for p in 0..n {
        let Some(mut last) = pos.last_entry() else {
            break;
        };
        let kmax = *last.key();
        let q = last.get_mut().pop_first().expect("non-empty set");
        if last.get().is_empty() {
            last.remove();
        }
        if q != p {
            // The item at p (key at[p]) moves to q.
            let kp = at[p];
            let set = pos.get_mut(&kp).expect("p is in its key's set");
            set.remove(&p);
            set.insert(q);
            item.swap(p, q);
            at.swap(p, q);
        }
        debug_assert_eq!(at[p], kmax);
    }
    item
}

impl Reduced {
    /// The stdout lines.
    pub fn summary(&self) -> Vec<String> {
        let removed = self.order.len() - self.nkeep;
        let mut v = vec![format!(
            "regroup> Subtracting {} from connectivities of minima not in NGTkeeplist before sort",
            self.subtract
        )];
        if !self.added.is_empty() {
            v.push(format!(
                "regroup> A and B minima not in NGTkeeplist kept as well: {:?}",
                self.added
            ));
        }
        if !self.pruned.is_empty() {
            v.push(format!(
                "regroup> WARNING - minima of NGTkeeplist removed by the NCONNMIN pruning: {:?}",
                self.pruned
            ));
        }
        v.push(format!("regroup> GT will remove {removed} minima"));
        v.push(format!(
            "NGTremovei> We have removed {removed} minima - dump the reduced network and stop: {} minima and {} transition states in min.data.new, ts.data.new; {} A and {} B minima in min.A.new, min.B.new",
            self.nkeep,
            self.links.len(),
            self.a.len(),
            self.b.len()
        ));
        v
    }

    /// (file name, text) of min.data.new `(2G20.10,I8,3G20.10)` (F, 0.0, order 1, moments
    /// 1.0), ts.data.new `(2G20.10,3I8,3G20.10)` (F, 0.0, order 1, i, j, moments 1.0),
    /// min.A.new and min.B.new (`I8` count then `I8` ids) and mapping (new → original, then
    /// original → new, both `I8`), and the renormalised branching probabilities of the kept
    /// minima, Pbranch.removedlist (new ids: i, position in i's list, j, P'_{j←i}) and
    /// Pbranch.removedlist.map (original ids: i, j, P'), `(I6)` ids and `G20.10`.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let g = |v: f64| fmt_g(v, 20, 10);
        let i8 = |v: usize| fmt_i(v as i64, 8);
        let mut md = String::new();
        for &f in &self.free {
            md.push_str(&format!(
                "{}{}{}{}{}{}\n",
                g(f),
                g(0.0),
                i8(1),
                g(1.0),
                g(1.0),
                g(1.0)
            ));
        }
        let mut td = String::new();
        for l in &self.links {
            td.push_str(&format!(
                "{}{}{}{}{}{}{}{}\n",
                g(l.free),
                g(0.0),
                i8(1),
                i8(l.i),
                i8(l.j),
                g(1.0),
                g(1.0),
                g(1.0)
            ));
        }
        let set = |ids: &[usize]| -> String {
            std::iter::once(ids.len())
                .chain(ids.iter().copied())
                .map(|v| i8(v) + "\n")
                .collect()
        };
        let mut map = String::new();
        for (pos, &x) in self.order.iter().enumerate() {
            map.push_str(&format!(
                "regroup> new min {} is original min.data entry {}\n",
                i8(pos + 1),
                i8(x + 1)
            ));
        }
        let mut new_id = vec![0; self.order.len()];
        for (pos, &x) in self.order.iter().enumerate() {
            new_id[x] = pos + 1;
        }
        for (x, &id) in new_id.iter().enumerate() {
            map.push_str(&format!(
                "regroup> min.data entry {} maps to new min {}\n",
                i8(x + 1),
                i8(id)
            ));
        }
        let (mut pb, mut pbmap) = (String::new(), String::new());
        let i6 = |v: usize| fmt_i(v as i64, 6);
        for (pos, list) in self.branch.iter().enumerate() {
            for (k, &(j, p)) in list.iter().enumerate() {
                pb.push_str(&format!(
                    "NGT> J1,J2,NVAL,PBRANCH={}{}{}{}\n",
                    i6(pos + 1),
                    i6(k + 1),
                    i6(j),
                    g(p)
                ));
                pbmap.push_str(&format!(
                    "NGT> J1,NVAL,PBRANCH={}{}{}\n",
                    i6(self.order[pos] + 1),
                    i6(self.order[j - 1] + 1),
                    g(p)
                ));
            }
        }
        vec![
            ("Pbranch.removedlist", pb),
            ("Pbranch.removedlist.map", pbmap),
            ("min.data.new", md),
            ("ts.data.new", td),
            ("min.A.new", set(&self.a)),
            ("min.B.new", set(&self.b)),
            ("mapping", map),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast selection sort equals the plain O(n²) one on keys with many ties.
    #[test]
    fn selection_sort_equals_the_quadratic_one() {
        let mut x = 12345u64;
        let key: Vec<i64> = (0..300)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) % 17) as i64 - 8
            })
            .collect();
        let mut item: Vec<usize> = (0..key.len()).collect();
        let mut k = key.clone();
        for p in 0..k.len() {
            let mut l = p;
            for q in p + 1..k.len() {
                if k[l] < k[q] {
                    l = q;
                }
            }
            k.swap(p, l);
            item.swap(p, l);
        }
        assert_eq!(selection_sort_desc(&key), item);
    }
    use crate::analysis::network::Edge;

    /// A chain B=0 — 1 — 2 — A=3 with rates by hand, keeping 0, 2, 3: the reduced rates by
    /// an independent calculation (the removed node 1 as a two-way split), and detailed
    /// balance of the written free energies.
    #[test]
    fn removing_a_chain_node_gives_the_split_rates() {
        let e = |id, i, j, kij: f64, kji: f64| Edge {
            id,
            i,
            j,
            energy: 0.0,
            ln_k_ij: kij.ln(),
            ln_k_ji: kji.ln(),
        };
        // Z: z0 = 1, z1 = 2 (k01/k10 = 2), z2 = 2·3/4 = 1.5, z3 = 1.5·1/0.5 = 3.
        let edges = vec![
            e(1, 0, 1, 2.0, 1.0),
            e(2, 1, 2, 3.0, 4.0),
            e(3, 2, 3, 1.0, 0.5),
        ];
        let ln_z = [1.0f64, 2.0, 1.5, 3.0].iter().map(|z| z.ln()).collect();
        let net = Network::new(vec![0.0; 4], ln_z, edges, vec![3], vec![0]);
        let r = reduce(&net, &[1, 3], 1.0, 1.0);
        assert_eq!(r.nkeep, 3);
        assert_eq!(r.added, vec![4]);
        // From 0: P(1←0) = 1, τ_0 = 1/2. From 1 (escape 1 + 3): P(0←1) = 1/4, P(2←1) =
        // 3/4, τ_1 = 1/4. Removing 1: P'(0←0) = 1/4, P'(2←0) = 3/4, τ'_0 = 1/2 + 1/4.
        let id = |x: usize| r.order.iter().position(|&o| o == x).unwrap() + 1;
        let link = |a: usize, b: usize| {
            let (i, j) = (id(a).min(id(b)), id(a).max(id(b)));
            r.links.iter().find(|l| l.i == i && l.j == j).unwrap().free
        };
        let f = |x: usize| r.free[id(x) - 1];
        let tau0: f64 = 0.75;
        // F'_0 = −ln(π_0 τ'_0/τ_0), π_0 = 1/3.
        assert!((f(0) + ((1.0 / 3.0) * tau0 / 0.5f64).ln()).abs() < 1e-12);
        // F_ts = F'_0 − ln k'(0→2), k' = P'(2←0)/τ'_0.
        assert!((link(0, 2) - (f(0) - (0.75 / tau0).ln())).abs() < 1e-12);
        // Detailed balance: the same TS from 2's side. From 2 (escape 4 + 1/2): P(1←2) = 8/9,
        // τ_2 = 2/9; P'(0←2) = 8/9·1/4, τ'_2 = 2/9 + 8/9·1/4.
        let tau2: f64 = 4.0 / 9.0;
        assert!((link(0, 2) - (f(2) - (2.0 / 9.0 / tau2).ln())).abs() < 1e-12);
        // The untouched edge 2-3 and node 3.
        assert!((f(3) - 0.0).abs() < 1e-12);
        assert!((link(2, 3) - (f(3) - 0.5f64.ln())).abs() < 1e-12);
        // Self-loops: P'(0←0) = 1/4 written as a degenerate TS.
        assert!((link(0, 0) - (f(0) - (0.25 / tau0).ln())).abs() < 1e-12);
    }
}
