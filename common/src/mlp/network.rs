//! Feed-forward tanh networks in the Fortran variable layout.
//!
//! A network has layer sizes `[n_0, n_1, ..., n_L, n_{L+1}]`: `n_0 = Nin` inputs, `L ≥ 0` hidden
//! tanh layers, `n_{L+1} = Nout` linear outputs. Weight matrix `k` (0-based, `k = 0..=L`) maps
//! layer `k` (the *source*, `S = n_k` nodes) to layer `k + 1` (the *target*, `T = n_{k+1}`
//! nodes):
//!
//! ```text
//! z_0 = x;   a_{k+1} = W_k z_k (+ b_k);   z_{k+1} = tanh(a_{k+1}) (k < L);   y = a_{L+1}
//! ```
//!
//! **Variable layout** (0-based indices into the NOPT vector, exactly the Fortran order):
//! 1. all weight matrices in layer order `W_0, W_1, ..., W_L`; entry `(t, s)` (target `t`,
//!    source `s`) of `W_k` at `weight_offset(k) + t·S + s`, i.e. the **source (fan-in) index
//!    runs fastest**;
//! 2. then, if the network has biases, all bias vectors in layer order `b_0` (first hidden
//!    layer), ..., `b_L` (output layer); `b_k[t]` at `bias_offset(k) + t`.
//!
//! For one hidden layer this is MLP3 (no biases: `w2(j,k)` at `(j−1)·I + k`, `w1(i,j)` at
//! `H·I + (i−1)·H + j`, 1-based) and MLPVB3 (then `bh(j)`, `bo(i)`).

use std::ops::Range;

/// Layer sizes and bias flag of a feed-forward tanh network, with the variable layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    sizes: Vec<usize>,
    biases: bool,
    /// `w_off[k]` = offset of `W_k`; `w_off[L+1]` = number of weights.
    w_off: Vec<usize>,
    /// `b_off[k]` = offset of `b_k` (equal to the number of weights when there are no biases).
    b_off: Vec<usize>,
    /// `node_off[j]` = offset of layer `j + 1` (hidden layers, then output) in per-node buffers.
    node_off: Vec<usize>,
    nopt: usize,
}

impl Network {
    /// A network with layer sizes `[Nin, H1, ..., HL, Nout]` (at least two entries, all ≥ 1).
    pub fn new(sizes: Vec<usize>, biases: bool) -> Result<Self, String> {
        if sizes.len() < 2 {
            return Err("a network needs at least an input and an output layer".into());
        }
        if let Some(pos) = sizes.iter().position(|&n| n == 0) {
            return Err(format!("layer {pos} of the network has no nodes"));
        }
        let nmat = sizes.len() - 1;
        let mut w_off = Vec::with_capacity(nmat + 1);
        let mut acc = 0;
        for k in 0..nmat {
            w_off.push(acc);
            acc += sizes[k] * sizes[k + 1];
        }
        w_off.push(acc);
        let nweights = acc;
        let mut b_off = Vec::with_capacity(nmat);
        for k in 0..nmat {
            b_off.push(acc);
            if biases {
                acc += sizes[k + 1];
            }
        }
        let mut node_off = Vec::with_capacity(nmat + 1);
        let mut nodes = 0;
        for &n in &sizes[1..] {
            node_off.push(nodes);
            nodes += n;
        }
        node_off.push(nodes);
        debug_assert!(nweights <= acc);
        Ok(Self {
            sizes,
            biases,
            w_off,
            b_off,
            node_off,
            nopt: acc,
        })
    }

    /// Layer sizes `[Nin, H1, ..., HL, Nout]`.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Number of hidden layers `L`.
    pub fn n_hidden_layers(&self) -> usize {
        self.sizes.len() - 2
    }

    /// Number of weight matrices (`L + 1`).
    pub fn n_matrices(&self) -> usize {
        self.sizes.len() - 1
    }

    /// Whether every hidden and output node has a bias.
    pub fn has_biases(&self) -> bool {
        self.biases
    }

    /// Number of inputs.
    pub fn nin(&self) -> usize {
        self.sizes[0]
    }

    /// Number of outputs (classes).
    pub fn nout(&self) -> usize {
        *self.sizes.last().expect("non-empty")
    }

    /// Number of weights (the leading block of the variable vector).
    pub fn n_weights(&self) -> usize {
        self.w_off[self.n_matrices()]
    }

    /// Number of bias variables (the trailing block; 0 without biases).
    pub fn n_biases(&self) -> usize {
        self.nopt - self.n_weights()
    }

    /// Total number of variables NOPT.
    pub fn nopt(&self) -> usize {
        self.nopt
    }

    /// 0-based offset of weight matrix `k`.
    pub fn weight_offset(&self, k: usize) -> usize {
        self.w_off[k]
    }

    /// 0-based index range of weight matrix `k` (row-major `T × S`, source fastest).
    pub fn weight_range(&self, k: usize) -> Range<usize> {
        self.w_off[k]..self.w_off[k + 1]
    }

    /// 0-based index of entry (target `t`, source `s`) of weight matrix `k`.
    pub fn weight_index(&self, k: usize, t: usize, s: usize) -> usize {
        debug_assert!(t < self.sizes[k + 1] && s < self.sizes[k]);
        self.w_off[k] + t * self.sizes[k] + s
    }

    /// 0-based offset of bias vector `k` (the biases of layer `k + 1`).
    pub fn bias_offset(&self, k: usize) -> usize {
        self.b_off[k]
    }

    /// 0-based index range of bias vector `k` (empty without biases).
    pub fn bias_range(&self, k: usize) -> Range<usize> {
        let len = if self.biases { self.sizes[k + 1] } else { 0 };
        self.b_off[k]..self.b_off[k] + len
    }

    /// 0-based index of the bias of node `t` of layer `k + 1`, if the network has biases.
    pub fn bias_index(&self, k: usize, t: usize) -> Option<usize> {
        self.biases.then(|| self.b_off[k] + t)
    }

    /// Whether variable `v` (0-based) is a bias.
    pub fn is_bias(&self, v: usize) -> bool {
        v >= self.n_weights()
    }

    /// Total number of hidden plus output nodes (per-item buffer size).
    pub(crate) fn n_nodes(&self) -> usize {
        self.node_off[self.n_matrices()]
    }

    /// Largest width of a hidden or output layer (the inputs excluded).
    pub(crate) fn max_node_width(&self) -> usize {
        self.sizes[1..].iter().copied().max().unwrap_or(0)
    }

    /// Range of layer `j` (`1..=L+1`) in per-node buffers.
    #[inline]
    pub(crate) fn layer(&self, j: usize) -> Range<usize> {
        self.node_off[j - 1]..self.node_off[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_counts() {
        let n = Network::new(vec![2, 5, 5, 4], true).unwrap();
        assert_eq!(n.nopt(), 69);
        assert_eq!(n.n_weights(), 55);
        assert_eq!(Network::new(vec![2, 4, 4, 4, 4], true).unwrap().nopt(), 72);
        assert_eq!(Network::new(vec![2, 10, 4], true).unwrap().nopt(), 74);
        assert_eq!(Network::new(vec![784, 10, 10], true).unwrap().nopt(), 7960);
        assert_eq!(Network::new(vec![2, 3, 4], false).unwrap().nopt(), 18);
        let n = Network::new(vec![4, 3, 2], true).unwrap();
        assert_eq!(n.weight_index(0, 1, 2), 6);
        assert_eq!(n.weight_index(1, 1, 0), 15);
        assert_eq!(n.bias_index(0, 0), Some(18));
        assert_eq!(n.bias_index(1, 1), Some(22));
        assert_eq!(n.layer(1), 0..3);
        assert_eq!(n.layer(2), 3..5);
        assert!(Network::new(vec![2], true).is_err());
        assert!(Network::new(vec![2, 0, 1], true).is_err());
    }
}
