//! Harmonic rate constants and partition functions (algorithms.md §10).
//!
//! For a TS t between minima p (`plus`) and m (`minus`), canonical ensemble (kT = T in energy
//! units; rates in reciprocal natural time units, √(energy/(mass·length²)) with unit masses):
//!
//! ```text
//! ln k(p→m via t) = ln(h_p / (2π h_t)) + (fvib_p − fvib_t)/2 − (E_t − E_p)/T
//! ```
//!
//! and symmetrically out of m. A degenerate TS (p = m) adds ln 2 to both directions; a SYSTEM
//! starting with `CA` adds 30.66356. Microcanonical (total energy E, κ degrees of freedom,
//! 3N − 6 for atoms): `ln k = ln(h_p/(2π h_t)) + (fvib_p − fvib_t)/2 + (κ−1)·ln((E−E_t)/(E−E_p))`,
//! and −1.0e250 when E ≤ E_t. The values used are the database's in-memory ones, so NOFRQS
//! gives fvib = 1.0 everywhere (DECISION 2) and k = h_p/(2π h_t)·exp(−ΔE/T).
//!
//! ln Z_j = −E_j/T − fvib_j/2 − ln h_j (microcanonical: (κ−1)·ln(E − E_j) − fvib_j/2 − ln h_j),
//! shifted so that the largest over the minima is 0 (PFMEAN).

use super::{Database, MinRecord, TsRecord};

/// The value standing for ln 0 (a closed channel), as the Fortran uses.
pub const LN_ZERO: f64 = -1.0e250;

/// ln of the prefactor added for SYSTEM names starting with `CA`.
pub const CA_SHIFT: f64 = 30.66356;

/// The statistical ensemble.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ensemble {
    /// Canonical at temperature kT (TEMPERATURE), energy units.
    Canonical {
        /// kT.
        temperature: f64,
    },
    /// Microcanonical at total energy E (ENERGY) with κ vibrational degrees of freedom.
    Microcanonical {
        /// Total energy.
        energy: f64,
        /// κ (3N − 6 for atoms).
        kappa: f64,
    },
}

/// Options of the rate calculation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateOptions {
    /// The ensemble.
    pub ensemble: Ensemble,
    /// SYSTEM starts with `CA`: add [`CA_SHIFT`] to every ln k.
    pub ca_system: bool,
}

impl RateOptions {
    /// Canonical rates at kT = `temperature`.
    pub fn canonical(temperature: f64) -> Self {
        Self {
            ensemble: Ensemble::Canonical { temperature },
            ca_system: false,
        }
    }
}

/// The two rate constants of one TS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TsRates {
    /// ln k(plus → minus).
    pub ln_plus_to_minus: f64,
    /// ln k(minus → plus).
    pub ln_minus_to_plus: f64,
}

/// ln k for leaving minimum `from` through TS `ts` (one direction; see the module
/// documentation). `degenerate` adds ln 2.
pub fn ln_rate(from: &MinRecord, ts: &TsRecord, degenerate: bool, opts: &RateOptions) -> f64 {
    let base = (from.order as f64 / (2.0 * std::f64::consts::PI * ts.order as f64)).ln()
        + (from.fvib - ts.fvib) / 2.0;
    let mut k = match opts.ensemble {
        Ensemble::Canonical { temperature } => base - (ts.energy - from.energy) / temperature,
        Ensemble::Microcanonical { energy, kappa } => {
            if energy <= ts.energy || energy <= from.energy {
                return LN_ZERO;
            }
            base + (kappa - 1.0) * ((energy - ts.energy) / (energy - from.energy)).ln()
        }
    };
    if degenerate {
        k += std::f64::consts::LN_2;
    }
    if opts.ca_system {
        k += CA_SHIFT;
    }
    k
}

/// ln Z of one minimum, unshifted (see the module documentation).
pub fn ln_z(m: &MinRecord, opts: &RateOptions) -> f64 {
    let vib = -m.fvib / 2.0 - (m.order as f64).ln();
    match opts.ensemble {
        Ensemble::Canonical { temperature } => -m.energy / temperature + vib,
        Ensemble::Microcanonical { energy, kappa } => {
            if energy <= m.energy {
                LN_ZERO
            } else {
                (kappa - 1.0) * (energy - m.energy).ln() + vib
            }
        }
    }
}

/// ln Σ exp(x_i) (−∞ for an empty list), computed stably.
pub fn ln_sum_exp(values: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.into_iter().collect();
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

impl Database {
    /// ln k in both directions for every TS (index id − 1).
    pub fn ln_rates(&self, opts: &RateOptions) -> Vec<TsRates> {
        self.transition_states()
            .iter()
            .map(|t| {
                let d = t.is_degenerate();
                TsRates {
                    ln_plus_to_minus: ln_rate(self.minimum(t.plus), t, d, opts),
                    ln_minus_to_plus: ln_rate(self.minimum(t.minus), t, d, opts),
                }
            })
            .collect()
    }

    /// ln Z_j of every minimum (index id − 1), shifted so that the maximum is 0 (PFMEAN).
    pub fn ln_partition_functions(&self, opts: &RateOptions) -> Vec<f64> {
        let mut z: Vec<f64> = self.minima().iter().map(|m| ln_z(m, opts)).collect();
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if max.is_finite() {
            for v in &mut z {
                *v -= max;
            }
        }
        z
    }

    /// ln Σ_{j ∈ ids} Z_j for a set of minima (1-based ids) from the output of
    /// [`Database::ln_partition_functions`] (e.g. ln Z_A, ln Z_B).
    pub fn ln_partition_sum(ln_z: &[f64], ids: &[usize]) -> f64 {
        ln_sum_exp(ids.iter().map(|&i| ln_z[i - 1]))
    }

    /// Waiting time τ_j = 1/Σ k over the TSs of every minimum (index id − 1) for which
    /// `live(ts_id)` holds (degenerate TSs included); +∞ for a minimum without live TSs.
    pub fn waiting_times(&self, rates: &[TsRates], live: impl Fn(usize) -> bool) -> Vec<f64> {
        (1..=self.nmin())
            .map(|id| {
                let ks = self
                    .ts_of_minimum(id)
                    .iter()
                    .filter(|&&t| live(t))
                    .map(|&t| {
                        let r = &rates[t - 1];
                        let rec = self.ts(t);
                        // A degenerate TS counts once (its ln 2 covers both directions).
                        if rec.plus == id {
                            r.ln_plus_to_minus
                        } else {
                            r.ln_minus_to_plus
                        }
                    });
                let s = ln_sum_exp(ks);
                (-s).exp()
            })
            .collect()
    }
}
