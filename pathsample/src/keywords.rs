//! PATHSAMPLE's keyword table: `pathdata` → [`PathsampleInput`] (keyword-decks.md §4).

use common::database::DbConfig;
use common::deck::{Deck, DeckError, Line};
use common::mlp::{is_mlp_keyword, MlpKind, MlpSpec, MAX_NOPT};
use common::system::Symmetry;

/// Dijkstra edge cost for unconnected pairs (DIJINITSTART/DIJINITCONT).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PairCost {
    /// d^p (p = 0: d + 1).
    Power(f64),
    /// e^min(d, 300).
    Exp,
}

impl PairCost {
    /// Weight of an unconnected pair at distance `d`.
    pub fn weight(self, d: f64) -> f64 {
        match self {
            PairCost::Power(0.0) => d + 1.0,
            PairCost::Power(p) => d.powf(p),
            PairCost::Exp => d.min(300.0).exp(),
        }
    }
}

/// The pair-selection strategy (algorithms.md §9.4; first enabled wins).
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// DIJINITSTART / DIJINITCONT: Dijkstra over the distance graph between A and B.
    DijInit {
        /// Edge cost.
        cost: PairCost,
    },
    /// CONNECTREGION m1 m2 dist.
    ConnectRegion {
        /// First minimum of the outer loop (1-based).
        m1: usize,
        /// First minimum of the inner loop.
        m2: usize,
        /// Maximum aligned distance.
        dist: f64,
    },
    /// SHORTCUT minsep.
    Shortcut {
        /// Minimum separation along the path.
        minsep: usize,
    },
    /// UNTRAP einc ethresh [edeltamin elowbar ehighbar].
    Untrap {
        /// Energy increment of the superbasin analysis.
        einc: f64,
        /// Partners lie at most ethresh above the trapped minimum (when any does).
        ethresh: f64,
        /// Minimum energy gap.
        edeltamin: f64,
        /// Barrier window.
        elowbar: f64,
        /// Barrier window.
        ehighbar: f64,
    },
    /// CONNECTUNC LOWEST [natt] | EREF m | DISTREF m.
    ConnectUnc {
        /// Ordering of the candidates.
        order: UncOrder,
        /// Partners per candidate.
        natt: usize,
    },
}

/// Ordering of CONNECTUNC candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UncOrder {
    /// By energy.
    Lowest,
    /// By |E − E_ref| of minimum `ref` (1-based).
    Eref(usize),
    /// By aligned distance to minimum `ref`.
    Distref(usize),
}

/// How the database is started or grown before the cycles.
#[derive(Debug, Clone, PartialEq)]
pub enum Startup {
    /// Use the existing database.
    Existing,
    /// STARTFROMPATH file nA nB.
    FromPath {
        /// Path file.
        file: String,
        /// A minimum (1-based within the new DB).
        a: usize,
        /// B minimum.
        b: usize,
    },
    /// DIJINITSTART: a fresh DB from jobs `odata.start` / `odata.finish`.
    DijInitStart,
}

/// A stand-alone mode that runs and stops.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// READMIN file.
    ReadMin(String),
    /// MERGEDB dir.
    MergeDb(String),
    /// EXTRACTMIN n.
    ExtractMin(usize),
    /// EXTRACTTS n.
    ExtractTs(usize),
    /// REMOVESP: ids from file `min.remove` / `ts.remove`.
    RemoveSp,
    /// RETAINSP: ids from `min.retain` / `ts.retain`.
    RetainSp,
    /// REMOVEUNCONNECTED [A|B|AB].
    RemoveUnconnected(String),
}

/// Everything a PATHSAMPLE run needs from `pathdata`.
#[derive(Debug, Clone)]
pub struct PathsampleInput {
    /// Database settings (NOPT, system, tolerances, NOFRQS, ...).
    pub db: DbConfig,
    /// SYSTEM symbol for POINTS lines (`AX`).
    pub symbol: String,
    /// The MLP keyword (networks), if any.
    pub mlp: Option<MlpSpec>,
    /// EXEC: the OPTIM command, an argv (program and arguments; quoted items keep blanks).
    pub exec: Option<Vec<String>>,
    /// CPUS.
    pub cpus: usize,
    /// SEED.
    pub seed: u64,
    /// CYCLES.
    pub cycles: usize,
    /// DIRECTION AB (true) or BA.
    pub direction_ab: bool,
    /// TEMPERATURE.
    pub temperature: Option<f64>,
    /// PLANCK.
    pub planck: f64,
    /// Start-up.
    pub startup: Startup,
    /// ADDPATH files.
    pub addpath: Vec<String>,
    /// STARTTRIPLES.
    pub start_triples: bool,
    /// ADDTRIPLES.
    pub add_triples: bool,
    /// TRIPLES (job path files).
    pub triples: bool,
    /// Pair strategy.
    pub strategy: Option<Strategy>,
    /// PAIRLIST n.
    pub pairlist: usize,
    /// Stand-alone mode.
    pub mode: Option<Mode>,
    /// MAXBARRIER.
    pub maxbarrier: f64,
    /// MINBARRIER.
    pub minbarrier: f64,
    /// NCONNMIN.
    pub nconnmin: usize,
    /// DIJKSTRA n.
    pub dijkstra: Option<usize>,
    /// NGT [nconnmin] [T|F].
    pub ngt: Option<(usize, bool)>,
    /// RATESCYCLE T1 [T2 ...]: with NGT, the rates at each temperature, written to
    /// NGT.rates.new, NGT.rates.kSS and NGT.rates.kNSS.
    pub rates_cycle: Vec<f64>,
    /// REGROUPFREE x.
    pub regroupfree: Option<f64>,
    /// DUMPGROUPS.
    pub dumpgroups: bool,
    /// DEBUG / COPYOPTIM: keep job files.
    pub keep_job_files: bool,
    /// JOBTIMEOUT seconds (project keyword): kill an OPTIM job that runs longer.
    pub job_timeout: f64,
    /// Where OPTIM jobs run: SLURM, SLURMQUEUE, SLURMPENDING, COPYFILES ([`crate::cluster`]).
    pub cluster: crate::cluster::ClusterConfig,
}

fn reals(line: &Line) -> Result<Vec<f64>, DeckError> {
    (1..=line.nargs()).map(|i| line.f64(i)).collect()
}

const NO_OPS: &[&str] = &[
    "CHECKCONNECTIONS",
    "CLOSEFILES",
    "ITOL",
    "MLLJAT3",
    "PRUNECYCLE",
    "SLEEPTIME",
];
const REJECTED: &[&str] = &[
    "PBS",
    "SSH",
    "JOBSPERNODE",
    "ENERGY",
    "NEWCONNECTIONS",
    "FROMLOWEST",
    "DIJINITSTARTFLY",
    "DIJINITCONTFLY",
    "DIJPRUNE",
    "DIJKSTRAWAIT",
    "DIJPAIR",
    "UNTRAPMETRIC",
    "CONNECTPAIRS",
    "USEPAIRS",
    "FREEPAIRS",
    "DSCALE",
    "PSCALE",
    "PFOLD",
    "PERMISOMER",
    "LPERMDIST",
    "GT",
    "SGT",
    "DGT",
    "SDGT",
    "GT2",
    "KMC",
    "KMCCOMMIT",
    "KSHORTESTPATHS",
    "REGROUP",
    "REGROUPFREEAB",
    "REGROUPPE",
    "REGROUPRATE",
    "REGROUPPERSIST",
    "ONEREGROUP",
    "ALLOWAB",
    "EXTRACTMINFILE",
    "EXTRACTTSFILE",
    "IMFRQ",
    "FRICTION",
    "BHINTERP",
    "BISECT",
    "DUMMYTS",
    "LOWESTFRQ",
    "MACHINE",
    "DUMMYRUN",
    "EXECGMIN",
    "MAKEPAIRS",
    "ADDMIN",
    "NOTRANSROT",
    "TAG",
];

impl PathsampleInput {
    /// Whether the run may append to or rewrite the database (it then takes the directory's
    /// writer lock; analyses and EXTRACTMIN/EXTRACTTS only read).
    pub fn writes_database(&self) -> bool {
        !matches!(self.startup, Startup::Existing)
            || !self.addpath.is_empty()
            || matches!(
                self.mode,
                Some(
                    Mode::ReadMin(_)
                        | Mode::MergeDb(_)
                        | Mode::RemoveSp
                        | Mode::RetainSp
                        | Mode::RemoveUnconnected(_)
                )
            )
            || (self.mode.is_none() && self.strategy.is_some() && self.cycles > 0)
    }

    /// Interpret a parsed `pathdata`.
    pub fn from_deck(deck: &Deck) -> Result<PathsampleInput, DeckError> {
        let mut natoms: Option<usize> = None;
        let mut mlp: Option<MlpSpec> = None;
        let mut zeros = 0usize;
        let mut s = PathsampleInput {
            db: DbConfig::atoms(0),
            symbol: "AX".into(),
            mlp: None,
            exec: None,
            cpus: 1,
            seed: 1,
            cycles: 0,
            direction_ab: true,
            temperature: None,
            planck: 1.0,
            startup: Startup::Existing,
            addpath: vec![],
            start_triples: false,
            add_triples: false,
            triples: false,
            strategy: None,
            pairlist: 0,
            mode: None,
            maxbarrier: f64::INFINITY,
            minbarrier: f64::NEG_INFINITY,
            nconnmin: 0,
            dijkstra: None,
            ngt: None,
            rates_cycle: Vec::new(),
            regroupfree: None,
            dumpgroups: false,
            keep_job_files: false,
            job_timeout: 3600.0,
            cluster: Default::default(),
        };
        let mut db = DbConfig::atoms(0);
        let mut strategies: Vec<(u8, Strategy)> = Vec::new();
        for line in deck.lines() {
            let kw = line.keyword();
            match kw {
                "NATOMS" => {
                    let n = line.usize(1)?;
                    if n > MAX_NOPT / 3 {
                        return Err(line.error_at(
                            1,
                            format!("NATOMS {n} is too large: at most {MAX_NOPT} coordinates"),
                        ));
                    }
                    natoms = Some(n);
                }
                "SYSTEM" => s.symbol = line.string(1)?,
                "EXEC" => {
                    let parts: Vec<String> = (1..=line.nargs())
                        .map(|i| line.string(i))
                        .collect::<Result<_, _>>()?;
                    if parts.is_empty() {
                        return Err(line.error("needs the OPTIM command"));
                    }
                    s.exec = Some(parts);
                }
                "CPUS" => s.cpus = line.opt_usize(1)?.unwrap_or(1).max(1),
                "SEED" => s.seed = line.int(1)? as u64,
                "CYCLES" => s.cycles = line.usize(1)?,
                "DIRECTION" => {
                    s.direction_ab = match line.word_upper(1)?.as_str() {
                        "AB" => true,
                        "BA" => false,
                        w => return Err(line.error_at(1, format!("expected AB or BA, got {w}"))),
                    }
                }
                "TEMPERATURE" => s.temperature = Some(line.f64(1)?),
                "PLANCK" => s.planck = line.f64(1)?,
                "CONNECTIONS" => {
                    if line.usize(1)? > 1 {
                        return Err(line.error(
                            "CONNECTIONS > 1 (batch mode) is not supported by this implementation",
                        ));
                    }
                }
                "STARTFROMPATH" => {
                    s.startup = Startup::FromPath {
                        file: line.string(1)?,
                        a: line.usize(2)?,
                        b: line.usize(3)?,
                    }
                }
                "ADDPATH" => s.addpath.push(line.string(1)?),
                "STARTTRIPLES" => s.start_triples = true,
                "ADDTRIPLES" => s.add_triples = true,
                "TRIPLES" => s.triples = true,
                "READMIN" => s.mode = Some(Mode::ReadMin(line.string(1)?)),
                "MERGEDB" => s.mode = Some(Mode::MergeDb(line.string(1)?)),
                "EXTRACTMIN" => s.mode = Some(Mode::ExtractMin(line.usize(1)?)),
                "EXTRACTTS" => s.mode = Some(Mode::ExtractTs(line.usize(1)?)),
                "REMOVESP" => s.mode = Some(Mode::RemoveSp),
                "RETAINSP" => s.mode = Some(Mode::RetainSp),
                "REMOVEUNCONNECTED" => {
                    let w = line
                        .opt_string(1)?
                        .unwrap_or_else(|| "AB".into())
                        .to_ascii_uppercase();
                    if !["A", "B", "AB"].contains(&w.as_str()) {
                        return Err(line.error_at(1, "expected A, B or AB"));
                    }
                    s.mode = Some(Mode::RemoveUnconnected(w));
                }
                "DIJINITSTART" | "DIJINITCONT" => {
                    if kw == "DIJINITSTART" {
                        s.startup = Startup::DijInitStart;
                    }
                    let cost = match line.opt_string(1)?.map(|w| w.to_ascii_uppercase()) {
                        None => PairCost::Power(1.0),
                        Some(w) if w == "EXP" => PairCost::Exp,
                        Some(w) if w == "INDEX" => {
                            return Err(line.error_at(
                                1,
                                "the INDEX metric is not supported by this implementation",
                            ))
                        }
                        Some(_) => PairCost::Power(line.f64(1)?),
                    };
                    strategies.push((0, Strategy::DijInit { cost }));
                }
                "CONNECTREGION" => {
                    let v = reals(line)?;
                    strategies.push((
                        1,
                        Strategy::ConnectRegion {
                            m1: v.first().map_or(1, |&x| x.max(1.0) as usize),
                            m2: v.get(1).map_or(1, |&x| x.max(1.0) as usize),
                            dist: v.get(2).copied().unwrap_or(1.0e10),
                        },
                    ));
                }
                "SHORTCUT" => strategies.push((
                    2,
                    Strategy::Shortcut {
                        minsep: line.usize(1)?,
                    },
                )),
                "UNTRAP" => {
                    let v = reals(line)?;
                    if v.len() < 2 {
                        return Err(line.error("needs einc and ethresh"));
                    }
                    let edeltamin = v.get(2).copied().unwrap_or(f64::MIN_POSITIVE);
                    if v.len() > 2 && edeltamin == 0.0 {
                        return Err(line.error_at(3, "edeltamin must not be 0"));
                    }
                    strategies.push((
                        3,
                        Strategy::Untrap {
                            einc: v[0],
                            ethresh: v[1],
                            edeltamin,
                            elowbar: v.get(3).copied().unwrap_or(f64::MIN_POSITIVE),
                            ehighbar: v.get(4).copied().unwrap_or(f64::INFINITY),
                        },
                    ));
                }
                "CONNECTUNC" => {
                    let w = line
                        .opt_string(1)?
                        .unwrap_or_else(|| "LOWEST".into())
                        .to_ascii_uppercase();
                    let (order, natt) = match w.as_str() {
                        "LOWEST" => (UncOrder::Lowest, line.opt_usize(2)?.unwrap_or(2)),
                        "EREF" => (UncOrder::Eref(line.usize(2)?), 2),
                        "DISTREF" => (UncOrder::Distref(line.usize(2)?), 2),
                        _ => return Err(line.error_at(1, "expected LOWEST, EREF or DISTREF")),
                    };
                    strategies.push((
                        7,
                        Strategy::ConnectUnc {
                            order,
                            natt: natt.max(1),
                        },
                    ));
                }
                "PAIRLIST" => s.pairlist = line.usize(1)?,
                "EDIFFTOL" | "ETOL" => db.edifftol = line.f64(1)?,
                "GEOMDIFFTOL" => db.geomdifftol = line.f64(1)?,
                "EVCUT" => db.evcut = line.f64(1)?,
                "NOFRQS" => db.nofrqs = true,
                "NOPOINTGROUP" => db.no_point_group = true,
                "NOINVERSION" => db.symmetry.align.no_inversion = true,
                // RANROT n: n random rotations tried when aligning (as OPTIM's RANROT).
                "RANROT" => db.symmetry.align.ranrot = line.usize(1)?,
                "PERMDIST" => {
                    if natoms.is_none() && mlp.is_none() {
                        return Err(line.error("NATOMS must precede PERMDIST"));
                    }
                    db.symmetry.align.permdist = true;
                }
                "TSTHRESH" | "MAXTSENERGY" => db.tsthresh = line.f64(1)?,
                "MAXBARRIER" => s.maxbarrier = line.f64(1)?,
                "MINBARRIER" => s.minbarrier = line.f64(1)?,
                "NCONNMIN" => s.nconnmin = line.usize(1)?,
                "DIJKSTRA" => s.dijkstra = Some(line.opt_usize(1)?.unwrap_or(0)),
                "NGT" => {
                    let n = line.opt_usize(1)?.unwrap_or(0);
                    let kmc = line
                        .opt_string(2)?
                        .is_some_and(|w| w.eq_ignore_ascii_case("T"));
                    s.ngt = Some((n, kmc));
                }
                "RATESCYCLE" => {
                    let t = reals(line)?;
                    if t.is_empty() || t.iter().any(|&v| !(v.is_finite() && v > 0.0)) {
                        return Err(
                            line.error("RATESCYCLE needs one or more positive temperatures")
                        );
                    }
                    s.rates_cycle = t;
                }
                "NOPOINTS" => db.nopoints = true,
                "REGROUPFREE" => s.regroupfree = Some(line.f64(1)?),
                "DUMPGROUPS" => s.dumpgroups = true,
                "ZEROS" => zeros = line.usize(1)?,
                "DEBUG" | "COPYOPTIM" => s.keep_job_files = true,
                "JOBTIMEOUT" => s.job_timeout = line.f64(1)?,
                "SLURM" | "SLURMQUEUE" | "SLURMPENDING" | "COPYFILES" => s.cluster.read(line)?,
                "NOREGBIAS" | "MLPNORM" => {}
                k if is_mlp_keyword(k) => {
                    let args = reals(line)?;
                    let spec = pathsample_mlp_spec(k, &args).map_err(|m| line.error(m))?;
                    mlp = Some(spec);
                }
                k if NO_OPS.contains(&k) => {
                    log::warn!("{}:{}: {k} has no effect here", line.file(), line.line_no())
                }
                k if REJECTED.contains(&k) => return Err(line.not_supported()),
                _ => return Err(line.unknown()),
            }
        }
        let (nopt, symmetry) = match (&mlp, natoms) {
            (Some(spec), _) => {
                let nfrozen = spec.frozen_mask().map_or(0, |m| m.count());
                // PERMDIST for a network: its hidden-unit permutation and sign-flip group.
                let group = if db.symmetry.align.permdist {
                    Some(Symmetry::network_group(spec, &[]).map_err(|e| {
                        DeckError::new(deck.file(), 0, spec.kind.keyword(), e.to_string())
                    })?)
                } else {
                    None
                };
                (spec.nopt(), Symmetry::network(nfrozen + zeros, group))
            }
            (None, Some(n)) if n > 0 => (3 * n, Symmetry::atoms(db.symmetry.align.clone())),
            _ => {
                return Err(DeckError::new(
                    deck.file(),
                    0,
                    "NATOMS",
                    "NATOMS (atoms) or an MLP keyword is required",
                ))
            }
        };
        db.nopt = nopt;
        db.symmetry = symmetry;
        s.db = db;
        s.mlp = mlp;
        strategies.sort_by_key(|(p, _)| *p);
        s.strategy = strategies.into_iter().next().map(|(_, st)| st);
        Ok(s)
    }
}

/// The MLP keywords of `pathdata` give the network shape (keyword-decks.md §4): MLP3/MLPB3
/// `nin nhid nout`, MLPB3NEW `nin nstart nhid nout`, MLPVB3/MLPVB3NN
/// `nin nstart nhid nout ndata [lambda] [nneigh]`, MLPMULTI as in GMIN. Missing trailing data
/// arguments get placeholders (they do not change NOPT).
fn pathsample_mlp_spec(keyword: &str, args: &[f64]) -> Result<MlpSpec, String> {
    let kind =
        MlpKind::from_keyword(keyword).ok_or_else(|| format!("{keyword} is not an MLP keyword"))?;
    let mut a = args.to_vec();
    let min_len = match kind {
        MlpKind::Mlp3 | MlpKind::MlpB3 => 4,
        MlpKind::MlpB3New => 5,
        MlpKind::MlpVb3 | MlpKind::MlpVb3Nn => 5,
        MlpKind::MlpMulti => 0,
    };
    while a.len() < min_len {
        a.push(1.0);
    }
    MlpSpec::from_keyword(keyword, &a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by tests/tests/fuzz_parsers.rs: an MLPVB3NN network of 10^15 inputs built its
    /// frozen mask while pathdata was read (an abort on a 10^15-byte allocation), and 3·NATOMS
    /// overflowed for NATOMS ≥ 2^63/3.
    #[test]
    fn huge_sizes_are_errors_not_allocations() {
        let read = |text: &str| PathsampleInput::from_deck(&Deck::parse(text, "pathdata").unwrap());
        let e = read("MLPVB3NN 1000000000000000 1 1 1 1\n").unwrap_err();
        assert!(
            e.to_string().contains("more than 10000000 variables"),
            "{e}"
        );
        let e = read("NATOMS 4611686018427387904\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, Some(7)));
        assert!(
            e.to_string()
                .contains("NATOMS 4611686018427387904 is too large: at most 10000000 coordinates"),
            "{e}"
        );
        assert_eq!(read("NATOMS 38\n").unwrap().db.nopt, 114);
    }
}
