//! Batched passes over a chunk of up to [`CHUNK`] items (energy, gradient, probabilities).
//!
//! Buffers are node-major with the **item index fastest**: layer `j` is an `n_j × CHUNK`
//! row-major block at `node_off[j−1]·CHUNK`, entry (node `t`, item `b`) at
//! `node_off[j−1]·CHUNK + t·CHUNK + b`. Every small-layer loop then runs over contiguous items
//! (vectorised), whatever the layer sizes; weight matrices with at least
//! `GEMM_MIN_WEIGHTS` entries use nalgebra's cache-blocked matrix product instead. Each
//! chunk's result depends only on the chunk's items, never on the thread running it.

use nalgebra::{DMatrixView, DMatrixViewMut};

use super::kernel::{axpy, dot, exp_nonpos_in_place_generic, tanh_in_place_generic};
use super::network::Network;

/// Number of data items per chunk: the unit of parallel work. Fixed (independent of the thread
/// count), and per-chunk partial sums are reduced sequentially in chunk order, so every result
/// is bit-identical for any number of rayon threads.
pub const CHUNK: usize = 64;

/// Weight matrices with at least this many entries use a matrix product...
const GEMM_MIN_WEIGHTS: usize = 1024;
/// ... for chunks of at least this many items.
const GEMM_MIN_ITEMS: usize = 8;

/// Buffers and state of one chunk.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    /// Inputs transposed (`Nin × CHUNK`), when the first layer is not a matrix product
    /// (allocated on first use).
    xt: Vec<f64>,
    act: Vec<f64>,
    del: Vec<f64>,
    /// `e = Wᵀδ` of one layer (`max width × CHUNK`).
    err: Vec<f64>,
    /// Softmax probabilities, `Nout × CHUNK`.
    p: Vec<f64>,
    m: Vec<f64>,
    s: Vec<f64>,
    /// R-operator buffers (allocated on the first Hessian-vector product).
    ract: Vec<f64>,
    rdel: Vec<f64>,
    rerr: Vec<f64>,
    nc: usize,
}

fn use_gemm(net: &Network, k: usize, nc: usize) -> bool {
    nc >= GEMM_MIN_ITEMS && net.sizes()[k] * net.sizes()[k + 1] >= GEMM_MIN_WEIGHTS
}

/// Sum with eight partial sums (fixed order).
#[inline(always)]
fn sum8(a: &[f64]) -> f64 {
    let c = a.chunks_exact(8);
    let r = c.remainder();
    let mut acc = [0.0f64; 8];
    for x in c {
        for i in 0..8 {
            acc[i] += x[i];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for x in r {
        s += x;
    }
    s
}

impl Batch {
    pub(crate) fn new(net: &Network) -> Self {
        Self {
            xt: Vec::new(),
            act: vec![0.0; net.n_nodes() * CHUNK],
            del: vec![0.0; net.n_nodes() * CHUNK],
            err: vec![0.0; net.max_width() * CHUNK],
            p: vec![0.0; net.nout() * CHUNK],
            m: vec![0.0; CHUNK],
            s: vec![0.0; CHUNK],
            ract: Vec::new(),
            rdel: Vec::new(),
            rerr: Vec::new(),
            nc: 0,
        }
    }

    /// Forward pass for `xs`: `nc ≤ CHUNK` items, item-major (`nc × Nin`).
    pub(crate) fn forward(&mut self, net: &Network, w: &[f64], xs: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::kernel::has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { self.forward_avx2(net, w, xs) };
                return;
            }
        }
        self.forward_impl(net, w, xs);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn forward_avx2(&mut self, net: &Network, w: &[f64], xs: &[f64]) {
        self.forward_impl(net, w, xs);
    }

    #[inline(always)]
    fn forward_impl(&mut self, net: &Network, w: &[f64], xs: &[f64]) {
        let nin = net.nin();
        let nc = xs.len() / nin;
        debug_assert!((1..=CHUNK).contains(&nc) && xs.len() == nc * nin);
        self.nc = nc;
        if !use_gemm(net, 0, nc) {
            if self.xt.is_empty() {
                self.xt = vec![0.0; nin * CHUNK];
            }
            for (b, x) in xs.chunks_exact(nin).enumerate() {
                for (s, &v) in x.iter().enumerate() {
                    self.xt[s * CHUNK + b] = v;
                }
            }
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
                let a = DMatrixView::from_slice_with_strides(wk, t_n, s_n, s_n, 1);
                let b = if k == 0 {
                    DMatrixView::from_slice_with_strides(xs, nin, nc, 1, nin)
                } else {
                    DMatrixView::from_slice_with_strides(src, s_n, nc, CHUNK, 1)
                };
                DMatrixViewMut::from_slice_with_strides_mut(dst, t_n, nc, CHUNK, 1)
                    .gemm(1.0, &a, &b, 0.0);
                for (t, &bt) in bias.iter().enumerate() {
                    for v in &mut dst[t * CHUNK..t * CHUNK + nc] {
                        *v += bt;
                    }
                }
            } else {
                for t in 0..t_n {
                    let row = &mut dst[t * CHUNK..t * CHUNK + nc];
                    row.fill(bias.get(t).copied().unwrap_or(0.0));
                    for (s, &wts) in wk[t * s_n..(t + 1) * s_n].iter().enumerate() {
                        axpy(wts, &src[s * CHUNK..s * CHUNK + nc], row);
                    }
                }
            }
            if k + 1 < nmat {
                if nc == CHUNK {
                    tanh_in_place_generic(dst);
                } else {
                    for row in dst.chunks_exact_mut(CHUNK) {
                        tanh_in_place_generic(&mut row[..nc]);
                    }
                }
            }
        }
    }

    /// Softmax of the outputs (max-shifted) and `Σ_b −ln p_{c_b}` summed in item order;
    /// `labels` holds the chunk's 0-based labels.
    pub(crate) fn softmax(&mut self, net: &Network, labels: &[usize]) -> f64 {
        #[cfg(target_arch = "x86_64")]
        {
            if super::kernel::has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked just above).
                return unsafe { self.softmax_avx2(net, labels) };
            }
        }
        self.softmax_impl(net, labels)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn softmax_avx2(&mut self, net: &Network, labels: &[usize]) -> f64 {
        self.softmax_impl(net, labels)
    }

    #[inline(always)]
    fn softmax_impl(&mut self, net: &Network, labels: &[usize]) -> f64 {
        let nc = self.nc;
        let nout = net.nout();
        let y = &self.act[net.layer(net.n_matrices()).start * CHUNK..][..nout * CHUNK];
        let (m, s) = (&mut self.m[..nc], &mut self.s[..nc]);
        m.copy_from_slice(&y[..nc]);
        for row in y.chunks_exact(CHUNK).skip(1) {
            for (mb, &v) in m.iter_mut().zip(row) {
                *mb = mb.max(v);
            }
        }
        s.fill(0.0);
        for (prow, yrow) in self.p.chunks_exact_mut(CHUNK).zip(y.chunks_exact(CHUNK)) {
            let prow = &mut prow[..nc];
            for ((pb, &v), &mb) in prow.iter_mut().zip(yrow).zip(m.iter()) {
                *pb = v - mb;
            }
            exp_nonpos_in_place_generic(prow);
            for (sb, &e) in s.iter_mut().zip(prow.iter()) {
                *sb += e;
            }
        }
        for prow in self.p.chunks_exact_mut(CHUNK) {
            for (pb, &sb) in prow[..nc].iter_mut().zip(s.iter()) {
                *pb /= sb;
            }
        }
        let mut sum = 0.0;
        for (b, &c) in labels[..nc].iter().enumerate() {
            sum += s[b].ln() - (y[c * CHUNK + b] - m[b]);
        }
        sum
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

    /// Backward pass after [`Batch::softmax`]: adds `Σ_b ∇ℓ_b` over the chunk to `g`.
    pub(crate) fn backward(
        &mut self,
        net: &Network,
        w: &[f64],
        xs: &[f64],
        labels: &[usize],
        g: &mut [f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::kernel::has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { self.backward_avx2(net, w, xs, labels, g) };
                return;
            }
        }
        self.backward_impl(net, w, xs, labels, g);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn backward_avx2(
        &mut self,
        net: &Network,
        w: &[f64],
        xs: &[f64],
        labels: &[usize],
        g: &mut [f64],
    ) {
        self.backward_impl(net, w, xs, labels, g);
    }

    #[inline(always)]
    fn backward_impl(
        &mut self,
        net: &Network,
        w: &[f64],
        xs: &[f64],
        labels: &[usize],
        g: &mut [f64],
    ) {
        let nc = self.nc;
        let nin = net.nin();
        let nmat = net.n_matrices();
        let out = net.layer(nmat).start * CHUNK;
        let nout = net.nout();
        self.del[out..out + nout * CHUNK].copy_from_slice(&self.p[..nout * CHUNK]);
        for (b, &c) in labels[..nc].iter().enumerate() {
            self.del[out + c * CHUNK + b] -= 1.0;
        }
        for k in (0..nmat).rev() {
            let (s_n, t_n) = (net.sizes()[k], net.sizes()[k + 1]);
            let (dlo, dhi) = self.del.split_at_mut(net.layer(k + 1).start * CHUNK);
            let d = &dhi[..t_n * CHUNK];
            let gemm = use_gemm(net, k, nc);
            let src: &[f64] = if k == 0 {
                &self.xt
            } else {
                &self.act[net.layer(k).start * CHUNK..]
            };
            let gk = &mut g[net.weight_range(k)];
            if gemm {
                // gW_k (T × S, row-major) += Δ (T × nc) · Zᵀ (nc × S).
                let a = DMatrixView::from_slice_with_strides(d, t_n, nc, CHUNK, 1);
                let b = if k == 0 {
                    DMatrixView::from_slice_with_strides(xs, nc, nin, nin, 1)
                } else {
                    DMatrixView::from_slice_with_strides(src, nc, s_n, 1, CHUNK)
                };
                DMatrixViewMut::from_slice_with_strides_mut(gk, t_n, s_n, s_n, 1)
                    .gemm(1.0, &a, &b, 1.0);
            } else {
                for (t, grow) in gk.chunks_exact_mut(s_n).enumerate() {
                    let dt = &d[t * CHUNK..t * CHUNK + nc];
                    for (s, gv) in grow.iter_mut().enumerate() {
                        *gv += dot(dt, &src[s * CHUNK..s * CHUNK + nc]);
                    }
                }
            }
            for (t, gb) in g[net.bias_range(k)].iter_mut().enumerate() {
                *gb += sum8(&d[t * CHUNK..t * CHUNK + nc]);
            }
            if k > 0 {
                let wk = &w[net.weight_range(k)];
                let e = &mut self.err[..s_n * CHUNK];
                if gemm {
                    // E (S × nc) = W_kᵀ (S × T) · Δ (T × nc).
                    let a = DMatrixView::from_slice_with_strides(wk, s_n, t_n, 1, s_n);
                    let b = DMatrixView::from_slice_with_strides(d, t_n, nc, CHUNK, 1);
                    DMatrixViewMut::from_slice_with_strides_mut(e, s_n, nc, CHUNK, 1)
                        .gemm(1.0, &a, &b, 0.0);
                } else {
                    for (s, erow) in e.chunks_exact_mut(CHUNK).enumerate() {
                        let erow = &mut erow[..nc];
                        erow.fill(0.0);
                        for t in 0..t_n {
                            axpy(wk[t * s_n + s], &d[t * CHUNK..t * CHUNK + nc], erow);
                        }
                    }
                }
                let base = net.layer(k).start * CHUNK;
                let z = &self.act[base..base + s_n * CHUNK];
                let dk = &mut dlo[base..base + s_n * CHUNK];
                for ((drow, erow), zrow) in dk
                    .chunks_exact_mut(CHUNK)
                    .zip(e.chunks_exact(CHUNK))
                    .zip(z.chunks_exact(CHUNK))
                {
                    for ((dv, &ev), &zv) in drow[..nc].iter_mut().zip(erow).zip(zrow) {
                        *dv = ev * (1.0 - zv * zv);
                    }
                }
            }
        }
    }

    /// Hessian-vector product of the chunk: forward pass, softmax, then Pearlmutter's
    /// R-operator along `v` (same layout as `w`) through the network and back; adds
    /// `Σ_b H_b v` over the chunk's items to `hv`.
    pub(crate) fn hessian_vector(
        &mut self,
        net: &Network,
        w: &[f64],
        v: &[f64],
        xs: &[f64],
        labels: &[usize],
        hv: &mut [f64],
    ) {
        if self.ract.is_empty() {
            self.ract = vec![0.0; net.n_nodes() * CHUNK];
            self.rdel = vec![0.0; net.n_nodes() * CHUNK];
            self.rerr = vec![0.0; net.max_width() * CHUNK];
        }
        #[cfg(target_arch = "x86_64")]
        {
            if super::kernel::has_avx2() {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { self.hessian_vector_avx2(net, w, v, xs, labels, hv) };
                return;
            }
        }
        self.hessian_vector_impl(net, w, v, xs, labels, hv);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn hessian_vector_avx2(
        &mut self,
        net: &Network,
        w: &[f64],
        v: &[f64],
        xs: &[f64],
        labels: &[usize],
        hv: &mut [f64],
    ) {
        self.hessian_vector_impl(net, w, v, xs, labels, hv);
    }

    #[inline(always)]
    fn hessian_vector_impl(
        &mut self,
        net: &Network,
        w: &[f64],
        v: &[f64],
        xs: &[f64],
        labels: &[usize],
        hv: &mut [f64],
    ) {
        self.forward_impl(net, w, xs);
        self.softmax_impl(net, labels);
        let nc = self.nc;
        let nin = net.nin();
        let nmat = net.n_matrices();

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
            if use_gemm(net, k, nc) {
                let b = if k == 0 {
                    DMatrixView::from_slice_with_strides(xs, nin, nc, 1, nin)
                } else {
                    DMatrixView::from_slice_with_strides(src, s_n, nc, CHUNK, 1)
                };
                let mut c = DMatrixViewMut::from_slice_with_strides_mut(dst, t_n, nc, CHUNK, 1);
                let va = DMatrixView::from_slice_with_strides(vk, t_n, s_n, s_n, 1);
                c.gemm(1.0, &va, &b, 0.0);
                if k > 0 {
                    let wa = DMatrixView::from_slice_with_strides(wk, t_n, s_n, s_n, 1);
                    let rb = DMatrixView::from_slice_with_strides(rsrc, s_n, nc, CHUNK, 1);
                    c.gemm(1.0, &wa, &rb, 1.0);
                }
                for (t, &bt) in vb.iter().enumerate() {
                    for x in &mut dst[t * CHUNK..t * CHUNK + nc] {
                        *x += bt;
                    }
                }
            } else {
                for t in 0..t_n {
                    let row = &mut dst[t * CHUNK..t * CHUNK + nc];
                    row.fill(vb.get(t).copied().unwrap_or(0.0));
                    for s in 0..s_n {
                        axpy(vk[t * s_n + s], &src[s * CHUNK..s * CHUNK + nc], row);
                    }
                    if k > 0 {
                        for s in 0..s_n {
                            axpy(wk[t * s_n + s], &rsrc[s * CHUNK..s * CHUNK + nc], row);
                        }
                    }
                }
            }
            if k + 1 < nmat {
                let z = &self.act[net.layer(k + 1).start * CHUNK..][..t_n * CHUNK];
                for (rrow, zrow) in dst.chunks_exact_mut(CHUNK).zip(z.chunks_exact(CHUNK)) {
                    for (r, &zv) in rrow[..nc].iter_mut().zip(zrow) {
                        *r *= 1.0 - zv * zv;
                    }
                }
            }
        }

        // Output: δ = p − e_c and R{δ} = p ⊙ (R{y} − p·R{y}).
        let out = net.layer(nmat).start * CHUNK;
        let nout = net.nout();
        self.del[out..out + nout * CHUNK].copy_from_slice(&self.p[..nout * CHUNK]);
        for (b, &c) in labels[..nc].iter().enumerate() {
            self.del[out + c * CHUNK + b] -= 1.0;
        }
        let ry = &self.ract[out..out + nout * CHUNK];
        let pr = &mut self.m[..nc];
        pr.fill(0.0);
        for (prow, rrow) in self.p.chunks_exact(CHUNK).zip(ry.chunks_exact(CHUNK)) {
            for ((a, &pv), &rv) in pr.iter_mut().zip(prow).zip(rrow) {
                *a += pv * rv;
            }
        }
        let rd_out = &mut self.rdel[out..out + nout * CHUNK];
        for ((drow, prow), rrow) in rd_out
            .chunks_exact_mut(CHUNK)
            .zip(self.p.chunks_exact(CHUNK))
            .zip(ry.chunks_exact(CHUNK))
        {
            for (((dv, &pv), &rv), &a) in drow[..nc].iter_mut().zip(prow).zip(rrow).zip(pr.iter()) {
                *dv = pv * (rv - a);
            }
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
            let gemm = use_gemm(net, k, nc);
            let (src, rsrc): (&[f64], &[f64]) = if k == 0 {
                (&self.xt, &[])
            } else {
                let base = net.layer(k).start * CHUNK;
                (&self.act[base..], &self.ract[base..])
            };
            let hk = &mut hv[net.weight_range(k)];
            if gemm {
                let mut c = DMatrixViewMut::from_slice_with_strides_mut(hk, t_n, s_n, s_n, 1);
                let a = DMatrixView::from_slice_with_strides(rd, t_n, nc, CHUNK, 1);
                let b = if k == 0 {
                    DMatrixView::from_slice_with_strides(xs, nc, nin, nin, 1)
                } else {
                    DMatrixView::from_slice_with_strides(src, nc, s_n, 1, CHUNK)
                };
                c.gemm(1.0, &a, &b, 1.0);
                if k > 0 {
                    let a = DMatrixView::from_slice_with_strides(d, t_n, nc, CHUNK, 1);
                    let b = DMatrixView::from_slice_with_strides(rsrc, nc, s_n, 1, CHUNK);
                    c.gemm(1.0, &a, &b, 1.0);
                }
            } else {
                for (t, hrow) in hk.chunks_exact_mut(s_n).enumerate() {
                    let rdt = &rd[t * CHUNK..t * CHUNK + nc];
                    let dt = &d[t * CHUNK..t * CHUNK + nc];
                    for (s, hval) in hrow.iter_mut().enumerate() {
                        let mut a = dot(rdt, &src[s * CHUNK..s * CHUNK + nc]);
                        if k > 0 {
                            a += dot(dt, &rsrc[s * CHUNK..s * CHUNK + nc]);
                        }
                        *hval += a;
                    }
                }
            }
            for (t, hb) in hv[net.bias_range(k)].iter_mut().enumerate() {
                *hb += sum8(&rd[t * CHUNK..t * CHUNK + nc]);
            }
            if k > 0 {
                let wk = &w[net.weight_range(k)];
                let vk = &v[net.weight_range(k)];
                let e = &mut self.err[..s_n * CHUNK];
                let re = &mut self.rerr[..s_n * CHUNK];
                if gemm {
                    let wt = DMatrixView::from_slice_with_strides(wk, s_n, t_n, 1, s_n);
                    let vt = DMatrixView::from_slice_with_strides(vk, s_n, t_n, 1, s_n);
                    let dm = DMatrixView::from_slice_with_strides(d, t_n, nc, CHUNK, 1);
                    let rdm = DMatrixView::from_slice_with_strides(rd, t_n, nc, CHUNK, 1);
                    DMatrixViewMut::from_slice_with_strides_mut(e, s_n, nc, CHUNK, 1)
                        .gemm(1.0, &wt, &dm, 0.0);
                    let mut rc = DMatrixViewMut::from_slice_with_strides_mut(re, s_n, nc, CHUNK, 1);
                    rc.gemm(1.0, &wt, &rdm, 0.0);
                    rc.gemm(1.0, &vt, &dm, 1.0);
                } else {
                    for (s, (erow, rerow)) in e
                        .chunks_exact_mut(CHUNK)
                        .zip(re.chunks_exact_mut(CHUNK))
                        .enumerate()
                    {
                        let (erow, rerow) = (&mut erow[..nc], &mut rerow[..nc]);
                        erow.fill(0.0);
                        rerow.fill(0.0);
                        for t in 0..t_n {
                            let (dt, rdt) = (
                                &d[t * CHUNK..t * CHUNK + nc],
                                &rd[t * CHUNK..t * CHUNK + nc],
                            );
                            axpy(wk[t * s_n + s], dt, erow);
                            axpy(wk[t * s_n + s], rdt, rerow);
                            axpy(vk[t * s_n + s], dt, rerow);
                        }
                    }
                }
                let base = net.layer(k).start * CHUNK;
                let z = &self.act[base..base + s_n * CHUNK];
                let rz = &self.ract[base..base + s_n * CHUNK];
                let dk = &mut dlo[base..base + s_n * CHUNK];
                let rdk = &mut rdlo[base..base + s_n * CHUNK];
                for s in 0..s_n {
                    let r = s * CHUNK..s * CHUNK + nc;
                    for b in r {
                        let zv = z[b];
                        let dz = 1.0 - zv * zv;
                        dk[b] = e[b] * dz;
                        rdk[b] = re[b] * dz - 2.0 * e[b] * zv * rz[b];
                    }
                }
            }
        }
    }
}
