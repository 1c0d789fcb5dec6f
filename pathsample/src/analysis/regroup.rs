//! REGROUPFREE x (algorithms.md §11): free-energy groups of minima.
//!
//! Every node starts as its own group. A group I has Z_I = Σ_{i∈I} Z_i and free energy
//! G_I = −T ln Z_I. The link between groups I and J gathers the live TSs between them; its
//! free energy follows from the equilibrium flux F_IJ = Σ_t Z_i k_{i→j}(t) (= F_JI by
//! detailed balance) as G_IJ = −T ln(F_IJ·PLANCK/T), so that k_{I→J} = F_IJ/Z_I =
//! (T/PLANCK)·exp(−(G_IJ − G_I)/T). Each pass merges, in order of increasing G_IJ (ties by
//! group), the pairs whose two barriers G_IJ − G_I and G_IJ − G_J are both below x, never
//! putting A and B minima in one group; the free energies are recomputed after each pass
//! until a pass merges nothing.

use super::network::{Edge, Network};
use common::database::rates::ln_sum_exp;
use std::collections::BTreeMap;

/// One link between two groups.
#[derive(Debug, Clone)]
pub struct Link {
    /// First group (0-based, the smaller index).
    pub gi: usize,
    /// Second group.
    pub gj: usize,
    /// ln F_IJ.
    pub ln_flux: f64,
    /// G_IJ.
    pub g: f64,
    /// Member TS labels (`Edge::id`), ascending.
    pub members: Vec<usize>,
    /// The label (`Edge::id`, the TS id) of the member of lowest energy.
    pub rep_ts: usize,
}

/// The result of the regrouping.
#[derive(Debug, Clone)]
pub struct Regrouped {
    /// Member nodes (0-based) of every group, ascending; groups ordered by their smallest
    /// member.
    pub groups: Vec<Vec<usize>>,
    /// ln Z_I.
    pub ln_z: Vec<f64>,
    /// G_I.
    pub g: Vec<f64>,
    /// Links ordered by (gi, gj).
    pub links: Vec<Link>,
    /// Groups holding A nodes.
    pub a: Vec<usize>,
    /// Groups holding B nodes.
    pub b: Vec<usize>,
    /// The member of lowest energy of every group.
    pub rep_node: Vec<usize>,
    /// Passes that merged something.
    pub passes: usize,
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

/// Group index of every node, groups, their ln Z and links for the partition `parent`.
fn partition(
    net: &Network,
    parent: &mut [usize],
    t: f64,
    planck: f64,
) -> (Vec<usize>, Vec<Vec<usize>>, Vec<f64>, Vec<Link>) {
    let n = net.len();
    let mut index: BTreeMap<usize, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut of = vec![0; n];
    for (i, slot) in of.iter_mut().enumerate() {
        let r = find(parent, i);
        let g = *index.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
        *slot = g;
    }
    let ln_z: Vec<f64> = groups
        .iter()
        .map(|m| ln_sum_exp(m.iter().map(|&i| net.ln_z[i])))
        .collect();
    // Per pair of groups: the ln fluxes, the member TS labels, the lowest member edge.
    type Acc = (Vec<f64>, Vec<usize>, usize);
    let mut acc: BTreeMap<(usize, usize), Acc> = BTreeMap::new();
    for (k, e) in net.edges.iter().enumerate() {
        if !net.edge_live(k) {
            continue;
        }
        let (gi, gj) = (of[e.i], of[e.j]);
        if gi == gj {
            continue;
        }
        let key = (gi.min(gj), gi.max(gj));
        let ent = acc
            .entry(key)
            .or_insert_with(|| (Vec::new(), Vec::new(), k));
        ent.0.push(net.ln_z[e.i] + e.ln_k_ij);
        ent.1.push(e.id);
        if e.energy < net.edges[ent.2].energy {
            ent.2 = k;
        }
    }
    let shift = (planck / t).ln();
    let links = acc
        .into_iter()
        .map(|((gi, gj), (fl, mut members, rep))| {
            let ln_flux = ln_sum_exp(fl);
            members.sort_unstable();
            Link {
                gi,
                gj,
                ln_flux,
                g: -t * (ln_flux + shift),
                members,
                rep_ts: net.edges[rep].id,
            }
        })
        .collect();
    (of, groups, ln_z, links)
}

/// Regroup the (pruned) network at threshold `x`, temperature `t`.
pub fn regroup(net: &Network, t: f64, planck: f64, x: f64) -> Regrouped {
    let n = net.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut has_a = vec![false; n];
    let mut has_b = vec![false; n];
    for &a in &net.a {
        has_a[a] = true;
    }
    for &b in &net.b {
        has_b[b] = true;
    }
    let mut passes = 0;
    loop {
        let (_, groups, ln_z, links) = partition(net, &mut parent, t, planck);
        let gfree: Vec<f64> = ln_z.iter().map(|&z| -t * z).collect();
        let mut cand: Vec<&Link> = links
            .iter()
            .filter(|l| l.g - gfree[l.gi] < x && l.g - gfree[l.gj] < x)
            .collect();
        cand.sort_by(|p, q| p.g.total_cmp(&q.g).then((p.gi, p.gj).cmp(&(q.gi, q.gj))));
        let mut merged = false;
        for l in cand {
            let ra = find(&mut parent, groups[l.gi][0]);
            let rb = find(&mut parent, groups[l.gj][0]);
            if ra == rb || (has_a[ra] && has_b[rb]) || (has_b[ra] && has_a[rb]) {
                continue;
            }
            // The smaller root survives, so roots stay the smallest members.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            parent[hi] = lo;
            has_a[lo] |= has_a[hi];
            has_b[lo] |= has_b[hi];
            merged = true;
        }
        if !merged {
            break;
        }
        passes += 1;
    }
    let (of, groups, ln_z, links) = partition(net, &mut parent, t, planck);
    let g = ln_z.iter().map(|&z| -t * z).collect();
    let sorted = |set: &[usize]| {
        let mut v: Vec<usize> = set.iter().map(|&i| of[i]).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let rep_node = groups
        .iter()
        .map(|m| {
            *m.iter()
                .min_by(|&&p, &&q| net.energy[p].total_cmp(&net.energy[q]))
                .expect("groups are not empty")
        })
        .collect();
    Regrouped {
        a: sorted(&net.a),
        b: sorted(&net.b),
        groups,
        ln_z,
        g,
        links,
        rep_node,
        passes,
    }
}

impl Regrouped {
    /// The network of the groups: node energies G_I, edges the links with
    /// ln k_{I→J} = ln F_IJ − ln Z_I (edge labels = link numbers, 1-based).
    pub fn network(&self) -> Network {
        let edges = self
            .links
            .iter()
            .enumerate()
            .map(|(k, l)| Edge {
                id: k + 1,
                i: l.gi,
                j: l.gj,
                energy: l.g,
                ln_k_ij: l.ln_flux - self.ln_z[l.gi],
                ln_k_ji: l.ln_flux - self.ln_z[l.gj],
            })
            .collect();
        Network::new(
            self.g.clone(),
            self.ln_z.clone(),
            edges,
            self.a.clone(),
            self.b.clone(),
        )
    }
}
