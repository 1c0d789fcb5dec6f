//! NGT (algorithms.md §12.1): rate constants between the A and B sets by graph
//! transformation, and the committor files.
//!
//! The graph: the nodes surviving the NCONNMIN pruning in components that hold an A and a B
//! node. After removing every intermediate node (neither A nor B):
//!
//! - kSS(A←B)  = Σ_b (Z_b/Z_B)·P_{A←b}/τ⁰_b (τ⁰: the original waiting time),
//! - kNSS(A←B) = Σ_b (Z_b/Z_B)·P_{A←b}/τ_b (τ: the renormalised waiting time),
//! - kKMC(A←B) = Σ_b (Z_b/Z_B)/T_{A←b}, T_{A←b} = τ'_b/P'_{A←b} the mean first-passage
//!   time from b to A, from the graph in which the other B nodes are removed as well
//!   (with `T`; equal to kNSS when B has one node),
//!
//! with P_{A←b} the total renormalised branching probability from b into A and Z_A, Z_B
//! the sums over the A and B nodes of the graph; symmetrically for B←A.

use super::gt::Gt;
use super::network::Network;
use common::database::rates::ln_sum_exp;
use common::fortran_fmt::fmt_g;

/// Rates one way and the other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// A←B.
    pub ab: f64,
    /// B←A.
    pub ba: f64,
}

/// What NGT computes.
#[derive(Debug, Clone)]
pub struct NgtResult {
    /// False when no component holds both an A and a B node (all rates 0).
    pub connected: bool,
    /// Nodes of the graph.
    pub nodes: usize,
    /// Live edges of the graph (self-loops included).
    pub edges: usize,
    /// A nodes in the graph.
    pub na: usize,
    /// B nodes in the graph.
    pub nb: usize,
    /// kSS.
    pub kss: Pair,
    /// kNSS.
    pub knss: Pair,
    /// kKMC (with the `T` flag).
    pub kkmc: Option<Pair>,
    /// ln Z_A.
    pub ln_za: f64,
    /// ln Z_B.
    pub ln_zb: f64,
    /// `commit.ngt.AB`: per node, the renormalised probability into A (A and B nodes).
    pub commit_ab: Vec<f64>,
    /// `commit.ngt.BA`: into B.
    pub commit_ba: Vec<f64>,
}

impl NgtResult {
    /// k(A←B)·Z_B/(k(B←A)·Z_A).
    pub fn balance(&self, k: Pair) -> f64 {
        k.ab * (self.ln_zb - self.ln_za).exp() / k.ba
    }

    /// The summary lines.
    pub fn lines(&self, nconnmin: usize) -> Vec<String> {
        let g = |v: f64| fmt_g(v, 20, 10);
        let mut v = Vec::new();
        if self.connected {
            v.push(format!(
                "NGT> {} minima and {} transition states in the A-B graph (NCONNMIN {nconnmin}): {} A and {} B minima",
                self.nodes, self.edges, self.na, self.nb
            ));
        } else {
            v.push(format!(
                "NGT> the A and B sets are not connected through live transition states (NCONNMIN {nconnmin})"
            ));
        }
        v.push(format!(
            "NGT> kSS (A<-B)={}   kSS (B<-A)={}",
            g(self.kss.ab),
            g(self.kss.ba)
        ));
        v.push(format!(
            "NGT> kNSS(A<-B)={}   kNSS(B<-A)={}",
            g(self.knss.ab),
            g(self.knss.ba)
        ));
        if let Some(k) = self.kkmc {
            v.push(format!(
                "NGT> kKMC(A<-B)={}   kKMC(B<-A)={}",
                g(k.ab),
                g(k.ba)
            ));
        }
        if self.connected {
            v.push(format!(
                "NGT> detailed balance: kSS (A<-B)*Z(B)/(kSS (B<-A)*Z(A))={}",
                g(self.balance(self.kss))
            ));
            v.push(format!(
                "NGT> detailed balance: kNSS(A<-B)*Z(B)/(kNSS(B<-A)*Z(A))={}",
                g(self.balance(self.knss))
            ));
            if let Some(k) = self.kkmc {
                v.push(format!(
                    "NGT> detailed balance: kKMC(A<-B)*Z(B)/(kKMC(B<-A)*Z(A))={}",
                    g(self.balance(k))
                ));
            }
        }
        v
    }
}

/// `(G20.10)` one value per line.
pub fn commit_text(values: &[f64]) -> String {
    values.iter().map(|&v| fmt_g(v, 20, 10) + "\n").collect()
}

/// Run NGT on the (already pruned) network.
pub fn ngt(net: &Network, kmc: bool) -> NgtResult {
    let n = net.len();
    let graph = net.ab_graph();
    let mut in_a = vec![false; n];
    let mut in_b = vec![false; n];
    for &a in &net.a {
        in_a[a] = graph[a];
    }
    for &b in &net.b {
        in_b[b] = graph[b];
    }
    let a_nodes: Vec<usize> = (0..n).filter(|&i| in_a[i]).collect();
    let b_nodes: Vec<usize> = (0..n).filter(|&i| in_b[i]).collect();
    let nodes = graph.iter().filter(|&&g| g).count();
    let edges = (0..net.edges.len())
        .filter(|&k| net.edge_live(k) && graph[net.edges[k].i])
        .count();
    let mut res = NgtResult {
        connected: !a_nodes.is_empty() && !b_nodes.is_empty(),
        nodes,
        edges,
        na: a_nodes.len(),
        nb: b_nodes.len(),
        kss: Pair { ab: 0.0, ba: 0.0 },
        knss: Pair { ab: 0.0, ba: 0.0 },
        kkmc: kmc.then_some(Pair { ab: 0.0, ba: 0.0 }),
        ln_za: ln_sum_exp(a_nodes.iter().map(|&i| net.ln_z[i])),
        ln_zb: ln_sum_exp(b_nodes.iter().map(|&i| net.ln_z[i])),
        commit_ab: vec![0.0; n],
        commit_ba: vec![0.0; n],
    };
    if !res.connected {
        return res;
    }
    let mut gt = Gt::new(net, &graph);
    let tau0: Vec<f64> = (0..n).map(|i| gt.tau(i)).collect();
    let intermediate: Vec<bool> = (0..n).map(|i| graph[i] && !in_a[i] && !in_b[i]).collect();
    gt.eliminate_all(&intermediate);

    // One direction: into `target` from the `source` nodes.
    let rates = |source: &[usize], target: &[bool], ln_zs: f64| -> (f64, f64) {
        let mut kss = 0.0;
        let mut knss = 0.0;
        for &s in source {
            let w = (net.ln_z[s] - ln_zs).exp();
            let p = gt.p_into(target, s);
            kss += w * p / tau0[s];
            knss += w * p / gt.tau(s);
        }
        (kss, knss)
    };
    let (ss_ab, nss_ab) = rates(&b_nodes, &in_a, res.ln_zb);
    let (ss_ba, nss_ba) = rates(&a_nodes, &in_b, res.ln_za);
    res.kss = Pair {
        ab: ss_ab,
        ba: ss_ba,
    };
    res.knss = Pair {
        ab: nss_ab,
        ba: nss_ba,
    };
    for &i in a_nodes.iter().chain(&b_nodes) {
        res.commit_ab[i] = gt.p_into(&in_a, i);
        res.commit_ba[i] = gt.p_into(&in_b, i);
    }
    if kmc {
        let kmc_rate = |source: &[usize], target: &[bool], ln_zs: f64| -> f64 {
            if source.len() == 1 {
                let s = source[0];
                return gt.p_into(target, s) / gt.tau(s);
            }
            let mut k = 0.0;
            for &s in source {
                let mut g2 = gt.clone();
                let mut others = vec![false; n];
                for &o in source {
                    others[o] = o != s;
                }
                g2.eliminate_all(&others);
                let w = (net.ln_z[s] - ln_zs).exp();
                // 1/T = P'_{target←s}/τ'_s.
                k += w * g2.p_into(target, s) / g2.tau(s);
            }
            k
        };
        res.kkmc = Some(Pair {
            ab: kmc_rate(&b_nodes, &in_a, res.ln_zb),
            ba: kmc_rate(&a_nodes, &in_b, res.ln_za),
        });
    }
    res
}
