//! Graph transformation (algorithms.md §12.1 step 2): branching probabilities and waiting
//! times of a network, and the removal of nodes with renormalisation.
//!
//! Removing node x with neighbours a, b (self-loop P_{x←x}):
//! P_{b←a} += P_{x←a}·P_{b←x}/(1 − P_{x←x}), τ_a += P_{x←a}·τ_x/(1 − P_{x←x});
//! a = b updates the self-loop of a. 1 − P_{x←x} is computed as Σ_{b≠x} P_{b←x}, which
//! avoids the cancellation when the self-loop is close to 1. Nodes are removed in order of
//! increasing degree (fewest neighbours first, ties by index), which keeps the fill-in small.

use super::network::Network;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// The renormalised branching probabilities and waiting times of the nodes not yet removed.
#[derive(Debug, Clone)]
pub struct Gt {
    /// `out[i][j]` = P_{j←i} (the key `i` is the self-loop).
    out: Vec<BTreeMap<usize, f64>>,
    /// τ_i.
    tau: Vec<f64>,
    /// Still present.
    present: Vec<bool>,
}

impl Gt {
    /// The nodes `nodes[i] == true` of `net`, with P_{j←i} = k_{i→j}/Σ_l k_{i→l} and
    /// τ_i = 1/Σ_l k_{i→l} over the live edges (several edges to one neighbour add up; a
    /// degenerate edge is a self-loop).
    pub fn new(net: &Network, nodes: &[bool]) -> Self {
        let n = net.len();
        let mut out = vec![BTreeMap::new(); n];
        let mut tau = vec![0.0; n];
        for i in 0..n {
            if !nodes[i] {
                continue;
            }
            let lk = net.ln_escape(i);
            tau[i] = (-lk).exp();
            for (_, o, l) in net.live_out(i) {
                if nodes[o] {
                    *out[i].entry(o).or_insert(0.0) += (l - lk).exp();
                }
            }
        }
        Self {
            out,
            tau,
            present: nodes.to_vec(),
        }
    }

    /// τ_i.
    pub fn tau(&self, i: usize) -> f64 {
        self.tau[i]
    }

    /// P_{j←i}.
    pub fn p(&self, j: usize, i: usize) -> f64 {
        self.out[i].get(&j).copied().unwrap_or(0.0)
    }

    /// The renormalised branching probabilities out of `i`: (j, P_{j←i}) by increasing j,
    /// the self-loop (j = i) included.
    pub fn out(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.out[i].iter().map(|(&j, &p)| (j, p))
    }

    /// Σ_{j ∈ set} P_{j←i} (`set[j]` true), the self-loop included when i is in the set.
    pub fn p_into(&self, set: &[bool], i: usize) -> f64 {
        self.out[i]
            .iter()
            .filter(|(&j, _)| set[j])
            .fold(0.0, |s, (_, &p)| s + p)
    }

    fn degree(&self, x: usize) -> usize {
        self.out[x].len() - usize::from(self.out[x].contains_key(&x))
    }

    /// Remove node `x`, renormalising its neighbours.
    pub fn eliminate(&mut self, x: usize) {
        let px: Vec<(usize, f64)> = self.out[x]
            .iter()
            .filter(|(&b, _)| b != x)
            .map(|(&b, &p)| (b, p))
            .collect();
        let esc = px.iter().fold(0.0, |s, &(_, p)| s + p);
        if esc > 0.0 {
            let tx = self.tau[x];
            for &(a, _) in &px {
                let Some(pax) = self.out[a].remove(&x) else {
                    continue;
                };
                let f = pax / esc;
                for &(b, pbx) in &px {
                    *self.out[a].entry(b).or_insert(0.0) += f * pbx;
                }
                self.tau[a] += f * tx;
            }
        }
        self.out[x].clear();
        self.present[x] = false;
    }

    /// Remove every present node with `remove[x] == true`, fewest neighbours first.
    pub fn eliminate_all(&mut self, remove: &[bool]) {
        let mut heap: BinaryHeap<Reverse<(usize, usize)>> = (0..self.out.len())
            .filter(|&x| remove[x] && self.present[x])
            .map(|x| Reverse((self.degree(x), x)))
            .collect();
        while let Some(Reverse((d, x))) = heap.pop() {
            if !self.present[x] {
                continue;
            }
            let now = self.degree(x);
            if now != d {
                heap.push(Reverse((now, x)));
                continue;
            }
            let nbrs: Vec<usize> = self.out[x].keys().copied().filter(|&b| b != x).collect();
            self.eliminate(x);
            for b in nbrs {
                if remove[b] && self.present[b] {
                    heap.push(Reverse((self.degree(b), b)));
                }
            }
        }
    }
}
