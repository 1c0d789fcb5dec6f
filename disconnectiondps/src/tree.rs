//! Basins per level, nodes, children, display order and columns (algorithms.md §13 steps
//! 6 and 8–11).
//!
//! Conventions:
//! - Levels are stored 0-based (`levels[0]` is level 1, the top); nodes of a level are
//!   0-based in label order (node `k` is the spec's label `k + 1`), labels being numbered
//!   by first appearance when scanning minimum ids ascending over the visible members.
//! - A node's **members** are the visible, non-excluded minima with its label. Hidden minima
//!   join basins but are members of no node.
//! - Columns are 1-based; `x` is the horizontal fraction of a node, computed in single
//!   precision as the Fortran does: `((col0 + size/2) − 1) / N_COLS`.
//! - Cost: each level rebuilds its union-find over the TSs below its threshold and scans
//!   all minima once, so a run costs O(LEVELS · (N_MIN + N_TS)) time and
//!   O(N_MIN + N_TS + total nodes) memory.

use crate::analysis::Connectivity;
use crate::config::Config;
use crate::database::Database;
use crate::order::arrange_children;

/// One level of the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Level {
    /// Level energy `FIRST − (i−1)·DELTA`.
    pub energy: f64,
    /// Number of basins among the present non-excluded minima, visible or not.
    pub basins: usize,
    /// Node sizes (number of members).
    pub size: Vec<u32>,
    /// Parent node at the previous level (`u32::MAX` at the top level).
    pub parent: Vec<u32>,
    /// Lowest-energy member (0-based minimum; ties: lowest id).
    pub lowest: Vec<u32>,
    /// TRMIN colour index (0 = uncoloured).
    pub colour: Vec<u32>,
    /// Children at the next level, CSR: node k's are `children[child_start[k]..child_start[k+1]]`,
    /// ascending. Empty at the last level.
    pub child_start: Vec<u32>,
    /// See `child_start`.
    pub children: Vec<u32>,
    /// Display order (left to right): node indices.
    pub order: Vec<u32>,
    /// First column (1-based) of each node.
    pub col0: Vec<u32>,
    /// Horizontal fraction of each node (single precision, as the Fortran).
    pub x: Vec<f32>,
    /// The node holding the global minimum, if it is a member of one.
    pub gmin_node: Option<u32>,
}

impl Level {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.size.len()
    }

    /// True when the level has no node.
    pub fn is_empty(&self) -> bool {
        self.size.is_empty()
    }

    /// Children of node `k` (node indices at the next level, ascending).
    pub fn children_of(&self, k: usize) -> &[u32] {
        if self.child_start.is_empty() {
            return &[];
        }
        &self.children[self.child_start[k] as usize..self.child_start[k + 1] as usize]
    }

    /// Display position (1-based) of every node.
    pub fn positions(&self) -> Vec<u32> {
        let mut pos = vec![0; self.len()];
        for (j, &k) in self.order.iter().enumerate() {
            pos[k as usize] = j as u32 + 1;
        }
        pos
    }
}

/// The whole graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// Levels, top first.
    pub levels: Vec<Level>,
    /// Number of columns: total size of the top-level nodes.
    pub ncols: u32,
}

/// Called once per level, after its display order is known, with the node index of every
/// minimum at that level (`node + 1`; 0 = not a member).
pub type LevelSink<'a> = dyn FnMut(usize, &Level, &[u32]) + 'a;

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn reset(&mut self) {
        for (k, p) in self.parent.iter_mut().enumerate() {
            *p = k as u32;
        }
    }

    fn find(&mut self, mut a: u32) -> u32 {
        while self.parent[a as usize] != a {
            let g = self.parent[self.parent[a as usize] as usize];
            self.parent[a as usize] = g;
            a = g;
        }
        a
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Attach the larger root under the smaller: deterministic, and shallow enough
            // with path halving.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Inputs of the tree builder besides the configuration.
pub struct TreeInput<'a> {
    /// Minima and TSs.
    pub db: &'a Database,
    /// Steps 1–5.
    pub conn: &'a Connectivity,
    /// Step 7.
    pub visible: &'a [bool],
    /// TRMIN list index per minimum (0 = unlisted); `None` without TRMIN.
    pub trmin: Option<&'a [u32]>,
}

/// Build all levels. `sink` sees each level as soon as its display order is known.
pub fn build(cfg: &Config, input: &TreeInput, mut sink: Option<&mut LevelSink>) -> Tree {
    let db = input.db;
    let conn = input.conn;
    let n = db.nmin();
    // Live TSs sorted by (NOBARRIERS-adjusted) energy; NaN energies never join.
    let mut edges: Vec<(f64, u32, u32)> = db
        .ts
        .iter()
        .enumerate()
        .filter(|&(j, _)| conn.live[j] && !conn.ts_energy[j].is_nan())
        .map(|(j, t)| (conn.ts_energy[j], t.min1, t.min2))
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut uf = UnionFind { parent: vec![0; n] };
    let mut touched = vec![false; n];
    let mut root_stamp = vec![u32::MAX; n];
    let mut basin_stamp = vec![u32::MAX; n];
    let mut node_of_root = vec![0u32; n];
    let mut prev = vec![0u32; n];
    let mut cur = vec![0u32; n];
    let mut colour_state: Vec<i64> = Vec::new();
    let mut tree = Tree::default();
    let nlevels = cfg.nlevels();

    for li in 0..nlevels {
        let energy = cfg.level_energy(li + 1);
        let theta = if cfg.no_split {
            energy + cfg.delta
        } else {
            energy
        };
        let cut = energy + cfg.delta;
        uf.reset();
        touched.iter_mut().for_each(|t| *t = false);
        for &(e, a, b) in &edges {
            if e.partial_cmp(&theta) != Some(std::cmp::Ordering::Less) {
                break;
            }
            uf.union(a, b);
            touched[a as usize] = true;
            touched[b as usize] = true;
        }
        let stamp = li as u32;
        let mut level = Level {
            energy,
            ..Level::default()
        };
        colour_state.clear();
        for m in 0..n {
            cur[m] = 0;
            if conn.excluded[m]
                || !(touched[m] || (db.energies[m] < cut && conn.may_stand_alone(m)))
            {
                continue;
            }
            let r = uf.find(m as u32) as usize;
            if basin_stamp[r] != stamp {
                basin_stamp[r] = stamp;
                level.basins += 1;
            }
            if !input.visible[m] {
                continue;
            }
            let listed = input.trmin.map_or(0, |t| t[m]);
            let k = if root_stamp[r] != stamp {
                root_stamp[r] = stamp;
                let k = level.size.len() as u32;
                node_of_root[r] = k;
                level.size.push(0);
                level.lowest.push(m as u32);
                level
                    .parent
                    .push(if li == 0 { u32::MAX } else { prev[m] - 1 });
                colour_state.push(if listed == 0 { -1 } else { 0 });
                k
            } else {
                node_of_root[r]
            };
            let ku = k as usize;
            cur[m] = k + 1;
            level.size[ku] += 1;
            if db.energies[m] < db.energies[level.lowest[ku] as usize] {
                level.lowest[ku] = m as u32;
            }
            let cs = &mut colour_state[ku];
            if *cs >= 0 {
                *cs = if listed == 0 {
                    -1
                } else {
                    (*cs).max(listed as i64)
                };
            }
        }
        level.colour = colour_state.iter().map(|&c| c.max(0) as u32).collect();
        level.gmin_node = match cur[conn.gmin] {
            0 => None,
            k => Some(k - 1),
        };
        let nk = level.len();
        level.col0 = vec![0; nk];
        level.x = vec![0.0; nk];
        if li == 0 {
            level.order = (0..nk as u32).collect();
            let mut c = 1u32;
            for k in 0..nk {
                level.col0[k] = c;
                c += level.size[k];
            }
            tree.ncols = c - 1;
        } else {
            let up = tree.levels.last_mut().expect("previous level");
            // Children of the previous level's nodes, ascending (CONNECT lists).
            let mut start = vec![0u32; up.len() + 1];
            for &p in &level.parent {
                start[p as usize + 1] += 1;
            }
            for k in 0..up.len() {
                start[k + 1] += start[k];
            }
            let mut fill = start.clone();
            let mut children = vec![0u32; nk];
            for (k, &p) in level.parent.iter().enumerate() {
                children[fill[p as usize] as usize] = k as u32;
                fill[p as usize] += 1;
            }
            up.child_start = start;
            up.children = children;
            let centre = if cfg.centre_gmin {
                level.gmin_node
            } else {
                None
            };
            let mut sizes = Vec::new();
            level.order.reserve(nk);
            for &p in &up.order {
                let kids = up.children_of(p as usize);
                if kids.is_empty() {
                    continue;
                }
                sizes.clear();
                sizes.extend(kids.iter().map(|&k| level.size[k as usize]));
                let block = arrange_children(kids, &sizes, centre);
                let mut c = up.col0[p as usize];
                for &k in &block {
                    level.col0[k as usize] = c;
                    c += level.size[k as usize];
                }
                level.order.extend_from_slice(&block);
            }
        }
        let ncols = tree.ncols as f32;
        for k in 0..nk {
            level.x[k] = ((level.col0[k] as f32 + level.size[k] as f32 / 2.0) - 1.0) / ncols;
        }
        if let Some(s) = sink.as_mut() {
            s(li, &level, &cur);
        }
        tree.levels.push(level);
        std::mem::swap(&mut prev, &mut cur);
    }
    tree
}

impl Tree {
    /// Is node `k` of level `li` a leaf (no children)?
    pub fn is_leaf(&self, li: usize, k: usize) -> bool {
        self.levels[li].children_of(k).is_empty()
    }

    /// Total number of nodes over all levels.
    pub fn total_nodes(&self) -> usize {
        self.levels.iter().map(Level::len).sum()
    }
}
