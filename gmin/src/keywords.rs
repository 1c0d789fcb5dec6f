//! GMIN's keyword table ([`table`]): turns a parsed `data` deck into a [`GminInput`]
//! (keyword-decks.md §2). Each keyword is one value of the table (common::deck's mechanism):
//! its arguments, defaults, description and setter; the table also prints
//! `GMIN --keywords` and generates docs/reference/gmin-keywords.md.

use crate::hopping::{Adjust, BhSettings};
use common::deck::{kw, Arg, Deck, DeckError, Keyword, KeywordTable, Line};
use common::lbfgs::keywords::{self as lbfgs_keywords, LbfgsParam, LbfgsTarget};
use common::lbfgs::LbfgsConfig;
use common::mlp::{MlpLine, MlpTarget};

/// The potential named in the deck.
#[derive(Debug, Clone, PartialEq)]
pub enum PotentialChoice {
    /// `LJAT Z [scale]`.
    Ljat { z: f64 },
    /// One of the MLP keywords, kept with its numeric arguments and the deck line (for error
    /// messages); the MLP specification is built when `MLPdata` is read.
    Mlp(MlpLine),
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
                astep: 0.3,
                angular_moves: false,
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

/// Keywords of newer GMIN machine-learning code (keyword-decks.md §2.2): recognised and
/// refused, because running without them would train a different model.
const NEWER_ML: &[&str] = &[
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
];

fn positive(line: &Line, i: usize) -> Result<f64, DeckError> {
    let v = line.f64(i)?;
    if v > 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(line.error_at(i, format!("must be positive, got {v}")))
    }
}

/// A `data` deck being read: the input and the potential keyword seen so far.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// What the deck has set so far.
    pub input: GminInput,
    /// The potential keyword given, if any (a second one is an error).
    pub potential: Option<String>,
}

impl Reading {
    fn set_potential(&mut self, line: &Line) -> Result<(), DeckError> {
        if let Some(prev) = &self.potential {
            return Err(line.error(format!("a second potential keyword (after {prev})")));
        }
        self.potential = Some(line.keyword().to_string());
        Ok(())
    }
}

impl LbfgsTarget for Reading {
    /// GMIN has one slot: the quenches and the final quench.
    fn set_lbfgs(&mut self, param: LbfgsParam, slot: usize, v: f64) {
        if slot > 0 {
            return;
        }
        let s = &mut self.input.settings;
        for q in [&mut s.quench, &mut s.final_quench] {
            match param {
                LbfgsParam::MaxStep => q.max_step = v,
                LbfgsParam::Memory => q.memory = v as usize,
                LbfgsParam::Dguess => q.dguess = v,
                LbfgsParam::MaxErise => q.max_erise = v,
            }
        }
    }
}

impl MlpTarget for Reading {
    fn set_network(&mut self, line: &Line, mlp: MlpLine) -> Result<(), DeckError> {
        self.set_potential(line)?;
        self.input.potential = PotentialChoice::Mlp(mlp);
        Ok(())
    }
    fn has_network(&self) -> bool {
        matches!(self.input.potential, PotentialChoice::Mlp(_))
    }
    fn set_mlpnorm(&mut self) {
        self.input.mlpnorm = true;
    }
    fn set_noregbias(&mut self) {
        self.input.noregbias = true;
    }
}

impl kernels::GpuTarget for Reading {
    fn gpu_mut(&mut self) -> &mut kernels::GpuRequest {
        &mut self.input.gpu
    }
}

type R = Reading;

/// Basin-hopping control.
fn basin_hopping() -> Vec<Keyword<R>> {
    vec![
        kw("STEPS")
            .arg(Arg::int("n"))
            .arg(Arg::real("tfac").or("1.0"))
            .doc("basin-hopping steps, and the factor applied to the temperature after each")
            .set(|r: &mut R, l| {
                let s = &mut r.input.settings;
                s.steps = l.usize(1)?;
                if let Some(t) = l.opt_f64(2)? {
                    s.tfac = t;
                }
                if l.nargs() > 2 {
                    return Err(l.error("a second basin-hopping run (4 items) is not supported"));
                }
                Ok(())
            }),
        kw("TEMPERATURE")
            .arg(Arg::real("T").many())
            .doc("acceptance temperature (energy units); walker k starts at the k-th value")
            .set(|r: &mut R, l| {
                let g = &mut r.input;
                g.temperatures.clear();
                for i in 1..=l.nargs() {
                    g.temperatures.push(positive(l, i)?);
                }
                g.settings.temperature = g.temperatures[0];
                Ok(())
            }),
        kw("STEP")
            .arg(Arg::real("dx"))
            .arg(Arg::real("astep").or("0.3"))
            .doc("maximum displacement of a coordinate in a step (length units); astep: the most weakly bound atom takes an angular move to the cluster's surface when its pair energy is above astep times the most tightly bound atom's (Lennard-Jones only, as the Fortran's atom moves)")
            .set(|r: &mut R, l| {
                r.input.settings.step = l.f64(1)?;
                if let Some(a) = l.opt_f64(2)? {
                    r.input.settings.astep = a;
                }
                Ok(())
            }),
        kw("ACCEPTRATIO")
            .arg(Arg::real("ratio"))
            .doc("target acceptance ratio of the step-size (or temperature) adjustment")
            .set(|r: &mut R, l| {
                r.input.settings.accept_ratio = l.f64(1)?;
                Ok(())
            }),
        kw("CHANGEACCEPT")
            .arg(Arg::int("n"))
            .doc("steps between adjustments of the step size (or temperature)")
            .set(|r: &mut R, l| {
                r.input.settings.naccept = l.usize(1)?;
                Ok(())
            }),
        kw("FIXSTEP")
            .doc("keep the step size fixed; adjust the temperature instead")
            .set(|r: &mut R, _| {
                r.input.settings.adjust = Adjust::Temperature;
                Ok(())
            }),
        kw("FIXTEMP")
            .doc("keep the temperature fixed; adjust the step size (the default)")
            .set(|r: &mut R, _| {
                r.input.settings.adjust = Adjust::Step;
                Ok(())
            }),
        kw("FIXBOTH")
            .doc("adjust neither the step size nor the temperature")
            .set(|r: &mut R, _| {
                r.input.settings.adjust = Adjust::Neither;
                Ok(())
            }),
        kw("SAVE")
            .arg(Arg::int("n"))
            .doc("number of lowest minima kept and written to `lowest`")
            .set(|r: &mut R, l| {
                r.input.settings.nsave = l.usize(1)?;
                Ok(())
            }),
        kw("EDIFF")
            .arg(Arg::real("de"))
            .doc("energy difference below which two saved minima are the same")
            .set(|r: &mut R, l| {
                r.input.settings.ediff = l.f64(1)?;
                Ok(())
            }),
        kw("TARGET")
            .arg(Arg::real("E").many())
            .doc("stop when a minimum within EDIFF of one of these energies is found")
            .set(|r: &mut R, l| {
                for i in 1..=l.nargs() {
                    r.input.settings.targets.push(l.f64(i)?);
                }
                Ok(())
            }),
        kw("NORESET")
            .doc("take each step from the last minimum reached, accepted or not")
            .set(|r: &mut R, _| {
                r.input.settings.reset = false;
                Ok(())
            }),
        kw("CENTRE")
            .doc("move the centre of mass of an atomic cluster to the origin after each step")
            .set(|r: &mut R, _| {
                r.input.centre = true;
                Ok(())
            }),
        kw("RADIUS")
            .arg(Arg::real("r"))
            .doc("radius of the spherical container (default from NATOMS, as the Fortran)")
            .set(|r: &mut R, l| {
                let v = l.f64(1)?;
                if !(v > 0.0 && v.is_finite()) {
                    return Err(l.error("RADIUS must be a positive container radius"));
                }
                r.input.radius = Some(v);
                Ok(())
            }),
        kw("NEWRESTART")
            .arg(Arg::int("n"))
            .doc("restart a walker from a random geometry after n steps without a new lowest minimum")
            .set(|r: &mut R, l| {
                let n = l.usize(1)?;
                if n == 0 {
                    return Err(l.error("NEWRESTART needs a number of steps above 0"));
                }
                r.input.settings.newrestart = Some(n);
                Ok(())
            }),
        kw("AVOID")
            .arg(Arg::real("dist"))
            .arg(Arg::int("n").or("20"))
            .arg(Arg::flag("reseed").or("F"))
            .doc("restart when a quench ends within dist of one of the last n restart minima")
            .set(|r: &mut R, l| {
                let dist = l.f64(1)?;
                let size = l.opt_usize(2)?.unwrap_or(20);
                let reseed = l
                    .opt_string(3)?
                    .is_some_and(|f| f.to_ascii_uppercase().starts_with('T'));
                if !(dist.is_finite() && dist > 0.0) || size == 0 {
                    return Err(l.error("AVOID needs a distance above 0 and a list length above 0"));
                }
                r.input.avoid = Some((dist, size, reseed));
                Ok(())
            }),
        kw("PARALLEL")
            .arg(Arg::int("n"))
            .doc("independent walkers run in parallel (project extension)")
            .set(|r: &mut R, l| {
                r.input.walkers = l.usize(1)?;
                if r.input.walkers == 0 {
                    return Err(l.error_at(1, "needs at least one walker"));
                }
                Ok(())
            }),
        kw("SYMMETRISE")
            .doc("symmetrisation moves of the LJ38 tutorial 02")
            .not_provided("the moves change the search"),
        kw("SYMMETRISECSM")
            .doc("continuous-symmetry-measure moves of the LJ38 tutorial 02")
            .not_provided("the moves change the search"),
    ]
}

/// Quench convergence and the L-BFGS minimiser.
fn minimiser() -> Vec<Keyword<R>> {
    let mut v = vec![
        kw("SLOPPYCONV")
            .alias("BASIN")
            .arg(Arg::real("rms"))
            .doc("RMS gradient that ends a basin-hopping quench")
            .set(|r: &mut R, l| {
                r.input.settings.quench.tolerance = positive(l, 1)?;
                Ok(())
            }),
        kw("TIGHTCONV")
            .alias("QMAX")
            .arg(Arg::real("rms"))
            .doc("RMS gradient that ends the final quenches of the saved minima")
            .set(|r: &mut R, l| {
                r.input.settings.final_quench.tolerance = positive(l, 1)?;
                Ok(())
            }),
        kw("MAXIT")
            .arg(Arg::int("n"))
            .arg(Arg::int("nfinal").or("unchanged"))
            .doc("L-BFGS iteration limits of a quench and of a final quench")
            .set(|r: &mut R, l| {
                let s = &mut r.input.settings;
                s.quench.max_iterations = l.usize(1)?;
                if let Some(m2) = l.opt_usize(2)? {
                    s.final_quench.max_iterations = m2;
                }
                Ok(())
            }),
    ];
    v.extend(lbfgs_keywords::group());
    v
}

/// Identity of minima, seeds, files.
fn run_control() -> Vec<Keyword<R>> {
    vec![
        kw("PERMDIST")
            .doc("identify minima under the system's symmetry (atoms: permutations, rotations, inversion; networks: hidden-unit permutations and sign flips)")
            .set(|r: &mut R, _| {
                r.input.permdist = true;
                Ok(())
            }),
        kw("GEOMDIFFTOL")
            .arg(Arg::real("d"))
            .doc("distance below which two minima are the same under PERMDIST")
            .set(|r: &mut R, l| {
                r.input.geomdifftol = positive(l, 1)?;
                Ok(())
            }),
        kw("RANSEED")
            .arg(Arg::int("seed"))
            .doc("random-number seed")
            .set(|r: &mut R, l| {
                r.input.seed = l.int(1)? as u64;
                Ok(())
            }),
        kw("RANDOMSEED")
            .doc("seed taken from the clock (printed)")
            .set(|r: &mut R, _| {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                r.input.seed = t;
                log::info!("RANDOMSEED: seed {t} taken from the clock");
                Ok(())
            }),
        kw("TRACKDATA")
            .doc("write the files energy, markov and best")
            .set(|r: &mut R, _| {
                r.input.trackdata = true;
                Ok(())
            }),
        kw("DUMPINT")
            .arg(Arg::int("n"))
            .doc("write the restart dump GMIN.dump every n steps (0: never)")
            .set(|r: &mut R, l| {
                r.input.dump_interval = l.usize(1)?;
                Ok(())
            }),
        kw("RESTORE")
            .arg(Arg::word("file").or("GMIN.dump"))
            .doc("continue from a restart dump")
            .set(|r: &mut R, l| {
                let f = l.opt_string(1)?.filter(|f| !f.is_empty());
                r.input.restore = Some(f.unwrap_or_else(|| "GMIN.dump".into()));
                Ok(())
            }),
        kw("DEBUG")
            .doc("more output")
            .set(|r: &mut R, _| {
                r.input.debug = true;
                Ok(())
            }),
        kw("DUMPMINDB")
            .arg(Arg::word("file").or("min.data.info"))
            .doc("append every distinct minimum to a min.data.info file for PATHSAMPLE (project extension)")
            .set(|r: &mut R, l| {
                let f = l.opt_string(1)?.filter(|f| !f.is_empty());
                r.input.dump_min_db = Some(f.unwrap_or_else(|| "min.data.info".into()));
                Ok(())
            }),
        kw("SORT")
            .doc("sort the saved minima")
            .no_effect("the saved minima are always kept in energy order"),
        kw("MONITOR")
            .doc("monitor the run")
            .no_effect("progress is always printed"),
        kw("DUMP")
            .doc("dump the lowest minima as the run goes")
            .no_effect("`lowest` is written at the end"),
        kw("DUMPMIN")
            .doc("dump minima")
            .no_effect("`lowest` is written at the end"),
        kw("SEED")
            .doc("seed the search from a given core structure")
            .not_provided("it changes the search"),
    ]
}

/// Potentials: LJAT and the MLP family (the Fortran default, LJ, without a keyword).
fn potentials() -> Vec<Keyword<R>> {
    let mut v = vec![
        kw("LJAT")
            .arg(Arg::real("Z"))
            .doc("Lennard-Jones plus the Axilrod-Teller three-body term of strength Z")
            .set(|r: &mut R, l| {
                r.set_potential(l)?;
                r.input.potential = PotentialChoice::Ljat { z: l.f64(1)? };
                Ok(())
            }),
        common::mlp::keywords::network_keyword(),
        kw("MLPPROB")
            .arg(Arg::int("class").or("1"))
            .doc("report the AUC of this (1-based) outcome as the positive class")
            .set(|r: &mut R, l| {
                r.input.mlpprob = Some(l.opt_usize(1)?.unwrap_or(1).max(1));
                Ok(())
            }),
        kw("MLPRINT")
            .doc("print the network's predictions for the lowest minima")
            .set(|r: &mut R, _| {
                r.input.mlprint = true;
                Ok(())
            }),
        kernels::gpu_keyword(),
        kw("AXTELL")
            .doc("the Axilrod-Teller term of newer GMIN")
            .not_provided("use LJAT Z"),
    ];
    v.extend(common::mlp::keywords::options());
    for &name in NEWER_ML {
        v.push(
            kw(name)
                .doc("a keyword of newer GMIN machine-learning code")
                .not_provided("it would train a different model"),
        );
    }
    v
}

/// GMIN's keyword table.
pub fn table() -> KeywordTable<Reading> {
    KeywordTable::new("GMIN", "data")
        .with(basin_hopping())
        .with(minimiser())
        .with(run_control())
        .with(potentials())
}

impl GminInput {
    /// Interpret a parsed `data` deck.
    pub fn from_deck(deck: &Deck) -> Result<GminInput, DeckError> {
        let mut r = Reading::default();
        table().apply(deck.lines(), &mut r)?;
        // No potential keyword: Lennard-Jones, the Fortran GMIN's default (LJAT with Z = 0).
        r.input.default_potential = r.potential.is_none();
        Ok(r.input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword: its example line is accepted and changes the input (or is refused with
    /// the not-provided message); a word where a number belongs is refused naming it.
    #[test]
    fn every_keyword_of_the_table() {
        let f = common::deck::check_table(&table(), Reading::default, &["FIXTEMP"]);
        assert!(f.is_empty(), "{f:#?}");
    }

    /// The committed reference is the table's (regenerate with
    /// `GMIN --keywords=markdown > docs/reference/gmin-keywords.md`).
    #[test]
    fn the_committed_reference_is_generated_from_the_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/reference/gmin-keywords.md"
        );
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == table().markdown(),
            "{path} is stale: run `GMIN --keywords=markdown > docs/reference/gmin-keywords.md`"
        );
    }

    #[test]
    fn other_systems_and_typing_errors_are_told_apart() {
        let read = |t: &str| GminInput::from_deck(&Deck::parse(t, "data").unwrap());
        let e = read(
            "STEPS 10
GROUPROTATION 10
AMBER12 start
",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "data:3: AMBER12: the AMBER potential is not provided by this implementation \
             (LJ, LJAT and the MLP family are) in \"AMBER12 start\""
        );
        let e = read(
            "SLOPYCONV 1e-3
",
        )
        .unwrap_err();
        assert!(e.message.contains("did you mean SLOPPYCONV?"), "{e}");
        let e = read(
            "LJAT 2
MLPVB3 2 1 10 4 100
",
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("a second potential keyword (after LJAT)"),
            "{e}"
        );
        let e = read(
            "MLPVB3 2 1 10 4 100
MLPNORM
",
        )
        .unwrap_err();
        assert!(e.message.contains("before MLP keyword"), "{e}");
        let g = read(
            "MAXBFGS 0.4 9
UPDATES 7
",
        )
        .unwrap();
        assert_eq!(g.settings.quench.max_step, 0.4);
        assert_eq!(g.settings.final_quench.memory, 7);
    }

    #[test]
    fn default_container_radius_is_the_fortrans() {
        // The LJ38 tutorial's GMIN output: "Container radius=        4.3305271907".
        assert!((default_container_radius(38) - 4.3305271907).abs() < 5e-11);
    }
}
