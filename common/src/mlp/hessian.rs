//! Exact dense Hessian of the MLP data term.
//!
//! **Method.** Write the variables in groups by layer, `G_k = (W_k, b_k)`. For a weight
//! `W_k[t,s]` the Hessian column (per item, before averaging) is
//! `z_k[s] · g_A(k,t) + δ_{k+1}[t] · g_B(k,s)`, where `g_A(k,t)` is the R-operator image of the
//! gradient for a unit perturbation of the pre-activation `a_{k+1}[t]` and `g_B(k,s)` (the
//! part coming from `∂(W_kᵀ δ)/∂W_k`) is non-zero only in the rows of groups `< k`; the column of
//! a bias `b_k[t]` is `g_A(k,t)` itself. So on the rows of groups `≥ k` every column of group `k`
//! is built from `g_A` alone:
//!
//! ```text
//! H[rows ≥ k, W_k[t, ·]] = (1/N) Σ_d g_A(k,t)_d z_{d,k}ᵀ      (a matrix product over items)
//! H[rows ≥ k, b_k[t]]    = (1/N) Σ_d g_A(k,t)_d
//! ```
//!
//! Each column block `(k, t)` computes only the rows from its own first row onward (weights
//! `W_k[t..]`, `W_{k+1}`, ...; biases `b_k`, `b_{k+1}`, ...); the rest of the matrix follows by
//! symmetry, and entries computed twice (inside diagonal blocks) are averaged, so the result
//! is exactly symmetric.
//!
//! **Evaluation.** Items are taken in the chunks of [`CHUNK`] of the batched passes: one
//! forward/backward pass per chunk (keeping `e = Wᵀδ`), then for every column block and chunk
//! an R-pass vectorised over the chunk's items (blocks of 8, [`Simd`]), the block's rows for
//! all items of the chunk, and one BLAS product with the source activations.
//!
//! **Cost.** `N·(Σ_{l≥1} n_l)` item R-passes of `O(NOPT)` each and matrix products totalling
//! about `N·NOPT²/2` multiply-adds, plus an `O(NOPT²)` symmetrisation. Memory: the
//! `NOPT × NOPT` result, the chunks' activations, and per column block in flight a
//! `NOPT × CHUNK` buffer. Examples: `[2,10,4]` with 1000 items, ~2.7 M multiply-adds;
//! MNIST-sized `[784,10,10]` (NOPT 7960) ~3.2·10⁷ multiply-adds per item plus the 0.5 GB
//! matrix. Column blocks run in parallel; each entry is accumulated over the chunks in order,
//! so its value does not depend on the thread count.

use nalgebra::DMatrix;
use rayon::prelude::*;

use super::batch::{
    softmax_r_delta, transpose_inputs, weighted_rows, weighted_rows_n, Batch, Weights, INTERLEAVE,
};
use super::data::MlpData;
use super::kept::Kept;
use super::kernel::isa_dispatch;
use super::loss::CHUNK;
use super::network::Network;
use crate::linalg::gemm_row_major as gemm;
use crate::simd::{block, block_mut, AlignedBuf, Simd, W};

/// One column block: the columns of `W_k[t, ·]` and (with biases) of `b_k[t]`.
struct Block<'a> {
    k: usize,
    t: usize,
    wcols: &'a mut [f64],
    bcol: Option<&'a mut [f64]>,
}

/// What one chunk's forward/backward pass leaves for the R-passes (node-major, `CHUNK` items
/// per node, like the batched buffers).
#[derive(Debug)]
pub(crate) struct ChunkState {
    /// Items in the chunk.
    nc: usize,
    /// Inputs, `Nin × CHUNK` (zero past the items).
    xt: AlignedBuf,
    /// Hidden `z` and outputs `y`.
    act: AlignedBuf,
    /// `δ` of every layer (zero past the items).
    del: AlignedBuf,
    /// `e = Wᵀδ` of the hidden layers.
    err: AlignedBuf,
    /// Softmax probabilities, `Nout × CHUNK`.
    p: AlignedBuf,
}

/// A worker's buffers for its column blocks, sized for the largest (every row).
struct Scratch {
    ga: AlignedBuf,
    ract: AlignedBuf,
    rdel: AlignedBuf,
    bsum: Vec<f64>,
}

impl Scratch {
    fn new(net: &Network) -> Self {
        Self {
            ga: AlignedBuf::zeros(net.nopt() * CHUNK),
            ract: AlignedBuf::zeros(net.n_nodes() * CHUNK),
            rdel: AlignedBuf::zeros(net.n_nodes() * CHUNK),
            bsum: vec![0.0; net.nopt()],
        }
    }
}

/// The chunks' states of the last dense Hessian, kept by the potential so that the next call
/// overwrites them instead of allocating (and faulting in) fresh buffers.
pub(crate) type HessianCache = Kept<Vec<ChunkState>>;

/// `(1/N) Σ_d ∇²ℓ_d` (data term only), dense `NOPT × NOPT`, exactly symmetric.
pub(crate) fn dense_data_hessian(
    net: &Network,
    data: &MlpData,
    w: &[f64],
    cache: &HessianCache,
) -> DMatrix<f64> {
    let n = data.ndata();
    let nopt = net.nopt();
    let nin = net.nin();
    let sizes = net.sizes();
    let nmat = net.n_matrices();
    let nchunks = n.div_ceil(CHUNK);
    let mut local = Vec::new();
    let mut guard = cache.try_hold();
    let states: &mut Vec<ChunkState> = guard.as_deref_mut().unwrap_or(&mut local);
    let nout = net.nout();
    let weights = Weights::new(net, w);
    states.resize_with(nchunks, || ChunkState {
        nc: 0,
        xt: AlignedBuf::zeros(nin * CHUNK),
        act: AlignedBuf::zeros(net.n_nodes() * CHUNK),
        del: AlignedBuf::zeros(net.n_nodes() * CHUNK),
        err: AlignedBuf::zeros(net.n_nodes() * CHUNK),
        p: AlignedBuf::zeros(nout * CHUNK),
    });
    states.par_iter_mut().enumerate().for_each_init(
        || {
            let mut b = Batch::new(net);
            b.keep_errors(net);
            (b, vec![0.0; nopt])
        },
        |(bt, g), (ci, st)| {
            let d0 = ci * CHUNK;
            let nc = CHUNK.min(n - d0);
            let xs = &data.inputs()[d0 * nin..(d0 + nc) * nin];
            let labels = &data.labels()[d0..d0 + nc];
            bt.forward(net, &weights, xs);
            bt.softmax(net, labels);
            g.fill(0.0);
            bt.backward(net, w, xs, labels, g, false);
            let super::batch::BatchStates { act, del, err, p } = bt.states();
            st.nc = nc;
            transpose_inputs(xs, nin, &mut st.xt);
            st.act.copy_from_slice(act);
            st.del.copy_from_slice(del);
            st.err.copy_from_slice(err.expect("errors kept"));
            st.p.copy_from_slice(&p[..nout * CHUNK]);
        },
    );
    let states: &[ChunkState] = states;

    let mut h = DMatrix::zeros(nopt, nopt);
    {
        let (wpart, mut bpart) = h.as_mut_slice().split_at_mut(net.n_weights() * nopt);
        let mut rest = wpart;
        let mut blocks = Vec::new();
        for k in 0..nmat {
            for t in 0..sizes[k + 1] {
                let (a, b) = std::mem::take(&mut rest).split_at_mut(sizes[k] * nopt);
                rest = b;
                blocks.push(Block {
                    k,
                    t,
                    wcols: a,
                    bcol: None,
                });
            }
        }
        if net.has_biases() {
            for blk in blocks.iter_mut() {
                let (a, b) = std::mem::take(&mut bpart).split_at_mut(nopt);
                bpart = b;
                blk.bcol = Some(a);
            }
        }
        let inv_n = 1.0 / n as f64;
        // One scratch per worker, reused by its column blocks.
        blocks.into_par_iter().for_each_init(
            || Scratch::new(net),
            |scratch, blk| column_block(net, w, states, inv_n, blk, scratch),
        );
    }
    symmetrise(net, &mut h);
    h
}

isa_dispatch! {
    [s]
    /// Fill the rows from the block's first row onward of the columns of `W_k[t, ·]` and
    /// `b_k[t]`, for the CPU's instruction set.
    fn column_block(
        net: &Network,
        w: &[f64],
        states: &[ChunkState],
        inv_n: f64,
        blk: Block<'_>,
        scratch: &mut Scratch,
    ) {
        column_block_impl(s, net, w, states, inv_n, blk, scratch)
    }
}

/// See [`column_block`].
#[inline(always)]
fn column_block_impl<S: Simd>(
    s: S,
    net: &Network,
    w: &[f64],
    states: &[ChunkState],
    inv_n: f64,
    blk: Block<'_>,
    scratch: &mut Scratch,
) {
    let Block { k, t, wcols, bcol } = blk;
    let sizes = net.sizes();
    let nmat = net.n_matrices();
    let nopt = net.nopt();
    let nweights = net.n_weights();
    let s_n = sizes[k];
    let r1 = net.weight_index(k, t, 0);
    let len1 = nweights - r1;
    let r2 = net.bias_offset(k);
    let len2 = nopt - r2;
    let rows = len1 + len2;
    let nodes = net.n_nodes();
    let Scratch {
        ga,
        ract,
        rdel,
        bsum,
    } = scratch;
    let ga = &mut ga[..rows * CHUNK];
    let ract = &mut ract[..nodes * CHUNK];
    let rdel = &mut rdel[..nodes * CHUNK];
    let bsum = &mut bsum[..if bcol.is_some() { rows } else { 0 }];
    // Zeroed as fresh buffers would be.
    ga.fill(0.0);
    ract.fill(0.0);
    rdel.fill(0.0);
    bsum.fill(0.0);
    let one = s.splat(1.0);
    let off = |j: usize| net.layer(j).start * CHUNK;
    let j0 = k + 1;
    for st in states {
        let nc = st.nc;
        let nb = nc.next_multiple_of(W);
        // R-forward from a unit perturbation of a_{k+1}[t]: R{z}_{k+1} = (1 − z_t²) e_t
        // (R{y} = e_t when k+1 is the output layer), then through the layers above.
        let lj0 = off(j0);
        ract[lj0..lj0 + sizes[j0] * CHUNK].fill(0.0);
        for b0 in (0..nb).step_by(W) {
            let v = if j0 == nmat {
                one
            } else {
                let z = s.load(block(&st.act, lj0 + t * CHUNK + b0));
                s.sub(one, s.mul(z, z))
            };
            s.store(block_mut(ract, lj0 + t * CHUNK + b0), v);
        }
        for m in j0..nmat {
            let (sm, tm) = (sizes[m], sizes[m + 1]);
            let wm = &w[net.weight_range(m)];
            let (lo, hi) = ract.split_at_mut(off(m + 1));
            let rsrc = &lo[off(m)..];
            let hidden = m + 1 < nmat;
            let zero = s.splat(0.0);
            for i in 0..tm {
                let row = &wm[i * sm..(i + 1) * sm];
                let mut b0 = 0;
                while b0 < nb {
                    // INTERLEAVE blocks at once where whole groups remain, else one.
                    let whole = b0 + INTERLEAVE * W <= nb;
                    let group = if whole {
                        weighted_rows_n(s, [zero; INTERLEAVE], row, 1, sm, rsrc, b0)
                    } else {
                        let mut g = [zero; INTERLEAVE];
                        g[0] = weighted_rows(s, zero, row, 1, sm, rsrc, b0);
                        g
                    };
                    let nblk = if whole { INTERLEAVE } else { 1 };
                    for (u, &acc) in group.iter().take(nblk).enumerate() {
                        let at = i * CHUNK + b0 + u * W;
                        let mut acc = acc;
                        if hidden {
                            let z = s.load(block(&st.act, off(m + 1) + at));
                            acc = s.mul(acc, s.sub(one, s.mul(z, z)));
                        }
                        s.store(block_mut(hi, at), acc);
                    }
                    b0 += nblk * W;
                }
            }
        }
        // Output: R{δ} = p ⊙ (R{y} − p·R{y}).
        let out = off(nmat);
        let nout = net.nout();
        for b0 in (0..nb).step_by(W) {
            softmax_r_delta(s, &st.p, &ract[out..], &mut rdel[out..], nout, b0);
        }
        // R-backward: R{δ}_m = (W_mᵀ R{δ}_{m+1}) ⊙ (1 − z²) − 2 e ⊙ z ⊙ R{z}.
        for m in (j0..nmat).rev() {
            let (sm, tm) = (sizes[m], sizes[m + 1]);
            let wm = &w[net.weight_range(m)];
            let (lo, hi) = rdel.split_at_mut(off(m + 1));
            let base = off(m);
            let zero = s.splat(0.0);
            for si in 0..sm {
                let mut b0 = 0;
                while b0 < nb {
                    let whole = b0 + INTERLEAVE * W <= nb;
                    let group = if whole {
                        weighted_rows_n(s, [zero; INTERLEAVE], &wm[si..], sm, tm, hi, b0)
                    } else {
                        let mut g = [zero; INTERLEAVE];
                        g[0] = weighted_rows(s, zero, &wm[si..], sm, tm, hi, b0);
                        g
                    };
                    let nblk = if whole { INTERLEAVE } else { 1 };
                    for (u, &re) in group.iter().take(nblk).enumerate() {
                        let q = base + si * CHUNK + b0 + u * W;
                        let z = s.load(block(&st.act, q));
                        let e = s.load(block(&st.err, q));
                        let rz = s.load(block(ract, q));
                        let two_ezr = s.mul(s.mul(s.mul(s.splat(2.0), e), z), rz);
                        let v = s.sub(s.mul(re, s.sub(one, s.mul(z, z))), two_ezr);
                        s.store(block_mut(lo, q), v);
                    }
                    b0 += nblk * W;
                }
            }
        }
        // The block's rows for every item: weights W_m[i, ·] (m ≥ k, from row t of W_k),
        // R{δ}_i z_s + δ_i R{z}_s (the second term for m > k), then biases R{δ}.
        let mut pos = 0;
        for m in k..nmat {
            let sm = sizes[m];
            let src: &[f64] = if m == 0 { &st.xt } else { &st.act[off(m)..] };
            let t0 = if m == k { t } else { 0 };
            for i in t0..sizes[m + 1] {
                let rd_i = &rdel[off(m + 1) + i * CHUNK..];
                let d_i = &st.del[off(m + 1) + i * CHUNK..];
                for si in 0..sm {
                    let row = &mut ga[pos * CHUNK..(pos + 1) * CHUNK];
                    for b0 in (0..nb).step_by(W) {
                        let rd = s.load(block(rd_i, b0));
                        let mut v = s.mul(rd, s.load(block(src, si * CHUNK + b0)));
                        if m > k {
                            let rz = s.load(block(ract, off(m) + si * CHUNK + b0));
                            v = s.fma(s.load(block(d_i, b0)), rz, v);
                        }
                        s.store(block_mut(row, b0), v);
                    }
                    pos += 1;
                }
            }
        }
        if net.has_biases() {
            for m in k..nmat {
                let len = sizes[m + 1] * CHUNK;
                let r0 = off(m + 1);
                ga[pos * CHUNK..pos * CHUNK + len].copy_from_slice(&rdel[r0..r0 + len]);
                pos += sizes[m + 1];
            }
        }
        debug_assert_eq!(pos, rows);
        // H[rows, W_k[t, s']] += (1/N) Σ_b ga[row][b] z_k[s'][b]; the block's columns are
        // stored one after another (s_n × NOPT, row-major).
        let zk: &[f64] = if k == 0 { &st.xt } else { &st.act[off(k)..] };
        let dims = (s_n, len1, nc);
        gemm(
            false,
            true,
            dims,
            inv_n,
            (zk, CHUNK),
            (ga, CHUNK),
            1.0,
            (&mut wcols[r1..], nopt),
        );
        if len2 > 0 {
            let dims = (s_n, len2, nc);
            let gb = &ga[len1 * CHUNK..];
            gemm(
                false,
                true,
                dims,
                inv_n,
                (zk, CHUNK),
                (gb, CHUNK),
                1.0,
                (&mut wcols[r2..], nopt),
            );
        }
        // Σ_b of the rows that the bias column uses (those of the next layers' weights and of
        // the biases), by lanes; the lanes past the items are zeroed first.
        if !bsum.is_empty() {
            let first = net.weight_offset(k + 1) - r1;
            for (bs, row) in bsum[first..]
                .iter_mut()
                .zip(ga[first * CHUNK..].chunks_exact_mut(CHUNK))
            {
                row[nc..nb].fill(0.0);
                let mut acc = s.splat(0.0);
                for b0 in (0..nb).step_by(W) {
                    acc = s.add(acc, s.load(block(row, b0)));
                }
                *bs += s.reduce(acc);
            }
        }
    }
    if let Some(bc) = bcol {
        let w_next = net.weight_offset(k + 1);
        let off = w_next - r1;
        for (h, b) in bc[w_next..nweights].iter_mut().zip(&bsum[off..len1]) {
            *h = b * inv_n;
        }
        for (h, b) in bc[r2..].iter_mut().zip(&bsum[len1..]) {
            *h = b * inv_n;
        }
    }
}

/// Complete the matrix from the computed entries: an entry `(r, c)` was computed when `r` is at
/// or after the first row of `c`'s block; pairs computed twice are averaged, the others copied.
fn symmetrise(net: &Network, h: &mut DMatrix<f64>) {
    let nopt = net.nopt();
    let nw = net.n_weights();
    let sizes = net.sizes();
    let mut lo_w = vec![0; nopt];
    let mut lo_b = vec![0; nopt];
    for k in 0..net.n_matrices() {
        for t in 0..sizes[k + 1] {
            let start = net.weight_index(k, t, 0);
            for c in start..start + sizes[k] {
                lo_w[c] = start;
                lo_b[c] = net.bias_offset(k);
            }
        }
        for c in net.bias_range(k) {
            lo_w[c] = net.weight_offset(k + 1);
            lo_b[c] = net.bias_offset(k);
        }
    }
    let computed = |r: usize, c: usize| {
        if r < nw {
            r >= lo_w[c]
        } else {
            r >= lo_b[c]
        }
    };
    let a = h.as_mut_slice();
    const B: usize = 64;
    for cb in (0..nopt).step_by(B) {
        for rb in (cb..nopt).step_by(B) {
            for c in cb..(cb + B).min(nopt) {
                for r in rb.max(c + 1)..(rb + B).min(nopt) {
                    let rc = c * nopt + r;
                    let cr = r * nopt + c;
                    match (computed(r, c), computed(c, r)) {
                        (true, true) => {
                            let v = 0.5 * (a[rc] + a[cr]);
                            a[rc] = v;
                            a[cr] = v;
                        }
                        (true, false) => a[cr] = a[rc],
                        (false, true) => a[rc] = a[cr],
                        (false, false) => unreachable!("Hessian entry ({r}, {c}) not computed"),
                    }
                }
            }
        }
    }
}
