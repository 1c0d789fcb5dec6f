//! WAITPDF: first-passage-time distributions from A to B and B to A by eigendecomposition of
//! the rate matrix, in the Fortran PATHSAMPLE's files (the Kinetics tutorial `FPT_EIG`).
//!
//! For the direction X<-Y (X absorbing, Y the source set) the transient states are the minima
//! of the A-B component not in X, ordered: the intermediate minima by increasing id, then the
//! Y minima by increasing id. Their generator Q (Q_ji = k(i→j), Q_ii = −Σ k(i→l) over every
//! neighbour l including X; degenerate TSs are left out) is symmetrised with the equilibrium
//! occupations π, S = Π^{-1/2} Q Π^{1/2}, and S = V Λ Vᵀ by LAPACK. Modes are numbered with
//! the eigenvalues ascending (the fastest first, the slowest last, as the Fortran prints them).
//! A start in state j decays as Σ_k a_k(j) e^{λ_k t} with
//! a_k(j) = (Σ_i √π_i V_ik) V_jk / √π_j (Σ_k a_k(j) = 1); the source distribution is Y's
//! minima weighted by π. Then the first-passage-time density f(t) = Σ a_k |λ_k| e^{−|λ_k| t},
//! its ln t form g(y) = t f(t) (t = e^y), the mean Σ a_k/|λ_k| and second moment
//! Σ 2 a_k/λ_k², the mean first-passage time of every transient state, and the Gaussian
//! approximation of g: Σ (a_k/e) exp(−(y + ln|λ_k|)²/2).
//!
//! Grids (the Fortran's, with its differences between the two directions, which the tutorial's
//! expected files show): tmin = 1/(2|λ_1|), tmax = 2/|λ_n|, dt = tmax/10000; the ln t grid
//! runs from ln(tmin/100) to ln(100 tmax) in 10000 intervals.

use anyhow::{bail, Context, Result};
use common::fortran_fmt::{fmt_e_exp, fmt_f, fmt_g, fmt_g_exp, fmt_i};
use common::linalg::sym_eigen;
use nalgebra::DMatrix;

use super::network::Network;

/// Points of the time grids (intervals).
pub const GRID: usize = 10_000;
/// Modes listed in the eigenvector files: |a_k| at least this.
pub const MODE_AMPLITUDE: f64 = 0.005;
/// Components listed per mode: |100 u_i / u_max| above this (per cent).
pub const COMPONENT_PERCENT: f64 = 1.0;

/// The first-passage analysis of one direction.
#[derive(Debug, Clone)]
pub struct Passage {
    /// Transient states (0-based node indices) in matrix order.
    pub states: Vec<usize>,
    /// Eigenvalues of the generator, ascending (all negative).
    pub lambda: Vec<f64>,
    /// Amplitude of every mode for the source distribution (sums to 1).
    pub amplitude: Vec<f64>,
    /// Mean first-passage time into the absorbing set from every transient state.
    pub mfpt: Vec<f64>,
    /// Mean first-passage time from the source distribution.
    pub mean: f64,
    /// Its standard deviation.
    pub sd: f64,
    /// Right eigenvectors of Q (columns, mode order): u = Π^{1/2} v.
    right: DMatrix<f64>,
    /// a_k(j): the amplitude of mode k (column) for a start in transient state j (row).
    amp: DMatrix<f64>,
}

impl Passage {
    /// The analysis of X<-Y on the live, A-B-connected part of `net`.
    pub fn new(net: &Network, sink: &[usize], source: &[usize]) -> Result<Passage> {
        let graph = net.ab_graph();
        let in_sink = |i: usize| sink.contains(&i);
        let mut states: Vec<usize> = (0..net.len())
            .filter(|&i| graph[i] && !in_sink(i) && !source.contains(&i))
            .collect();
        let mut sources: Vec<usize> = source.iter().copied().filter(|&i| graph[i]).collect();
        sources.sort_unstable();
        sources.dedup();
        if sources.is_empty() || !sink.iter().any(|&i| graph[i]) {
            bail!("WAITPDF: A and B are not connected");
        }
        states.extend(&sources);
        let n = states.len();
        let mut index = vec![usize::MAX; net.len()];
        for (k, &s) in states.iter().enumerate() {
            index[s] = k;
        }
        let shift = states
            .iter()
            .map(|&s| net.ln_z[s])
            .fold(f64::NEG_INFINITY, f64::max);
        let sqrt_pi: Vec<f64> = states
            .iter()
            .map(|&s| (0.5 * (net.ln_z[s] - shift)).exp())
            .collect();
        // S = Π^{-1/2} Q Π^{1/2}: S_ji = k(i→j) √(π_i/π_j), S_ii = Q_ii.
        let mut s = DMatrix::<f64>::zeros(n, n);
        for (col, &i) in states.iter().enumerate() {
            for (k, o, ln_k) in net.live_out(i) {
                if net.edges[k].is_degenerate() || o == i {
                    continue;
                }
                let rate = ln_k.exp();
                s[(col, col)] -= rate;
                let row = index[o];
                if row != usize::MAX {
                    s[(row, col)] += rate * sqrt_pi[col] / sqrt_pi[row];
                }
            }
        }
        // Exactly symmetric (detailed balance holds to rounding).
        let sym = (&s + s.transpose()) * 0.5;
        let eig =
            sym_eigen(&sym, true).context("WAITPDF: eigendecomposition of the rate matrix")?;
        let v_desc = eig.vectors.expect("eigenvectors requested");
        // Ascending order: the fastest mode first.
        let lambda: Vec<f64> = eig.values.iter().rev().copied().collect();
        let v = DMatrix::from_fn(n, n, |r, c| v_desc[(r, n - 1 - c)]);
        if let Some(&l) = lambda.iter().find(|&&l| l >= 0.0) {
            bail!("WAITPDF: the rate matrix has a non-negative eigenvalue {l}: A and B are not connected");
        }
        // w_k = Σ_i √π_i V_ik; a_k(j) = w_k V_jk / √π_j.
        let w: Vec<f64> = (0..n)
            .map(|k| (0..n).map(|i| sqrt_pi[i] * v[(i, k)]).sum())
            .collect();
        let amp = DMatrix::from_fn(n, n, |j, k| w[k] * v[(j, k)] / sqrt_pi[j]);
        let amp_of = |j: usize, k: usize| amp[(j, k)];
        let mfpt: Vec<f64> = (0..n)
            .map(|j| (0..n).map(|k| amp_of(j, k) / lambda[k].abs()).sum())
            .collect();
        // Source distribution: Y weighted by π.
        let first_source = n - sources.len();
        let zy: f64 = (first_source..n).map(|j| sqrt_pi[j] * sqrt_pi[j]).sum();
        let amplitude: Vec<f64> = (0..n)
            .map(|k| {
                (first_source..n)
                    .map(|j| sqrt_pi[j] * sqrt_pi[j] / zy * amp_of(j, k))
                    .sum()
            })
            .collect();
        let mean: f64 = (0..n).map(|k| amplitude[k] / lambda[k].abs()).sum();
        let second: f64 = (0..n)
            .map(|k| 2.0 * amplitude[k] / (lambda[k] * lambda[k]))
            .sum();
        let sd = (second - mean * mean).max(0.0).sqrt();
        let right = DMatrix::from_fn(n, n, |r, c| sqrt_pi[r] * v[(r, c)]);
        Ok(Passage {
            states,
            lambda,
            amplitude,
            mfpt,
            mean,
            sd,
            right,
            amp,
        })
    }

    /// tmin = 1/(2|λ_1|).
    pub fn tmin(&self) -> f64 {
        0.5 / self.lambda[0].abs()
    }

    /// tmax = 2/|λ_n|.
    pub fn tmax(&self) -> f64 {
        2.0 / self.lambda[self.lambda.len() - 1].abs()
    }

    /// The ln t grid: (ymin, dy).
    pub fn ln_grid(&self) -> (f64, f64) {
        let ymin = (self.tmin() / 100.0).ln();
        let ymax = (100.0 * self.tmax()).ln();
        (ymin, (ymax - ymin) / GRID as f64)
    }

    /// a_k(j) for the transient state at matrix position `j`, all modes (sums to 1).
    pub fn amplitudes_of(&self, j: usize) -> Vec<f64> {
        self.amp.row(j).iter().copied().collect()
    }

    /// f(t).
    pub fn pdf(&self, t: f64) -> f64 {
        self.modes().map(|(a, l)| a * l * (-l * t).exp()).sum()
    }

    /// g(y) = t f(t), t = e^y.
    pub fn ln_pdf(&self, y: f64) -> f64 {
        let t = y.exp();
        t * self.pdf(t)
    }

    /// The Gaussian approximation of g(y).
    pub fn gaussian(&self, y: f64) -> f64 {
        self.modes()
            .map(|(a, l)| a / std::f64::consts::E * (-0.5 * (y + l.ln()).powi(2)).exp())
            .sum()
    }

    /// E[τ | τ < t], t = e^y.
    pub fn tobs(&self, y: f64) -> f64 {
        let t = y.exp();
        let (mut num, mut den) = (0.0, 0.0);
        for (a, l) in self.modes() {
            let x = l * t;
            let e = (-x).exp();
            num += a * (-(e * (1.0 + x)) + 1.0) / l;
            den += a * (1.0 - e);
        }
        num / den
    }

    /// (a_k, |λ_k|).
    fn modes(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.amplitude
            .iter()
            .zip(&self.lambda)
            .map(|(&a, &l)| (a, l.abs()))
    }

    /// The eigenvector file: every mode with |a_k| ≥ [`MODE_AMPLITUDE`], its right
    /// eigenvector's components above [`COMPONENT_PERCENT`] of the largest, by minimum id.
    pub fn eigenvector_text(&self) -> String {
        let mut s = String::new();
        for k in 0..self.lambda.len() {
            if self.amplitude[k].abs() < MODE_AMPLITUDE {
                continue;
            }
            let col = self.right.column(k);
            let umax = col
                .iter()
                .copied()
                .fold(0.0f64, |m, u| if u.abs() > m.abs() { u } else { m });
            s.push_str("eigenmode");
            s.push_str(&fmt_i(k as i64 + 1, 9));
            s.push_str(" components with relative % magnitude > 1% eigenvalue:");
            s.push_str(&fmt_g(self.lambda[k], 20, 10));
            s.push_str(" -ln|evalue|: ");
            s.push_str(&fmt_g(-self.lambda[k].abs().ln(), 20, 10));
            s.push('\n');
            for (j, &u) in col.iter().enumerate() {
                let r = 100.0 * u / umax;
                if r.abs() > COMPONENT_PERCENT {
                    s.push_str(&fmt_i(self.states[j] as i64 + 1, 8));
                    s.push_str(&fmt_f(r, 10, 1));
                    s.push('\n');
                }
            }
        }
        s
    }

    /// MFPT.to.X: `(I8,2G20.10)` id, mean first-passage time, its ln; matrix order.
    pub fn mfpt_text(&self) -> String {
        let mut s = String::new();
        for (j, &m) in self.mfpt.iter().enumerate() {
            s.push_str(&fmt_i(self.states[j] as i64 + 1, 8));
            s.push_str(&fmt_g(m, 20, 10));
            s.push_str(&fmt_g(m.ln(), 20, 10));
            s.push('\n');
        }
        s
    }
}

/// The ln t grid of a direction and e^{−|λ_k| t} at its points, so that the ln t density of
/// any start, g(y) = t Σ_k (a_k |λ_k|) e^{−|λ_k| t} (t = e^y, the sum over k in mode order),
/// costs one multiply-add per mode and point. Every ln t density file (waitlnpdfAB/BA and
/// WAITPDFPRINT's per-source files) goes through [`LnKernel::density`], so that a source
/// file of the source minimum equals the direction's file digit for digit.
pub struct LnKernel {
    /// y_i = ymin + i·dy.
    pub ys: Vec<f64>,
    ts: Vec<f64>,
    /// Per mode k, e^{−|λ_k| t_i} for the points before it underflows to 0 (it decreases in
    /// t; the zeros after are not stored, so the table holds only the nonzero part).
    ex: Vec<Vec<f64>>,
    /// |λ_k|.
    rate: Vec<f64>,
}

impl LnKernel {
    /// The kernel of `p` on its ln t grid with `npts` points.
    pub fn new(p: &Passage, npts: usize) -> Self {
        let (ymin, dy) = p.ln_grid();
        let ys: Vec<f64> = (0..npts).map(|i| ymin + i as f64 * dy).collect();
        let ts: Vec<f64> = ys.iter().map(|y| y.exp()).collect();
        let rate: Vec<f64> = p.lambda.iter().map(|l| l.abs()).collect();
        let ex = rate
            .iter()
            .map(|&l| {
                ts.iter()
                    .map(|&t| (-l * t).exp())
                    .take_while(|&e| e != 0.0)
                    .collect()
            })
            .collect();
        Self { ys, ts, ex, rate }
    }

    /// g(y_i) at every grid point for mode amplitudes `a` (mode order); `a.len()` = modes.
    pub fn density(&self, a: &[f64]) -> Vec<f64> {
        let mut out = self.densities(&[a]);
        out.pop().unwrap_or_default()
    }

    /// [`LnKernel::density`] of several starts at once (each the same digits as alone): one
    /// pass over the table serves them all.
    pub fn densities(&self, starts: &[&[f64]]) -> Vec<Vec<f64>> {
        let npts = self.ts.len();
        let mut acc = vec![vec![0.0f64; npts]; starts.len()];
        for (k, &l) in self.rate.iter().enumerate() {
            let row = &self.ex[k];
            for (s, a) in starts.iter().enumerate() {
                let c = a[k] * l;
                for (g, &e) in acc[s].iter_mut().zip(row) {
                    *g += c * e;
                }
            }
        }
        for g in &mut acc {
            for (v, &t) in g.iter_mut().zip(&self.ts) {
                *v *= t;
            }
        }
        acc
    }
}

/// One `waitlnpdf` line: `(3G20.10E4)` y, g(y), g(y).
fn ln_pdf_line(s: &mut String, y: f64, v: f64) {
    let g = fmt_g_exp(v, 20, 10, 4);
    s.push_str(&fmt_g_exp(y, 20, 10, 4));
    s.push_str(&g);
    s.push_str(&g);
    s.push('\n');
}

/// Which of the Fortran's two writers a direction uses (A<-B: "AB", B<-A: "BA"); the
/// tutorial's expected files show that they differ in grids, point counts and formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// A<-B.
    Ab,
    /// B<-A.
    Ba,
}

impl Writer {
    /// Points of the ln t grid files: 10001 (A<-B), 10000 (B<-A).
    pub fn ln_points(self) -> usize {
        match self {
            Writer::Ab => GRID + 1,
            Writer::Ba => GRID,
        }
    }
}

/// Bytes of a `waitlnpdf` line.
const LN_PDF_LINE: u64 = 61;

/// WAITPDFPRINT's bytes for one direction (an upper estimate: the ln t densities dominate).
pub fn per_source_bytes(p: &Passage, w: Writer) -> u64 {
    let n = p.states.len() as u64;
    n * (w.ln_points() as u64 * LN_PDF_LINE + 49 * n + 4096)
}

/// WAITPDFPRINT for one direction into the set `letter` ('A' for A<-B, 'B' for B<-A): for
/// every transient minimum X (original id), a start in X alone:
///
/// - `waitlnpdf<letter>.X`: the ln t density in the direction's waitlnpdf layout and grid
///   (`(3G20.10E4)` y, g(y), g(y)); for the source minimum of a one-minimum source set it is
///   the direction's `waitlnpdf` file digit for digit (the tutorial's readme: waitlnpdfA.4 is
///   waitlnpdfAB.1.0000000000),
/// - `eigendata<letter>.X`: `(I8,3G20.10)` mode k, a_k(X)/e (the height of the mode's peak
///   in g), −λ_k, −ln|λ_k| (the peak's position in ln t), for the modes with
///   |a_k(X)| ≥ [`MODE_AMPLITUDE`], by decreasing |a_k(X)| (the modes and order of the
///   Fortran's per-source stdout list, which prints k, a_k(X)/e, −ln|λ_k|),
/// - `peaks<letter>.X`: `(2G20.10)` y, g(y) at the interior grid points where g has a strict
///   local maximum of at least [`PEAK_HEIGHT`], by increasing y (the Fortran's per-source
///   peak counts and smallest/largest heights on its stdout follow this rule).
///
/// Sources run in parallel (rayon), each computed alone: the files do not depend on the
/// number of threads.
pub fn write_per_source(
    dir: &std::path::Path,
    p: &Passage,
    w: Writer,
    letter: char,
) -> Result<PerSource> {
    use rayon::prelude::*;
    let kernel = LnKernel::new(p, w.ln_points());
    // The y column is the same in every file of the direction.
    let ycol: Vec<String> = kernel.ys.iter().map(|&y| fmt_g_exp(y, 20, 10, 4)).collect();
    let positions: Vec<usize> = (0..p.states.len()).collect();
    let written = positions
        .par_chunks(8)
        .map(|chunk| -> Result<PerSource> {
            let amps: Vec<Vec<f64>> = chunk.iter().map(|&j| p.amplitudes_of(j)).collect();
            let refs: Vec<&[f64]> = amps.iter().map(Vec::as_slice).collect();
            let dens = kernel.densities(&refs);
            let mut done = PerSource::default();
            for ((&j, a), g) in chunk.iter().zip(&amps).zip(&dens) {
                let id = p.states[j] + 1;
                let mut ln = String::with_capacity(g.len() * LN_PDF_LINE as usize);
                for (y, &v) in ycol.iter().zip(g) {
                    let gv = fmt_g_exp(v, 20, 10, 4);
                    ln.push_str(y);
                    ln.push_str(&gv);
                    ln.push_str(&gv);
                    ln.push('\n');
                }
                let mut modes: Vec<usize> = (0..a.len())
                    .filter(|&k| a[k].abs() >= MODE_AMPLITUDE)
                    .collect();
                modes.sort_by(|&x, &y| a[y].abs().total_cmp(&a[x].abs()).then(x.cmp(&y)));
                let mut eig = String::new();
                for k in modes {
                    let l = p.lambda[k].abs();
                    eig.push_str(&fmt_i(k as i64 + 1, 8));
                    eig.push_str(&fmt_g(a[k] / std::f64::consts::E, 20, 10));
                    eig.push_str(&fmt_g(l, 20, 10));
                    eig.push_str(&fmt_g(-l.ln(), 20, 10));
                    eig.push('\n');
                }
                let mut peaks = String::new();
                let found = peak_points(g);
                for &i in &found {
                    peaks.push_str(&fmt_g(kernel.ys[i], 20, 10));
                    peaks.push_str(&fmt_g(g[i], 20, 10));
                    peaks.push('\n');
                }
                let heights = found.iter().map(|&i| g[i]);
                let lo = heights.clone().fold(f64::INFINITY, f64::min);
                let hi = heights.fold(0.0f64, f64::max);
                let norm: f64 = a.iter().sum();
                let dirn = if letter == 'A' { "AB" } else { "BA" };
                done.lines.push(format!(
                    "waitpdf> For source minimum {} norm={}   {dirn} peaks={} smallest={} largest={}",
                    fmt_i(id as i64, 8),
                    fmt_g(norm, 18, 10),
                    fmt_i(found.len() as i64, 8),
                    fmt_g(if found.is_empty() { 0.0 } else { lo }, 20, 10),
                    fmt_g(hi, 20, 10)
                ));
                for (stem, text) in [("waitlnpdf", &ln), ("eigendata", &eig), ("peaks", &peaks)] {
                    let path = dir.join(format!("{stem}{letter}.{id}"));
                    common::files::error::write_atomic(&path, text.as_bytes())?;
                    done.files += 1;
                    done.bytes += text.len() as u64;
                }
            }
            Ok(done)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut all = PerSource::default();
    for w in written {
        all.files += w.files;
        all.bytes += w.bytes;
        all.lines.extend(w.lines);
    }
    Ok(all)
}

/// What [`write_per_source`] did.
#[derive(Debug, Default)]
pub struct PerSource {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// One summary line per source, in matrix order (the Fortran's stdout line: Σ_k a_k(X),
    /// the number of peaks, the smallest and largest peak height).
    pub lines: Vec<String>,
}

/// Peaks listed by WAITPDFPRINT: g(y) at least this (g is a probability density in ln t,
/// dimensionless). The Fortran's stdout says "heights at least 0.1% of maximum peak", but its
/// peak counts and heights for all 1986 sources of the Kinetics tutorial follow an absolute
/// 0.01 (relative cuts of 0.1 %, 2 %, 5 % or 10 % of the largest peak do not).
pub const PEAK_HEIGHT: f64 = 0.01;

/// Interior points i with g[i−1] < g[i] > g[i+1] and g[i] ≥ [`PEAK_HEIGHT`].
pub fn peak_points(g: &[f64]) -> Vec<usize> {
    (1..g.len().saturating_sub(1))
        .filter(|&i| g[i - 1] < g[i] && g[i] > g[i + 1] && g[i] >= PEAK_HEIGHT)
        .collect()
}

/// The grid files of one direction: (file stem, text).
pub fn grid_files(p: &Passage, w: Writer) -> Vec<(&'static str, String)> {
    let dt = p.tmax() / GRID as f64;
    let g = |v: f64| fmt_g(v, 20, 10);
    let g4 = |v: f64| fmt_g_exp(v, 20, 10, 4);
    // AB: linear grid from tmin, 10000 points, G20.10; ln grids 10001 points.
    // BA: linear grid from 0, 10001 points, G20.10E4; ln grids 10000 points.
    let (t0, nlin) = match w {
        Writer::Ab => (p.tmin(), GRID),
        Writer::Ba => (0.0, GRID + 1),
    };
    let nln = w.ln_points();
    let mut pdf = String::new();
    for k in 0..nlin {
        let t = t0 + k as f64 * dt;
        match w {
            Writer::Ab => pdf.push_str(&(g(t) + &g(p.pdf(t)))),
            Writer::Ba => pdf.push_str(&(g4(t) + &g4(p.pdf(t)))),
        }
        pdf.push('\n');
    }
    let (mut lnpdf, mut tobs, mut gauss) = (String::new(), String::new(), String::new());
    let kernel = LnKernel::new(p, nln);
    let density = kernel.density(&p.amplitude);
    for (&y, &v) in kernel.ys.iter().zip(&density) {
        ln_pdf_line(&mut lnpdf, y, v);
        tobs.push_str(&(g(y) + &g(p.tobs(y))));
        tobs.push('\n');
        gauss.push_str(&(g(y) + &g(p.gaussian(y))));
        gauss.push('\n');
    }
    let names: [&'static str; 5] = match w {
        Writer::Ab => [
            "waitpdfAB",
            "waitlnpdfAB",
            "tobsAB",
            "GaussianwaitlnpdfAB",
            "tauAB",
        ],
        Writer::Ba => [
            "waitpdfBA",
            "waitlnpdfBA",
            "tobsBA",
            "GaussianwaitlnpdfBA",
            "tauBA",
        ],
    };
    vec![
        (names[0], pdf),
        (names[1], lnpdf),
        (names[2], tobs),
        (names[3], gauss),
        (names[4], String::new()),
    ]
}

/// wait.rates: `F9.4, 6X, 6E15.5E4`: T, 1/⟨τ⟩ A<-B, 1/⟨τ⟩ B<-A, ⟨τ⟩ and sd A<-B, ⟨τ⟩ and sd
/// B<-A.
pub fn wait_rates_line(t: f64, ab: &Passage, ba: &Passage) -> String {
    let mut s = fmt_f(t, 9, 4);
    s.push_str("      ");
    for v in [1.0 / ab.mean, 1.0 / ba.mean, ab.mean, ab.sd, ba.mean, ba.sd] {
        s.push_str(&fmt_e_exp(v, 15, 5, 4));
    }
    s
}

/// The suffix of the grid files: T as `F12.10` (`1.0000000000`), blanks trimmed. A
/// temperature of 10 or more does not fit that edit descriptor (the Fortran would write
/// asterisks into the file name): it is written with ten decimals at its natural width
/// (`12.5000000000`).
pub fn suffix(t: f64) -> String {
    let f = fmt_f(t, 12, 10);
    if f.contains('*') {
        format!("{t:.10}")
    } else {
        f.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A three-state chain B=0 — 1 — A=2 with known rates: the eigen sums equal the
    /// linear-solve mean first-passage times, the amplitudes sum to 1 and the density
    /// integrates to 1.
    #[test]
    fn file_suffixes_are_the_temperature() {
        assert_eq!(suffix(1.0), "1.0000000000");
        assert_eq!(suffix(0.25), "0.2500000000");
        assert_eq!(suffix(12.5), "12.5000000000");
    }

    #[test]
    fn eigen_sums_equal_the_linear_solve() {
        let net = crate::analysis::network::three_state_chain();
        let p = Passage::new(&net, &[2], &[0]).unwrap();
        assert_eq!(p.states, vec![1, 0]);
        // Linear solve: m0 = 1/2 + m1, m1 = 1/4 + (1/4) m0 + (3/4)·0 → m1 = 1/4 + m0/4,
        // m0 = 1/2 + 1/4 + m0/4 → m0 = 1, m1 = 1/2.
        assert!((p.mfpt[1] - 1.0).abs() < 1e-12, "{:?}", p.mfpt);
        assert!((p.mfpt[0] - 0.5).abs() < 1e-12, "{:?}", p.mfpt);
        assert!((p.mean - 1.0).abs() < 1e-12);
        assert!((p.amplitude.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let dt = 1e-4;
        let integral: f64 = (0..200_000)
            .map(|k| p.pdf((k as f64 + 0.5) * dt) * dt)
            .sum();
        assert!((integral - 1.0).abs() < 1e-6, "{integral}");
        // The variance by the second moment equals a direct integral of t² f(t).
        let m2: f64 = (0..200_000)
            .map(|k| {
                let t = (k as f64 + 0.5) * dt;
                t * t * p.pdf(t) * dt
            })
            .sum();
        assert!((p.sd - (m2 - 1.0).sqrt()).abs() < 1e-6);
        // E[τ | τ < t] tends to the mean.
        assert!((p.tobs(60f64.ln()) - 1.0).abs() < 1e-9);
    }

    /// The kernel: several starts at once give each start's digits alone, they equal
    /// t·f(t) of the direct sum, and the per-state amplitudes of the source are the
    /// direction's; peaks are strict interior maxima of at least 0.01.
    #[test]
    fn kernel_densities_are_batch_independent() {
        let net = crate::analysis::network::three_state_chain();
        let p = Passage::new(&net, &[2], &[0]).unwrap();
        let kernel = LnKernel::new(&p, 501);
        let (a0, a1) = (p.amplitudes_of(0), p.amplitudes_of(1));
        assert_eq!(a1, p.amplitude, "the source's own amplitudes");
        let both = kernel.densities(&[&a0, &a1]);
        assert_eq!(both[0], kernel.density(&a0));
        assert_eq!(both[1], kernel.density(&a1));
        for (i, &y) in kernel.ys.iter().enumerate().step_by(50) {
            let direct = p.ln_pdf(y);
            assert!((both[1][i] - direct).abs() <= 1e-12 * direct.abs().max(1e-300));
        }
        assert_eq!(peak_points(&[0.0, 0.02, 0.01, 0.005, 0.009, 0.0]), vec![1]);
    }
}
