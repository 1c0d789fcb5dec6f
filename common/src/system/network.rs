//! The symmetry group of a tanh network's loss, and the optimal alignment of two networks
//! under it (PERMDIST for the MLP potentials).
//!
//! The loss of a feed-forward tanh network ([`Network`]) does not change when the units of one
//! hidden layer are permuted (their incoming weights, bias and outgoing weights move together)
//! or when one hidden unit's incoming weights, bias and outgoing weights all change sign (tanh
//! is odd, so the unit's output changes sign and its outgoing weights undo it). The L2
//! regulariser is invariant too. A network with hidden layers of sizes H1..HL therefore has
//! Π_l H_l!·2^{H_l} equivalent copies of every point.
//!
//! # The group element
//! A [`UnitMap`] holds, for every hidden layer `l` (0-based over the hidden layers), a
//! permutation `perm[l]` and signs `sign[l]` (±1): unit `j` of the image is unit `perm[l][j]`
//! of the original, multiplied by `sign[l][j]`. Applied to `b` ([`NetworkSymmetry::apply`]):
//!
//! ```text
//! W_k(t, s) ← σ_{k+1}(t) σ_k(s) · W_k(π_{k+1}(t), π_k(s)),   b_k(t) ← σ_{k+1}(t) · b_k(π_{k+1}(t))
//! ```
//!
//! with the input and output layers never permuted (π = identity, σ = +1).
//!
//! # Alignment ([`NetworkSymmetry::align`])
//! The distance `|a − g·b|` (the norm of the full difference vector, every variable counted)
//! is minimised over the group elements `g`.
//! - **One hidden layer** (MLP3, MLPVB3, MLPVB3NN, MLPMULTI with L = 1): the squared distance
//!   separates over hidden units, so the optimum is a linear assignment with the cost
//!   `min_{s=±1} |u_a(j) − s·u_b(k)|²`, `u(j)` = unit `j`'s incoming weights, bias and
//!   outgoing weights; the output biases are untouched. This is **exact**.
//! - **Several hidden layers** (MLPMULTI): a heuristic. A forward pass aligns layer after
//!   layer, each by the assignment of the units' incoming weights and biases given the
//!   alignment of the layer before (the last hidden layer includes its outgoing weights, since
//!   the outputs are fixed). Then coordinate descent: each layer in turn is re-solved
//!   exactly with its two neighbouring layers held fixed (the squared distance then separates
//!   over that layer's units), until a sweep no longer decreases the distance. The descent is
//!   also started from the identity and the better result is kept, so the aligned distance is
//!   never larger than the plain Euclidean distance.
//!
//! # Frozen variables (MLPVB3NN, FREEZE)
//! A frozen variable keeps its value, so only the group elements that map the frozen mask onto
//! itself **and** keep every frozen value are symmetries of the constrained landscape. The
//! alignment uses exactly that subgroup: a unit pair (j, k) with sign s is admissible when every
//! variable of unit j's image that is frozen comes from a frozen variable of b and equals b's
//! value there (relative tolerance 1e-12). With nearest-neighbour connectivity most unit
//! pairs are therefore excluded (their frozen patterns differ); units with the same pattern
//! may still be exchanged, and a sign flip is allowed when the unit's frozen weights are zero.

use crate::geometry::solve_assignment;
use crate::mlp::Network;
use crate::potential::FrozenMask;

/// A hidden-unit permutation with sign choice for every hidden layer (see the module
/// documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMap {
    /// `perm[l][j]`: the unit of the original placed at position `j` of hidden layer `l`.
    pub perm: Vec<Vec<usize>>,
    /// `sign[l][j]`: ±1, the sign applied to that unit.
    pub sign: Vec<Vec<f64>>,
}

impl UnitMap {
    /// The identity of a network with hidden layer sizes `hidden`.
    pub fn identity(hidden: &[usize]) -> Self {
        Self {
            perm: hidden.iter().map(|&h| (0..h).collect()).collect(),
            sign: hidden.iter().map(|&h| vec![1.0; h]).collect(),
        }
    }

    /// Whether this is the identity.
    pub fn is_identity(&self) -> bool {
        self.perm
            .iter()
            .all(|p| p.iter().enumerate().all(|(j, &k)| j == k))
            && self.sign.iter().flatten().all(|&s| s > 0.0)
    }
}

/// The result of [`NetworkSymmetry::align`].
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkAlignment {
    /// `|a − b_aligned|` (the norm of the full NOPT difference vector).
    pub distance: f64,
    /// `b` moved to its best image against `a` (same loss as `b`).
    pub b_aligned: Vec<f64>,
    /// The group element applied to `b`.
    pub map: UnitMap,
}

/// The hidden-unit symmetry group of one network shape, restricted to the elements that keep a
/// frozen mask (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSymmetry {
    network: Network,
    frozen: Option<FrozenMask>,
}

/// Maximum coordinate-descent sweeps for several hidden layers.
const MAX_SWEEPS: usize = 50;
/// Relative tolerance of the frozen-value test.
const FROZEN_TOL: f64 = 1.0e-12;

/// Where the entries of one unit's vector live, and the factor each takes from the fixed
/// neighbouring layers: `(position in the image, position in b, factor)`.
type UnitEntries = Vec<(usize, usize, f64)>;

impl NetworkSymmetry {
    /// The group of `network`; with `frozen`, the subgroup that keeps the frozen variables.
    ///
    /// # Panics
    /// If the mask's length is not the network's NOPT.
    pub fn new(network: Network, frozen: Option<FrozenMask>) -> Self {
        if let Some(m) = &frozen {
            assert_eq!(m.len(), network.nopt(), "frozen mask length is not NOPT");
        }
        let frozen = frozen.filter(|m| m.count() > 0);
        Self { network, frozen }
    }

    /// The network shape.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The frozen mask, if any variable is frozen.
    pub fn frozen(&self) -> Option<&FrozenMask> {
        self.frozen.as_ref()
    }

    /// Sizes of the hidden layers.
    fn hidden(&self) -> Vec<usize> {
        let s = self.network.sizes();
        s[1..s.len() - 1].to_vec()
    }

    /// Permutation and sign of layer `k` of the network (0 = inputs, L+1 = outputs).
    fn layer_map(map: &UnitMap, nlayers: usize, k: usize, t: usize) -> (usize, f64) {
        if k == 0 || k == nlayers - 1 {
            (t, 1.0)
        } else {
            (map.perm[k - 1][t], map.sign[k - 1][t])
        }
    }

    /// The image `g·b` of `b` under the group element `map`.
    ///
    /// # Panics
    /// If `b.len()` is not NOPT or `map` does not fit the network.
    pub fn apply(&self, b: &[f64], map: &UnitMap) -> Vec<f64> {
        let net = &self.network;
        assert_eq!(b.len(), net.nopt(), "apply: b has the wrong length");
        let sizes = net.sizes();
        let nl = sizes.len();
        let mut out = vec![0.0; b.len()];
        for k in 0..net.n_matrices() {
            for t in 0..sizes[k + 1] {
                let (pt, st) = Self::layer_map(map, nl, k + 1, t);
                for s in 0..sizes[k] {
                    let (ps, ss) = Self::layer_map(map, nl, k, s);
                    out[net.weight_index(k, t, s)] = st * ss * b[net.weight_index(k, pt, ps)];
                }
                if let Some(i) = net.bias_index(k, t) {
                    out[i] = st * b[net.bias_index(k, pt).expect("biases")];
                }
            }
        }
        out
    }

    /// The entries of unit `unit` of hidden layer `layer` (1-based network layer) as seen from
    /// unit `src` of b: incoming weights, bias and (with `outgoing`) outgoing weights, with the
    /// factors of the neighbouring layers' current maps.
    fn unit_entries(
        &self,
        map: &UnitMap,
        layer: usize,
        unit: usize,
        src: usize,
        outgoing: bool,
    ) -> UnitEntries {
        let net = &self.network;
        let sizes = net.sizes();
        let nl = sizes.len();
        let mut e = Vec::with_capacity(sizes[layer - 1] + 1 + sizes[layer + 1]);
        for s in 0..sizes[layer - 1] {
            let (ps, ss) = Self::layer_map(map, nl, layer - 1, s);
            e.push((
                net.weight_index(layer - 1, unit, s),
                net.weight_index(layer - 1, src, ps),
                ss,
            ));
        }
        if let (Some(p), Some(q)) = (
            net.bias_index(layer - 1, unit),
            net.bias_index(layer - 1, src),
        ) {
            e.push((p, q, 1.0));
        }
        if outgoing {
            for t in 0..sizes[layer + 1] {
                let (pt, st) = Self::layer_map(map, nl, layer + 1, t);
                e.push((
                    net.weight_index(layer, t, unit),
                    net.weight_index(layer, pt, src),
                    st,
                ));
            }
        }
        e
    }

    /// Whether sign `s` on the entries `e` keeps the frozen mask and values of `b`.
    fn admissible(&self, b: &[f64], e: &UnitEntries, s: f64) -> bool {
        let Some(mask) = &self.frozen else {
            return true;
        };
        e.iter().all(|&(p, q, f)| {
            let (fp, fq) = (mask.is_frozen(p), mask.is_frozen(q));
            if fp != fq {
                return false;
            }
            if !fp {
                return true;
            }
            let v = s * f * b[q];
            (v - b[p]).abs() <= FROZEN_TOL * (1.0 + b[p].abs())
        })
    }

    /// Solve hidden layer `layer` (1-based network layer) with the other layers of `map` held
    /// fixed; `outgoing` includes the outgoing weights in the cost. Updates `map` in place.
    fn solve_layer(&self, a: &[f64], b: &[f64], map: &mut UnitMap, layer: usize, outgoing: bool) {
        let h = self.network.sizes()[layer];
        // Entry lists do not depend on the layer's own map; build them once per (j, k).
        let entries: Vec<Vec<UnitEntries>> = (0..h)
            .map(|j| {
                (0..h)
                    .map(|k| self.unit_entries(map, layer, j, k, outgoing))
                    .collect()
            })
            .collect();
        let na: Vec<f64> = (0..h)
            .map(|j| entries[j][j].iter().map(|&(p, _, _)| a[p] * a[p]).sum())
            .collect();
        let nb: Vec<f64> = (0..h)
            .map(|k| entries[0][k].iter().map(|&(_, q, _)| b[q] * b[q]).sum())
            .collect();
        let mut cost = vec![0.0; h * h];
        let mut sign = vec![1.0; h * h];
        let mut forbidden = vec![false; h * h];
        for j in 0..h {
            for k in 0..h {
                let e = &entries[j][k];
                let dot: f64 = e.iter().map(|&(p, q, f)| a[p] * f * b[q]).sum();
                let prefer = if dot < 0.0 { -1.0 } else { 1.0 };
                let s = if self.admissible(b, e, prefer) {
                    Some(prefer)
                } else if self.admissible(b, e, -prefer) {
                    Some(-prefer)
                } else {
                    None
                };
                match s {
                    Some(s) => {
                        cost[j * h + k] = (na[j] + nb[k] - 2.0 * s * dot).max(0.0);
                        sign[j * h + k] = s;
                    }
                    None => forbidden[j * h + k] = true,
                }
            }
        }
        if forbidden.iter().any(|&f| f) {
            // Larger than any total of admissible costs (each is ≤ 2(|u_a|² + |u_b|²)).
            let big = 4.0 * (na.iter().sum::<f64>() + nb.iter().sum::<f64>()) + 1.0;
            for (c, &f) in cost.iter_mut().zip(&forbidden) {
                if f {
                    *c = big;
                }
            }
        }
        let (assign, _) = solve_assignment(&cost, h);
        if assign
            .iter()
            .enumerate()
            .any(|(j, &k)| forbidden[j * h + k])
        {
            // No admissible assignment given the neighbours: keep the layer as it is.
            return;
        }
        let l = layer - 1;
        for (j, &k) in assign.iter().enumerate() {
            map.perm[l][j] = k;
            map.sign[l][j] = sign[j * h + k];
        }
    }

    /// Whether `map` keeps every frozen variable of `b` (mask and value).
    pub fn keeps_frozen(&self, b: &[f64], map: &UnitMap) -> bool {
        let Some(mask) = &self.frozen else {
            return true;
        };
        let img = self.apply(b, map);
        // The image's frozen positions must come from frozen positions: compare the masks by
        // applying the map to the mask itself (as 0/1 values, signs ignored).
        let flags: Vec<f64> = mask
            .flags()
            .iter()
            .map(|&f| if f { 1.0 } else { 0.0 })
            .collect();
        let moved = self.apply(&flags, map);
        mask.flags().iter().enumerate().all(|(i, &f)| {
            (moved[i].abs() > 0.5) == f
                && (!f || (img[i] - b[i]).abs() <= FROZEN_TOL * (1.0 + b[i].abs()))
        })
    }

    fn sq_distance(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
    }

    /// Coordinate descent from `map`: re-solve each hidden layer with its neighbours fixed
    /// until a sweep no longer decreases the distance. Returns the squared distance.
    fn descend(&self, a: &[f64], b: &[f64], map: &mut UnitMap) -> f64 {
        let nh = self.network.n_hidden_layers();
        let mut d2 = Self::sq_distance(a, &self.apply(b, map));
        if nh < 2 {
            return d2;
        }
        for _ in 0..MAX_SWEEPS {
            let before = d2;
            for layer in 1..=nh {
                let mut trial = map.clone();
                self.solve_layer(a, b, &mut trial, layer, true);
                let t2 = Self::sq_distance(a, &self.apply(b, &trial));
                if t2 < d2 {
                    *map = trial;
                    d2 = t2;
                }
            }
            if d2 >= before * (1.0 - 1.0e-14) {
                break;
            }
        }
        d2
    }

    /// Move `b` to its best image against `a` (see the module documentation).
    ///
    /// # Panics
    /// If the lengths are not NOPT.
    pub fn align(&self, a: &[f64], b: &[f64]) -> NetworkAlignment {
        let nopt = self.network.nopt();
        assert_eq!(a.len(), nopt, "align: a has the wrong length");
        assert_eq!(b.len(), nopt, "align: b has the wrong length");
        let hidden = self.hidden();
        let nh = hidden.len();
        let identity = UnitMap::identity(&hidden);
        let mut best = identity.clone();
        let mut best_d2 = Self::sq_distance(a, b);
        if nh > 0 {
            // Forward pass: layer by layer, the last hidden layer with its outgoing weights.
            let mut fwd = identity.clone();
            for layer in 1..=nh {
                self.solve_layer(a, b, &mut fwd, layer, layer == nh);
            }
            let mut candidates = Vec::new();
            if self.keeps_frozen(b, &fwd) {
                candidates.push(fwd);
            }
            if nh > 1 {
                candidates.push(identity);
            }
            for mut m in candidates {
                let d2 = self.descend(a, b, &mut m);
                if d2 < best_d2 {
                    best_d2 = d2;
                    best = m;
                }
            }
        }
        let b_aligned = self.apply(b, &best);
        NetworkAlignment {
            distance: Self::sq_distance(a, &b_aligned).sqrt(),
            b_aligned,
            map: best,
        }
    }
}
