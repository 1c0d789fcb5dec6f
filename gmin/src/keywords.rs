//! GMIN's keyword table: turns a parsed `data` deck into a [`GminInput`]
//! (keyword-decks.md §2). Every keyword of the table is recognised; one that this
//! implementation does not support is an error naming it, never silently ignored.

use crate::hopping::{Adjust, BhSettings};
use common::deck::{Deck, DeckError, Line};
use common::lbfgs::LbfgsConfig;

/// The potential named in the deck.
#[derive(Debug, Clone, PartialEq)]
pub enum PotentialChoice {
    /// `LJAT Z [scale]`.
    Ljat { z: f64 },
    /// One of the MLP keywords, kept with its numeric arguments and the deck line (for error
    /// messages); the MLP specification is built when `MLPdata` is read.
    Mlp(MlpLine),
}

/// An MLP keyword line.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpLine {
    /// Upper-case keyword (`MLPVB3`, `MLPMULTI`, ...).
    pub keyword: String,
    /// Numeric arguments as present on the line (null items read as 0).
    pub args: Vec<f64>,
    /// File and line of the keyword, for messages.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// Everything a GMIN run needs from `data`.
#[derive(Debug, Clone)]
pub struct GminInput {
    /// Basin-hopping parameters.
    pub settings: BhSettings,
    /// The potential.
    pub potential: PotentialChoice,
    /// RANSEED.
    pub seed: u64,
    /// CENTRE given (applied to atoms only).
    pub centre: bool,
    /// TRACKDATA: write `energy`, `markov`, `best`.
    pub trackdata: bool,
    /// DUMPINT n: write the restart dump every n steps (0 = never).
    pub dump_interval: usize,
    /// RESTORE file.
    pub restore: Option<String>,
    /// DEBUG.
    pub debug: bool,
    /// NOREGBIAS.
    pub noregbias: bool,
    /// MLPNORM (must precede the MLP keyword).
    pub mlpnorm: bool,
    /// MLPPROB pos (1-based positive outcome).
    pub mlpprob: Option<usize>,
    /// MLPRINT.
    pub mlprint: bool,
    /// All TEMPERATURE values: walker k starts at the k-th (the first when fewer are given).
    pub temperatures: Vec<f64>,
    /// PERMDIST: minima are identified under the system's symmetry (atoms: permutations,
    /// rotations, inversion; networks: hidden-unit permutations and sign flips) in the SAVE
    /// list and DUMPMINDB, not by energy alone.
    pub permdist: bool,
    /// GEOMDIFFTOL: distance tolerance of that identity (default 0.1).
    pub geomdifftol: f64,
    /// PARALLEL n: independent walkers (project extension).
    pub walkers: usize,
    /// DUMPMINDB [file]: append every distinct minimum to a min.data.info-style file
    /// (project extension).
    pub dump_min_db: Option<String>,
    /// GPU [device] / CUDA [device]: evaluate network losses on an NVIDIA GPU (project
    /// extension; falls back to the CPU with a log message).
    pub gpu: kernels::GpuRequest,
    /// RADIUS r: the spherical container of an atomic cluster (default: the Fortran's
    /// [`default_container_radius`] of NATOMS).
    pub radius: Option<f64>,
    /// No potential keyword was given: the Fortran's default, Lennard-Jones (LJAT, Z = 0).
    pub default_potential: bool,
    /// AVOID dist n [T|F]: (distance, list length, reseed); the alignment is the system's.
    pub avoid: Option<(f64, usize, bool)>,
}

/// The Fortran GMIN's default container radius for `natoms` atoms (LJ units):
/// (2 + (3N / 4π√2)^(1/3)) · 2^(1/6); 4.3305271907 for LJ38, as its output prints.
pub fn default_container_radius(natoms: usize) -> f64 {
    (2.0 + (3.0 * natoms as f64 / 17.771_531_75).cbrt()) * 2f64.powf(1.0 / 6.0)
}

impl Default for GminInput {
    fn default() -> Self {
        Self {
            settings: BhSettings {
                steps: 0,
                tfac: 1.0,
                temperature: 0.3,
                step: 0.3,
                accept_ratio: 0.5,
                naccept: 50,
                adjust: Adjust::Step,
                quench: LbfgsConfig {
                    tolerance: 1.0e-3,
                    ..LbfgsConfig::default()
                },
                final_quench: LbfgsConfig {
                    tolerance: 1.0e-10,
                    ..LbfgsConfig::default()
                },
                nsave: 5,
                ediff: 0.02,
                targets: vec![],
                reset: true,
                centre_atoms: None,
                container: None,
                newrestart: None,
                avoid: None,
                save_identity: None,
            },
            potential: PotentialChoice::Ljat { z: 0.0 },
            seed: 0,
            centre: false,
            trackdata: false,
            dump_interval: 0,
            restore: None,
            debug: false,
            noregbias: false,
            mlpnorm: false,
            mlpprob: None,
            mlprint: false,
            temperatures: vec![0.3],
            walkers: 1,
            dump_min_db: None,
            gpu: kernels::GpuRequest::Off,
            radius: None,
            default_potential: false,
            avoid: None,
            permdist: false,
            geomdifftol: 0.1,
        }
    }
}

/// MLP keywords (any generation); see potentials.md §3.
pub const MLP_KEYWORDS: &[&str] = &[
    "MLP3", "MLPB3", "MLPB3NEW", "MLPVB3", "MLPVB3NN", "MLPMULTI",
];

/// Keywords of newer ML code that are recognised and rejected (keyword-decks.md §2.2), and
/// search options this implementation does not provide (the LJ38 tutorial 02's symmetrisation
/// moves, SYMMETRISE and SYMMETRISECSM: they change the search, so the run stops).
const UNSUPPORTED: &[&str] = &[
    "SYMMETRISE",
    "SYMMETRISECSM",
    "AUCMLPVB3",
    "MLPVB3SAM",
    "MLMIN",
    "MLSUP",
    "MLQ",
    "DL",
    "AUCSIGMOID",
    "AUCTANH",
    "AUCHINGE",
    "AUCEXP",
    "AUCQUAD",
    "AUCCUBIC",
    "MLQNORM",
    "MLPNEWREG",
    "AXTELL",
    "SEED",
];

/// Keywords accepted as no-ops (seen in real decks, meaningless here).
const NO_OPS: &[&str] = &["SORT", "MONITOR", "DUMP", "DUMPMIN"];

fn positive(line: &Line, i: usize, v: f64) -> Result<f64, DeckError> {
    if v > 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(line.error_at(i, format!("must be positive, got {v}")))
    }
}

impl GminInput {
    /// Interpret a parsed `data` deck.
    pub fn from_deck(deck: &Deck) -> Result<GminInput, DeckError> {
        let mut g = GminInput::default();
        let mut potential_seen: Option<String> = None;
        for line in deck.lines() {
            let kw = line.keyword();
            let s = &mut g.settings;
            match kw {
                "STEPS" => {
                    s.steps = line.usize(1)?;
                    if let Some(t) = line.opt_f64(2)? {
                        s.tfac = t;
                    }
                    if line.nargs() > 2 {
                        return Err(
                            line.error("a second basin-hopping run (4 items) is not supported")
                        );
                    }
                }
                "TEMPERATURE" => {
                    g.temperatures.clear();
                    for i in 1..=line.nargs().max(1) {
                        g.temperatures.push(positive(line, i, line.f64(i)?)?);
                    }
                    s.temperature = g.temperatures[0];
                }
                "STEP" => s.step = line.f64(1)?,
                "ACCEPTRATIO" => s.accept_ratio = line.f64(1)?,
                "CHANGEACCEPT" => s.naccept = line.usize(1)?,
                "FIXSTEP" => s.adjust = Adjust::Temperature,
                "FIXTEMP" => s.adjust = Adjust::Step,
                "FIXBOTH" => s.adjust = Adjust::Neither,
                "SAVE" => s.nsave = line.usize(1)?,
                "SLOPPYCONV" | "BASIN" => s.quench.tolerance = positive(line, 1, line.f64(1)?)?,
                "TIGHTCONV" | "QMAX" => s.final_quench.tolerance = positive(line, 1, line.f64(1)?)?,
                "MAXIT" => {
                    s.quench.max_iterations = line.usize(1)?;
                    if let Some(m2) = line.opt_usize(2)? {
                        s.final_quench.max_iterations = m2;
                    }
                }
                "DGUESS" => {
                    let d = positive(line, 1, line.f64(1)?)?;
                    s.quench.dguess = d;
                    s.final_quench.dguess = d;
                }
                "UPDATES" => {
                    let m = line.usize(1)?.max(1);
                    s.quench.memory = m;
                    s.final_quench.memory = m;
                }
                "MAXBFGS" => {
                    let m = positive(line, 1, line.f64(1)?)?;
                    s.quench.max_step = m;
                    s.final_quench.max_step = m;
                }
                "MAXERISE" => {
                    let m = line.f64(1)?;
                    s.quench.max_erise = m;
                    s.final_quench.max_erise = m;
                }
                "EDIFF" => s.ediff = line.f64(1)?,
                "PERMDIST" => g.permdist = true,
                "GEOMDIFFTOL" => g.geomdifftol = positive(line, 1, line.f64(1)?)?,
                "RANSEED" => g.seed = line.int(1)? as u64,
                "RANDOMSEED" => {
                    let t = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    g.seed = t;
                    log::info!("RANDOMSEED: seed {t} taken from the clock");
                }
                "TARGET" => {
                    for i in 1..=line.nargs() {
                        s.targets.push(line.f64(i)?);
                    }
                }
                "NORESET" => s.reset = false,
                "CENTRE" => g.centre = true,
                "NEWRESTART" => {
                    let n = line.usize(1)?;
                    if n == 0 {
                        return Err(line.error("NEWRESTART needs a number of steps above 0"));
                    }
                    g.settings.newrestart = Some(n);
                }
                "AVOID" => {
                    let dist = line.f64(1)?;
                    let size = line.opt_usize(2)?.unwrap_or(20);
                    let reseed = line
                        .opt_string(3)?
                        .is_some_and(|f| f.to_ascii_uppercase().starts_with('T'));
                    if !(dist.is_finite() && dist > 0.0) || size == 0 {
                        return Err(
                            line.error("AVOID needs a distance above 0 and a list length above 0")
                        );
                    }
                    g.avoid = Some((dist, size, reseed));
                }
                "RADIUS" => {
                    let r = line.f64(1)?;
                    if !(r > 0.0 && r.is_finite()) {
                        return Err(line.error("RADIUS must be a positive container radius"));
                    }
                    g.radius = Some(r);
                }
                "TRACKDATA" => g.trackdata = true,
                "DUMPINT" => g.dump_interval = line.usize(1)?,
                "RESTORE" => {
                    let f = line.string(1)?;
                    g.restore = Some(if f.is_empty() { "GMIN.dump".into() } else { f });
                }
                "DEBUG" => g.debug = true,
                "PARALLEL" => {
                    g.walkers = line.usize(1)?;
                    if g.walkers == 0 {
                        return Err(line.error_at(1, "needs at least one walker"));
                    }
                }
                "DUMPMINDB" => {
                    let f = line.opt_string(1)?.filter(|f| !f.is_empty());
                    g.dump_min_db = Some(f.unwrap_or_else(|| "min.data.info".into()));
                }
                "LJAT" => {
                    set_potential(line, &mut potential_seen)?;
                    g.potential = PotentialChoice::Ljat { z: line.f64(1)? };
                }
                "GPU" | "CUDA" => {
                    let args: Vec<String> = (1..=line.nargs())
                        .map(|i| line.string(i))
                        .collect::<Result<_, _>>()?;
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    g.gpu =
                        kernels::GpuRequest::from_keyword(kw, &refs).map_err(|m| line.error(m))?;
                }
                "NOREGBIAS" => g.noregbias = true,
                "MLPNORM" => {
                    if potential_seen
                        .as_deref()
                        .is_some_and(|k| MLP_KEYWORDS.contains(&k))
                    {
                        return Err(line.error("please put MLPNORM before MLP keyword"));
                    }
                    g.mlpnorm = true;
                }
                "MLPPROB" => g.mlpprob = Some(line.opt_usize(1)?.unwrap_or(1).max(1)),
                "MLPRINT" => g.mlprint = true,
                k if MLP_KEYWORDS.contains(&k) => {
                    set_potential(line, &mut potential_seen)?;
                    let mut args = Vec::new();
                    for i in 1..=line.nargs() {
                        args.push(line.f64(i)?);
                    }
                    g.potential = PotentialChoice::Mlp(MlpLine {
                        keyword: k.to_string(),
                        args,
                        file: line.file().to_string(),
                        line: line.line_no(),
                    });
                }
                k if UNSUPPORTED.contains(&k) => return Err(line.not_supported()),
                k if NO_OPS.contains(&k) => {
                    log::warn!(
                        "{}:{}: keyword {k} has no effect here",
                        line.file(),
                        line.line_no()
                    );
                }
                _ => return Err(line.unknown()),
            }
        }
        // No potential keyword: Lennard-Jones, the Fortran GMIN's default (LJAT with Z = 0).
        g.default_potential = potential_seen.is_none();
        Ok(g)
    }
}

fn set_potential(line: &Line, seen: &mut Option<String>) -> Result<(), DeckError> {
    if let Some(prev) = seen {
        return Err(line.error(format!("a second potential keyword (after {prev})")));
    }
    *seen = Some(line.keyword().to_string());
    Ok(())
}

#[cfg(test)]
mod container_tests {
    use super::*;

    #[test]
    fn default_container_radius_is_the_fortrans() {
        // The LJ38 tutorial's GMIN output: "Container radius=        4.3305271907".
        assert!((default_container_radius(38) - 4.3305271907).abs() < 5e-11);
    }
}
