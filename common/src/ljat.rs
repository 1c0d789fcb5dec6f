//! LJAT: Lennard-Jones plus the Axilrod–Teller three-body term, for N atoms.
//!
//! Units ε = σ = 1, unit masses. Coordinates are `x1, y1, z1, x2, ...` (NOPT = 3N).
//!
//! ```text
//! E = Σ_{i<j} 4 (r_ij^-12 − r_ij^-6) + Z Σ_{i<j<k} (1 + 3 cosθ_i cosθ_j cosθ_k) / (r_ij r_ik r_jk)^3
//! ```
//!
//! `Z = 0` is plain Lennard-Jones (the three-body loop is skipped entirely).
//!
//! Implementation: every term is written as a function of squared distances. A pair term is
//! `f(s)` with `s = r²`; a triple term is `f(a, b, c)` with `a = r_ij²`, `b = r_ik²`,
//! `c = r_jk²`, which turns the three-body energy into the rational function
//! `Z [ u^{-3/2} + (3/8) P u^{-5/2} ]` with `u = abc` and
//! `P = (a+b−c)(a−b+c)(−a+b+c)` (the product of the three cosines is `P / (8 u)`).
//! Gradient, Hessian and Hessian-vector products then follow from the chain rule through
//! `∂s/∂r_p = 2 (r_p − r_q)`, using analytic first and second partial derivatives of `f`.

use crate::potential::{FrozenMask, Potential};
use crate::simd::{block, block_mut, isa_dispatch, Simd, W};
use nalgebra::{DMatrix, Matrix3, Vector3};

/// The LJAT potential for `natoms` identical atoms.
#[derive(Debug, Clone)]
pub struct Ljat {
    natoms: usize,
    z: f64,
    frozen: Option<FrozenMask>,
}

/// Derivatives of the pair energy with respect to `s = r²`: (f, f', f'').
fn pair_terms(s: f64) -> (f64, f64, f64) {
    let s3 = 1.0 / (s * s * s); // s^-3 = r^-6
    let s6 = s3 * s3;
    let f = 4.0 * (s6 - s3);
    let d1 = 4.0 * (-6.0 * s6 + 3.0 * s3) / s;
    let d2 = 4.0 * (42.0 * s6 - 12.0 * s3) / (s * s);
    (f, d1, d2)
}

/// Triple energy `f(a,b,c)/Z` and its gradient with respect to `(a, b, c)` (the cheap path used
/// for energies and gradients; [`triple_terms`] adds the Hessian).
#[inline(always)]
fn triple_gradient(a: f64, b: f64, c: f64) -> (f64, [f64; 3]) {
    let u = a * b * c;
    let (l0, l1, l2) = (a + b - c, a - b + c, -a + b + c);
    let p = l0 * l1 * l2;
    // dP/da etc. from the linear factors' coefficients.
    let dp = [
        l1 * l2 + l0 * l2 - l0 * l1,
        l1 * l2 - l0 * l2 + l0 * l1,
        -l1 * l2 + l0 * l2 + l0 * l1,
    ];
    let du = [b * c, a * c, a * b];
    let g1 = 1.0 / (u * u.sqrt());
    let g2 = g1 / u;
    let g1p = -1.5 * g1 / u;
    let g2p = -2.5 * g2 / u;
    let k = 3.0 / 8.0;
    let f = g1 + k * p * g2;
    let df = [0, 1, 2].map(|m| g1p * du[m] + k * (dp[m] * g2 + p * g2p * du[m]));
    (f, df)
}

/// Triple energy `f(a,b,c)/Z` with its gradient and Hessian with respect to `(a, b, c)`.
fn triple_terms(a: f64, b: f64, c: f64) -> (f64, Vector3<f64>, Matrix3<f64>) {
    let u = a * b * c;
    let du = Vector3::new(b * c, a * c, a * b);
    let ddu = Matrix3::new(0.0, c, b, c, 0.0, a, b, a, 0.0);
    // Linear factors of P and their (constant) gradients.
    let l = [a + b - c, a - b + c, -a + b + c];
    let dl = [
        Vector3::new(1.0, 1.0, -1.0),
        Vector3::new(1.0, -1.0, 1.0),
        Vector3::new(-1.0, 1.0, 1.0),
    ];
    let p = l[0] * l[1] * l[2];
    let dp = dl[0] * (l[1] * l[2]) + dl[1] * (l[0] * l[2]) + dl[2] * (l[0] * l[1]);
    let sym = |x: &Vector3<f64>, y: &Vector3<f64>| x * y.transpose() + y * x.transpose();
    let ddp = sym(&dl[0], &dl[1]) * l[2] + sym(&dl[0], &dl[2]) * l[1] + sym(&dl[1], &dl[2]) * l[0];
    // g1(u) = u^{-3/2}, g2(u) = u^{-5/2} and their first two derivatives.
    let usq = u.sqrt();
    let g1 = 1.0 / (u * usq);
    let g1p = -1.5 * g1 / u;
    let g1pp = 3.75 * g1 / (u * u);
    let g2 = g1 / u;
    let g2p = -2.5 * g2 / u;
    let g2pp = 8.75 * g2 / (u * u);
    let duu = du * du.transpose();
    // G(u) composites.
    let dg1 = du * g1p;
    let ddg1 = duu * g1pp + ddu * g1p;
    let dg2 = du * g2p;
    let ddg2 = duu * g2pp + ddu * g2p;
    let k = 3.0 / 8.0;
    let f = g1 + k * p * g2;
    let df = dg1 + (dp * g2 + dg2 * p) * k;
    let ddf = ddg1 + (ddp * g2 + ddg2 * p + sym(&dp, &dg2)) * k;
    (f, df, ddf)
}

isa_dispatch! {
    [s]
    /// The Lennard-Jones pair energy `Σ_{i<j} 4(r⁻¹² − r⁻⁶)`, and with `g` its gradient added
    /// to `g`, vectorised over the partners `j` of each atom `i` (blocks of [`W`]; the last
    /// partners one by one), for the CPU's instruction set. The result depends only on `x`,
    /// not on the instruction set.
    fn lj_pairs(x: &[f64], g: Option<&mut [f64]>) -> f64 {
        lj_pairs_impl(s, x, g)
    }
}

/// The running sums of one atom's partners in [`lj_pairs_impl`].
struct PairSums<V> {
    e: V,
    fx: V,
    fy: V,
    fz: V,
}

/// One block of partners `j..j+W` of an atom at `(xi, yi, zi)`: adds their pair energies and
/// the atom's forces to `acc`, and subtracts the partners' forces from the gradient arrays
/// `g = [gx, gy, gz]`. With `valid` (1 for a partner, 0 for a padding lane past the last
/// atom), the padding lanes add exact zeros.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pair_block<S: Simd>(
    s: S,
    (xi, yi, zi): (S::V, S::V, S::V),
    j: usize,
    p: [&[f64]; 3],
    g: Option<[&mut [f64]; 3]>,
    valid: Option<S::V>,
    acc: &mut PairSums<S::V>,
) {
    let (four, one) = (s.splat(4.0), s.splat(1.0));
    let (m48, p24) = (s.splat(-48.0), s.splat(24.0));
    let dx = s.sub(xi, s.load(block(p[0], j)));
    let dy = s.sub(yi, s.load(block(p[1], j)));
    let dz = s.sub(zi, s.load(block(p[2], j)));
    let r2 = s.fma(dx, dx, s.fma(dy, dy, s.mul(dz, dz)));
    let ir2 = s.div(one, r2);
    let ir6 = s.mul(s.mul(ir2, ir2), ir2);
    let ir12 = s.mul(ir6, ir6);
    let scale = valid.map_or(four, |v| s.mul(four, v));
    acc.e = s.fma(scale, s.sub(ir12, ir6), acc.e);
    if let Some([gx, gy, gz]) = g {
        // dE/dx_i = 2 (dE/dr²) dx with dE/dr² = (−24 r⁻¹² + 12 r⁻⁶) r⁻².
        let mut f2 = s.mul(s.fma(m48, ir12, s.mul(p24, ir6)), ir2);
        if let Some(v) = valid {
            f2 = s.mul(f2, v);
        }
        let (tx, ty, tz) = (s.mul(f2, dx), s.mul(f2, dy), s.mul(f2, dz));
        acc.fx = s.add(acc.fx, tx);
        acc.fy = s.add(acc.fy, ty);
        acc.fz = s.add(acc.fz, tz);
        for (gc, t) in [(gx, tx), (gy, ty), (gz, tz)] {
            let v = s.sub(s.load(block(gc, j)), t);
            s.store(block_mut(gc, j), v);
        }
    }
}

/// See [`lj_pairs`]. Each atom's partners go in blocks of [`W`]; the last, partial block reads
/// padding lanes placed far from every atom and masked to zero, so no pair is computed one by
/// one.
#[inline(always)]
fn lj_pairs_impl<S: Simd>(s: S, x: &[f64], g: Option<&mut [f64]>) -> f64 {
    let n = x.len() / 3;
    // Coordinates, gradient and lane mask by component (structure of arrays, each `np`
    // long, room for a whole block past any atom); on the stack when small.
    let np = n + W;
    let mut stack = [0.0; 7 * (32 + W)];
    let mut heap = Vec::new();
    let c: &mut [f64] = if n <= 32 {
        &mut stack[..7 * np]
    } else {
        heap.resize(7 * np, 0.0);
        &mut heap
    };
    let (pos, rest) = c.split_at_mut(3 * np);
    let (grad, valid) = rest.split_at_mut(3 * np);
    // Padding: beyond every atom in every component (a pair distance of at least 10·√3).
    let far = x.iter().fold(0.0f64, |m, v| m.max(v.abs())) + 10.0;
    for k in 0..3 {
        pos[k * np + n..(k + 1) * np].fill(far);
    }
    for (i, a) in x.chunks_exact(3).enumerate() {
        for k in 0..3 {
            pos[k * np + i] = a[k];
        }
    }
    valid[..n].fill(1.0);
    let (px, rest) = pos.split_at(np);
    let (py, pz) = rest.split_at(np);
    let (gx, rest) = grad.split_at_mut(np);
    let (gy, gz) = rest.split_at_mut(np);
    let want_g = g.is_some();
    let mut energy = 0.0;
    for i in 0..n {
        let at = (s.splat(px[i]), s.splat(py[i]), s.splat(pz[i]));
        let zero = s.splat(0.0);
        let mut acc = PairSums {
            e: zero,
            fx: zero,
            fy: zero,
            fz: zero,
        };
        let mut j = i + 1;
        while j < n {
            let gs = want_g.then_some([&mut *gx, &mut *gy, &mut *gz]);
            let mask = (j + W > n).then(|| s.load(block(valid, j)));
            pair_block(s, at, j, [px, py, pz], gs, mask, &mut acc);
            j += W;
        }
        energy += s.reduce(acc.e);
        if want_g {
            gx[i] += s.reduce(acc.fx);
            gy[i] += s.reduce(acc.fy);
            gz[i] += s.reduce(acc.fz);
        }
    }
    if let Some(g) = g {
        for (i, a) in g.chunks_exact_mut(3).enumerate() {
            a[0] += gx[i];
            a[1] += gy[i];
            a[2] += gz[i];
        }
    }
    energy
}

/// Which derivative quantity a sweep over the terms accumulates.
enum Sink<'a> {
    Energy,
    Gradient(&'a mut [f64]),
    Hessian(&'a mut DMatrix<f64>),
    HessianVector(&'a [f64], &'a mut [f64]),
}

impl Ljat {
    /// LJAT for `natoms` atoms with Axilrod–Teller coefficient `z` (Z = 0: plain LJ).
    pub fn new(natoms: usize, z: f64) -> Self {
        Self {
            natoms,
            z,
            frozen: None,
        }
    }

    /// Freeze variables (OPTIM `FREEZE`): frozen components never move.
    pub fn with_frozen(mut self, mask: FrozenMask) -> Self {
        assert_eq!(mask.len(), 3 * self.natoms, "frozen mask length must be 3N");
        self.frozen = (mask.count() > 0).then_some(mask);
        self
    }

    /// Number of atoms.
    pub fn natoms(&self) -> usize {
        self.natoms
    }

    /// The Axilrod–Teller coefficient Z.
    pub fn z(&self) -> f64 {
        self.z
    }

    fn diff(x: &[f64], p: usize, q: usize) -> Vector3<f64> {
        Vector3::new(
            x[3 * p] - x[3 * q],
            x[3 * p + 1] - x[3 * q + 1],
            x[3 * p + 2] - x[3 * q + 2],
        )
    }

    /// Visit every pair and triple term, accumulating into `sink`; returns the energy.
    ///
    /// A term depends on squared distances `s_m = |r_pm − r_qm|²` (m = 1 pair, 3 for a triple)
    /// with partials `fs[m]` and `fss[m][n]`. Writing `d_m = r_pm − r_qm`:
    /// gradient on atom p_m: `+2 fs_m d_m`, on q_m: `−2 fs_m d_m`; Hessian:
    /// `Σ_mn fss_mn (2 d_m)(2 d_n)ᵀ` on the (p/q) blocks with signs, plus `2 fs_m I` blocks.
    fn sweep(&self, x: &[f64], mut sink: Sink) -> f64 {
        assert_eq!(x.len(), 3 * self.natoms, "LJAT expects 3N coordinates");
        let n = self.natoms;
        let mut energy = 0.0;
        match &mut sink {
            // Energy and gradient: the vectorised pair loop.
            Sink::Energy => energy += lj_pairs(x, None),
            Sink::Gradient(g) => energy += lj_pairs(x, Some(g)),
            _ => {
                for i in 0..n {
                    for j in (i + 1)..n {
                        let d = Self::diff(x, i, j);
                        let (f, fs, fss) = pair_terms(d.norm_squared());
                        energy += f;
                        self.accumulate(&mut sink, &[(i, j)], &[d], &[fs], &[[fss; 3]; 3]);
                    }
                }
            }
        }
        if self.z != 0.0 {
            match &mut sink {
                Sink::Energy => return self.triples(x, None, energy),
                Sink::Gradient(g) => return self.triples(x, Some(g), energy),
                _ => {}
            }
            for i in 0..n {
                for j in (i + 1)..n {
                    let dij = Self::diff(x, i, j);
                    for k in (j + 1)..n {
                        let dik = Self::diff(x, i, k);
                        let djk = Self::diff(x, j, k);
                        let (a, b, c) =
                            (dij.norm_squared(), dik.norm_squared(), djk.norm_squared());
                        // Hessian and Hv sinks (energy and gradient returned above).
                        let mut fss = [[0.0; 3]; 3];
                        let (f, df, ddf) = triple_terms(a, b, c);
                        energy += self.z * f;
                        for (r, row) in fss.iter_mut().enumerate() {
                            for (q, v) in row.iter_mut().enumerate() {
                                *v = self.z * ddf[(r, q)];
                            }
                        }
                        let fs = [self.z * df[0], self.z * df[1], self.z * df[2]];
                        self.accumulate(
                            &mut sink,
                            &[(i, j), (i, k), (j, k)],
                            &[dij, dik, djk],
                            &fs,
                            &fss,
                        );
                    }
                }
            }
        }
        energy
    }

    /// `energy` plus the Axilrod–Teller energy of every triple and, with `g`, its gradient
    /// added to `g` (the same operations, in the same order, as the general sweep).
    fn triples(&self, x: &[f64], mut g: Option<&mut [f64]>, energy: f64) -> f64 {
        let n = self.natoms;
        let mut energy = energy;
        for i in 0..n {
            for j in (i + 1)..n {
                let dij = Self::diff(x, i, j);
                for k in (j + 1)..n {
                    let dik = Self::diff(x, i, k);
                    let djk = Self::diff(x, j, k);
                    let (a, b, c) = (dij.norm_squared(), dik.norm_squared(), djk.norm_squared());
                    let (f, df) = triple_gradient(a, b, c);
                    energy += self.z * f;
                    if let Some(g) = g.as_deref_mut() {
                        for ((p, q), d, dfm) in [
                            ((i, j), dij, df[0]),
                            ((i, k), dik, df[1]),
                            ((j, k), djk, df[2]),
                        ] {
                            let v = d * (2.0 * (self.z * dfm));
                            for c in 0..3 {
                                g[3 * p + c] += v[c];
                                g[3 * q + c] -= v[c];
                            }
                        }
                    }
                }
            }
        }
        energy
    }

    /// Add one term's derivatives (see [`Ljat::sweep`]) to the sink.
    #[inline(always)]
    fn accumulate(
        &self,
        sink: &mut Sink,
        pairs: &[(usize, usize)],
        d: &[Vector3<f64>],
        fs: &[f64],
        fss: &[[f64; 3]; 3],
    ) {
        match sink {
            Sink::Energy => {}
            Sink::Gradient(g) => {
                for (m, &(p, q)) in pairs.iter().enumerate() {
                    let v = d[m] * (2.0 * fs[m]);
                    for c in 0..3 {
                        g[3 * p + c] += v[c];
                        g[3 * q + c] -= v[c];
                    }
                }
            }
            Sink::Hessian(h) => {
                for (m, &(pm, qm)) in pairs.iter().enumerate() {
                    for (nn, &(pn, qn)) in pairs.iter().enumerate() {
                        let block = (d[m] * d[nn].transpose()) * (4.0 * fss[m][nn]);
                        for (am, sm) in [(pm, 1.0), (qm, -1.0)] {
                            for (an, sn) in [(pn, 1.0), (qn, -1.0)] {
                                for r in 0..3 {
                                    for c in 0..3 {
                                        h[(3 * am + r, 3 * an + c)] += sm * sn * block[(r, c)];
                                    }
                                }
                            }
                        }
                    }
                    let diag = 2.0 * fs[m];
                    for (a, b, s) in [(pm, pm, 1.0), (qm, qm, 1.0), (pm, qm, -1.0), (qm, pm, -1.0)]
                    {
                        for c in 0..3 {
                            h[(3 * a + c, 3 * b + c)] += s * diag;
                        }
                    }
                }
            }
            Sink::HessianVector(v, out) => {
                let vd = |p: usize, q: usize| {
                    Vector3::new(
                        v[3 * p] - v[3 * q],
                        v[3 * p + 1] - v[3 * q + 1],
                        v[3 * p + 2] - v[3 * q + 2],
                    )
                };
                // ds_n = 2 d_n · (v_p − v_q): the directional derivative of each s_n.
                let mut ds = [0.0; 3];
                for (nn, &(pn, qn)) in pairs.iter().enumerate() {
                    ds[nn] = 2.0 * d[nn].dot(&vd(pn, qn));
                }
                for (m, &(pm, qm)) in pairs.iter().enumerate() {
                    let mut coeff = 0.0;
                    for (nn, dsn) in ds.iter().enumerate().take(pairs.len()) {
                        coeff += fss[m][nn] * dsn;
                    }
                    let w = d[m] * (2.0 * coeff) + vd(pm, qm) * (2.0 * fs[m]);
                    for c in 0..3 {
                        out[3 * pm + c] += w[c];
                        out[3 * qm + c] -= w[c];
                    }
                }
            }
        }
    }
}

impl Potential for Ljat {
    fn nopt(&self) -> usize {
        3 * self.natoms
    }

    fn energy(&self, x: &[f64]) -> f64 {
        self.sweep(x, Sink::Energy)
    }

    fn energy_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        grad.fill(0.0);
        let e = self.sweep(x, Sink::Gradient(grad));
        if let Some(m) = &self.frozen {
            m.apply(grad);
        }
        e
    }

    fn hessian(&self, x: &[f64]) -> DMatrix<f64> {
        let n = self.nopt();
        let mut h = DMatrix::zeros(n, n);
        self.sweep(x, Sink::Hessian(&mut h));
        if let Some(m) = &self.frozen {
            m.apply_matrix(&mut h);
        }
        h
    }

    fn hessian_vector(&self, x: &[f64], v: &[f64], hv: &mut [f64]) {
        hv.fill(0.0);
        match &self.frozen {
            Some(m) => {
                let mut vm = v.to_vec();
                m.apply(&mut vm);
                self.sweep(x, Sink::HessianVector(&vm, hv));
                m.apply(hv);
            }
            None => {
                self.sweep(x, Sink::HessianVector(v, hv));
            }
        }
    }

    fn frozen(&self) -> Option<&FrozenMask> {
        self.frozen.as_ref()
    }

    /// The Lennard-Jones pair energy of each atom, `Σ_{j≠i} 4 (r_ij^-12 − r_ij^-6)` (the
    /// three-body term is not shared out).
    fn atom_energies(&self, x: &[f64]) -> Option<Vec<f64>> {
        let n = self.natoms;
        let mut v = vec![0.0; n];
        for i in 0..n {
            for j in i + 1..n {
                let e = pair_terms(Self::diff(x, i, j).norm_squared()).0;
                v[i] += e;
                v[j] += e;
            }
        }
        Some(v)
    }
}

/// Geometry helpers for building test structures.
pub mod geometry {
    /// A 13-atom Mackay icosahedron (centre + 12 vertices) with nearest-neighbour distance `r`
    /// between the centre and the vertices.
    pub fn icosahedron13(r: f64) -> Vec<f64> {
        let phi = (1.0 + 5f64.sqrt()) / 2.0;
        let norm = (1.0 + phi * phi).sqrt();
        let mut x = vec![0.0; 3];
        for &(a, b) in &[(1.0, phi), (1.0, -phi), (-1.0, phi), (-1.0, -phi)] {
            for v in [[0.0, a, b], [a, b, 0.0], [b, 0.0, a]] {
                x.extend(v.iter().map(|c| c * r / norm));
            }
        }
        x
    }

    /// Three atoms on the x axis: atom 2 at the origin between atoms 1 and 3 at ∓r.
    pub fn linear3(r: f64) -> Vec<f64> {
        vec![-r, 0.0, 0.0, 0.0, 0.0, 0.0, r, 0.0, 0.0]
    }

    /// An equilateral triangle of side `r` in the xy plane.
    pub fn equilateral3(r: f64) -> Vec<f64> {
        vec![
            0.0,
            0.0,
            0.0,
            r,
            0.0,
            0.0,
            0.5 * r,
            0.5 * 3f64.sqrt() * r,
            0.0,
        ]
    }

    /// An isosceles triangle: apex (atom 1) on the y axis, base atoms 2, 3 on the x axis;
    /// equal sides `side`, base `base`.
    pub fn isosceles3(side: f64, base: f64) -> Vec<f64> {
        let h = (side * side - 0.25 * base * base).sqrt();
        vec![0.0, h, 0.0, -0.5 * base, 0.0, 0.0, 0.5 * base, 0.0, 0.0]
    }

    /// Distance between atoms `i` and `j` (0-based).
    pub fn distance(x: &[f64], i: usize, j: usize) -> f64 {
        (0..3)
            .map(|c| (x[3 * i + c] - x[3 * j + c]).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_loop_is_the_same_on_every_instruction_set_and_matches_the_pair_terms() {
        let mut r = crate::rng::Stream::new(8, 0);
        for n in [2usize, 9, 38, 70] {
            let x: Vec<f64> = (0..3 * n).map(|_| r.uniform_in(-2.0, 2.0)).collect();
            let run = |f: &dyn Fn(&mut [f64]) -> f64| {
                let mut g = vec![0.0; 3 * n];
                let e = f(&mut g);
                (e, g)
            };
            let base = run(&|g| lj_pairs_impl(crate::simd::Portable, &x, Some(g)));
            #[cfg(target_arch = "x86_64")]
            {
                if let Some(s) = crate::simd::Avx2::new() {
                    assert_eq!(run(&|g| lj_pairs_impl(s, &x, Some(g))), base, "AVX2 n={n}");
                }
                if let Some(s) = crate::simd::Avx512::new() {
                    assert_eq!(
                        run(&|g| lj_pairs_impl(s, &x, Some(g))),
                        base,
                        "AVX-512 n={n}"
                    );
                }
            }
            assert_eq!(lj_pairs_impl(crate::simd::Portable, &x, None), base.0);
            // The general sweep's pair terms (Hessian route) give the same energy and gradient.
            let mut e_ref = 0.0;
            let mut g_ref = vec![0.0; 3 * n];
            for i in 0..n {
                for j in (i + 1)..n {
                    let d = Ljat::diff(&x, i, j);
                    let (f, fs, _) = pair_terms(d.norm_squared());
                    e_ref += f;
                    for c in 0..3 {
                        g_ref[3 * i + c] += 2.0 * fs * d[c];
                        g_ref[3 * j + c] -= 2.0 * fs * d[c];
                    }
                }
            }
            let scale = e_ref.abs().max(1.0);
            assert!(
                (base.0 - e_ref).abs() < 1e-12 * scale,
                "{} vs {e_ref}",
                base.0
            );
            let gs = g_ref.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            for (a, b) in base.1.iter().zip(&g_ref) {
                assert!((a - b).abs() < 1e-11 * gs, "{a} vs {b}");
            }
        }
    }
}
