//! Per-item forward, backward and R-operator passes of a [`Network`] (allocation-free; all
//! buffers come from a [`Scratch`]).
//!
//! Per-node buffers hold the hidden layers then the output layer (`Network::layer(j)`,
//! `j = 1..=L+1`): `act` = `z_j = tanh(a_j)` for hidden layers and `y` for the output layer;
//! `del` = `δ_j = ∂ℓ/∂a_j` (item loss ℓ = −ln p_c); `err` = `e_j = W_jᵀ δ_{j+1} = ∂ℓ/∂z_j`
//! (hidden layers only). R-buffers hold directional derivatives `R{·}` along a direction `v`:
//! `ract` = `R{z_j}` (hidden) / `R{y}` (output), `rdel` = `R{δ_j}`.

use super::network::Network;

/// Dot product with eight independent partial sums (a fixed order, hence deterministic).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut acc = [0.0f64; 8];
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// `y += alpha · x`.
#[inline]
pub(crate) fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// Softmax of `y` into `p` with a max shift; returns `−ln p_c = ln Σ exp(y − m) − (y_c − m)`.
#[inline]
pub(crate) fn softmax_nll(y: &[f64], c: usize, p: &mut [f64]) -> f64 {
    let m = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (pi, &yi) in p.iter_mut().zip(y) {
        let e = (yi - m).exp();
        *pi = e;
        s += e;
    }
    for pi in p.iter_mut() {
        *pi /= s;
    }
    s.ln() - (y[c] - m)
}

/// Per-item work buffers (one set per rayon work item).
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    pub act: Vec<f64>,
    pub del: Vec<f64>,
    pub err: Vec<f64>,
    pub p: Vec<f64>,
    pub ract: Vec<f64>,
    pub rdel: Vec<f64>,
    pub tmp: Vec<f64>,
}

impl Scratch {
    pub(crate) fn new(net: &Network) -> Self {
        let n = net.n_nodes();
        Self {
            act: vec![0.0; n],
            del: vec![0.0; n],
            err: vec![0.0; n],
            p: vec![0.0; net.nout()],
            ract: vec![0.0; n],
            rdel: vec![0.0; n],
            tmp: vec![0.0; net.max_width()],
        }
    }
}

impl Network {
    /// Row `t` of weight matrix `k` (the weights into target node `t`).
    #[inline]
    pub(crate) fn wrow<'a>(&self, w: &'a [f64], k: usize, t: usize) -> &'a [f64] {
        let s = self.sizes()[k];
        let o = self.weight_offset(k) + t * s;
        &w[o..o + s]
    }

    /// Forward pass for one item: fills `act` (hidden `z`, output `y`).
    pub(crate) fn forward(&self, w: &[f64], x: &[f64], act: &mut [f64]) {
        let nmat = self.n_matrices();
        for k in 0..nmat {
            let t_n = self.sizes()[k + 1];
            let start = self.layer(k + 1).start;
            let (lo, hi) = act.split_at_mut(start);
            let src: &[f64] = if k == 0 { x } else { &lo[self.layer(k)] };
            let hidden = k + 1 < nmat;
            let bias = self.bias_index(k, 0);
            for (t, out) in hi[..t_n].iter_mut().enumerate() {
                let mut a = dot(self.wrow(w, k, t), src);
                if let Some(b) = bias {
                    a += w[b + t];
                }
                *out = if hidden { a.tanh() } else { a };
            }
        }
    }

    /// Output activations of the last forward pass.
    #[inline]
    pub(crate) fn output<'a>(&self, act: &'a [f64]) -> &'a [f64] {
        &act[self.layer(self.n_matrices())]
    }

    /// Sets the output-layer `δ = p − e_c` in `del`.
    #[inline]
    pub(crate) fn output_delta(&self, p: &[f64], c: usize, del: &mut [f64]) {
        let d = &mut del[self.layer(self.n_matrices())];
        d.copy_from_slice(p);
        d[c] -= 1.0;
    }

    /// Backward pass for one item after [`Network::forward`] and [`Network::output_delta`]:
    /// fills `δ` of every layer in `del` and `e` of the hidden layers in `err`; when `g` is
    /// given, adds the item's gradient `∂ℓ/∂W_k = δ_{k+1} z_kᵀ`, `∂ℓ/∂b_k = δ_{k+1}` to it.
    pub(crate) fn backward(
        &self,
        w: &[f64],
        x: &[f64],
        act: &[f64],
        del: &mut [f64],
        err: &mut [f64],
        mut g: Option<&mut [f64]>,
    ) {
        let sizes = self.sizes();
        for k in (0..self.n_matrices()).rev() {
            let s_n = sizes[k];
            let (dlo, dhi) = del.split_at_mut(self.layer(k + 1).start);
            let d = &dhi[..sizes[k + 1]];
            if let Some(g) = g.as_deref_mut() {
                let src: &[f64] = if k == 0 { x } else { &act[self.layer(k)] };
                let gk = &mut g[self.weight_range(k)];
                for (row, &dt) in gk.chunks_exact_mut(s_n).zip(d) {
                    axpy(dt, src, row);
                }
                for (gb, &dt) in g[self.bias_range(k)].iter_mut().zip(d) {
                    *gb += dt;
                }
            }
            if k > 0 {
                let lk = self.layer(k);
                let e = &mut err[lk.clone()];
                e.fill(0.0);
                for (t, &dt) in d.iter().enumerate() {
                    axpy(dt, self.wrow(w, k, t), e);
                }
                let z = &act[lk.clone()];
                for ((dk, &ek), &zk) in dlo[lk].iter_mut().zip(e.iter()).zip(z) {
                    *dk = ek * (1.0 - zk * zk);
                }
            }
        }
    }

    /// R-forward pass along the direction `v` (same layout as `w`) after
    /// [`Network::forward`]: fills `ract` with `R{z}` (hidden) and `R{y}` (output).
    pub(crate) fn r_forward(&self, w: &[f64], v: &[f64], x: &[f64], act: &[f64], ract: &mut [f64]) {
        let nmat = self.n_matrices();
        for k in 0..nmat {
            let t_n = self.sizes()[k + 1];
            let start = self.layer(k + 1).start;
            let (lo, hi) = ract.split_at_mut(start);
            let src: &[f64] = if k == 0 { x } else { &act[self.layer(k)] };
            let rsrc: Option<&[f64]> = (k > 0).then(|| &lo[self.layer(k)]);
            let hidden = k + 1 < nmat;
            let z = &act[self.layer(k + 1)];
            let bias = self.bias_index(k, 0);
            for (t, out) in hi[..t_n].iter_mut().enumerate() {
                let mut ra = dot(self.wrow(v, k, t), src);
                if let Some(rs) = rsrc {
                    ra += dot(self.wrow(w, k, t), rs);
                }
                if let Some(b) = bias {
                    ra += v[b + t];
                }
                *out = if hidden { (1.0 - z[t] * z[t]) * ra } else { ra };
            }
        }
    }

    /// Output-layer `R{δ} = R{p} = p ⊙ (R{y} − p·R{y})` into `rdel`.
    #[inline]
    pub(crate) fn output_r_delta(&self, p: &[f64], ract: &[f64], rdel: &mut [f64]) {
        let out = self.layer(self.n_matrices());
        let ry = &ract[out.clone()];
        let pr: f64 = p.iter().zip(ry).map(|(a, b)| a * b).sum();
        for ((rd, &pi), &r) in rdel[out].iter_mut().zip(p).zip(ry) {
            *rd = pi * (r - pr);
        }
    }

    /// Backward pass together with its R-derivative, after [`Network::forward`],
    /// [`Network::r_forward`], [`Network::output_delta`] and [`Network::output_r_delta`]:
    /// adds the item's `R{∇ℓ}` (the item's Hessian times `v`) to `hv`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn r_backward(
        &self,
        w: &[f64],
        v: &[f64],
        x: &[f64],
        sc: &mut Scratch,
        hv: &mut [f64],
    ) {
        let sizes = self.sizes();
        let Scratch {
            act,
            del,
            err,
            ract,
            rdel,
            tmp,
            ..
        } = sc;
        for k in (0..self.n_matrices()).rev() {
            let s_n = sizes[k];
            let t_n = sizes[k + 1];
            let up = self.layer(k + 1).start;
            let (dlo, dhi) = del.split_at_mut(up);
            let (rdlo, rdhi) = rdel.split_at_mut(up);
            let d = &dhi[..t_n];
            let rd = &rdhi[..t_n];
            let src: &[f64] = if k == 0 { x } else { &act[self.layer(k)] };
            let rsrc: Option<&[f64]> = (k > 0).then(|| &ract[self.layer(k)]);
            let hk = &mut hv[self.weight_range(k)];
            for ((row, &dt), &rdt) in hk.chunks_exact_mut(s_n).zip(d).zip(rd) {
                axpy(rdt, src, row);
                if let Some(rs) = rsrc {
                    axpy(dt, rs, row);
                }
            }
            for (hb, &rdt) in hv[self.bias_range(k)].iter_mut().zip(rd) {
                *hb += rdt;
            }
            if k > 0 {
                let lk = self.layer(k);
                let e = &mut err[lk.clone()];
                let re = &mut tmp[..s_n];
                e.fill(0.0);
                re.fill(0.0);
                for t in 0..t_n {
                    let wr = self.wrow(w, k, t);
                    axpy(d[t], wr, e);
                    axpy(rd[t], wr, re);
                    axpy(d[t], self.wrow(v, k, t), re);
                }
                let z = &act[lk.clone()];
                let rz = &ract[lk.clone()];
                for s in 0..s_n {
                    let dz = 1.0 - z[s] * z[s];
                    dlo[lk.start + s] = e[s] * dz;
                    rdlo[lk.start + s] = re[s] * dz - 2.0 * e[s] * z[s] * rz[s];
                }
            }
        }
    }
}
