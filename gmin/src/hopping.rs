//! The basin-hopping engine (algorithms.md §2), independent of decks and files.
//!
//! A [`Walker`] owns everything that changes during a run (Markov state, step size, temperature,
//! random stream, SAVE list, counters), so a run can be dumped and resumed exactly, and several
//! walkers can run on different threads with results that do not depend on the thread count.
//! What the run reports (the `Qu` lines, acceptance checks) goes to an [`Observer`].

use crate::save::{SaveIdentity, SaveList, SavedMinimum};
use common::fortran_fmt::{fmt_f, fmt_i};
use common::lbfgs::{minimise, LbfgsConfig, MinimisationResult};
use common::potential::Potential;
use common::rng::Stream;
use std::sync::Arc;

/// Which quantity the acceptance-ratio check adjusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjust {
    /// Default: the step size (T fixed).
    Step,
    /// FIXSTEP: the temperature.
    Temperature,
    /// FIXBOTH: neither.
    Neither,
}

/// Fixed parameters of a basin-hopping run.
#[derive(Debug, Clone)]
pub struct BhSettings {
    /// Number of basin-hopping steps (STEPS).
    pub steps: usize,
    /// Temperature factor applied after every step (STEPS 2nd item).
    pub tfac: f64,
    /// Initial temperature (TEMPERATURE).
    pub temperature: f64,
    /// Initial maximum displacement per coordinate (STEP).
    pub step: f64,
    /// Initial angular-move threshold (STEP's second value, ASTEP): scaled with the step size
    /// by the acceptance check, and used by [`BhSettings::angular_moves`].
    pub astep: f64,
    /// Angular ("surface") moves of atomic clusters, as the Fortran GMIN's atom step-taking:
    /// the most weakly bound atom of the start point (highest [`Potential::atom_energies`])
    /// is put at a random direction on the sphere about the centre of coordinates whose radius
    /// is one more than the farthest atom's distance, when its pair energy is above ASTEP
    /// times the most tightly bound atom's; every other atom takes the random displacement.
    /// On for Lennard-Jones (the deck names no potential), off for LJAT and networks
    /// (algorithms.md §2).
    pub angular_moves: bool,
    /// Target acceptance ratio (ACCEPTRATIO).
    pub accept_ratio: f64,
    /// Block length of the acceptance check (CHANGEACCEPT).
    pub naccept: usize,
    /// What the acceptance check adjusts.
    pub adjust: Adjust,
    /// LBFGS parameters of basin-hopping quenches (SLOPPYCONV, MAXIT).
    pub quench: LbfgsConfig,
    /// LBFGS parameters of the final quenches (TIGHTCONV, MAXIT 2nd item).
    pub final_quench: LbfgsConfig,
    /// SAVE.
    pub nsave: usize,
    /// EDIFF.
    pub ediff: f64,
    /// TARGET energies.
    pub targets: Vec<f64>,
    /// Reset to the Markov minimum after a rejected step (off with NORESET).
    pub reset: bool,
    /// CENTRE: number of atoms whose centre of mass is moved to the origin after each quench.
    pub centre_atoms: Option<usize>,
    /// Spherical container radius of an atomic cluster (about the origin): an atom that a
    /// step moves beyond it is put back on the sphere along its direction before the quench.
    pub container: Option<f64>,
    /// NEWRESTART n: after n steps without a lower minimum, restart (see [`Restarts`]).
    pub newrestart: Option<usize>,
    /// AVOID: the cyclic list of minima to stay away from (see [`Restarts`]).
    pub avoid: Option<Avoid>,
    /// PERMDIST: the SAVE list identifies minima structurally too (see [`SaveIdentity`]).
    pub save_identity: Option<Arc<SaveIdentity>>,
}

/// `AVOID dist n [flag]`: a quench closer than `dist` (aligned distance) to one of the last
/// `size` minima that NEWRESTART put in the list makes the walker reseed (the tutorial's
/// `data_annotated`: "Reseed if the current minimum is within a distance of 4.0 of the 20
/// members of the cyclic AVOID list"); the flag is kept but changes nothing.
#[derive(Debug, Clone)]
pub struct Avoid {
    /// Distance below which a minimum counts as one of the list.
    pub dist: f64,
    /// Length of the cyclic list.
    pub size: usize,
    /// Reseed (random coordinates) instead of rejecting the step.
    pub reseed: bool,
    /// The distance (alignment of the system: rotations, inversion, PERMDIST permutations).
    pub symmetry: Arc<common::system::Symmetry>,
}

/// The adjustment factor of the acceptance check (FAC).
pub const ADJUST_FACTOR: f64 = 1.05;

/// What a walker reports while it runs.
pub trait Observer {
    /// After every quench (step 0 is the initial quench).
    fn quench(&mut self, q: &QuenchReport);
    /// After every acceptance-ratio check.
    fn acceptance(&mut self, _a: &AcceptanceReport) {}
    /// A line of the main output that is not a quench (NEWRESTART, AVOID).
    fn note(&mut self, _line: &str) {}
}

/// One quench.
#[derive(Debug, Clone)]
pub struct QuenchReport {
    /// Step number.
    pub step: usize,
    /// Quench energy.
    pub energy: f64,
    /// LBFGS iterations.
    pub iterations: usize,
    /// Final RMS gradient.
    pub rms: f64,
    /// Markov energy after the Metropolis test.
    pub markov_energy: f64,
    /// Whether the step was accepted.
    pub accepted: bool,
    /// Lowest energy seen so far.
    pub best_energy: f64,
    /// Quenched coordinates.
    pub coords: Vec<f64>,
}

/// One acceptance-ratio check.
#[derive(Debug, Clone)]
pub struct AcceptanceReport {
    /// Block length.
    pub block: usize,
    /// Accepted fraction in the block.
    pub ratio: f64,
    /// Step size after the adjustment.
    pub step: f64,
    /// ASTEP after the adjustment.
    pub astep: f64,
    /// Temperature after the adjustment.
    pub temperature: f64,
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {
    fn quench(&mut self, _q: &QuenchReport) {}
}

/// The complete mutable state of one walker.
#[derive(Debug, Clone)]
pub struct Walker {
    /// Steps completed (0 after the initial quench).
    pub steps_done: usize,
    /// Coordinates of the Markov minimum.
    pub x_markov: Vec<f64>,
    /// Markov energy.
    pub e_markov: f64,
    /// Coordinates the next perturbation starts from (the Markov minimum unless NORESET).
    pub x_current: Vec<f64>,
    /// Current maximum displacement.
    pub step: f64,
    /// Current angular-move threshold (ASTEP), scaled with `step`.
    pub astep: f64,
    /// Current temperature.
    pub temperature: f64,
    /// Random stream.
    pub stream: Stream,
    /// Accepted steps in the current acceptance block.
    pub accepted_in_block: usize,
    /// Accepted steps in the whole run.
    pub accepted_total: usize,
    /// Energy+gradient calls so far.
    pub calls: u64,
    /// Lowest quench energy so far.
    pub best_energy: f64,
    /// Whether a TARGET was reached (the walker then stops).
    pub target_hit: bool,
    /// The SAVE list.
    pub saved: SaveList,
    /// NEWRESTART / AVOID bookkeeping.
    pub restarts: Restarts,
}

/// NEWRESTART and AVOID (the tutorial's `data_annotated` and expected output): when the
/// lowest minimum of the walker has not improved (by more than EDIFF) for n steps, then with
/// AVOID that minimum goes into the cyclic AVOID list and the step is rejected (the Fortran's
/// "resetting energy to a large value to reject this step (not reseeding)"); without AVOID
/// the walker reseeds from random coordinates in its container and accepts the next quench.
/// With AVOID, a quench closer than `dist` to a listed minimum reseeds the walker. The record
/// of the lowest minimum starts afresh after each restart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restarts {
    /// Lowest energy since the last restart (+inf after one).
    pub best: f64,
    /// Its coordinates.
    pub best_x: Vec<f64>,
    /// Step at which it was found (or the restart happened).
    pub since: usize,
    /// The AVOID list, oldest overwritten first.
    pub avoid: Vec<Vec<f64>>,
    /// Next slot of the cyclic list.
    pub next: usize,
}

/// Move every atom of `x` (3 Cartesians each) lying beyond `radius` from the origin back onto
/// the sphere of that radius, along its direction (GMIN's container; docs/open-questions.md).
pub fn put_inside(x: &mut [f64], radius: f64) {
    for a in x.chunks_exact_mut(3) {
        let d = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
        if d > radius {
            let f = radius / d;
            a.iter_mut().for_each(|v| *v *= f);
        }
    }
}

fn centre(x: &mut [f64], natoms: usize) {
    if natoms == 0 || x.len() != 3 * natoms {
        return;
    }
    for c in 0..3 {
        let mean = (0..natoms).map(|a| x[3 * a + c]).sum::<f64>() / natoms as f64;
        for a in 0..natoms {
            x[3 * a + c] -= mean;
        }
    }
}

/// The angular move of one step (see [`BhSettings::angular_moves`]).
#[derive(Debug, Clone, Copy)]
struct SurfaceMove {
    /// The most weakly bound atom.
    atom: usize,
    /// Centre of coordinates of the start point.
    centre: [f64; 3],
    /// One more than the largest distance of an atom from that centre.
    radius: f64,
}

impl SurfaceMove {
    /// The move from `x` with threshold `astep`: `None` when the potential has no atom
    /// energies or the most weakly bound atom (the first of equals) is bound more strongly
    /// than `astep` times the most tightly bound one.
    fn choose<P: Potential + ?Sized>(potential: &P, x: &[f64], astep: f64) -> Option<Self> {
        let v = potential.atom_energies(x)?;
        let (mut atom, mut vmax, mut vmin) = (0, f64::NEG_INFINITY, f64::INFINITY);
        for (a, &e) in v.iter().enumerate() {
            if e > vmax {
                (atom, vmax) = (a, e);
            }
            vmin = vmin.min(e);
        }
        if v.is_empty() || vmax <= astep * vmin {
            return None;
        }
        let natoms = v.len() as f64;
        let mut centre = [0.0; 3];
        for p in x.chunks_exact(3) {
            for k in 0..3 {
                centre[k] += p[k] / natoms;
            }
        }
        let farthest = x
            .chunks_exact(3)
            .map(|p| {
                (0..3)
                    .map(|k| (p[k] - centre[k]).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .fold(0.0, f64::max);
        Some(SurfaceMove {
            atom,
            centre,
            radius: farthest + 1.0,
        })
    }

    /// Put the atom's coordinates `xa` at polar angle `π u_θ` and azimuth `2π u_φ` on the
    /// sphere; a point outside the container goes to 0.99 of its squared radius along its
    /// direction from the origin (the Fortran's rule).
    fn place(&self, xa: &mut [f64], u_theta: f64, u_phi: f64, container: Option<f64>) {
        let (theta, phi) = (
            std::f64::consts::PI * u_theta,
            2.0 * std::f64::consts::PI * u_phi,
        );
        let dir = [
            theta.sin() * phi.cos(),
            theta.sin() * phi.sin(),
            theta.cos(),
        ];
        for k in 0..3 {
            xa[k] = self.centre[k] + self.radius * dir[k];
        }
        if let Some(r) = container {
            let d2: f64 = xa.iter().map(|v| v * v).sum();
            if d2 > r * r {
                let f = (0.99 * r * r / d2).sqrt();
                xa.iter_mut().for_each(|v| *v *= f);
            }
        }
    }
}

impl Walker {
    /// Quench the start point (step 0, "Qu 0") and make it the first Markov state.
    pub fn start<P: Potential + ?Sized>(
        potential: &P,
        settings: &BhSettings,
        x0: &[f64],
        stream: Stream,
        observer: &mut dyn Observer,
    ) -> Walker {
        let r = Self::quench(potential, settings, x0);
        let mut w = Walker {
            steps_done: 0,
            x_markov: r.x.clone(),
            e_markov: r.energy,
            x_current: r.x.clone(),
            step: settings.step,
            astep: settings.astep,
            temperature: settings.temperature,
            stream,
            accepted_in_block: 0,
            accepted_total: 0,
            calls: r.function_calls as u64,
            best_energy: r.energy,
            target_hit: false,
            saved: SaveList::new(settings.nsave, settings.ediff)
                .with_identity(settings.save_identity.clone()),
            restarts: Restarts {
                best: r.energy,
                best_x: r.x.clone(),
                since: 0,
                avoid: Vec::new(),
                next: 0,
            },
        };
        w.saved.offer(SavedMinimum {
            energy: r.energy,
            coords: r.x.clone(),
            step: 0,
            calls: w.calls,
        });
        w.check_target(settings, r.energy, 0, observer);
        observer.quench(&QuenchReport {
            step: 0,
            energy: r.energy,
            iterations: r.iterations,
            rms: r.rms,
            markov_energy: w.e_markov,
            accepted: true,
            best_energy: w.best_energy,
            coords: r.x,
        });
        w
    }

    fn quench<P: Potential + ?Sized>(
        potential: &P,
        settings: &BhSettings,
        x: &[f64],
    ) -> MinimisationResult {
        let mut r = minimise(potential, x, &settings.quench);
        if let Some(n) = settings.centre_atoms {
            centre(&mut r.x, n);
        }
        r
    }

    /// AVOID and NEWRESTART after the quench of step `n` (see [`Restarts`]): whether the step
    /// is rejected, and whether the walker reseeds.
    fn restart_rules(
        &mut self,
        settings: &BhSettings,
        n: usize,
        energy: &f64,
        x: &[f64],
        observer: &mut dyn Observer,
    ) -> (bool, bool) {
        let energy = *energy;
        if let Some(a) = &settings.avoid {
            if let Some(k) = self
                .restarts
                .avoid
                .iter()
                .position(|m| a.symmetry.distance(m, x) < a.dist)
            {
                observer.note(&format!(
                    "avoid> minimum E= {energy:.10} lies within {} of entry {} of the AVOID list: reseeding",
                    a.dist,
                    k + 1
                ));
                return (false, true);
            }
        }
        let Some(limit) = settings.newrestart else {
            return (false, false);
        };
        if energy < self.restarts.best - settings.ediff {
            self.restarts.best = energy;
            self.restarts.best_x = x.to_vec();
            self.restarts.since = n;
            return (false, false);
        }
        if n - self.restarts.since < limit {
            return (false, false);
        }
        let stuck = self.restarts.since;
        let best = self.restarts.best;
        let best_x = std::mem::take(&mut self.restarts.best_x);
        let (rejected, reseed) = match &settings.avoid {
            Some(a) if a.size > 0 => {
                let slot = self.restarts.next % a.size;
                if slot < self.restarts.avoid.len() {
                    self.restarts.avoid[slot] = best_x;
                } else {
                    self.restarts.avoid.push(best_x);
                }
                self.restarts.next = (slot + 1) % a.size;
                observer.note(&format!(
                    "newres> Moving current best minimum to position {} in the AVOID list E= {best:.10}",
                    slot + 1
                ));
                (true, false)
            }
            _ => (false, true),
        };
        observer.note(&format!(
            "newres> Energy has not improved since step {stuck}; {}",
            if reseed {
                "reseeding"
            } else {
                "resetting energy to a large value to reject this step (not reseeding)"
            }
        ));
        self.restarts.best = f64::INFINITY;
        self.restarts.since = n;
        (rejected, reseed)
    }

    /// New random coordinates (uniform in the container's ball, or in the cube of side twice
    /// the step size about the origin without one); the next quench is accepted.
    fn reseed(&mut self, settings: &BhSettings) {
        let r = settings.container.unwrap_or(self.step);
        for xi in self.x_current.iter_mut() {
            *xi = r * (2.0 * self.stream.uniform() - 1.0);
        }
        if let Some(radius) = settings.container {
            put_inside(&mut self.x_current, radius);
        }
        self.e_markov = f64::INFINITY;
    }

    /// Stop at a TARGET energy (within EDIFF), saying so as the Fortran's `saveit` does (the
    /// LJ38 tutorial's first-encounter script reads these lines): "Target hit after N quenches
    /// M function calls." and the energy with its target, before the quench line.
    fn check_target(
        &mut self,
        settings: &BhSettings,
        e: f64,
        quenches: usize,
        observer: &mut dyn Observer,
    ) {
        if let Some(t) = settings
            .targets
            .iter()
            .find(|t| (e - *t).abs() < settings.ediff)
        {
            self.target_hit = true;
            observer.note(&format!(
                "saveit> Target hit after{} quenches{} function calls.",
                fmt_i(quenches as i64, 16),
                fmt_i(self.calls as i64, 16)
            ));
            observer.note(&format!(
                "saveit> Energy={} target={}",
                fmt_f(e, 20, 10),
                fmt_f(*t, 20, 10)
            ));
        }
    }

    /// Whether the walker has finished (all steps done or a target reached).
    pub fn finished(&self, settings: &BhSettings) -> bool {
        self.target_hit || self.steps_done >= settings.steps
    }

    /// The start point of the next quench: every coordinate of the current point displaced by
    /// up to the step size (frozen ones kept), or the angular move for one atom, then put in
    /// the container.
    pub fn perturb<P: Potential + ?Sized>(
        &mut self,
        potential: &P,
        settings: &BhSettings,
    ) -> Vec<f64> {
        let mut x = self.x_current.clone();
        let frozen = potential.frozen();
        let surface = if settings.angular_moves {
            SurfaceMove::choose(potential, &x, self.astep)
                .filter(|m| frozen.is_none_or(|f| !f.is_frozen(3 * m.atom)))
        } else {
            None
        };
        let mut u = [0.0; 3];
        for (a, xa) in x.chunks_mut(3).enumerate() {
            // Draw for every coordinate so the stream depends neither on the mask nor on the
            // angular move (which takes its two angles from its atom's first two draws).
            for (k, xi) in xa.iter_mut().enumerate() {
                u[k] = self.stream.uniform();
                if surface.is_none_or(|m| m.atom != a)
                    && frozen.is_none_or(|m| !m.is_frozen(3 * a + k))
                {
                    *xi += self.step * (2.0 * u[k] - 1.0);
                }
            }
            if let Some(m) = surface.filter(|m| m.atom == a) {
                m.place(xa, u[0], u[1], settings.container);
            }
        }
        if let Some(radius) = settings.container {
            put_inside(&mut x, radius);
        }
        x
    }

    /// One basin-hopping step: perturb, quench, save, Metropolis test, adaptation.
    pub fn step<P: Potential + ?Sized>(
        &mut self,
        potential: &P,
        settings: &BhSettings,
        observer: &mut dyn Observer,
    ) {
        let n = self.steps_done + 1;
        let x = self.perturb(potential, settings);
        let r = Self::quench(potential, settings, &x);
        self.calls += r.function_calls as u64;
        self.check_target(settings, r.energy, n, observer);
        if r.energy < self.best_energy {
            self.best_energy = r.energy;
        }
        self.saved.offer(SavedMinimum {
            energy: r.energy,
            coords: r.x.clone(),
            step: n,
            calls: self.calls,
        });
        let (rejected, reseed) = self.restart_rules(settings, n, &r.energy, &r.x, observer);
        let accepted = if rejected || reseed {
            false
        } else if r.energy < self.e_markov {
            true
        } else {
            let u = self.stream.uniform();
            u < (-(r.energy - self.e_markov) / self.temperature).exp()
        };
        if reseed {
            self.reseed(settings);
        } else if accepted {
            self.x_markov.clone_from(&r.x);
            self.e_markov = r.energy;
            self.x_current.clone_from(&r.x);
            self.accepted_in_block += 1;
            self.accepted_total += 1;
        } else if settings.reset {
            self.x_current.clone_from(&self.x_markov);
        } else {
            self.x_current.clone_from(&r.x);
        }
        self.steps_done = n;
        observer.quench(&QuenchReport {
            step: n,
            energy: r.energy,
            iterations: r.iterations,
            rms: r.rms,
            markov_energy: self.e_markov,
            accepted,
            best_energy: self.best_energy,
            coords: r.x,
        });
        if settings.naccept > 0 && n.is_multiple_of(settings.naccept) {
            let ratio = self.accepted_in_block as f64 / settings.naccept as f64;
            let up = ratio > settings.accept_ratio;
            match settings.adjust {
                Adjust::Step => {
                    // The Fortran multiplies or divides both by FAC.
                    (self.step, self.astep) = if up {
                        (self.step * ADJUST_FACTOR, self.astep * ADJUST_FACTOR)
                    } else {
                        (self.step / ADJUST_FACTOR, self.astep / ADJUST_FACTOR)
                    };
                }
                Adjust::Temperature => {
                    self.temperature = if up {
                        self.temperature / ADJUST_FACTOR
                    } else {
                        self.temperature * ADJUST_FACTOR
                    }
                }
                Adjust::Neither => {}
            }
            self.accepted_in_block = 0;
            observer.acceptance(&AcceptanceReport {
                block: settings.naccept,
                ratio,
                step: self.step,
                astep: self.astep,
                temperature: self.temperature,
            });
        }
        self.temperature *= settings.tfac;
    }

    /// Run steps until finished, calling `checkpoint` after every step.
    pub fn run<P: Potential + ?Sized>(
        &mut self,
        potential: &P,
        settings: &BhSettings,
        observer: &mut dyn Observer,
        checkpoint: &mut dyn FnMut(&Walker),
    ) {
        while !self.finished(settings) {
            self.step(potential, settings, observer);
            checkpoint(self);
        }
    }
}

/// Result of a final tight requench of one saved minimum.
#[derive(Debug, Clone)]
pub struct FinalQuench {
    /// Position in the SAVE list before re-sorting (1-based, as printed).
    pub index: usize,
    /// Energy after the requench.
    pub energy: f64,
    /// LBFGS iterations.
    pub iterations: usize,
    /// Final RMS gradient.
    pub rms: f64,
    /// Whether TIGHTCONV was reached.
    pub converged: bool,
    /// Energy+gradient calls of the requench.
    pub calls: u64,
}

/// Requench every saved minimum tightly (TIGHTCONV), update the entries and re-sort
/// (algorithms.md §2, step 4). Entries that become identical within EDIFF after the requench
/// (sloppy quenches of one minimum) are merged, keeping the lowest. Returns one report per
/// entry in the original order.
pub fn final_quenches<P: Potential + ?Sized>(
    potential: &P,
    settings: &BhSettings,
    saved: &mut SaveList,
) -> Vec<FinalQuench> {
    let mut reports = Vec::new();
    for (k, e) in saved.entries_mut().iter_mut().enumerate() {
        let r = minimise(potential, &e.coords, &settings.final_quench);
        let converged = r.converged();
        e.energy = r.energy;
        e.coords = r.x;
        reports.push(FinalQuench {
            index: k + 1,
            energy: r.energy,
            iterations: r.iterations,
            rms: r.rms,
            converged,
            calls: r.function_calls as u64,
        });
    }
    saved.resort();
    let mut distinct =
        SaveList::new(saved.capacity(), saved.ediff()).with_identity(saved.identity().cloned());
    for e in saved.entries() {
        distinct.offer(e.clone());
    }
    *saved = distinct;
    reports
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use common::ljat::Ljat;

    #[test]
    fn atoms_beyond_the_container_are_put_back_on_its_sphere() {
        let mut x = vec![3.0, 4.0, 0.0, 0.1, 0.2, 0.3];
        put_inside(&mut x, 2.5);
        assert!((x[0] - 1.5).abs() < 1e-15 && (x[1] - 2.0).abs() < 1e-15 && x[2] == 0.0);
        assert_eq!(&x[3..], &[0.1, 0.2, 0.3]);
    }

    pub(crate) fn ljat3_settings(steps: usize) -> BhSettings {
        BhSettings {
            steps,
            tfac: 1.0,
            temperature: 1.0,
            step: 0.4,
            astep: 0.3,
            angular_moves: false,
            accept_ratio: 0.5,
            naccept: 50,
            adjust: Adjust::Step,
            quench: LbfgsConfig {
                tolerance: 1e-6,
                ..Default::default()
            },
            final_quench: LbfgsConfig {
                tolerance: 1e-10,
                max_iterations: 2000,
                ..Default::default()
            },
            nsave: 5,
            ediff: 1e-6,
            targets: vec![],
            reset: true,
            centre_atoms: Some(3),
            container: None,
            newrestart: None,
            avoid: None,
            save_identity: None,
        }
    }

    #[test]
    fn l9_ljat3_finds_both_minima_lowest_first() {
        let p = Ljat::new(3, 2.0);
        let settings = ljat3_settings(1000);
        let mut s = Stream::new(1, 0);
        let x0: Vec<f64> = (0..9).map(|_| s.uniform_in(0.0, 2.0)).collect();
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(1, 1), &mut Silent);
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        assert_eq!(w.steps_done, 1000);
        let reports = final_quenches(&p, &settings, &mut w.saved);
        assert!(reports.iter().all(|r| r.converged));
        let e: Vec<f64> = w.saved.entries().iter().map(|m| m.energy).collect();
        assert!((e[0] + 2.219098169601).abs() < 1e-10, "{e:?}");
        assert!((e[1] + 2.185098840269).abs() < 1e-10, "{e:?}");
        assert!(w.accepted_total > 0);
    }

    #[test]
    fn target_stops_the_walker_early() {
        let p = Ljat::new(3, 2.0);
        let mut settings = ljat3_settings(100_000);
        settings.targets = vec![-2.219098169601];
        let x0 = common::ljat::geometry::equilateral3(1.2);
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(3, 0), &mut Silent);
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        assert!(w.target_hit);
        assert!(w.steps_done < 100_000);
        assert!((w.best_energy + 2.219098169601).abs() < 1e-6);
    }

    #[test]
    fn a_cloned_walker_continues_identically() {
        let p = Ljat::new(3, 2.0);
        let settings = ljat3_settings(60);
        let x0 = common::ljat::geometry::equilateral3(1.2);
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(8, 0), &mut Silent);
        for _ in 0..25 {
            w.step(&p, &settings, &mut Silent);
        }
        let mut copy = Walker {
            stream: Stream::at_position(&w.stream.position()),
            ..w.clone()
        };
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        copy.run(&p, &settings, &mut Silent, &mut |_| {});
        assert_eq!(w.saved, copy.saved);
        assert_eq!(w.x_markov, copy.x_markov);
        assert_eq!(w.step.to_bits(), copy.step.to_bits());
    }

    /// An equilateral triangle of atoms at the pair minimum plus a fourth atom 1.6 from one
    /// corner: the most weakly bound atom is the fourth.
    fn triangle_and_straggler() -> Vec<f64> {
        let mut x = common::ljat::geometry::equilateral3(2f64.powf(1.0 / 6.0));
        x.extend([-1.6, 0.0, 0.0]);
        x
    }

    #[test]
    fn atom_energies_share_out_the_pair_energy() {
        let p = Ljat::new(4, 0.0);
        let x = triangle_and_straggler();
        let v = p.atom_energies(&x).unwrap();
        let sum: f64 = v.iter().sum();
        assert!((sum - 2.0 * p.energy(&x)).abs() < 1e-12, "{v:?}");
        assert!(v[3] > v[1] && v[3] > v[2], "{v:?}");
    }

    /// The angular move takes the most weakly bound atom exactly when its pair energy is above
    /// ASTEP times the most tightly bound atom's (takestep's `VAT(JMAX) > ASTEP·VMIN`).
    #[test]
    fn the_surface_move_takes_the_weakest_atom_above_the_threshold() {
        let p = Ljat::new(4, 0.0);
        let x = triangle_and_straggler();
        let v = p.atom_energies(&x).unwrap();
        let vmin = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let ratio = v[3] / vmin;
        let m = SurfaceMove::choose(&p, &x, ratio + 0.01).expect("a move above the threshold");
        assert_eq!(m.atom, 3);
        assert!(SurfaceMove::choose(&p, &x, ratio - 0.01).is_none());
    }

    /// The perturbation puts the chosen atom on the sphere one unit beyond the farthest atom
    /// from the centre of coordinates (or inside the container), moves every other coordinate
    /// by at most STEP, and draws as many random numbers as without the move.
    #[test]
    fn the_surface_move_puts_the_atom_beyond_the_cluster() {
        let p = Ljat::new(4, 0.0);
        let x = triangle_and_straggler();
        let mut settings = ljat3_settings(1);
        settings.centre_atoms = None;
        settings.angular_moves = true;
        settings.astep = 0.9;
        let centre: Vec<f64> = (0..3)
            .map(|k| x.chunks(3).map(|a| a[k]).sum::<f64>() / 4.0)
            .collect();
        let dist = |a: &[f64]| {
            (0..3)
                .map(|k| (a[k] - centre[k]).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let farthest = x.chunks(3).map(dist).fold(0.0, f64::max);
        let mut w = Walker::start(&p, &settings, &x, Stream::new(2, 0), &mut Silent);
        w.x_current = x.clone();
        let mut plain = w.clone();
        let moved = w.perturb(&p, &settings);
        assert!((dist(&moved[9..]) - (farthest + 1.0)).abs() < 1e-12);
        for i in 0..9 {
            assert!((moved[i] - x[i]).abs() <= settings.step, "{i}");
        }
        settings.angular_moves = false;
        let displaced = plain.perturb(&p, &settings);
        assert_eq!(&moved[..9], &displaced[..9]);
        assert_eq!(w.stream.position(), plain.stream.position());
        // Inside a container: 0.99 of its squared radius, along the direction from the origin.
        let mut m = SurfaceMove::choose(&p, &x, 0.9).unwrap();
        m.centre = [0.0; 3];
        m.radius = 2.0;
        let mut a = [0.0; 3];
        m.place(&mut a, 0.5, 0.0, Some(3.0));
        assert!((a[0] - 2.0).abs() < 1e-15 && a[1].abs() < 1e-15 && a[2].abs() < 1e-15);
        m.place(&mut a, 0.5, 0.25, Some(1.5));
        assert!(a[0].abs() < 1e-15 && (a[1] - 1.5 * 0.99f64.sqrt()).abs() < 1e-15);
    }

    /// The acceptance check scales ASTEP with the step (the Fortran's FAC on both).
    #[test]
    fn astep_follows_the_step_size() {
        let p = Ljat::new(3, 2.0);
        let mut settings = ljat3_settings(200);
        settings.naccept = 10;
        settings.astep = 0.51;
        let x0 = common::ljat::geometry::equilateral3(1.2);
        let mut w = Walker::start(&p, &settings, &x0, Stream::new(8, 0), &mut Silent);
        w.run(&p, &settings, &mut Silent, &mut |_| {});
        assert_ne!(w.step, settings.step);
        assert!((w.astep / w.step - 0.51 / settings.step).abs() < 1e-12);
    }
}
