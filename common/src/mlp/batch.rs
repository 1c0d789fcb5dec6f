//! Batched passes over a chunk of up to [`CHUNK`] items (energy, gradient, probabilities).
//!
//! Buffers are node-major with the **item index fastest**: layer `j` is an `n_j × CHUNK`
//! row-major block at `node_off[j−1]·CHUNK`, entry (node `t`, item `b`) at
//! `node_off[j−1]·CHUNK + t·CHUNK + b`. Every small-layer loop then runs over contiguous items
//! (vectorised), whatever the layer sizes; weight matrices with at least
//! `GEMM_MIN_WEIGHTS` entries use BLAS `dgemm` (OpenBLAS) instead. Each
//! chunk's result depends only on the chunk's items, never on the thread running it.

use crate::linalg::gemm_row_major as gemm;

use super::kernel::{isa_dispatch, tanh_slice, tanh_v, tanh_vn};
use super::network::Network;
use crate::simd::{block, block_mut, block_mut_unchecked, block_unchecked, AlignedBuf, Simd, W};

/// Number of data items per chunk: the unit of parallel work. Fixed (independent of the thread
/// count), and per-chunk partial sums are reduced sequentially in chunk order, so every result
/// is bit-identical for any number of rayon threads.
pub const CHUNK: usize = 64;

/// Weight matrices with at least this many entries use a matrix product...
const GEMM_MIN_WEIGHTS: usize = 1024;
/// ... for chunks of at least this many items.
const GEMM_MIN_ITEMS: usize = 8;

/// Views of a chunk's buffers after forward, softmax and backward (see [`Batch::states`]).
pub(crate) struct BatchStates<'a> {
    /// Hidden `z` and outputs `y`.
    pub act: &'a [f64],
    /// `δ` of every layer.
    pub del: &'a [f64],
    /// `e = Wᵀδ` of the hidden layers (with [`Batch::keep_errors`]).
    pub err: Option<&'a [f64]>,
    /// Softmax probabilities.
    pub p: &'a [f64],
}

/// The weights (or a direction in weight space) of one evaluation, with the first layer's
/// matrix also stored transposed (`Nin × N1`, row-major) when that layer is a matrix product:
/// the product is then formed item-major, `X · W₀ᵀ` (OpenBLAS's "nn" kernel). In a whole
/// [784,10,10] energy+gradient on 1000 items this measured 865-888 µs against 858-955 µs for
/// `W₀ · Xᵀ` (alternating runs); the isolated products in `gemm_shapes` have ranked the two
/// either way from one hour to the next. Built once per call, read by every chunk.
pub(crate) struct Weights<'a> {
    w: &'a [f64],
    w0t: Option<AlignedBuf>,
}

impl<'a> Weights<'a> {
    pub(crate) fn new(net: &Network, w: &'a [f64]) -> Self {
        let w0t = use_gemm(net, 0, CHUNK).then(|| {
            let (nin, n1) = (net.sizes()[0], net.sizes()[1]);
            let w0 = &w[net.weight_range(0)];
            // Written in order, read from the `N1` rows at once (writing in row order strides
            // `N1` values per element and measured 1 % of a [784,10,10] call).
            let mut t = AlignedBuf::zeros(nin * n1);
            for (i, out) in t.chunks_exact_mut(n1).enumerate() {
                for (j, o) in out.iter_mut().enumerate() {
                    *o = w0[j * nin + i];
                }
            }
            t
        });
        Self { w, w0t }
    }

    /// The weights without the transposed copy, for passes that do not form the first
    /// layer's product (an R-pass on a kept forward state).
    pub(crate) fn plain(w: &'a [f64]) -> Self {
        Self { w, w0t: None }
    }
}

impl std::ops::Deref for Weights<'_> {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        self.w
    }
}

/// `dst` (node-major, `N_{k+1} × CHUNK`, the first `nc` items) `= W_k · Z_k` for a layer whose
/// weights make a matrix product: `Z_0` the chunk's inputs `xs` (item-major, `nc × Nin`;
/// formed as `X · W₀ᵀ` from the transposed copy into `tmp`, item-major, and transposed), else
/// `src`, layer `k` of a node-major buffer. `w` is the weights or a direction (R-pass).
#[allow(clippy::too_many_arguments)]
fn layer_product(
    net: &Network,
    k: usize,
    w: &Weights,
    xs: &[f64],
    src: &[f64],
    nc: usize,
    tmp: &mut [f64],
    dst: &mut [f64],
) {
    let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
    match (k, &w.w0t) {
        (0, Some(w0t)) => {
            let tmp = &mut tmp[..nc * t_n];
            let dims = (nc, t_n, s_n);
            gemm(
                false,
                false,
                dims,
                1.0,
                (xs, s_n),
                (w0t, t_n),
                0.0,
                (&mut *tmp, t_n),
            );
            for (b, row) in tmp.chunks_exact(t_n).enumerate() {
                for (t, &v) in row.iter().enumerate() {
                    dst[t * CHUNK + b] = v;
                }
            }
        }
        _ => {
            let (b, tb, ldb) = if k == 0 {
                (xs, true, s_n)
            } else {
                (src, false, CHUNK)
            };
            let wk = (&w[net.weight_range(k)], s_n);
            gemm(
                false,
                tb,
                (t_n, nc, s_n),
                1.0,
                wk,
                (b, ldb),
                0.0,
                (dst, CHUNK),
            );
        }
    }
}

/// The chunk's inputs `xs` (item-major, `nc × Nin`) into `xt` (`Nin × CHUNK`, node-major), the
/// lanes past the items zero.
pub(crate) fn transpose_inputs(xs: &[f64], nin: usize, xt: &mut [f64]) {
    let nc = xs.len() / nin;
    for (s, row) in xt.chunks_exact_mut(CHUNK).take(nin).enumerate() {
        for (r, x) in row.iter_mut().zip(xs.chunks_exact(nin)) {
            *r = x[s];
        }
        row[nc..].fill(0.0);
    }
}

/// A chunk's forward state, the buffers a Hessian-vector product reads after its forward pass
/// and softmax (inputs transposed, activations, probabilities), kept between products at one
/// point (see [`Batch::store_forward`], [`Batch::swap_forward`]). Empty until first stored.
#[derive(Debug, Default)]
pub(crate) struct ForwardState {
    xt: AlignedBuf,
    act: AlignedBuf,
    p: AlignedBuf,
    nc: usize,
}

/// Buffers and state of one chunk.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    /// Inputs transposed (`Nin × CHUNK`), when the first layer is not a matrix product
    /// (allocated on first use).
    xt: AlignedBuf,
    /// Whether the last forward pass filled `xt`.
    xt_used: bool,
    act: AlignedBuf,
    del: AlignedBuf,
    /// `e = Wᵀδ` of one layer (`max width × CHUNK`).
    err: AlignedBuf,
    /// With [`Batch::keep_errors`]: `e = Wᵀδ` of every hidden layer, node-major like `act`.
    errs: Option<AlignedBuf>,
    /// Softmax probabilities, `Nout × CHUNK`.
    p: AlignedBuf,
    m: AlignedBuf,
    s: AlignedBuf,
    /// R-operator buffers (allocated on the first Hessian-vector product).
    ract: AlignedBuf,
    rdel: AlignedBuf,
    rerr: AlignedBuf,
    nc: usize,
}

fn use_gemm(net: &Network, k: usize, nc: usize) -> bool {
    nc >= GEMM_MIN_ITEMS && net.sizes()[k] * net.sizes()[k + 1] >= GEMM_MIN_WEIGHTS
}

/// Items per register block of the small-layer loops.
const LANES: usize = W;

/// Register blocks whose elementary-function chains are evaluated together (interleaved) in
/// the small-layer loops.
pub(crate) const INTERLEAVE: usize = 4;

/// `nc` rounded up to whole register blocks (at most [`CHUNK`], a multiple of [`LANES`]).
#[inline(always)]
fn padded(nc: usize) -> usize {
    nc.next_multiple_of(LANES)
}

/// Whether a node-major buffer of length `len` (`CHUNK` values per node) holds entries
/// `from..from + width` of each of its first `rows` rows, within a row (`from + width ≤
/// CHUNK`): every block `j·CHUNK + b` with `j < rows` and `from ≤ b`, `b + LANES ≤ from +
/// width` then lies inside it. The one check before a loop of unchecked loads
/// ([`block_unchecked`]); no overflow can make it pass.
#[inline(always)]
fn rows_hold(len: usize, rows: usize, (from, width): (usize, usize)) -> bool {
    let end = from.saturating_add(width);
    end <= CHUNK
        && (rows == 0
            || (rows - 1)
                .checked_mul(CHUNK)
                .and_then(|first| first.checked_add(end))
                .is_some_and(|last| last <= len))
}

/// `out[t·ns + s] (+)= Σ_b a_t(b) c_s(b)` for every `t < nt`, `s < ns`, and with `sums`
/// also `sums[t] (+)= Σ_b a_t(b)`, where `a_t` and `c_s` are rows of node-major buffers
/// (`CHUNK` items per node) summed over their first `nb` entries (whole blocks); with `add`
/// each result is added to what `out` (`sums`) holds. The weight and bias gradients of a
/// small layer (`a` = δ, `c` = the layer's inputs).
///
/// Register tiles of up to [`TILE`] × [`TILE`] dot products (and their `TILE` sums) share
/// each block's loads of `a` and `c`; every entry keeps its own FMA chain, one partial sum
/// per lane in block order, then [`Simd::reduce`] (a sum: `+` in block order), so its bits do
/// not depend on the tiling.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn outer_dots<S: Simd>(
    s: S,
    (a, nt): (&[f64], usize),
    (c, ns): (&[f64], usize),
    out: &mut [f64],
    mut sums: Option<&mut [f64]>,
    nb: usize,
    add: bool,
) {
    for t0 in (0..nt).step_by(TILE) {
        for s0 in (0..ns).step_by(TILE) {
            let sums = if s0 == 0 { sums.as_deref_mut() } else { None };
            let (ti, tj) = ((nt - t0).min(TILE), (ns - s0).min(TILE));
            let at = (t0, s0, ns);
            macro_rules! tiles {
                ($(($i:literal, $j:literal)),*) => {
                    match (ti, tj) {
                        $(($i, $j) => dot_tile::<S, $i, $j>(s, a, c, at, out, sums, nb, add),)*
                        _ => unreachable!("tiles are at most {TILE} × {TILE}"),
                    }
                };
            }
            tiles! {
                (1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3), (2, 4),
                (3, 1), (3, 2), (3, 3), (3, 4), (4, 1), (4, 2), (4, 3), (4, 4)
            }
        }
    }
}

/// Rows per side of an [`outer_dots`] tile: 16 accumulators, 4 sums and 8 loaded blocks fit
/// in AVX-512's 32 registers.
const TILE: usize = 4;

/// One [`outer_dots`] tile: rows `t0..t0+TI` of `a` against rows `s0..s0+TJ` of `c`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn dot_tile<S: Simd, const TI: usize, const TJ: usize>(
    s: S,
    a: &[f64],
    c: &[f64],
    (t0, s0, ns): (usize, usize, usize),
    out: &mut [f64],
    sums: Option<&mut [f64]>,
    nb: usize,
    add: bool,
) {
    assert!(nb.is_multiple_of(LANES));
    assert!(
        rows_hold(a.len(), t0.saturating_add(TI), (0, nb))
            && rows_hold(c.len(), s0.saturating_add(TJ), (0, nb))
    );
    let zero = s.splat(0.0);
    let mut acc = [[zero; TJ]; TI];
    let mut sum = [zero; TI];
    let with_sums = sums.is_some();
    for b0 in (0..nb).step_by(LANES) {
        // SAFETY (both loads): rows below t0 + TI of `a` and s0 + TJ of `c`, blocks ending at
        // b0 + LANES ≤ nb, which both buffers hold (asserted above).
        let mut x = [zero; TI];
        for (i, x) in x.iter_mut().enumerate() {
            *x = s.load(unsafe { block_unchecked(a, (t0 + i) * CHUNK + b0) });
        }
        let mut y = [zero; TJ];
        for (j, y) in y.iter_mut().enumerate() {
            *y = s.load(unsafe { block_unchecked(c, (s0 + j) * CHUNK + b0) });
        }
        for (row, &x) in acc.iter_mut().zip(&x) {
            for (acc, &y) in row.iter_mut().zip(&y) {
                *acc = s.fma(x, y, *acc);
            }
        }
        if with_sums {
            for (sum, &x) in sum.iter_mut().zip(&x) {
                *sum = s.add(*sum, x);
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            let o = &mut out[(t0 + i) * ns + s0 + j];
            let v = s.reduce(v);
            *o = if add { *o + v } else { v };
        }
    }
    if let Some(sums) = sums {
        for (i, &v) in sum.iter().enumerate() {
            let o = &mut sums[t0 + i];
            let v = s.reduce(v);
            *o = if add { *o + v } else { v };
        }
    }
}

/// [`weighted_rows`] on `N` consecutive blocks from `b0` at once: the `N` FMA chains
/// interleaved (the weight broadcast once per source node), each the same operations in the
/// same order as [`weighted_rows`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn weighted_rows_n<S: Simd, const N: usize>(
    s: S,
    mut acc: [S::V; N],
    w: &[f64],
    stride: usize,
    n: usize,
    v: &[f64],
    b0: usize,
) -> [S::V; N] {
    assert!(weights_hold(w.len(), n, stride) && rows_hold(v.len(), n, (b0, N * LANES)));
    for j in 0..n {
        // SAFETY: j < n, so j·stride < w.len() and each block ends by row j's entry
        // b0 + N·LANES, inside `v` (asserted above).
        let wj = s.splat(unsafe { *w.get_unchecked(j * stride) });
        for (u, a) in acc.iter_mut().enumerate() {
            let x = unsafe { block_unchecked(v, j * CHUNK + b0 + u * LANES) };
            *a = s.fma(wj, s.load(x), *a);
        }
    }
    acc
}

/// Whether `w` (of length `len`) holds `w[j·stride]` for every `j < n`.
#[inline(always)]
fn weights_hold(len: usize, n: usize, stride: usize) -> bool {
    n == 0 || (n - 1).checked_mul(stride).is_some_and(|last| last < len)
}

/// `acc + Σ_{j<n} w[j·stride] · v_j` on the block of items at `b0`, where `v_j` is node `j`'s
/// row of a node-major buffer (`CHUNK` items per node): a weight row (`stride` 1) or column
/// (`stride` = the row length) against a layer. FMA in `j` order.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn weighted_rows<S: Simd>(
    s: S,
    mut acc: S::V,
    w: &[f64],
    stride: usize,
    n: usize,
    v: &[f64],
    b0: usize,
) -> S::V {
    assert!(weights_hold(w.len(), n, stride) && rows_hold(v.len(), n, (b0, LANES)));
    for j in 0..n {
        // SAFETY: as in `weighted_rows_n` with N = 1.
        let (wj, x) = unsafe {
            (
                *w.get_unchecked(j * stride),
                block_unchecked(v, j * CHUNK + b0),
            )
        };
        acc = s.fma(s.splat(wj), s.load(x), acc);
    }
    acc
}

/// The softmax outputs' `R{δ} = p ⊙ (R{y} − p·R{y})` on the block of items at `b0`; `p`,
/// `ry` and `rd` are `Nout × CHUNK` node-major blocks.
#[inline(always)]
pub(crate) fn softmax_r_delta<S: Simd>(
    s: S,
    p: &[f64],
    ry: &[f64],
    rd: &mut [f64],
    nout: usize,
    b0: usize,
) {
    let end = (b0, LANES);
    assert!(rows_hold(p.len(), nout, end) && rows_hold(ry.len(), nout, end));
    assert!(rows_hold(rd.len(), nout, end));
    // SAFETY (every block below): rows o < nout, blocks ending at b0 + LANES (asserted).
    let mut pr = s.splat(0.0);
    for o in 0..nout {
        let po = s.load(unsafe { block_unchecked(p, o * CHUNK + b0) });
        pr = s.fma(
            po,
            s.load(unsafe { block_unchecked(ry, o * CHUNK + b0) }),
            pr,
        );
    }
    for o in 0..nout {
        let po = s.load(unsafe { block_unchecked(p, o * CHUNK + b0) });
        let ryo = s.load(unsafe { block_unchecked(ry, o * CHUNK + b0) });
        let out = unsafe { block_mut_unchecked(rd, o * CHUNK + b0) };
        s.store(out, s.mul(po, s.sub(ryo, pr)));
    }
}

/// Softmax of `N` blocks of items from `b0`: maxima into `m`, exponentials' sums into `s`,
/// probabilities into `p` (node-major, `CHUNK` items per node).
#[inline(always)]
fn softmax_blocks<S: Simd, const N: usize>(
    s: S,
    y: &[f64],
    (p, mx, sums): (&mut [f64], &mut [f64], &mut [f64]),
    nout: usize,
    b0: usize,
) {
    let end = (b0, N * LANES);
    assert!(nout > 0 && rows_hold(y.len(), nout, end) && rows_hold(p.len(), nout, end));
    // SAFETY (every unchecked block below): rows o < nout, blocks ending by b0 + N·LANES
    // (asserted).
    let mut m = [s.splat(0.0); N];
    for (u, mu) in m.iter_mut().enumerate() {
        let at = b0 + u * LANES;
        *mu = s.load(unsafe { block_unchecked(y, at) });
        for o in 1..nout {
            *mu = s.max(s.load(unsafe { block_unchecked(y, o * CHUNK + at) }), *mu);
        }
    }
    let mut sum = [s.splat(0.0); N];
    for o in 0..nout {
        let mut arg = m;
        for u in 0..N {
            let yo = unsafe { block_unchecked(y, o * CHUNK + b0 + u * LANES) };
            arg[u] = s.sub(s.load(yo), m[u]);
        }
        let e = super::kernel::exp_nonpos_vn(s, arg);
        for u in 0..N {
            s.store(
                unsafe { block_mut_unchecked(p, o * CHUNK + b0 + u * LANES) },
                e[u],
            );
            sum[u] = s.add(sum[u], e[u]);
        }
    }
    // p = e / sum from one division per block: the reciprocal r = 1/sum, the product e·r and
    // one FMA correction by its residual e − (e·r)·sum (Markstein: with r correctly rounded
    // and e·r within an ulp, the corrected quotient is the correctly rounded e / sum, as the
    // division would give, outside the subnormal range).
    let mut rec = sum;
    for u in 0..N {
        rec[u] = s.div(s.splat(1.0), sum[u]);
    }
    for o in 0..nout {
        for u in 0..N {
            let pb = unsafe { block_mut_unchecked(p, o * CHUNK + b0 + u * LANES) };
            let q = divide_by(s, s.load(pb), sum[u], rec[u]);
            s.store(pb, q);
        }
    }
    for u in 0..N {
        s.store(block_mut(mx, b0 + u * LANES), m[u]);
        s.store(block_mut(sums, b0 + u * LANES), sum[u]);
    }
}

/// `δ = p − e_c` in place on the outputs' rows (`Nout × CHUNK`, holding `p`): 1 off each
/// item's label entry, row by row (a compare and a subtraction per entry, vectorised, rather
/// than a scattered update per item; `p − 0 = p` elsewhere, so the same bits).
#[inline(always)]
fn one_hot_off(rows: &mut [f64], labels: &[usize]) {
    for (o, row) in rows.chunks_exact_mut(CHUNK).enumerate() {
        for (d, &c) in row.iter_mut().zip(labels) {
            *d -= if c == o { 1.0 } else { 0.0 };
        }
    }
}

/// `a / b` given `r = 1/b` (correctly rounded): `q0 = a·r` corrected once by its FMA residual
/// `a − q0·b` (see [`softmax_blocks`]).
#[inline(always)]
fn divide_by<S: Simd>(s: S, a: S::V, b: S::V, r: S::V) -> S::V {
    let q0 = s.mul(a, r);
    let res = s.fma(s.mul(s.splat(-1.0), q0), b, a);
    s.fma(res, r, q0)
}

/// `Σ_b a_b` over the first `nb` entries (whole blocks), as [`dot_blocks`].
#[inline(always)]
fn sum_blocks<S: Simd>(s: S, a: &[f64], nb: usize) -> f64 {
    let mut acc = s.splat(0.0);
    for x in a[..nb].chunks_exact(LANES) {
        acc = s.add(acc, s.load(block(x, 0)));
    }
    s.reduce(acc)
}

impl Batch {
    pub(crate) fn new(net: &Network) -> Self {
        Self {
            xt: AlignedBuf::default(),
            xt_used: false,
            act: AlignedBuf::zeros(net.n_nodes() * CHUNK),
            del: AlignedBuf::zeros(net.n_nodes() * CHUNK),
            err: AlignedBuf::zeros(net.max_node_width() * CHUNK),
            errs: None,
            p: AlignedBuf::zeros(net.nout() * CHUNK),
            m: AlignedBuf::zeros(CHUNK),
            s: AlignedBuf::zeros(CHUNK),
            ract: AlignedBuf::default(),
            rdel: AlignedBuf::default(),
            rerr: AlignedBuf::default(),
            nc: 0,
        }
    }

    /// Move this chunk's forward state (after [`Batch::hessian_vector`]) into `f`, no copy:
    /// the batch takes `f`'s old buffers, reallocated (zeroed) where their sizes differ. The
    /// transposed inputs go only where the chunk's forward pass used them (a first layer of
    /// matrix products reads the inputs in place: its states hold no copy).
    pub(crate) fn store_forward(&mut self, f: &mut ForwardState) {
        fn hand_over(mine: &mut AlignedBuf, kept: &mut AlignedBuf) {
            if kept.len() != mine.len() {
                *kept = AlignedBuf::zeros(mine.len());
            }
            std::mem::swap(mine, kept);
        }
        hand_over(&mut self.act, &mut f.act);
        hand_over(&mut self.p, &mut f.p);
        if self.xt_used {
            hand_over(&mut self.xt, &mut f.xt);
        }
        f.nc = self.nc;
    }

    /// Exchange the forward state with `f` (no copy; twice restores both). A batch holding a
    /// state stored by [`Batch::store_forward`] can run [`Batch::hessian_vector`] without its
    /// forward pass.
    pub(crate) fn swap_forward(&mut self, f: &mut ForwardState) {
        self.xt_used = !f.xt.is_empty();
        std::mem::swap(&mut self.xt, &mut f.xt);
        std::mem::swap(&mut self.act, &mut f.act);
        std::mem::swap(&mut self.p, &mut f.p);
        std::mem::swap(&mut self.nc, &mut f.nc);
    }

    /// Make [`Batch::backward`] keep `e = Wᵀδ` of every hidden layer (for the dense Hessian).
    pub(crate) fn keep_errors(&mut self, net: &Network) {
        self.errs = Some(AlignedBuf::zeros(net.n_nodes() * CHUNK));
    }

    /// The chunk's buffers after forward, softmax and backward; node-major, `CHUNK` items per
    /// node.
    pub(crate) fn states(&self) -> BatchStates<'_> {
        BatchStates {
            act: &self.act,
            del: &self.del,
            err: self.errs.as_deref(),
            p: &self.p,
        }
    }

    /// Forward pass for `xs`: `nc ≤ CHUNK` items, item-major (`nc × Nin`).
    pub(crate) fn forward(&mut self, net: &Network, w: &Weights, xs: &[f64]) {
        isa_dispatch! {
            [s]
            fn run(b: &mut Batch, net: &Network, w: &Weights, xs: &[f64]) {
                b.forward_impl(s, net, w, xs)
            }
        }
        run(self, net, w, xs)
    }

    #[inline(always)]
    fn forward_impl<S: Simd>(&mut self, s: S, net: &Network, weights: &Weights, xs: &[f64]) {
        let w: &[f64] = weights;
        let nin = net.nin();
        let nc = xs.len() / nin;
        debug_assert!((1..=CHUNK).contains(&nc) && xs.len() == nc * nin);
        self.nc = nc;
        self.xt_used = !use_gemm(net, 0, nc);
        if self.xt_used {
            if self.xt.is_empty() {
                self.xt = AlignedBuf::zeros(nin * CHUNK);
            }
            transpose_inputs(xs, nin, &mut self.xt);
        }
        let nmat = net.n_matrices();
        for k in 0..nmat {
            let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
            let (lo, hi) = self.act.split_at_mut(net.layer(k + 1).start * CHUNK);
            let dst = &mut hi[..t_n * CHUNK];
            let wk = &w[net.weight_range(k)];
            let bias = &w[net.bias_range(k)];
            let src: &[f64] = if k == 0 {
                &self.xt
            } else {
                &lo[net.layer(k).start * CHUNK..]
            };
            if use_gemm(net, k, nc) {
                layer_product(net, k, weights, xs, src, nc, &mut self.err, dst);
                for (t, &bt) in bias.iter().enumerate() {
                    for v in &mut dst[t * CHUNK..t * CHUNK + nc] {
                        *v += bt;
                    }
                }
                if k + 1 < nmat {
                    for row in dst.chunks_exact_mut(CHUNK) {
                        tanh_slice(s, &mut row[..nc]);
                    }
                }
            } else {
                // Register-blocked: LANES items at a time, bias + Σ_s w_ts x_s by FMA in source
                // order, then tanh (hidden layers), one store per block.
                // INTERLEAVE blocks at a time (their tanh chains interleaved), then the rest.
                let nb = padded(nc);
                let hidden = k + 1 < nmat;
                assert!(rows_hold(dst.len(), t_n, (0, nb)));
                for t in 0..t_n {
                    let wrow = &wk[t * s_n..(t + 1) * s_n];
                    let bt = s.splat(bias.get(t).copied().unwrap_or(0.0));
                    let mut b0 = 0;
                    while b0 + INTERLEAVE * LANES <= nb {
                        let acc = weighted_rows_n(s, [bt; INTERLEAVE], wrow, 1, s_n, src, b0);
                        let acc = if hidden { tanh_vn(s, acc) } else { acc };
                        for (u, a) in acc.into_iter().enumerate() {
                            // SAFETY: row t < t_n, the block ends by nb (asserted above).
                            let at = t * CHUNK + b0 + u * LANES;
                            s.store(unsafe { block_mut_unchecked(dst, at) }, a);
                        }
                        b0 += INTERLEAVE * LANES;
                    }
                    while b0 < nb {
                        let mut acc = weighted_rows(s, bt, wrow, 1, s_n, src, b0);
                        if hidden {
                            acc = tanh_v(s, acc);
                        }
                        // SAFETY: as above.
                        s.store(unsafe { block_mut_unchecked(dst, t * CHUNK + b0) }, acc);
                        b0 += LANES;
                    }
                }
            }
        }
    }

    /// Softmax of the outputs (max-shifted) and `Σ_b −ln p_{c_b}` summed in item order;
    /// `labels` holds the chunk's 0-based labels.
    pub(crate) fn softmax(&mut self, net: &Network, labels: &[usize]) -> f64 {
        isa_dispatch! {
            [s]
            fn run(b: &mut Batch, net: &Network, labels: &[usize]) -> f64 {
                b.softmax_impl(s, net, labels)
            }
        }
        run(self, net, labels)
    }

    #[inline(always)]
    fn softmax_impl<S: Simd>(&mut self, s: S, net: &Network, labels: &[usize]) -> f64 {
        let nc = self.nc;
        let nout = net.nout();
        let base = net.layer(net.n_matrices()).start * CHUNK;
        let y = &self.act[base..base + nout * CHUNK];
        let mut prod = s.splat(1.0);
        let nb = padded(nc);
        let mut b0 = 0;
        while b0 < nb {
            // INTERLEAVE blocks at a time where whole groups remain (their exp chains
            // interleaved), else one.
            if b0 + INTERLEAVE * LANES <= nb {
                softmax_blocks::<S, INTERLEAVE>(
                    s,
                    y,
                    (&mut self.p, &mut self.m, &mut self.s),
                    nout,
                    b0,
                );
                b0 += INTERLEAVE * LANES;
            } else {
                softmax_blocks::<S, 1>(s, y, (&mut self.p, &mut self.m, &mut self.s), nout, b0);
                b0 += LANES;
            }
        }
        for b0 in (0..nb).step_by(LANES) {
            if b0 + LANES <= nc {
                prod = s.mul(prod, s.load(block(&self.s, b0)));
            }
        }
        // Σ_b ln s_b: the whole blocks through the lane products (each below Nout^8, one log
        // per lane), the items of a last partial block one by one.
        let mut lanes_prod = [0.0; LANES];
        s.store(&mut lanes_prod, prod);
        let mut total: f64 = lanes_prod.iter().map(|p| p.ln()).sum();
        for b in nc - nc % LANES..nc {
            total += self.s[b].ln();
        }
        for (b, &c) in labels[..nc].iter().enumerate() {
            total -= y[c * CHUNK + b] - self.m[b];
        }
        total
    }

    /// The probabilities of the last [`Batch::softmax`], item-major (`nc × Nout`) into `out`.
    pub(crate) fn probabilities(&self, net: &Network, out: &mut [f64]) {
        let nout = net.nout();
        for (b, o) in out.chunks_exact_mut(nout).take(self.nc).enumerate() {
            for (i, v) in o.iter_mut().enumerate() {
                *v = self.p[i * CHUNK + b];
            }
        }
    }

    /// Backward pass after [`Batch::softmax`]: writes `Σ_b ∇ℓ_b` over the chunk into `g`
    /// (every entry is overwritten), or with `add` adds it to `g` (each entry `g + its value`,
    /// the bits of adding the written values afterwards).
    pub(crate) fn backward(
        &mut self,
        net: &Network,
        w: &[f64],
        xs: &[f64],
        labels: &[usize],
        g: &mut [f64],
        add: bool,
    ) {
        isa_dispatch! {
            [s]
            fn run(
                b: &mut Batch,
                net: &Network,
                w: &[f64],
                xs: &[f64],
                labels: &[usize],
                g: &mut [f64],
                add: bool
            ) {
                b.backward_impl(s, net, w, xs, labels, g, add)
            }
        }
        run(self, net, w, xs, labels, g, add)
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn backward_impl<S: Simd>(
        &mut self,
        s: S,
        net: &Network,
        w: &[f64],
        xs: &[f64],
        labels: &[usize],
        g: &mut [f64],
        add: bool,
    ) {
        let nc = self.nc;
        let nin = net.nin();
        let beta = if add { 1.0 } else { 0.0 };
        let nmat = net.n_matrices();
        let out = net.layer(nmat).start * CHUNK;
        let nout = net.nout();
        self.del[out..out + nout * CHUNK].copy_from_slice(&self.p[..nout * CHUNK]);
        one_hot_off(&mut self.del[out..out + nout * CHUNK], &labels[..nc]);
        // δ is zero in the lanes past the items, so every register block below carries zeros
        // there and no sum over items sees them.
        for row in self.del[out..out + nout * CHUNK].chunks_exact_mut(CHUNK) {
            row[nc..padded(nc)].fill(0.0);
        }
        for k in (0..nmat).rev() {
            let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
            let (dlo, dhi) = self.del.split_at_mut(net.layer(k + 1).start * CHUNK);
            let d = &dhi[..t_n * CHUNK];
            let big = use_gemm(net, k, nc);
            let src: &[f64] = if k == 0 {
                &self.xt
            } else {
                &self.act[net.layer(k).start * CHUNK..]
            };
            let gk = &mut g[net.weight_range(k)];
            if big {
                // gW_k (T × S, row-major) += Δ (T × nc) · Zᵀ (nc × S).
                let (b, tb, ldb) = if k == 0 {
                    (xs, false, nin)
                } else {
                    (src, true, CHUNK)
                };
                let dims = (t_n, s_n, nc);
                gemm(false, tb, dims, 1.0, (d, CHUNK), (b, ldb), beta, (gk, s_n));
                for (t, gb) in g[net.bias_range(k)].iter_mut().enumerate() {
                    let v = sum_blocks(s, &d[t * CHUNK..], padded(nc));
                    *gb = if add { *gb + v } else { v };
                }
            } else {
                // gW[t][s] += Σ_b δ_t(b) z_s(b), gb[t] += Σ_b δ_t(b): zero δ lanes past the
                // items add nothing.
                let (gw, gb) = g.split_at_mut(net.bias_range(k).start);
                let gb = &mut gb[..net.bias_range(k).len()];
                let gw = &mut gw[net.weight_range(k)];
                let gb = (!gb.is_empty()).then_some(gb);
                outer_dots(s, (d, t_n), (src, s_n), gw, gb, padded(nc), add);
            }
            if k > 0 {
                let wk = &w[net.weight_range(k)];
                let base = net.layer(k).start * CHUNK;
                let z = &self.act[base..base + s_n * CHUNK];
                let dk = &mut dlo[base..base + s_n * CHUNK];
                if big {
                    // E (S × nc) = W_kᵀ (S × T) · Δ (T × nc).
                    let e = &mut self.err[..s_n * CHUNK];
                    let dims = (s_n, nc, t_n);
                    gemm(
                        true,
                        false,
                        dims,
                        1.0,
                        (wk, s_n),
                        (d, CHUNK),
                        0.0,
                        (e, CHUNK),
                    );
                    if let Some(errs) = self.errs.as_mut() {
                        errs[base..base + s_n * CHUNK].copy_from_slice(e);
                    }
                    for ((drow, erow), zrow) in dk
                        .chunks_exact_mut(CHUNK)
                        .zip(e.chunks_exact(CHUNK))
                        .zip(z.chunks_exact(CHUNK))
                    {
                        for ((dv, &ev), &zv) in drow[..nc].iter_mut().zip(erow).zip(zrow) {
                            *dv = ev * (1.0 - zv * zv);
                        }
                        drow[nc..padded(nc)].fill(0.0);
                    }
                } else {
                    // Register-blocked e = Σ_t W_ts δ_t (FMA in t order), then
                    // δ_k = e ⊙ (1 − z²), one store per block; zero lanes stay zero.
                    let nb = padded(nc);
                    let one = s.splat(1.0);
                    let zero = s.splat(0.0);
                    assert!(rows_hold(z.len(), s_n, (0, nb)) && rows_hold(dk.len(), s_n, (0, nb)));
                    for si in 0..s_n {
                        let mut b0 = 0;
                        while b0 < nb {
                            // INTERLEAVE blocks at once where whole groups remain, else one.
                            let group = if b0 + INTERLEAVE * LANES <= nb {
                                weighted_rows_n(s, [zero; INTERLEAVE], &wk[si..], s_n, t_n, d, b0)
                            } else {
                                let mut g = [zero; INTERLEAVE];
                                g[0] = weighted_rows(s, zero, &wk[si..], s_n, t_n, d, b0);
                                g
                            };
                            let nblk = if b0 + INTERLEAVE * LANES <= nb {
                                INTERLEAVE
                            } else {
                                1
                            };
                            for (u, &acc) in group.iter().take(nblk).enumerate() {
                                let at = si * CHUNK + b0 + u * LANES;
                                if let Some(errs) = self.errs.as_mut() {
                                    s.store(block_mut(errs, base + at), acc);
                                }
                                // SAFETY: row si < s_n, the block ends by nb (asserted).
                                let (z, dk) = unsafe {
                                    (block_unchecked(z, at), block_mut_unchecked(dk, at))
                                };
                                let z = s.load(z);
                                s.store(dk, s.mul(acc, s.sub(one, s.mul(z, z))));
                            }
                            b0 += nblk * LANES;
                        }
                    }
                }
            }
        }
    }

    /// Hessian-vector product of the chunk: forward pass and softmax (unless `forward` is
    /// false: the batch then holds this chunk's forward state at `w`, see
    /// [`Batch::swap_forward`]), then Pearlmutter's R-operator along `v` (same layout as `w`)
    /// through the network and back; writes `Σ_b H_b v` over the chunk's items into `hv`
    /// (every entry is overwritten).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn hessian_vector(
        &mut self,
        net: &Network,
        w: &Weights,
        v: &Weights,
        xs: &[f64],
        labels: &[usize],
        hv: &mut [f64],
        forward: bool,
    ) {
        isa_dispatch! {
            [s]
            fn run(
                b: &mut Batch,
                net: &Network,
                w: &Weights,
                v: &Weights,
                xs: &[f64],
                labels: &[usize],
                hv: &mut [f64],
                forward: bool
            ) {
                b.hessian_vector_impl(s, net, w, v, xs, labels, hv, forward)
            }
        }
        run(self, net, w, v, xs, labels, hv, forward)
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn hessian_vector_impl<S: Simd>(
        &mut self,
        s: S,
        net: &Network,
        weights: &Weights,
        direction: &Weights,
        xs: &[f64],
        labels: &[usize],
        hv: &mut [f64],
        forward: bool,
    ) {
        let (w, v): (&[f64], &[f64]) = (weights, direction);
        if self.ract.is_empty() {
            self.ract = AlignedBuf::zeros(net.n_nodes() * CHUNK);
            self.rdel = AlignedBuf::zeros(net.n_nodes() * CHUNK);
            self.rerr = AlignedBuf::zeros(net.max_node_width() * CHUNK);
        }
        if forward {
            self.forward_impl(s, net, weights, xs);
            self.softmax_impl(s, net, labels);
        }
        debug_assert_eq!(self.nc, labels.len());
        let nc = self.nc;
        let nb = padded(nc);
        let nin = net.nin();
        let nmat = net.n_matrices();
        let one = s.splat(1.0);

        // R-forward: R{a_{k+1}} = V_k z_k + W_k R{z_k} + R{b_k}; R{z} = (1 − z²) R{a} (hidden).
        for k in 0..nmat {
            let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
            let (rlo, rhi) = self.ract.split_at_mut(net.layer(k + 1).start * CHUNK);
            let dst = &mut rhi[..t_n * CHUNK];
            let wk = &w[net.weight_range(k)];
            let vk = &v[net.weight_range(k)];
            let vb = &v[net.bias_range(k)];
            let src: &[f64] = if k == 0 {
                &self.xt
            } else {
                &self.act[net.layer(k).start * CHUNK..]
            };
            let rsrc: &[f64] = if k == 0 {
                &[]
            } else {
                &rlo[net.layer(k).start * CHUNK..]
            };
            let hidden = k + 1 < nmat;
            let z = &self.act[net.layer(k + 1).start * CHUNK..][..t_n * CHUNK];
            if use_gemm(net, k, nc) {
                let dims = (t_n, nc, s_n);
                layer_product(net, k, direction, xs, src, nc, &mut self.rerr, dst);
                if k > 0 {
                    let rb = (rsrc, CHUNK);
                    gemm(
                        false,
                        false,
                        dims,
                        1.0,
                        (wk, s_n),
                        rb,
                        1.0,
                        (&mut *dst, CHUNK),
                    );
                }
                for (t, &bt) in vb.iter().enumerate() {
                    for x in &mut dst[t * CHUNK..t * CHUNK + nc] {
                        *x += bt;
                    }
                }
                for (t, row) in dst.chunks_exact_mut(CHUNK).enumerate() {
                    if hidden {
                        for (r, &zv) in row[..nc].iter_mut().zip(&z[t * CHUNK..]) {
                            *r *= 1.0 - zv * zv;
                        }
                    }
                    row[nc..nb].fill(0.0);
                }
            } else {
                assert!(
                    rows_hold(dst.len(), t_n, (0, nb))
                        && (!hidden || rows_hold(z.len(), t_n, (0, nb)))
                );
                for t in 0..t_n {
                    let bt = s.splat(vb.get(t).copied().unwrap_or(0.0));
                    let row = t * s_n..(t + 1) * s_n;
                    let mut b0 = 0;
                    while b0 + INTERLEAVE * LANES <= nb {
                        let mut acc =
                            weighted_rows_n(s, [bt; INTERLEAVE], &vk[row.clone()], 1, s_n, src, b0);
                        if k > 0 {
                            acc = weighted_rows_n(s, acc, &wk[row.clone()], 1, s_n, rsrc, b0);
                        }
                        for (u, mut a) in acc.into_iter().enumerate() {
                            // SAFETY (both blocks): row t < t_n, ending by nb (asserted).
                            let at = t * CHUNK + b0 + u * LANES;
                            if hidden {
                                let zv = s.load(unsafe { block_unchecked(z, at) });
                                a = s.mul(a, s.sub(one, s.mul(zv, zv)));
                            }
                            s.store(unsafe { block_mut_unchecked(dst, at) }, a);
                        }
                        b0 += INTERLEAVE * LANES;
                    }
                    for b0 in (b0..nb).step_by(LANES) {
                        let mut acc = weighted_rows(s, bt, &vk[row.clone()], 1, s_n, src, b0);
                        if k > 0 {
                            acc = weighted_rows(s, acc, &wk[row.clone()], 1, s_n, rsrc, b0);
                        }
                        if hidden {
                            let zv = s.load(block(z, t * CHUNK + b0));
                            acc = s.mul(acc, s.sub(one, s.mul(zv, zv)));
                        }
                        s.store(block_mut(dst, t * CHUNK + b0), acc);
                    }
                }
            }
        }

        // Output: δ = p − e_c and R{δ} = p ⊙ (R{y} − p·R{y}); both zero past the items.
        let out = net.layer(nmat).start * CHUNK;
        let nout = net.nout();
        self.del[out..out + nout * CHUNK].copy_from_slice(&self.p[..nout * CHUNK]);
        one_hot_off(&mut self.del[out..out + nout * CHUNK], &labels[..nc]);
        for b0 in (0..nb).step_by(LANES) {
            let (ry, rd) = (&self.ract[out..], &mut self.rdel[out..]);
            softmax_r_delta(s, &self.p, ry, rd, nout, b0);
        }
        for o in 0..nout {
            let r = out + o * CHUNK;
            self.del[r + nc..r + nb].fill(0.0);
            self.rdel[r + nc..r + nb].fill(0.0);
        }

        // Backward with R: R{∇W_k} = R{δ} zᵀ + δ R{z}ᵀ, R{∇b_k} = R{δ};
        // R{e} = Wᵀ R{δ} + Vᵀ δ, R{δ_k} = R{e} ⊙ (1 − z²) − 2 e ⊙ z ⊙ R{z}.
        for k in (0..nmat).rev() {
            let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
            let up = net.layer(k + 1).start * CHUNK;
            let (dlo, dhi) = self.del.split_at_mut(up);
            let (rdlo, rdhi) = self.rdel.split_at_mut(up);
            let d = &dhi[..t_n * CHUNK];
            let rd = &rdhi[..t_n * CHUNK];
            let big = use_gemm(net, k, nc);
            let (src, rsrc): (&[f64], &[f64]) = if k == 0 {
                (&self.xt, &[])
            } else {
                let base = net.layer(k).start * CHUNK;
                (&self.act[base..], &self.ract[base..])
            };
            let hk = &mut hv[net.weight_range(k)];
            if big {
                let (b, tb, ldb) = if k == 0 {
                    (xs, false, nin)
                } else {
                    (src, true, CHUNK)
                };
                let dims = (t_n, s_n, nc);
                gemm(
                    false,
                    tb,
                    dims,
                    1.0,
                    (rd, CHUNK),
                    (b, ldb),
                    0.0,
                    (&mut *hk, s_n),
                );
                if k > 0 {
                    let rb = (rsrc, CHUNK);
                    gemm(false, true, dims, 1.0, (d, CHUNK), rb, 1.0, (&mut *hk, s_n));
                }
                for (t, hb) in hv[net.bias_range(k)].iter_mut().enumerate() {
                    *hb = sum_blocks(s, &rd[t * CHUNK..], nb);
                }
            } else {
                let (hw, hb) = hv.split_at_mut(net.bias_range(k).start);
                let hb = &mut hb[..net.bias_range(k).len()];
                let hw = &mut hw[net.weight_range(k)];
                let hb = (!hb.is_empty()).then_some(hb);
                outer_dots(s, (rd, t_n), (src, s_n), hw, hb, nb, false);
                if k > 0 {
                    outer_dots(s, (d, t_n), (rsrc, s_n), hw, None, nb, true);
                }
            }
            if k > 0 {
                let wk = &w[net.weight_range(k)];
                let vk = &v[net.weight_range(k)];
                let base = net.layer(k).start * CHUNK;
                let z = &self.act[base..base + s_n * CHUNK];
                let rz = &self.ract[base..base + s_n * CHUNK];
                let dk = &mut dlo[base..base + s_n * CHUNK];
                let rdk = &mut rdlo[base..base + s_n * CHUNK];
                if big {
                    let e = &mut self.err[..s_n * CHUNK];
                    let re = &mut self.rerr[..s_n * CHUNK];
                    let dims = (s_n, nc, t_n);
                    gemm(
                        true,
                        false,
                        dims,
                        1.0,
                        (wk, s_n),
                        (d, CHUNK),
                        0.0,
                        (&mut *e, CHUNK),
                    );
                    let rde = (&mut *re, CHUNK);
                    gemm(true, false, dims, 1.0, (wk, s_n), (rd, CHUNK), 0.0, rde);
                    let rde = (&mut *re, CHUNK);
                    gemm(true, false, dims, 1.0, (vk, s_n), (d, CHUNK), 1.0, rde);
                    for si in 0..s_n {
                        let r = si * CHUNK;
                        for b in r..r + nc {
                            let zv = z[b];
                            let dz = 1.0 - zv * zv;
                            dk[b] = e[b] * dz;
                            rdk[b] = re[b] * dz - 2.0 * e[b] * zv * rz[b];
                        }
                        dk[r + nc..r + nb].fill(0.0);
                        rdk[r + nc..r + nb].fill(0.0);
                    }
                } else {
                    let two = s.splat(2.0);
                    assert!(wk.len() >= t_n * s_n && vk.len() >= t_n * s_n);
                    assert!(rows_hold(d.len(), t_n, (0, nb)) && rows_hold(rd.len(), t_n, (0, nb)));
                    for v in [z, rz, &*dk, &*rdk] {
                        assert!(rows_hold(v.len(), s_n, (0, nb)));
                    }
                    // SAFETY (every unchecked access below): weights t·s_n + si < t_n·s_n;
                    // rows t < t_n of δ and R{δ}, si < s_n of the rest, blocks ending by nb
                    // (all asserted above).
                    for si in 0..s_n {
                        for b0 in (0..nb).step_by(LANES) {
                            // e = Wᵀδ and R{e} = Wᵀ R{δ} + Vᵀ δ in one pass over t
                            // (each δ block loaded once; measured 10 % faster than two
                            // `weighted_rows` passes).
                            let mut e = s.splat(0.0);
                            let mut re = s.splat(0.0);
                            for t in 0..t_n {
                                let (dt, rdt, wts, vts) = unsafe {
                                    (
                                        block_unchecked(d, t * CHUNK + b0),
                                        block_unchecked(rd, t * CHUNK + b0),
                                        *wk.get_unchecked(t * s_n + si),
                                        *vk.get_unchecked(t * s_n + si),
                                    )
                                };
                                let (dt, rdt, wts) = (s.load(dt), s.load(rdt), s.splat(wts));
                                e = s.fma(wts, dt, e);
                                re = s.fma(wts, rdt, re);
                                re = s.fma(s.splat(vts), dt, re);
                            }
                            let at = si * CHUNK + b0;
                            let (zv, rzv) =
                                unsafe { (block_unchecked(z, at), block_unchecked(rz, at)) };
                            let (zv, rzv) = (s.load(zv), s.load(rzv));
                            let dz = s.sub(one, s.mul(zv, zv));
                            s.store(unsafe { block_mut_unchecked(dk, at) }, s.mul(e, dz));
                            let corr = s.mul(s.mul(s.mul(two, e), zv), rzv);
                            let rdk = unsafe { block_mut_unchecked(rdk, at) };
                            s.store(rdk, s.sub(s.mul(re, dz), corr));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;
    use crate::simd::Portable;

    /// The softmax's division by one reciprocal and an FMA correction gives the bits of the
    /// division for probabilities: numerators in [0, 1] down to 1e-300, sums in [1, 10].
    #[test]
    fn divide_by_gives_the_bits_of_the_division() {
        let mut r = Stream::new(5, 2);
        let s = Portable;
        for _ in 0..200_000 {
            let a: [f64; W] = std::array::from_fn(|_| {
                r.uniform_in(0.0, 1.0) * 10f64.powi(-(r.index(300) as i32))
            });
            let b: [f64; W] = std::array::from_fn(|_| r.uniform_in(1.0, 10.0));
            let rec: [f64; W] = std::array::from_fn(|k| 1.0 / b[k]);
            let q = divide_by(s, a, b, rec);
            for k in 0..W {
                assert_eq!(
                    q[k].to_bits(),
                    (a[k] / b[k]).to_bits(),
                    "{} / {}",
                    a[k],
                    b[k]
                );
            }
        }
    }

    /// Loss sum, gradient and Hv of one chunk with the instruction set `s`.
    fn chunk_results<S: Simd>(s: S, sizes: &[usize], nc: usize) -> (f64, Vec<f64>, Vec<f64>) {
        let net = Network::new(sizes.to_vec(), true).unwrap();
        let mut r = Stream::new(3, 1);
        let w: Vec<f64> = (0..net.nopt()).map(|_| r.uniform_in(-1.5, 1.5)).collect();
        let v: Vec<f64> = (0..net.nopt()).map(|_| r.uniform_in(-1.0, 1.0)).collect();
        let xs: Vec<f64> = (0..nc * net.nin())
            .map(|_| r.uniform_in(-2.0, 2.0))
            .collect();
        let labels: Vec<usize> = (0..nc).map(|_| r.index(net.nout())).collect();
        let mut b = Batch::new(&net);
        let (w, v) = (Weights::new(&net, &w), Weights::new(&net, &v));
        b.forward_impl(s, &net, &w, &xs);
        let sum = b.softmax_impl(s, &net, &labels);
        let mut g = vec![0.0; net.nopt()];
        b.backward_impl(s, &net, &w, &xs, &labels, &mut g, false);
        let mut hv = vec![0.0; net.nopt()];
        b.hessian_vector_impl(s, &net, &w, &v, &xs, &labels, &mut hv, true);
        (sum, g, hv)
    }

    /// A first layer of matrix products reads the inputs in place: its chunks' kept forward
    /// states hold no transposed copy, while a chunk too small for the products (the loop path)
    /// keeps its own; a batch that served both keeps working for either.
    #[test]
    fn kept_forward_states_hold_transposed_inputs_only_where_used() {
        let net = Network::new(vec![200, 6, 3], true).unwrap();
        let mut r = Stream::new(9, 1);
        let w: Vec<f64> = (0..net.nopt()).map(|_| r.uniform_in(-0.1, 0.1)).collect();
        let w = Weights::new(&net, &w);
        let items =
            |nc: usize| -> Vec<f64> { (0..nc * 200).map(|i| (i % 17) as f64 * 0.1).collect() };
        let mut b = Batch::new(&net);
        let (mut full, mut small, mut again) = Default::default();
        b.forward(&net, &w, &items(CHUNK));
        b.store_forward(&mut full);
        b.forward(&net, &w, &items(5));
        b.store_forward(&mut small);
        b.forward(&net, &w, &items(CHUNK));
        b.store_forward(&mut again);
        let (full, small, again): (ForwardState, ForwardState, ForwardState) = (full, small, again);
        assert!(full.xt.is_empty() && again.xt.is_empty());
        assert_eq!(small.xt.len(), 200 * CHUNK);
        assert_eq!((full.nc, small.nc), (CHUNK, 5));
        assert_eq!(
            full.act[..],
            again.act[..],
            "the same forward pass, the same state"
        );
    }

    /// The bounds that license the unchecked loads: an exact fit passes, one entry short or
    /// one row too many fails, and no overflowing extent passes.
    #[test]
    fn unchecked_loops_are_licensed_only_inside_their_buffers() {
        assert!(rows_hold(3 * CHUNK, 3, (0, CHUNK)));
        assert!(rows_hold(2 * CHUNK + 16, 3, (8, 8)));
        assert!(!rows_hold(2 * CHUNK + 15, 3, (8, 8)));
        assert!(!rows_hold(3 * CHUNK, 4, (0, 8)));
        assert!(
            !rows_hold(10 * CHUNK, 2, (CHUNK - 8, 16)),
            "past the row's end"
        );
        assert!(rows_hold(0, 0, (0, CHUNK)), "no rows, nothing read");
        assert!(!rows_hold(usize::MAX, 2, (usize::MAX - 3, 8)));
        assert!(!rows_hold(usize::MAX, usize::MAX, (0, 8)));
        assert!(weights_hold(10, 4, 3) && !weights_hold(9, 4, 3) && weights_hold(0, 0, 7));
        assert!(!weights_hold(usize::MAX, 3, usize::MAX));
        // A buffer one entry short stops a kernel at its assertion, before any load (it fits
        // with one more).
        assert_eq!(
            weighted_rows(
                Portable,
                [0.0; W],
                &[1.0; 4],
                1,
                4,
                &[1.0; 3 * CHUNK + 8],
                0
            ),
            [4.0; W]
        );
        let r = std::panic::catch_unwind(|| {
            weighted_rows(
                Portable,
                [0.0; W],
                &[1.0; 4],
                1,
                4,
                &[0.0; 3 * CHUNK + 7],
                0,
            )
        });
        assert!(r.is_err());
    }

    /// Every entry of the tiled weight-gradient sums has the bits of its own dot product (sum)
    /// over the blocks, computed alone in block order, for every tile shape and remainder,
    /// written or added, with and without the sums.
    #[test]
    fn tiled_dot_products_give_each_entry_its_own_bits() {
        let s = Portable;
        let mut r = Stream::new(11, 4);
        for (nt, ns) in [(1, 1), (4, 4), (10, 2), (4, 10), (7, 9), (5, 3), (9, 8)] {
            for nb in [LANES, 5 * LANES, CHUNK] {
                let a: Vec<f64> = (0..nt * CHUNK).map(|_| r.uniform_in(-1.0, 1.0)).collect();
                let c: Vec<f64> = (0..ns * CHUNK).map(|_| r.uniform_in(-1.0, 1.0)).collect();
                let before: Vec<f64> = (0..nt * ns).map(|_| r.uniform_in(-1.0, 1.0)).collect();
                let sums_before: Vec<f64> = (0..nt).map(|_| r.uniform_in(-1.0, 1.0)).collect();
                for add in [false, true] {
                    for with_sums in [false, true] {
                        let (mut out, mut sums) = (before.clone(), sums_before.clone());
                        let sums_arg = with_sums.then_some(&mut sums[..]);
                        outer_dots(s, (&a, nt), (&c, ns), &mut out, sums_arg, nb, add);
                        for t in 0..nt {
                            let mut sum = [0.0; W];
                            for b0 in (0..nb).step_by(LANES) {
                                for (l, u) in sum.iter_mut().enumerate() {
                                    *u += a[t * CHUNK + b0 + l];
                                }
                            }
                            for si in 0..ns {
                                let mut dot = [0.0; W];
                                for b0 in (0..nb).step_by(LANES) {
                                    for (l, d) in dot.iter_mut().enumerate() {
                                        let (x, y) =
                                            (a[t * CHUNK + b0 + l], c[si * CHUNK + b0 + l]);
                                        *d = x.mul_add(y, *d);
                                    }
                                }
                                let v = s.reduce(dot);
                                let want = if add { before[t * ns + si] + v } else { v };
                                assert_eq!(
                                    out[t * ns + si].to_bits(),
                                    want.to_bits(),
                                    "{nt}x{ns} ({t}, {si})"
                                );
                            }
                            let v = s.reduce(sum);
                            let want = match (with_sums, add) {
                                (false, _) => sums_before[t],
                                (true, false) => v,
                                (true, true) => sums_before[t] + v,
                            };
                            assert_eq!(sums[t].to_bits(), want.to_bits(), "{nt}x{ns} sum {t}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        for (sizes, nc) in [
            (vec![2, 10, 4], CHUNK),
            (vec![2, 10, 4], 37),
            (vec![3, 5, 6, 2], 9),
            (vec![40, 30, 3], 64),
        ] {
            let base = chunk_results(Portable, &sizes, nc);
            assert!(base.0.is_finite() && base.1.iter().all(|x| x.is_finite()));
            #[cfg(target_arch = "x86_64")]
            {
                if let Some(s) = crate::simd::Avx2::new() {
                    assert_eq!(chunk_results(s, &sizes, nc), base, "AVX2 {sizes:?} {nc}");
                }
                if let Some(s) = crate::simd::Avx512::new() {
                    assert_eq!(chunk_results(s, &sizes, nc), base, "AVX-512 {sizes:?} {nc}");
                }
            }
        }
    }
}
