//! Host-side steps shared by every launcher: the data layout the kernels read and the
//! finishing of the summed data terms into the [`Potential`](common::potential::Potential)
//! results, exactly as [`Mlp`] finishes its own sums (average, L2 term, frozen mask).

use common::mlp::Mlp;

/// The inputs transposed to feature-major order (`xT[s·Ndata + d]`), as the kernels read them.
pub fn transpose_inputs(mlp: &Mlp) -> Vec<f64> {
    let data = mlp.data();
    let (nin, ndata) = (data.nin(), data.ndata());
    let mut xt = vec![0.0; nin * ndata];
    for (d, row) in data.inputs().chunks_exact(nin).enumerate() {
        for (s, &v) in row.iter().enumerate() {
            xt[s * ndata + d] = v;
        }
    }
    xt
}

/// The labels as the kernels read them (0-based `i32`).
pub fn labels_i32(mlp: &Mlp) -> Vec<i32> {
    mlp.data().labels().iter().map(|&c| c as i32).collect()
}

/// Add the per-block loss sums in block order.
pub fn sum_in_order(parts: &[f64]) -> f64 {
    parts.iter().fold(0.0, |a, b| a + b)
}

/// The energy from the summed data term `Σ_d −ln p_{c_d}`.
pub fn finish_energy(mlp: &Mlp, x: &[f64], loss_sum: f64) -> f64 {
    loss_sum / mlp.data().ndata() as f64 + mlp.regulariser(x)
}

/// The gradient from the summed item gradients (in `grad`, overwritten): average, `+ 2λX` on
/// the regularised variables, frozen components zeroed.
pub fn finish_gradient(mlp: &Mlp, x: &[f64], grad: &mut [f64]) {
    let n = mlp.data().ndata() as f64;
    for g in grad.iter_mut() {
        *g /= n;
    }
    let two_lambda = 2.0 * mlp.lambda();
    for (g, xv) in grad[..mlp.reg_end()].iter_mut().zip(x) {
        *g += two_lambda * xv;
    }
    if let Some(m) = common::potential::Potential::frozen(mlp) {
        m.apply(grad);
    }
}

/// `v` with the frozen components zeroed (the vector the R-operator pass must use).
pub fn masked_direction(mlp: &Mlp, v: &[f64]) -> Vec<f64> {
    let mut w = v.to_vec();
    if let Some(m) = common::potential::Potential::frozen(mlp) {
        m.apply(&mut w);
    }
    w
}

/// `Hv` from the summed item products (in `hv`, overwritten); `v` already masked.
pub fn finish_hv(mlp: &Mlp, v: &[f64], hv: &mut [f64]) {
    let n = mlp.data().ndata() as f64;
    for h in hv.iter_mut() {
        *h /= n;
    }
    let two_lambda = 2.0 * mlp.lambda();
    for (h, vv) in hv[..mlp.reg_end()].iter_mut().zip(v) {
        *h += two_lambda * vv;
    }
    if let Some(m) = common::potential::Potential::frozen(mlp) {
        m.apply(hv);
    }
}
