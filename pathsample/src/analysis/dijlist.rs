//! DIJKSTRALIST (the Kinetics tutorial `PGT_DIJ`): the fastest path between pairs of listed
//! minima and the minima near it, to choose the minima a partial graph transformation keeps.
//!
//! The path from minimum s to minimum f maximises the product of the branching
//! probabilities P_{j←i} = k(i→j)/Σ_l k(i→l) along it (several TSs between one pair: the
//! single best TS), i.e. Dijkstra with edge weights −ln P_{j←i} ≥ 0 over the live TSs between
//! surviving minima; no start label and no set is excluded (unlike DIJKSTRA's kSS path).
//! Around a set of minima the neighbour layers are breadth-first: layer N holds the minima
//! at exactly N TSs (non-degenerate, live) from the nearest member of the set.

use super::network::Network;
use common::database::rates::ln_sum_exp;

/// A path between two minima.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPath {
    /// Nodes (0-based) from the first listed minimum to the second.
    pub nodes: Vec<usize>,
    /// Edge indices (into `Network::edges`) between consecutive nodes.
    pub edges: Vec<usize>,
    /// Σ −ln P_{j←i} along the path (dimensionless).
    pub weight: f64,
}

/// The path from `from` to `to` (0-based) with the largest product of branching
/// probabilities over the surviving nodes, or None when they are not connected (or `from`
/// or `to` did not survive the pruning).
pub fn path(net: &Network, from: usize, to: usize) -> Option<ListPath> {
    if !net.alive[from] || !net.alive[to] {
        return None;
    }
    let (mut nodes, mut edges, weight) = super::dijkstra::branching_search(
        net,
        &[(from, 0.0)],
        |x| net.ln_escape(x),
        |_| true,
        |x| x == to,
    )?;
    nodes.reverse();
    edges.reverse();
    Some(ListPath {
        nodes,
        edges,
        weight,
    })
}

/// Breadth-first layers 1..=`count` around the nodes with `set[i]` true: layer N (index
/// N − 1) holds the surviving nodes at exactly N live non-degenerate edges from the set, by
/// increasing index. Layers beyond the component are empty.
pub fn layers(net: &Network, set: &[bool], count: usize) -> Vec<Vec<usize>> {
    let mut seen: Vec<bool> = set.to_vec();
    let mut front: Vec<usize> = (0..net.len()).filter(|&i| set[i]).collect();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut next = Vec::new();
        for &x in &front {
            for (_, y, _) in net.live_out(x) {
                if !seen[y] {
                    seen[y] = true;
                    next.push(y);
                }
            }
        }
        next.sort_unstable();
        out.push(next.clone());
        front = next;
    }
    out
}

/// Equilibrium occupation probabilities p_i = Z_i/Σ_j Z_j over the surviving nodes (0 for
/// removed nodes).
pub fn occupations(net: &Network) -> Vec<f64> {
    let ln_total = ln_sum_exp(
        (0..net.len())
            .filter(|&i| net.alive[i])
            .map(|i| net.ln_z[i]),
    );
    (0..net.len())
        .map(|i| {
            if net.alive[i] {
                (net.ln_z[i] - ln_total).exp()
            } else {
                0.0
            }
        })
        .collect()
}

/// The path minima that are energy maxima (`high`) and minima (`low`) along the path: an
/// interior minimum strictly above (below) both neighbours on the path, an end strictly above
/// (below) its one neighbour. A one-node path is low.
pub fn extrema(net: &Network, nodes: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let e = |k: usize| net.energy[nodes[k]];
    let (mut high, mut low) = (Vec::new(), Vec::new());
    let n = nodes.len();
    if n == 1 {
        low.push(nodes[0]);
        return (high, low);
    }
    for (k, &node) in nodes.iter().enumerate() {
        let nb: Vec<f64> = [k.checked_sub(1), (k + 1 < n).then_some(k + 1)]
            .into_iter()
            .flatten()
            .map(e)
            .collect();
        if nb.iter().all(|&v| e(k) > v) {
            high.push(node);
        } else if nb.iter().all(|&v| e(k) < v) {
            low.push(node);
        }
    }
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::network::Edge;

    fn edge(id: usize, i: usize, j: usize, kij: f64, kji: f64) -> Edge {
        Edge {
            id,
            i,
            j,
            energy: 0.0,
            ln_k_ij: kij.ln(),
            ln_k_ji: kji.ln(),
        }
    }

    /// A square 0-1-3 / 0-2-3: the path through the larger branching probabilities wins,
    /// although the other route has the larger rates; layers and extrema by hand.
    #[test]
    fn path_maximises_the_product_of_branching_probabilities() {
        // From 0: to 1 rate 1, to 2 rate 3 (P 0.25 / 0.75). From 1: to 3 rate 1, to 0 rate
        // 1 (P 0.5). From 2: to 3 rate 10, to 0 rate 90, to 4 rate 100 (P 0.05).
        let edges = vec![
            edge(1, 0, 1, 1.0, 1.0),
            edge(2, 0, 2, 3.0, 90.0),
            edge(3, 1, 3, 1.0, 1.0),
            edge(4, 2, 3, 10.0, 1.0),
            edge(5, 2, 4, 100.0, 1.0),
        ];
        let energy = vec![1.0, 3.0, 0.5, 0.0, 2.0];
        let net = Network::new(energy, vec![0.0; 5], edges, vec![3], vec![0]);
        let p = path(&net, 0, 3).unwrap();
        // 0.25·0.5 = 0.125 > 0.75·0.05 = 0.0375.
        assert_eq!(p.nodes, vec![0, 1, 3]);
        assert_eq!(p.edges, vec![0, 2]);
        assert!((p.weight + (0.125f64).ln()).abs() < 1e-12);
        let mut set = vec![false; 5];
        set[1] = true;
        let l = layers(&net, &set, 3);
        assert_eq!(l, vec![vec![0, 3], vec![2], vec![4]]);
        let (high, low) = extrema(&net, &p.nodes);
        assert_eq!((high, low), (vec![1], vec![0, 3]));
        let occ = occupations(&net);
        assert!((occ.iter().sum::<f64>() - 1.0).abs() < 1e-15 && (occ[0] - 0.2).abs() < 1e-15);
    }
}
