//! DIJKSTRA n (algorithms.md §12.3): the path with the largest contribution to kSS.
//!
//! A path from a reactant node r through live TSs t₁, t₂, ... to a product node p contributes
//! (Z_r/Z_R)·(1/τ⁰_r)·Π P_{j←i}(t) to kSS(product←reactant), where P_{j←i}(t) =
//! k_{i→j}(t)/Σ_l k_{i→l} is the branching probability through that one TS. The search is a
//! multi-source Dijkstra with edge weights −ln P ≥ 0 and start labels
//! −ln((Z_r/Z_R)/τ⁰_r); product nodes end a path and other reactant nodes are not entered
//! (a path that returns to the reactant set does not count for kSS).

use super::network::Network;
use common::database::rates::ln_sum_exp;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The fastest path, listed from the product end.
#[derive(Debug, Clone, PartialEq)]
pub struct FastestPath {
    /// Nodes (0-based), product first, reactant last.
    pub nodes: Vec<usize>,
    /// Edge indices (into `Network::edges`) between consecutive nodes.
    pub edges: Vec<usize>,
    /// ln of the path's contribution to kSS(product←reactant).
    pub ln_k: f64,
}

#[derive(PartialEq)]
struct Item(f64, usize);

impl Eq for Item {}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item {
    // A min-heap on the distance, ties by the smaller node.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// The fastest path from `reactant` to `product` over the surviving nodes in components
/// holding both sets, or None when there is none.
pub fn fastest(net: &Network, product: &[usize], reactant: &[usize]) -> Option<FastestPath> {
    let n = net.len();
    let graph = net.ab_graph();
    let mut is_p = vec![false; n];
    let mut is_r = vec![false; n];
    for &p in product {
        is_p[p] = graph[p];
    }
    for &r in reactant {
        is_r[r] = graph[r];
    }
    let sources: Vec<usize> = (0..n).filter(|&i| is_r[i]).collect();
    let ln_zr = ln_sum_exp(sources.iter().map(|&i| net.ln_z[i]));
    let ln_esc: Vec<f64> = (0..n)
        .map(|i| if graph[i] { net.ln_escape(i) } else { 0.0 })
        .collect();
    let starts: Vec<(usize, f64)> = sources
        .iter()
        .map(|&r| (r, -(net.ln_z[r] - ln_zr) - ln_esc[r]))
        .collect();
    let (nodes, edges, d) = branching_search(
        net,
        &starts,
        |x| ln_esc[x],
        |y| !is_r[y] && graph[y],
        |x| is_p[x],
    )?;
    Some(FastestPath {
        nodes,
        edges,
        ln_k: -d,
    })
}

/// Dijkstra over the live edges with weights −ln P_{j←i} = ln Σ_l k(i→l) − ln k(i→j) ≥ 0
/// (`ln_escape(i)` gives the first term), from the `sources` with their start labels, entering
/// only nodes for which `enter` holds (self-loops never), and stopping at the first settled
/// node for which `stop` holds. Returns that path's nodes from the stop node back to its
/// source, the edges between them (same order) and its total label; None when no stop node
/// is reached. Ties are settled by the smaller node, so the path is unique.
pub(crate) fn branching_search(
    net: &Network,
    sources: &[(usize, f64)],
    ln_escape: impl Fn(usize) -> f64,
    enter: impl Fn(usize) -> bool,
    stop: impl Fn(usize) -> bool,
) -> Option<(Vec<usize>, Vec<usize>, f64)> {
    let n = net.len();
    let mut dist = vec![f64::INFINITY; n];
    let mut pred: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    for &(r, label) in sources {
        dist[r] = label;
        heap.push(Item(label, r));
    }
    while let Some(Item(d, x)) = heap.pop() {
        if done[x] || d > dist[x] {
            continue;
        }
        done[x] = true;
        if stop(x) {
            let mut nodes = vec![x];
            let mut edges = Vec::new();
            let mut c = x;
            while let Some((prev, e)) = pred[c] {
                edges.push(e);
                nodes.push(prev);
                c = prev;
            }
            return Some((nodes, edges, d));
        }
        let ln_esc = ln_escape(x);
        for (k, y, l) in net.live_out(x) {
            if y == x || done[y] || !enter(y) {
                continue;
            }
            let nd = d + (ln_esc - l).max(0.0);
            if nd < dist[y] {
                dist[y] = nd;
                pred[y] = Some((x, k));
                heap.push(Item(nd, y));
            }
        }
    }
    None
}
