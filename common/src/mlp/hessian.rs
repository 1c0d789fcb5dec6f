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
//! **Cost.** One forward/backward pass per item, `N·(Σ_{l≥1} n_l)` R-passes of `O(NOPT)` each,
//! and matrix products totalling about `N·NOPT²/2` multiply-adds (nalgebra's cache-blocked
//! GEMM), plus an `O(NOPT²)` symmetrisation. Memory: the `NOPT × NOPT` result and, per column
//! block in flight, a `NOPT × min(N, 256)` buffer. Examples: `[2,10,4]` with 1000 items,
//! ~2.7 M multiply-adds (instant); MNIST-sized `[784,10,10]` (NOPT 7960) costs ~3.2·10⁷
//! multiply-adds per item plus the 0.5 GB matrix. Column blocks run in parallel and each
//! entry's value does not depend on the thread count.

use nalgebra::{DMatrix, DMatrixView, DMatrixViewMut};
use rayon::prelude::*;

use super::data::MlpData;
use super::kernel::{axpy, dot, softmax_nll, Scratch};
use super::loss::CHUNK;
use super::network::Network;

/// Items per matrix product.
const HCHUNK: usize = 256;

/// One column block: the columns of `W_k[t, ·]` and (with biases) of `b_k[t]`.
struct Block<'a> {
    k: usize,
    t: usize,
    wcols: &'a mut [f64],
    bcol: Option<&'a mut [f64]>,
}

/// `(1/N) Σ_d ∇²ℓ_d` (data term only), dense `NOPT × NOPT`, exactly symmetric.
pub(crate) fn dense_data_hessian(net: &Network, data: &MlpData, w: &[f64]) -> DMatrix<f64> {
    let n = data.ndata();
    let nopt = net.nopt();
    let nn = net.n_nodes();
    let st = 3 * nn + net.nout();
    let sizes = net.sizes();
    let nmat = net.n_matrices();

    // Per-item state: activations, δ, e = Wᵀδ, p.
    let mut states = vec![0.0; n * st];
    states.par_chunks_mut(st * CHUNK).enumerate().for_each_init(
        || Scratch::new(net),
        |sc, (ci, block)| {
            for (j, rec) in block.chunks_exact_mut(st).enumerate() {
                let d = ci * CHUNK + j;
                let x = data.input(d);
                let c = data.label(d);
                net.forward(w, x, &mut sc.act);
                softmax_nll(net.output(&sc.act), c, &mut sc.p);
                net.output_delta(&sc.p, c, &mut sc.del);
                net.backward(w, x, &sc.act, &mut sc.del, &mut sc.err, None);
                rec[..nn].copy_from_slice(&sc.act);
                rec[nn..2 * nn].copy_from_slice(&sc.del);
                rec[2 * nn..3 * nn].copy_from_slice(&sc.err);
                rec[3 * nn..].copy_from_slice(&sc.p);
            }
        },
    );

    // Source activations per weight matrix, N × n_k.
    let zmats: Vec<DMatrix<f64>> = (0..nmat)
        .map(|k| {
            if k == 0 {
                DMatrix::from_row_slice(n, sizes[0], data.inputs())
            } else {
                let start = net.layer(k).start;
                DMatrix::from_fn(n, sizes[k], |d, s| states[d * st + start + s])
            }
        })
        .collect();

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
        blocks.into_par_iter().for_each(|blk| {
            column_block(net, data, w, &states, st, &zmats[blk.k], blk);
        });
    }
    symmetrise(net, &mut h);
    h
}

/// Fill the rows from the block's first row onward of the columns of `W_k[t, ·]` and `b_k[t]`.
fn column_block(
    net: &Network,
    data: &MlpData,
    w: &[f64],
    states: &[f64],
    st: usize,
    zk: &DMatrix<f64>,
    blk: Block<'_>,
) {
    let Block { k, t, wcols, bcol } = blk;
    let nopt = net.nopt();
    let nweights = net.n_weights();
    let s_n = net.sizes()[k];
    let r1 = net.weight_index(k, t, 0);
    let len1 = nweights - r1;
    let r2 = net.bias_offset(k);
    let len2 = nopt - r2;
    let rows = len1 + len2;
    let n = data.ndata();
    let inv_n = 1.0 / n as f64;
    let mut ga = vec![0.0; rows * HCHUNK.min(n)];
    let mut bsum = vec![0.0; if bcol.is_some() { rows } else { 0 }];
    let mut sc = Scratch::new(net);
    let mut hview = DMatrixViewMut::from_slice(wcols, nopt, s_n);
    for d0 in (0..n).step_by(HCHUNK) {
        let nc = HCHUNK.min(n - d0);
        for (j, col) in ga.chunks_exact_mut(rows).take(nc).enumerate() {
            let d = d0 + j;
            a_pass(
                net,
                w,
                data.input(d),
                &states[d * st..(d + 1) * st],
                k,
                t,
                &mut sc,
                col,
            );
            if !bsum.is_empty() {
                for (b, g) in bsum.iter_mut().zip(col.iter()) {
                    *b += g;
                }
            }
        }
        let gav = DMatrixView::from_slice(&ga[..rows * nc], rows, nc);
        let zc = zk.rows(d0, nc);
        hview
            .rows_mut(r1, len1)
            .gemm(inv_n, &gav.rows(0, len1), &zc, 1.0);
        if len2 > 0 {
            hview
                .rows_mut(r2, len2)
                .gemm(inv_n, &gav.rows(len1, len2), &zc, 1.0);
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

/// R-pass for a unit perturbation of the pre-activation `a_{k+1}[t]` of one item; writes the
/// gradient's R-image on the rows of the block `(k, t)` (weights from `W_k[t, 0]` to the last
/// weight, then biases from `b_k`) into `out`.
#[allow(clippy::too_many_arguments)]
fn a_pass(
    net: &Network,
    w: &[f64],
    x: &[f64],
    rec: &[f64],
    k: usize,
    t: usize,
    sc: &mut Scratch,
    out: &mut [f64],
) {
    let sizes = net.sizes();
    let nmat = net.n_matrices();
    let nn = net.n_nodes();
    let act = &rec[..nn];
    let del = &rec[nn..2 * nn];
    let err = &rec[2 * nn..3 * nn];
    let p = &rec[3 * nn..];
    let Scratch {
        ract, rdel, tmp, ..
    } = sc;
    let j0 = k + 1;
    let lj0 = net.layer(j0);
    ract[lj0.clone()].fill(0.0);
    if j0 == nmat {
        ract[lj0.start + t] = 1.0;
    } else {
        let z = act[lj0.start + t];
        ract[lj0.start + t] = 1.0 - z * z;
        for m in j0..nmat {
            let (lo, hi) = ract.split_at_mut(net.layer(m + 1).start);
            let rsrc = &lo[net.layer(m)];
            let zt = &act[net.layer(m + 1)];
            let hidden = m + 1 < nmat;
            for (i, o) in hi[..sizes[m + 1]].iter_mut().enumerate() {
                let ra = dot(net.wrow(w, m, i), rsrc);
                *o = if hidden {
                    (1.0 - zt[i] * zt[i]) * ra
                } else {
                    ra
                };
            }
        }
    }
    net.output_r_delta(p, ract, rdel);
    for m in (j0..nmat).rev() {
        let s_n = sizes[m];
        let (rdlo, rdhi) = rdel.split_at_mut(net.layer(m + 1).start);
        let re = &mut tmp[..s_n];
        re.fill(0.0);
        for (i, &r) in rdhi[..sizes[m + 1]].iter().enumerate() {
            axpy(r, net.wrow(w, m, i), re);
        }
        let lm = net.layer(m);
        for (s, &res) in re.iter().enumerate() {
            let q = lm.start + s;
            let z = act[q];
            rdlo[q] = res * (1.0 - z * z) - 2.0 * err[q] * z * ract[q];
        }
    }
    let mut pos = 0;
    for m in k..nmat {
        let s_n = sizes[m];
        let src: &[f64] = if m == 0 { x } else { &act[net.layer(m)] };
        let rsrc: Option<&[f64]> = (m > k).then(|| &ract[net.layer(m)]);
        let d = &del[net.layer(m + 1)];
        let rd = &rdel[net.layer(m + 1)];
        let t0 = if m == k { t } else { 0 };
        for i in t0..sizes[m + 1] {
            let row = &mut out[pos..pos + s_n];
            match rsrc {
                Some(rs) => {
                    for ((o, &a), &b) in row.iter_mut().zip(src).zip(rs) {
                        *o = rd[i] * a + d[i] * b;
                    }
                }
                None => {
                    for (o, &a) in row.iter_mut().zip(src) {
                        *o = rd[i] * a;
                    }
                }
            }
            pos += s_n;
        }
    }
    if net.has_biases() {
        for m in k..nmat {
            let rd = &rdel[net.layer(m + 1)];
            out[pos..pos + rd.len()].copy_from_slice(rd);
            pos += rd.len();
        }
    }
    debug_assert_eq!(pos, out.len());
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
