//! Pair selection strategies (algorithms.md §9.4) and the tried-pairs bookkeeping.

use crate::keywords::{PairCost, Strategy, UncOrder};
use common::database::Database;
use std::collections::{BTreeSet, HashMap};

/// Pairs already chosen (either order), as written to `pairs.data`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriedPairs {
    set: BTreeSet<(usize, usize)>,
    order: Vec<(usize, usize)>,
}

impl TriedPairs {
    fn key(a: usize, b: usize) -> (usize, usize) {
        (a.min(b), a.max(b))
    }

    /// Record a pair.
    pub fn insert(&mut self, a: usize, b: usize) {
        if self.set.insert(Self::key(a, b)) {
            self.order.push((a, b));
        }
    }

    /// Whether a pair was tried.
    pub fn contains(&self, a: usize, b: usize) -> bool {
        self.set.contains(&Self::key(a, b))
    }

    /// Pairs in the order they were chosen.
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.order
    }

    /// The pairs of a `pairs.data` list (read with `common::files::bookkeeping::read_pairs`),
    /// in file order.
    pub fn from_pairs(pairs: &[(usize, usize)]) -> TriedPairs {
        let mut t = TriedPairs::default();
        for &(a, b) in pairs {
            t.insert(a, b);
        }
        t
    }
}

/// Distances between minima, computed on demand and cached.
#[derive(Default)]
pub struct Distances {
    cache: HashMap<(usize, usize), f64>,
}

impl Distances {
    /// Distance between minima `a` and `b` (1-based) after alignment under the database's
    /// symmetry (atoms: rotation, inversion, PERMDIST permutations; networks: Euclidean, or
    /// with PERMDIST the hidden-unit permutations and sign flips).
    pub fn get(&mut self, db: &Database, a: usize, b: usize) -> f64 {
        if a == b {
            return 0.0;
        }
        let key = (a.min(b), a.max(b));
        if let Some(&d) = self.cache.get(&key) {
            return d;
        }
        let (xa, xb) = (db.min_coords(a), db.min_coords(b));
        let d = db.config().symmetry.distance(xa, xb);
        self.cache.insert(key, d);
        d
    }
}

/// Why no pair could be produced.
#[derive(Debug, Clone, PartialEq)]
pub enum NoPair {
    /// The strategy's goal is reached (e.g. the initial path is complete).
    Done(String),
    /// No candidate is left.
    Exhausted(String),
}

/// A strategy with its state (candidate list, resume point).
pub struct Selector {
    strategy: Strategy,
    candidates: Vec<(usize, usize)>,
    region_resume: (usize, usize),
    /// Minima UNTRAP has paired (`min.done`, a record kept for the Fortran's file; the pairs
    /// themselves are excluded through pairs.data).
    pub done: BTreeSet<usize>,
    /// The current fastest path's minima (set by the caller before each build, for SHORTCUT).
    pub fastest_path: Option<Vec<usize>>,
    dist: Distances,
}

impl Selector {
    /// A selector for `strategy`.
    pub fn new(strategy: Strategy) -> Self {
        let start = match &strategy {
            Strategy::ConnectRegion { m1, m2, .. } => (*m1, *m2),
            _ => (1, 1),
        };
        Self {
            strategy,
            candidates: Vec::new(),
            region_resume: start,
            done: BTreeSet::new(),
            fastest_path: None,
            dist: Distances::default(),
        }
    }

    /// Drop the candidate list so it is rebuilt (PAIRLIST).
    pub fn reset(&mut self) {
        self.candidates.clear();
    }

    /// Whether the strategy needs the fastest path (SHORTCUT).
    pub fn needs_fastest_path(&self) -> bool {
        matches!(self.strategy, Strategy::Shortcut { .. })
    }

    /// The next untried pair.
    pub fn next(
        &mut self,
        db: &Database,
        tried: &TriedPairs,
        direction_ab: bool,
    ) -> Result<(usize, usize), NoPair> {
        loop {
            while let Some((a, b)) =
                (!self.candidates.is_empty()).then(|| self.candidates.remove(0))
            {
                if a != b && !tried.contains(a, b) {
                    return Ok((a, b));
                }
            }
            self.build(db, tried, direction_ab)?;
        }
    }

    fn build(
        &mut self,
        db: &Database,
        tried: &TriedPairs,
        direction_ab: bool,
    ) -> Result<(), NoPair> {
        let n = db.nmin();
        match self.strategy.clone() {
            Strategy::DijInit { cost } => {
                let list = dijkstra_pairs(db, tried, direction_ab, cost, &mut self.dist)?;
                self.candidates = list;
            }
            Strategy::ConnectRegion { m1, m2, dist } => {
                // Resume the double loop where it stopped; once it reaches the end, sweep
                // again from the start (new minima may have appeared), at most once per call.
                let mut list = Vec::new();
                for pass in 0..2 {
                    let (mut a, mut b) = self.region_resume;
                    while a <= n && list.len() < 10_000 {
                        for bb in b.max(a + 1)..=n {
                            if !db.directly_connected(a, bb)
                                && !tried.contains(a, bb)
                                && self.dist.get(db, a, bb) <= dist
                            {
                                list.push((a, bb));
                            }
                        }
                        a += 1;
                        b = m2;
                    }
                    self.region_resume = (a, b);
                    if !list.is_empty() || pass == 1 {
                        break;
                    }
                    self.region_resume = (m1, m2);
                }
                if list.is_empty() {
                    return Err(NoPair::Exhausted(format!(
                        "connectregion> no unconnected, untried pair closer than {dist}"
                    )));
                }
                self.candidates = list;
            }
            Strategy::ConnectUnc { order, natt } => {
                let ab: Vec<usize> = db.set_a().iter().chain(db.set_b()).copied().collect();
                let inab = db.connected_to(&ab);
                let mut unc: Vec<usize> = (1..=n).filter(|&m| !inab[m - 1]).collect();
                if unc.is_empty() {
                    return Err(NoPair::Done(
                        "connectunc> every minimum is connected to A and B".into(),
                    ));
                }
                match order {
                    UncOrder::Lowest => {
                        unc.sort_by(|&x, &y| db.minimum(x).energy.total_cmp(&db.minimum(y).energy))
                    }
                    UncOrder::Eref(r) => {
                        let er = db.minimum(r.min(n).max(1)).energy;
                        unc.sort_by(|&x, &y| {
                            (db.minimum(x).energy - er)
                                .abs()
                                .total_cmp(&(db.minimum(y).energy - er).abs())
                        })
                    }
                    UncOrder::Distref(r) => {
                        let r = r.min(n).max(1);
                        let d: HashMap<usize, f64> =
                            unc.iter().map(|&m| (m, self.dist.get(db, r, m))).collect();
                        unc.sort_by(|x, y| d[x].total_cmp(&d[y]));
                    }
                }
                let members: Vec<usize> = (1..=n).filter(|&m| inab[m - 1]).collect();
                let mut list = Vec::new();
                for m in unc {
                    let mut partners: Vec<(f64, usize)> = members
                        .iter()
                        .filter(|&&p| !tried.contains(m, p))
                        .map(|&p| (self.dist.get(db, m, p), p))
                        .collect();
                    partners.sort_by(|x, y| x.0.total_cmp(&y.0));
                    list.extend(partners.into_iter().take(natt).map(|(_, p)| (m, p)));
                }
                if list.is_empty() {
                    return Err(NoPair::Exhausted(
                        "connectunc> every candidate pair has been tried".into(),
                    ));
                }
                self.candidates = list;
            }
            Strategy::Untrap {
                einc,
                ethresh,
                edeltamin,
                elowbar,
                ehighbar,
            } => {
                let list = untrap_pairs(
                    db,
                    tried,
                    direction_ab,
                    einc,
                    ethresh,
                    edeltamin,
                    elowbar,
                    ehighbar,
                    &mut self.dist,
                );
                if list.is_empty() {
                    return Err(NoPair::Exhausted(
                        "untrap> no candidate minimum left".into(),
                    ));
                }
                for &(m, _) in &list {
                    self.done.insert(m);
                }
                self.candidates = list;
            }
            Strategy::Shortcut { minsep } => {
                let path = self.fastest_path.clone().ok_or_else(|| {
                    NoPair::Exhausted(
                        "shortcut> no fastest path between A and B (the sets are not connected)"
                            .into(),
                    )
                })?;
                // Pairs of path minima at least `minsep` steps apart, closest first.
                let mut list: Vec<(f64, usize, usize)> = Vec::new();
                for i in 0..path.len() {
                    for j in (i + minsep.max(1))..path.len() {
                        let (a, b) = (path[i], path[j]);
                        if a != b && !db.directly_connected(a, b) && !tried.contains(a, b) {
                            list.push((self.dist.get(db, a, b), a, b));
                        }
                    }
                }
                if list.is_empty() {
                    return Err(NoPair::Exhausted(format!(
                        "shortcut> no untried pair at least {minsep} steps apart on the fastest path"
                    )));
                }
                list.sort_by(|x, y| x.0.total_cmp(&y.0));
                self.candidates = list.into_iter().map(|(_, a, b)| (a, b)).collect();
            }
        }
        Ok(())
    }
}

/// DIJINITSTART/DIJINITCONT: Dijkstra over the complete graph from the starting set (B for
/// DIRECTION AB) to the end set; every missing connection on the best path is a candidate.
fn dijkstra_pairs(
    db: &Database,
    tried: &TriedPairs,
    direction_ab: bool,
    cost: PairCost,
    dist: &mut Distances,
) -> Result<Vec<(usize, usize)>, NoPair> {
    let n = db.nmin();
    let (from, to) = if direction_ab {
        (db.set_b().to_vec(), db.set_a().to_vec())
    } else {
        (db.set_a().to_vec(), db.set_b().to_vec())
    };
    if from.is_empty() || to.is_empty() {
        return Err(NoPair::Exhausted("dijinit> the A or B set is empty".into()));
    }
    let mut best = vec![f64::INFINITY; n + 1];
    let mut prev = vec![0usize; n + 1];
    let mut done = vec![false; n + 1];
    for &s in &from {
        best[s] = 0.0;
    }
    let is_end: Vec<bool> = (0..=n).map(|m| to.contains(&m)).collect();
    let mut reached = None;
    for _ in 0..n {
        let Some(u) = (1..=n)
            .filter(|&i| !done[i])
            .min_by(|&a, &b| best[a].total_cmp(&best[b]))
        else {
            break;
        };
        if best[u].is_infinite() {
            break;
        }
        done[u] = true;
        if is_end[u] {
            reached = Some(u);
            break;
        }
        for v in 1..=n {
            if done[v] || v == u {
                continue;
            }
            let w = if db.directly_connected(u, v) {
                0.0
            } else if tried.contains(u, v) {
                continue;
            } else {
                cost.weight(dist.get(db, u, v))
            };
            if best[u] + w < best[v] {
                best[v] = best[u] + w;
                prev[v] = u;
            }
        }
    }
    let Some(end) = reached else {
        return Err(NoPair::Exhausted(
            "dijinit> no path between A and B with untried pairs".into(),
        ));
    };
    let mut list = Vec::new();
    let mut v = end;
    while best[v] > 0.0 || !from.contains(&v) {
        let u = prev[v];
        if u == 0 {
            break;
        }
        if !db.directly_connected(u, v) {
            list.push((u, v));
        }
        v = u;
    }
    if list.is_empty() {
        return Err(NoPair::Done(
            "dijinit> the initial path is complete: A and B are connected".into(),
        ));
    }
    list.reverse();
    Ok(list)
}

/// UNTRAP (algorithms.md §9.4): superbasins at thresholds E_lowest_product + k·einc.
#[allow(clippy::too_many_arguments)]
fn untrap_pairs(
    db: &Database,
    tried: &TriedPairs,
    direction_ab: bool,
    einc: f64,
    ethresh: f64,
    edeltamin: f64,
    elowbar: f64,
    ehighbar: f64,
    dist: &mut Distances,
) -> Vec<(usize, usize)> {
    let n = db.nmin();
    let product: Vec<usize> = if direction_ab {
        db.set_a().to_vec()
    } else {
        db.set_b().to_vec()
    };
    if product.is_empty() || einc <= 0.0 {
        return vec![];
    }
    let e_low = product
        .iter()
        .map(|&m| db.minimum(m).energy)
        .fold(f64::INFINITY, f64::min);
    let e_max_ts = db
        .transition_states()
        .iter()
        .map(|t| t.energy)
        .fold(e_low, f64::max);
    let levels = (((e_max_ts - e_low) / einc).ceil() as usize + 1).min(100_000);
    // For each level, the superbasin (component through TSs below the threshold) holding a
    // product minimum. A minimum m joins it at the first level where it is in it; its
    // partners are the members the product superbasin had just before (the level below), so
    // that the connection is sought across the barrier m must cross, not to m's own basin
    // (the Fortran's getupair, checked against the LJ38 tutorial 05 list).
    // `stage[x]`: 0 for a product minimum, k + 1 when x joins the product superbasin at level
    // k; the members "just before" m joined are those of a lower stage.
    let mut stage: Vec<Option<usize>> =
        (0..=n).map(|m| product.contains(&m).then_some(0)).collect();
    let mut thr_of = vec![f64::NAN; n + 1];
    for k in 0..=levels {
        let thr = e_low + k as f64 * einc;
        let comp = db.components_where(|_, t| t.energy < thr);
        let pcomps: BTreeSet<usize> = product.iter().map(|&m| comp[m - 1]).collect();
        for m in 1..=n {
            if stage[m].is_none() && pcomps.contains(&comp[m - 1]) {
                stage[m] = Some(k + 1);
                thr_of[m] = thr;
            }
        }
    }
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for m in 1..=n {
        if product.contains(&m) || db.ts_of_minimum(m).is_empty() {
            continue;
        }
        let Some(sm) = stage[m] else {
            continue;
        };
        let thr = thr_of[m];
        let members: Vec<usize> = (1..=n)
            .filter(|&x| stage[x].is_some_and(|sx| sx < sm))
            .collect();
        let em = db.minimum(m).energy;
        let barrier = thr - em;
        let gap = em - e_low;
        if gap < edeltamin || barrier < elowbar || barrier > ehighbar || gap <= 0.0 {
            continue;
        }
        let ratio = barrier / gap;
        if ratio < 0.0 {
            continue;
        }
        // Partners: untried, at most ethresh above m (the Fortran: "connections will not be
        // attempted to minima higher than ethresh above the first minimum"), preferably not
        // already joined to m by a TS (a connection attempt would re-find that TS). A minimum
        // without such a partner is left out of this list; a later list (after new pairs were
        // tried and the database grew) may pair it again, as the Fortran's does.
        let ok =
            |x: &usize| *x != m && !tried.contains(m, *x) && db.minimum(*x).energy <= em + ethresh;
        let pick = |f: &dyn Fn(&usize) -> bool| -> Vec<usize> {
            members.iter().copied().filter(|x| f(x)).collect()
        };
        let mut pool = pick(&|x| ok(x) && !db.directly_connected(m, *x));
        if pool.is_empty() {
            pool = pick(&ok);
        }
        let partner = pool
            .iter()
            .map(|&x| (dist.get(db, m, x), x))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, p)) = partner {
            cands.push((ratio, m, p));
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0));
    cands.into_iter().map(|(_, m, p)| (m, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The LJ38 tutorial 05 database (the Fortran's files) with its `UNTRAP 0.035 3.0`: the
    /// candidate list, partners and order are the Fortran's `getupair> sorted list` of the
    /// tutorial's expected output (`pathsample_untrap.out`), ratios to 1e-6.
    #[test]
    fn untrap_list_is_the_fortrans_on_the_lj38_tutorial_database() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../test_inputs/lj38_tutorial_05");
        let mut cfg = common::database::DbConfig::atoms(38);
        cfg.symmetry.align.permdist = true;
        cfg.symmetry.align.ranrot = 5;
        let db = Database::open_read_only(&dir, cfg).unwrap();
        let mut dist = Distances::default();
        let list = untrap_pairs(
            &db,
            &TriedPairs::default(),
            true,
            0.035,
            3.0,
            0.0,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            &mut dist,
        );
        let fortran = [
            (8, 2),
            (10, 2),
            (6, 4),
            (9, 4),
            (7, 9),
            (12, 4),
            (3, 1),
            (11, 4),
            (5, 11),
            (1, 2),
            (4, 2),
        ];
        assert_eq!(list, fortran);
    }

    #[test]
    fn tried_pairs_round_trip_and_ignore_order() {
        let mut t = TriedPairs::default();
        t.insert(3, 1);
        t.insert(1, 3);
        t.insert(2, 4);
        assert!(t.contains(1, 3) && t.contains(4, 2) && !t.contains(1, 2));
        assert_eq!(t.pairs(), [(3, 1), (2, 4)]);
        assert_eq!(TriedPairs::from_pairs(t.pairs()), t);
    }
}
