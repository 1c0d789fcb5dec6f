//! Stepping off transition states (algorithms.md §6) and the NEWCONNECT loop with Dijkstra
//! (algorithms.md §7).

use crate::dneb::{self, DnebSettings};
use crate::hef::{find_ts, HefSettings, TsResult};
use crate::model::Model;
use common::lbfgs::{minimise, LbfgsConfig, MinimisationResult};

/// A known minimum.
#[derive(Debug, Clone)]
pub struct KnownMinimum {
    /// Energy.
    pub energy: f64,
    /// Coordinates.
    pub x: Vec<f64>,
}

/// A known transition state and the minima it connects (0-based indices into the minima).
#[derive(Debug, Clone)]
pub struct KnownTs {
    /// Energy.
    pub energy: f64,
    /// Coordinates.
    pub x: Vec<f64>,
    /// Lowest eigenvalue.
    pub eigenvalue: f64,
    /// Minimum reached on the + side.
    pub plus: usize,
    /// Minimum reached on the − side.
    pub minus: usize,
}

/// The two minima below a TS.
pub struct SteppedOff {
    /// Minimisation from X_ts + p v.
    pub plus: MinimisationResult,
    /// Minimisation from X_ts − p v.
    pub minus: MinimisationResult,
}

/// The point `X_ts + sign·p·v` (PUSHOFF p; 0 → 0.02, a tenth of the default MAXSTEP).
pub fn pushed_off(ts: &TsResult, pushoff: f64, sign: f64) -> Vec<f64> {
    let p = if pushoff > 0.0 { pushoff } else { 0.02 };
    ts.x.iter()
        .zip(&ts.eigenvector)
        .map(|(a, b)| a + sign * p * b)
        .collect()
}

/// Minimise from `x` and make sure the result is a minimum: LBFGS can stop on a flat saddle
/// (a tiny gradient with negative curvature), so the lowest Hessian mode is checked and, if it
/// is negative, the point is pushed along it and minimised again (at most 5 times).
pub fn minimise_to_minimum(
    model: &Model,
    x: &[f64],
    minimiser: &LbfgsConfig,
) -> MinimisationResult {
    let pot = model.potential.as_ref();
    let mut r = minimise(pot, x, minimiser);
    for _ in 0..5 {
        if !r.converged() {
            break;
        }
        let settings = crate::eigen::EigenSettings::default();
        let Ok(mode) = crate::eigen::lowest_mode(model, &r.x, None, &settings) else {
            break;
        };
        if mode.value >= -common::hessian_data::INDEX_TOL {
            break;
        }
        let step = 0.05;
        let push = |sign: f64| -> Vec<f64> {
            r.x.iter()
                .zip(&mode.vector)
                .map(|(a, v)| a + sign * step * v)
                .collect()
        };
        let up = minimise(pot, &push(1.0), minimiser);
        let down = minimise(pot, &push(-1.0), minimiser);
        r = if up.energy <= down.energy { up } else { down };
    }
    r
}

/// Minimise from both sides of a TS along its unit eigenvector, each to a true minimum.
pub fn step_off(model: &Model, ts: &TsResult, pushoff: f64, minimiser: &LbfgsConfig) -> SteppedOff {
    let side = |sign: f64| minimise_to_minimum(model, &pushed_off(ts, pushoff, sign), minimiser);
    SteppedOff {
        plus: side(1.0),
        minus: side(-1.0),
    }
}

/// Edge cost of Dijkstra for unconnected pairs (DIJKSTRA keyword).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DijkstraCost {
    /// d^p (p = 0: d + 1; p < 0: d^p as given, e.g. 1/d for −1).
    Power(f64),
    /// e^d.
    Exp,
}

impl DijkstraCost {
    fn weight(self, d: f64) -> f64 {
        match self {
            DijkstraCost::Power(0.0) => d + 1.0,
            DijkstraCost::Power(p) => d.powf(p),
            DijkstraCost::Exp => d.exp(),
        }
    }
}

/// NEWCONNECT parameters.
#[derive(Debug, Clone)]
pub struct ConnectSettings {
    /// Maximum Dijkstra cycles (NCONMAX).
    pub max_cycles: usize,
    /// Maximum DNEB attempts per pair (NTRIESMAX).
    pub max_tries: usize,
    /// Images per unit distance (IMAGEDENSITY).
    pub image_density: f64,
    /// DNEB iterations per image (ITERDENSITY).
    pub iter_density: f64,
    /// Maximum images (IMAGEMAX).
    pub image_max: usize,
    /// Extra images per unit distance for each repeated try (IMAGEINCR).
    pub image_incr: f64,
    /// DNEB RMS tolerance (RMSTOL).
    pub rms_tol: f64,
    /// First-cycle DNEB settings (NEWNEB: NIMAGE, NITERMAX, RMSTOL), if given.
    pub first_cycle: Option<(usize, usize, f64)>,
    /// Edge cost.
    pub cost: DijkstraCost,
    /// EDIFFTOL.
    pub edifftol: f64,
    /// GEOMDIFFTOL.
    pub geomdifftol: f64,
    /// PUSHOFF.
    pub pushoff: f64,
    /// TSs above this energy are discarded (MAXTSENERGY).
    pub max_ts_energy: f64,
}

impl Default for ConnectSettings {
    fn default() -> Self {
        Self {
            max_cycles: 1,
            max_tries: 1,
            image_density: 10.0,
            iter_density: 30.0,
            image_max: 2,
            image_incr: 0.5,
            rms_tol: 0.01,
            first_cycle: None,
            cost: DijkstraCost::Power(1.0),
            edifftol: 1.0e-6,
            geomdifftol: 0.1,
            pushoff: 0.01,
            max_ts_energy: f64::INFINITY,
        }
    }
}

/// What a connection run reports as it goes.
pub trait ConnectObserver {
    /// A log line for stdout.
    fn log(&mut self, line: String);
    /// A new (plus minimum, TS, minus minimum) triple was found (DUMPALLPATHS writes it now).
    fn triple(&mut self, _minima: &[KnownMinimum], _ts: &KnownTs) {}
}

/// The state of a NEWCONNECT run.
pub struct Connection<'a> {
    model: &'a Model,
    /// Known minima: 0 = start, 1 = finish.
    pub minima: Vec<KnownMinimum>,
    /// Known TSs.
    pub ts: Vec<KnownTs>,
    dist: Vec<Vec<f64>>,
    tries: Vec<Vec<usize>>,
}

/// Result of [`Connection::run`].
#[derive(Debug, Clone)]
pub struct ConnectOutcome {
    /// Whether start and finish are connected.
    pub connected: bool,
    /// Cycles used.
    pub cycles: usize,
    /// The path as alternating (minimum index, TS index) steps from start to finish: the TS
    /// indices joining consecutive minima, if connected.
    pub path: Vec<(usize, usize, usize)>,
}

impl<'a> Connection<'a> {
    /// Start with the two end minima.
    pub fn new(model: &'a Model, start: KnownMinimum, finish: KnownMinimum) -> Self {
        let d = model.distance(&start.x, &finish.x);
        Self {
            model,
            minima: vec![start, finish],
            ts: Vec::new(),
            dist: vec![vec![0.0, d], vec![d, 0.0]],
            tries: vec![vec![0; 2]; 2],
        }
    }

    fn connected_pair(&self, a: usize, b: usize) -> Option<usize> {
        self.ts
            .iter()
            .position(|t| (t.plus == a && t.minus == b) || (t.plus == b && t.minus == a))
    }

    /// Index of a known minimum identical to (e, x), or add it (computing distances).
    fn find_or_add_minimum(&mut self, e: f64, x: &[f64], s: &ConnectSettings) -> (usize, bool) {
        for (i, m) in self.minima.iter().enumerate() {
            if self
                .model
                .symmetry
                .same_point((&m.x, m.energy), (x, e), s.edifftol, s.geomdifftol)
            {
                return (i, false);
            }
        }
        let new = self.minima.len();
        let row: Vec<f64> = self
            .minima
            .iter()
            .map(|m| self.model.distance(&m.x, x))
            .collect();
        for (i, r) in self.dist.iter_mut().enumerate() {
            r.push(row[i]);
        }
        let mut last = row;
        last.push(0.0);
        self.dist.push(last);
        for r in self.tries.iter_mut() {
            r.push(0);
        }
        self.tries.push(vec![0; new + 1]);
        self.minima.push(KnownMinimum {
            energy: e,
            x: x.to_vec(),
        });
        (new, true)
    }

    /// Dijkstra from minimum 0 to minimum 1 over the complete graph: returns the path as
    /// minimum indices, or None if every route is excluded.
    fn shortest_path(&self, s: &ConnectSettings) -> Option<(Vec<usize>, f64)> {
        let n = self.minima.len();
        let mut best = vec![f64::INFINITY; n];
        let mut prev = vec![usize::MAX; n];
        let mut done = vec![false; n];
        best[0] = 0.0;
        for _ in 0..n {
            let u = (0..n)
                .filter(|&i| !done[i])
                .min_by(|&a, &b| best[a].total_cmp(&best[b]))?;
            if best[u].is_infinite() {
                break;
            }
            done[u] = true;
            if u == 1 {
                break;
            }
            for v in 0..n {
                if done[v] || v == u {
                    continue;
                }
                let w = if self.connected_pair(u, v).is_some() {
                    0.0
                } else if self.tries[u][v] >= s.max_tries {
                    continue;
                } else {
                    s.cost.weight(self.dist[u][v])
                };
                if best[u] + w < best[v] {
                    best[v] = best[u] + w;
                    prev[v] = u;
                }
            }
        }
        if best[1].is_infinite() {
            return None;
        }
        let mut path = vec![1];
        while *path.last().unwrap() != 0 {
            path.push(prev[*path.last().unwrap()]);
        }
        path.reverse();
        Some((path, best[1]))
    }

    /// Run the NEWCONNECT loop.
    pub fn run(
        &mut self,
        s: &ConnectSettings,
        hef: &HefSettings,
        minimiser: &LbfgsConfig,
        dneb_base: &DnebSettings,
        obs: &mut dyn ConnectObserver,
    ) -> ConnectOutcome {
        for cycle in 1..=s.max_cycles {
            let Some((path, weight)) = self.shortest_path(s) else {
                obs.log(format!(
                    "decide> cycle {cycle}: no usable connection left (all pairs tried {} times)",
                    s.max_tries
                ));
                return ConnectOutcome {
                    connected: false,
                    cycles: cycle - 1,
                    path: vec![],
                };
            };
            let missing: Vec<(usize, usize)> = path
                .windows(2)
                .filter(|w| self.connected_pair(w[0], w[1]).is_none())
                .map(|w| (w[0], w[1]))
                .collect();
            if missing.is_empty() {
                obs.log(format!(
                    "decide> Connected path found after {} cycles",
                    cycle - 1
                ));
                return ConnectOutcome {
                    connected: true,
                    cycles: cycle - 1,
                    path: self.path_steps(&path),
                };
            }
            obs.log(format!(
                "decide> Shortest path in Dijkstra has {} steps with {} missing connections, weight={weight:.6}",
                path.len() - 1,
                missing.len()
            ));
            for (a, b) in missing {
                self.tries[a][b] += 1;
                self.tries[b][a] += 1;
                let tries = self.tries[a][b];
                let d = self.dist[a][b];
                let mut settings = dneb_base.clone();
                if let (1, Some((ni, nit, rms))) = (cycle, s.first_cycle) {
                    settings.nimage = ni.max(1);
                    settings.max_iterations = nit;
                    settings.rms_tol = rms;
                } else {
                    let ni = (d * (s.image_density + s.image_incr * (tries as f64 - 1.0))).round()
                        as usize;
                    settings.nimage = ni.clamp(1, s.image_max.max(1));
                    settings.max_iterations =
                        (s.iter_density * settings.nimage as f64).round() as usize;
                    settings.rms_tol = s.rms_tol;
                }
                let start = self.minima[a].x.clone();
                let (_, end) = self.model.align(&start, &self.minima[b].x);
                obs.log(format!(
                    "newconnect> cycle {cycle}: DNEB between minima {} and {} (distance {d:.6}, try {tries}) with {} images, {} iterations",
                    a + 1,
                    b + 1,
                    settings.nimage,
                    settings.max_iterations
                ));
                let band = dneb::run(self.model, &start, &end, &settings);
                let cands = band.candidates();
                obs.log(format!(
                    "dneb> {} iterations, RMS {:.4e}, {} TS candidate(s)",
                    band.iterations,
                    band.rms,
                    cands.len()
                ));
                for (_, x, tangent) in cands {
                    self.refine_candidate(&x, &tangent, s, hef, minimiser, obs);
                }
            }
        }
        let connected = self.shortest_path(s).map(|(p, _)| {
            p.windows(2)
                .all(|w| self.connected_pair(w[0], w[1]).is_some())
        });
        let path = match self.shortest_path(s) {
            Some((p, _)) if connected == Some(true) => self.path_steps(&p),
            _ => vec![],
        };
        obs.log(if connected == Some(true) {
            "decide> Connected path found".to_string()
        } else {
            format!("decide> No connected path after {} cycles", s.max_cycles)
        });
        ConnectOutcome {
            connected: connected == Some(true),
            cycles: s.max_cycles,
            path,
        }
    }

    fn path_steps(&self, path: &[usize]) -> Vec<(usize, usize, usize)> {
        path.windows(2)
            .map(|w| {
                (
                    w[0],
                    self.connected_pair(w[0], w[1]).expect("connected step"),
                    w[1],
                )
            })
            .collect()
    }

    fn refine_candidate(
        &mut self,
        x: &[f64],
        tangent: &[f64],
        s: &ConnectSettings,
        hef: &HefSettings,
        minimiser: &LbfgsConfig,
        obs: &mut dyn ConnectObserver,
    ) {
        let mut lines = Vec::new();
        let ts = find_ts(self.model, x, Some(tangent), hef, &mut |l| lines.push(l));
        for l in lines {
            obs.log(l);
        }
        if !ts.converged {
            obs.log(format!(
                "bfgsts> TS search did not converge (E = {:.10}, RMS = {:.4e})",
                ts.energy, ts.rms
            ));
            return;
        }
        if ts.energy > s.max_ts_energy {
            obs.log(format!(
                "bfgsts> TS at {:.10} is above MAXTSENERGY; discarded",
                ts.energy
            ));
            return;
        }
        if self.ts.iter().any(|t| {
            self.model.symmetry.same_point(
                (&t.x, t.energy),
                (&ts.x, ts.energy),
                s.edifftol,
                s.geomdifftol,
            )
        }) {
            obs.log(format!("bfgsts> TS at {:.10} is already known", ts.energy));
            return;
        }
        let off = step_off(self.model, &ts, s.pushoff, minimiser);
        if !off.plus.converged() || !off.minus.converged() {
            obs.log("connect> a minimisation from the TS did not converge; TS discarded".into());
            return;
        }
        let (p, pnew) = self.find_or_add_minimum(off.plus.energy, &off.plus.x, s);
        let (m, mnew) = self.find_or_add_minimum(off.minus.energy, &off.minus.x, s);
        obs.log(format!(
            "connect> new TS E= {:.10} eigenvalue= {:.6e} connects minima {}{} (E= {:.10}) and {}{} (E= {:.10})",
            ts.energy,
            ts.eigenvalue,
            p + 1,
            if pnew { " (new)" } else { "" },
            off.plus.energy,
            m + 1,
            if mnew { " (new)" } else { "" },
            off.minus.energy
        ));
        let known = KnownTs {
            energy: ts.energy,
            x: ts.x,
            eigenvalue: ts.eigenvalue,
            plus: p,
            minus: m,
        };
        obs.triple(&self.minima, &known);
        self.ts.push(known);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eigen::EigenSettings;
    use common::geometry::AlignOptions;
    use common::ljat::{geometry, Ljat};

    struct Quiet(Vec<String>, usize);
    impl ConnectObserver for Quiet {
        fn log(&mut self, l: String) {
            self.0.push(l);
        }
        fn triple(&mut self, _m: &[KnownMinimum], _t: &KnownTs) {
            self.1 += 1;
        }
    }

    #[test]
    fn ljat3_equilateral_to_linear_is_connected_through_the_golden_ts() {
        let model = Model::new(
            Box::new(Ljat::new(3, 2.0)),
            common::system::Symmetry::atoms(AlignOptions {
                permdist: true,
                ..Default::default()
            }),
        );
        let tri = geometry::equilateral3(1.168752317363);
        let lin = geometry::linear3(1.108762894194);
        let e = |x: &[f64]| model.potential.energy(x);
        let mut c = Connection::new(
            &model,
            KnownMinimum {
                energy: e(&tri),
                x: tri.clone(),
            },
            KnownMinimum {
                energy: e(&lin),
                x: lin.clone(),
            },
        );
        let s = ConnectSettings {
            max_cycles: 5,
            max_tries: 3,
            image_max: 20,
            ..Default::default()
        };
        let hef = HefSettings {
            convr: 1e-7,
            eigen: EigenSettings::default(),
            check_index: true,
            ..Default::default()
        };
        let minimiser = LbfgsConfig {
            tolerance: 1e-7,
            max_iterations: 2000,
            ..Default::default()
        };
        let mut obs = Quiet(vec![], 0);
        let out = c.run(&s, &hef, &minimiser, &DnebSettings::default(), &mut obs);
        assert!(out.connected, "{}", obs.0.join("\n"));
        assert!(obs.1 >= 1);
        let (a, t, b) = out.path[0];
        assert_eq!((a, b), (0, 1));
        assert!(
            (c.ts[t].energy + 1.985069657957).abs() < 1e-8,
            "{}",
            c.ts[t].energy
        );
    }
}
