//! KMC: first-passage times from B to A (DIRECTION AB; A to B for BA) by kinetic Monte Carlo
//! on the rate network, as the Fortran PATHSAMPLE's `KMC NKMC PAIRTHRESH NCONNMIN` (the
//! Kinetics tutorial `FPT_KMC`).
//!
//! Each walk starts in a source minimum (chosen with probability Z_b/Z_B when there are
//! several) and moves until it reaches the target set: from minimum i it goes to neighbour j
//! with the branching probability k_ij/Σ_l k_il (a degenerate TS returns to i) and its clock
//! advances by an exponential waiting time of mean τ_i = 1/Σ_l k_il. Walk n draws from its own
//! random stream (SEED, walk n), so the results do not depend on the thread count.
//! PAIRTHRESH ≥ 1 switches the Fortran's leapfrog acceleration off (the tutorial's setting);
//! below 1 it is not provided (an error).

use anyhow::{bail, Result};
use common::fortran_fmt::{fmt_g, fmt_i};
use common::rng::Stream;
use rayon::prelude::*;

use super::network::Network;

/// Stream id of the KMC walks (walk n uses sub-stream n).
const KMC_STREAM: u64 = 0x4b4d43;

/// The outcome of one walk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Walk {
    /// Steps taken.
    pub steps: u64,
    /// First-passage time.
    pub time: f64,
}

/// A network prepared for walks: per node the cumulative branching probabilities and the mean
/// waiting time.
pub struct Walker {
    /// Per node: (neighbour, cumulative probability) in edge order.
    moves: Vec<Vec<(usize, f64)>>,
    /// Mean waiting time τ_i = 1/Σ_l k_il (infinite for an isolated node).
    pub tau: Vec<f64>,
    target: Vec<bool>,
    /// Source nodes and their cumulative start probabilities.
    sources: Vec<(usize, f64)>,
}

impl Walker {
    /// Walks from `source` to `target` on the live A-B component of `net`.
    pub fn new(net: &Network, source: &[usize], target: &[usize]) -> Result<Walker> {
        let graph = net.ab_graph();
        let n = net.len();
        let mut moves = vec![Vec::new(); n];
        let mut tau = vec![f64::INFINITY; n];
        for i in 0..n {
            let ln_esc = net.ln_escape(i);
            if ln_esc.is_finite() {
                tau[i] = (-ln_esc).exp();
            }
            if !graph[i] {
                continue;
            }
            let mut acc = 0.0;
            for (_, o, ln_k) in net.live_out(i) {
                acc += (ln_k - ln_esc).exp();
                moves[i].push((o, acc));
            }
            if let Some(last) = moves[i].last_mut() {
                last.1 = 1.0;
            }
        }
        let mut is_target = vec![false; n];
        for &t in target {
            is_target[t] = graph[t];
        }
        let starts: Vec<usize> = source.iter().copied().filter(|&s| graph[s]).collect();
        if starts.is_empty() || !is_target.iter().any(|&t| t) {
            bail!("KMC: A and B are not connected");
        }
        let zmax = starts
            .iter()
            .map(|&s| net.ln_z[s])
            .fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = starts.iter().map(|&s| (net.ln_z[s] - zmax).exp()).sum();
        let mut acc = 0.0;
        let mut sources: Vec<(usize, f64)> = starts
            .iter()
            .map(|&s| {
                acc += (net.ln_z[s] - zmax).exp() / total;
                (s, acc)
            })
            .collect();
        if let Some(last) = sources.last_mut() {
            last.1 = 1.0;
        }
        Ok(Walker {
            moves,
            tau,
            target: is_target,
            sources,
        })
    }

    fn pick(list: &[(usize, f64)], u: f64) -> usize {
        let k = list.partition_point(|&(_, c)| c <= u).min(list.len() - 1);
        list[k].0
    }

    /// Walk number `n` of the run seeded `seed`.
    pub fn walk(&self, seed: u64, n: u64) -> Walk {
        let mut rng = Stream::child(seed, KMC_STREAM, n);
        let mut at = Self::pick(&self.sources, rng.uniform());
        let (mut steps, mut time) = (0u64, 0.0);
        while !self.target[at] {
            // 1 - U lies in (0, 1]: its log is finite.
            time -= (1.0 - rng.uniform()).ln() * self.tau[at];
            at = Self::pick(&self.moves[at], rng.uniform());
            steps += 1;
        }
        Walk { steps, time }
    }

    /// Walks 1..=count, in parallel; the same list for any thread count.
    pub fn walks(&self, seed: u64, count: usize) -> Vec<Walk> {
        (1..=count as u64)
            .into_par_iter()
            .map(|n| self.walk(seed, n))
            .collect()
    }
}

/// Mean, standard deviation and standard error of a sample.
pub fn statistics(x: &[f64]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt(), var.sqrt() / n.sqrt())
}

/// The DEBUG line of walk `n` (the tutorial's awk reads fields 6, 11 and 14: steps, time and
/// expected steps, which equal the steps without leapfrog).
pub fn walk_line(n: usize, w: &Walk, target: &str) -> String {
    let g = |v: f64| fmt_g(v, 20, 10).trim().to_string();
    format!(
        "KMC> walk {n} reached {target}: {:.1} KMC steps in time {} expected steps {}",
        w.steps as f64,
        g(w.time),
        g(w.steps as f64)
    )
}

/// waiting.times: `(I8,G20.10)` id and mean waiting time of every minimum.
pub fn waiting_times_text(tau: &[f64]) -> String {
    let mut s = String::new();
    for (i, &t) in tau.iter().enumerate() {
        s.push_str(&fmt_i(i as i64 + 1, 8));
        s.push_str(&fmt_g(t, 20, 10));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// B=0 — 1 — A=2 with k01 = 2, k10 = 1, k12 = 3: the exact mean first-passage time is 1
    /// (m0 = 1/2 + m1, m1 = 1/4 + m0/4) and the mean number of steps 8/3 (s0 = 1 + s1,
    /// s1 = 1 + s0/4). The sample means lie within 4 standard errors, and the walks do not
    /// depend on the thread count.
    #[test]
    fn walks_reproduce_the_exact_means() {
        let net = crate::analysis::network::three_state_chain();
        let w = Walker::new(&net, &[0], &[2]).unwrap();
        assert!((w.tau[1] - 0.25).abs() < 1e-15);
        let walks = w.walks(7, 40_000);
        let times: Vec<f64> = walks.iter().map(|w| w.time).collect();
        let steps: Vec<f64> = walks.iter().map(|w| w.steps as f64).collect();
        let (mt, _, se_t) = statistics(&times);
        let (ms, _, se_s) = statistics(&steps);
        assert!((mt - 1.0).abs() < 4.0 * se_t, "{mt} +- {se_t}");
        assert!((ms - 8.0 / 3.0).abs() < 4.0 * se_s, "{ms} +- {se_s}");
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(one.install(|| w.walks(7, 1000)), walks[..1000].to_vec());
    }
}
