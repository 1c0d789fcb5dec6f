//! PATHSAMPLE's keyword table ([`table`]): `pathdata` → [`PathsampleInput`]
//! (keyword-decks.md §4); it also prints `PATHSAMPLE --keywords` and generates
//! docs/reference/pathsample-keywords.md.

use common::database::DbConfig;
use common::deck::{kw, Arg, Deck, DeckError, Keyword, KeywordTable, Line};
use common::mlp::{MlpKind, MlpLine, MlpSpec, MlpTarget, MAX_NOPT};
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
    /// WAITPDF: first-passage-time distributions A<-B and B<-A by eigendecomposition.
    pub waitpdf: bool,
    /// WAITPDFPRINT: with WAITPDF, also the per-source files (waitlnpdfA.X, waitlnpdfB.X,
    /// eigendataA.X, eigendataB.X, peaksA.X, peaksB.X for every transient minimum X).
    pub waitpdfprint: bool,
    /// DIJKSTRALIST [layers]: the fastest path between every pair of the minima listed in
    /// `DijkstraList`, the files Epath, onpath, high, low and their neighbour layers
    /// onpath.N, high.N, low.N for N = 1..layers (default 8).
    pub dijkstralist: Option<usize>,
    /// NGTKEEPLIST: NGT becomes a partial graph transformation that removes every minimum
    /// not listed in `NGTkeeplist` and writes the reduced network (min.data.new, ts.data.new,
    /// min.A.new, min.B.new, mapping) as free energies.
    pub ngtkeeplist: bool,
    /// FREEENERGY: min.data and ts.data hold free energies at TEMPERATURE (the files of
    /// NGTKEEPLIST): k(i→j) = (kT/h)·exp(−(F_ts − F_i)/kT), ln Z_i = −F_i/kT.
    pub freeenergy: bool,
    /// KMC nkmc pairthresh nconnmin: kinetic Monte Carlo walks (trajectories, leapfrog
    /// threshold, NCONNMIN).
    pub kmc: Option<(usize, f64, usize)>,
    /// DEBUG: more output (the KMC walks' lines); also keeps the job files.
    pub debug: bool,
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

/// A `pathdata` deck being read: the input, and what is settled after the last line (the
/// system from NATOMS or the MLP keyword, the first pair strategy in the Fortran's order).
#[derive(Debug, Clone)]
pub struct Reading {
    input: PathsampleInput,
    db: DbConfig,
    natoms: Option<usize>,
    mlp: Option<MlpSpec>,
    zeros: usize,
    /// (priority, strategy): the Fortran takes the first enabled in its fixed order.
    strategies: Vec<(u8, Strategy)>,
}

impl Default for Reading {
    fn default() -> Self {
        Reading {
            input: PathsampleInput {
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
                waitpdf: false,
                waitpdfprint: false,
                dijkstralist: None,
                ngtkeeplist: false,
                freeenergy: false,
                kmc: None,
                debug: false,
                regroupfree: None,
                dumpgroups: false,
                keep_job_files: false,
                job_timeout: 3600.0,
                cluster: Default::default(),
            },
            db: DbConfig::atoms(0),
            natoms: None,
            mlp: None,
            zeros: 0,
            strategies: Vec::new(),
        }
    }
}

impl MlpTarget for Reading {
    /// The network's shape gives NOPT (the data are OPTIM's business).
    fn set_network(&mut self, line: &Line, mlp: MlpLine) -> Result<(), DeckError> {
        let spec = pathsample_mlp_spec(&mlp.keyword, &mlp.args).map_err(|m| line.error(m))?;
        self.mlp = Some(spec);
        Ok(())
    }
    fn has_network(&self) -> bool {
        self.mlp.is_some()
    }
    fn set_mlpnorm(&mut self) {}
    fn set_noregbias(&mut self) {}
}

type R = Reading;

fn real(l: &Line, v: &mut f64) -> Result<(), DeckError> {
    *v = l.f64(1)?;
    Ok(())
}

fn mode(r: &mut R, m: Mode) -> Result<(), DeckError> {
    r.input.mode = Some(m);
    Ok(())
}

/// The system, the database and its tolerances.
fn system() -> Vec<Keyword<R>> {
    vec![
        kw("NATOMS")
            .arg(Arg::int("n"))
            .doc("number of atoms (3n coordinates); networks give NOPT by their MLP keyword")
            .set(|r: &mut R, l| {
                let n = l.usize(1)?;
                if n > MAX_NOPT / 3 {
                    return Err(l.error_at(
                        1,
                        format!("NATOMS {n} is too large: at most {MAX_NOPT} coordinates"),
                    ));
                }
                r.natoms = Some(n);
                Ok(())
            }),
        kw("SYSTEM")
            .arg(Arg::word("symbol"))
            .doc("atom symbol written in the POINTS lines of odata.N")
            .example("LJ")
            .set(|r: &mut R, l| {
                r.input.symbol = l.string(1)?;
                Ok(())
            }),
        kw("ZEROS")
            .arg(Arg::int("n"))
            .doc("extra zero Hessian eigenvalues of a network (besides frozen weights)")
            .set(|r: &mut R, l| {
                r.zeros = l.usize(1)?;
                Ok(())
            }),
        common::mlp::keywords::network_keyword(),
        kw("MLPNORM")
            .doc("input normalisation of the network")
            .no_effect("the energies come from OPTIM, which reads it from odata"),
        kw("NOREGBIAS")
            .doc("biases out of the regularisation")
            .no_effect("the energies come from OPTIM, which reads it from odata"),
        kw("EDIFFTOL")
            .alias("ETOL")
            .arg(Arg::real("de"))
            .doc("energy difference below which two stationary points may be the same")
            .set(|r: &mut R, l| real(l, &mut r.db.edifftol)),
        kw("GEOMDIFFTOL")
            .arg(Arg::real("d"))
            .doc("aligned distance below which two stationary points are the same")
            .set(|r: &mut R, l| real(l, &mut r.db.geomdifftol)),
        kw("EVCUT")
            .arg(Arg::real("ev"))
            .doc("Hessian eigenvalues below this are zero modes (ln of the product of the others is fvib)")
            .set(|r: &mut R, l| real(l, &mut r.db.evcut)),
        kw("NOFRQS")
            .doc("no frequencies: fvib is not read or written")
            .set(|r: &mut R, _| {
                r.db.nofrqs = true;
                Ok(())
            }),
        kw("NOPOINTGROUP")
            .doc("point-group orders are all 1")
            .set(|r: &mut R, _| {
                r.db.no_point_group = true;
                Ok(())
            }),
        kw("NOINVERSION")
            .doc("leave inversion out of the alignments")
            .set(|r: &mut R, _| {
                r.db.symmetry.align.no_inversion = true;
                Ok(())
            }),
        kw("RANROT")
            .arg(Arg::int("n"))
            .doc("random starting orientations tried in each alignment (as OPTIM's RANROT)")
            .set(|r: &mut R, l| {
                r.db.symmetry.align.ranrot = l.usize(1)?;
                Ok(())
            }),
        kw("PERMDIST")
            .arg(Arg::real("tol").or("none"))
            .doc("identify stationary points under the system's symmetry (after NATOMS or the MLP keyword)")
            .example("")
            .set(|r: &mut R, l| {
                if r.natoms.is_none() && r.mlp.is_none() {
                    return Err(l.error("NATOMS must precede PERMDIST"));
                }
                r.db.symmetry.align.permdist = true;
                Ok(())
            }),
        kw("TSTHRESH")
            .alias("MAXTSENERGY")
            .arg(Arg::real("E"))
            .doc("transition states above this energy are not added")
            .set(|r: &mut R, l| real(l, &mut r.db.tsthresh)),
        kw("NOPOINTS")
            .doc("a database of min.data and ts.data alone (read-only; no points files)")
            .set(|r: &mut R, _| {
                r.db.nopoints = true;
                Ok(())
            }),
    ]
}

/// OPTIM jobs.
fn jobs() -> Vec<Keyword<R>> {
    vec![
        kw("EXEC")
            .arg(Arg::word("command").many())
            .doc("the OPTIM command (program and arguments; the job number is appended)")
            .example("OPTIM")
            .set(|r: &mut R, l| {
                let parts: Vec<String> = (1..=l.nargs())
                    .map(|i| l.string(i))
                    .collect::<Result<_, _>>()?;
                r.input.exec = Some(parts);
                Ok(())
            }),
        kw("CPUS")
            .arg(Arg::int("n").or("1"))
            .doc("OPTIM jobs run at once")
            .set(|r: &mut R, l| {
                r.input.cpus = l.opt_usize(1)?.unwrap_or(1).max(1);
                Ok(())
            }),
        kw("SEED")
            .arg(Arg::int("seed"))
            .doc("random-number seed")
            .set(|r: &mut R, l| {
                r.input.seed = l.int(1)? as u64;
                Ok(())
            }),
        kw("CYCLES")
            .arg(Arg::int("n"))
            .doc("connection cycles (each runs CPUS jobs)")
            .set(|r: &mut R, l| {
                r.input.cycles = l.usize(1)?;
                Ok(())
            }),
        kw("CONNECTIONS")
            .arg(Arg::int("n"))
            .doc("connections per job (1; batch mode above 1 is not provided)")
            .example("1")
            .set(|_: &mut R, l| {
                if l.usize(1)? > 1 {
                    return Err(l.error(
                        "CONNECTIONS > 1 (batch mode) is not supported by this implementation",
                    ));
                }
                Ok(())
            }),
        kw("SLURM")
            .arg(Arg::int("jpn").or("SLURM_NTASKS slots"))
            .doc("run each OPTIM job as a Slurm job step inside the allocation (srun); jpn jobs per node")
            .example("2")
            .set(|r: &mut R, l| r.input.cluster.read(l)),
        kw("SLURMQUEUE")
            .arg(Arg::int("n"))
            .arg(Arg::word("sbatch-options").or("none").many())
            .doc("submit each OPTIM job as its own Slurm batch job (sbatch), at most n outstanding (project keyword)")
            .example("2 --partition=debug")
            .set(|r: &mut R, l| r.input.cluster.read(l)),
        kw("SLURMPENDING")
            .arg(Arg::real("seconds"))
            .doc("report a Slurm job pending longer than this, with Slurm's reason (default 600; project keyword)")
            .set(|r: &mut R, l| r.input.cluster.read(l)),
        kw("COPYFILES")
            .arg(Arg::word("file").many())
            .doc("files of the working directory copied into each job's directory optim.N/")
            .example("MLPdata")
            .set(|r: &mut R, l| r.input.cluster.read(l)),
        kw("JOBTIMEOUT")
            .arg(Arg::real("seconds"))
            .doc("kill an OPTIM job that runs longer (project keyword; default 3600)")
            .set(|r: &mut R, l| real(l, &mut r.input.job_timeout)),
        kw("DEBUG")
            .doc("more output (one line per KMC walk); keep every job's files")
            .set(|r: &mut R, _| {
                r.input.keep_job_files = true;
                r.input.debug = true;
                Ok(())
            }),
        kw("COPYOPTIM")
            .doc("keep every job's files")
            .set(|r: &mut R, _| {
                r.input.keep_job_files = true;
                Ok(())
            }),
        kw("CHECKCONNECTIONS")
            .doc("check connections")
            .no_effect("the database is checked when read"),
        kw("CLOSEFILES")
            .doc("close files after each write")
            .no_effect("files are flushed after every record"),
        kw("SLEEPTIME")
            .doc("pause between job checks")
            .no_effect("jobs are waited for, not polled"),
        kw("ITOL")
            .doc("a tolerance of the Fortran's job bookkeeping")
            .no_effect("not used here"),
        kw("MLLJAT3")
            .doc("marks an LJAT3 machine-learning database")
            .no_effect("the system is known from NATOMS or the MLP keyword"),
        kw("PRUNECYCLE")
            .doc("prune the database every n cycles")
            .no_effect("nothing to prune"),
    ]
}

/// How the database starts, stand-alone modes, and the pair strategies.
fn strategies() -> Vec<Keyword<R>> {
    let mut v = vec![
        kw("DIRECTION")
            .arg(Arg::word("d").one_of(&["AB", "BA"]))
            .doc("direction of the rates (A<-B for AB)")
            .example("BA")
            .set(|r: &mut R, l| {
                r.input.direction_ab = l.word_upper(1)? == "AB";
                Ok(())
            }),
        kw("STARTFROMPATH")
            .arg(Arg::word("file"))
            .arg(Arg::int("a"))
            .arg(Arg::int("b"))
            .doc("a new database from an OPTIM path file; a and b are the A and B minima (1-based along the path)")
            .set(|r: &mut R, l| {
                r.input.startup = Startup::FromPath {
                    file: l.string(1)?,
                    a: l.usize(2)?,
                    b: l.usize(3)?,
                };
                Ok(())
            }),
        kw("ADDPATH")
            .arg(Arg::word("file"))
            .doc("add an OPTIM path file to the database")
            .set(|r: &mut R, l| {
                r.input.addpath.push(l.string(1)?);
                Ok(())
            }),
        kw("STARTTRIPLES")
            .doc("STARTFROMPATH reads min-ts-min triples")
            .set(|r: &mut R, _| {
                r.input.start_triples = true;
                Ok(())
            }),
        kw("ADDTRIPLES")
            .doc("ADDPATH reads min-ts-min triples")
            .set(|r: &mut R, _| {
                r.input.add_triples = true;
                Ok(())
            }),
        kw("TRIPLES")
            .doc("job path files are min-ts-min triples")
            .set(|r: &mut R, _| {
                r.input.triples = true;
                Ok(())
            }),
        kw("READMIN")
            .arg(Arg::word("file"))
            .doc("add the minima of a min.data-style file, then stop")
            .set(|r: &mut R, l| mode(r, Mode::ReadMin(l.string(1)?))),
        kw("MERGEDB")
            .arg(Arg::word("dir"))
            .doc("merge the database in dir, then stop")
            .set(|r: &mut R, l| mode(r, Mode::MergeDb(l.string(1)?))),
        kw("EXTRACTMIN")
            .arg(Arg::int("n"))
            .doc("write minimum n's coordinates to extractedmin, then stop (-1: all)")
            .set(|r: &mut R, l| mode(r, Mode::ExtractMin(l.usize(1)?))),
        kw("EXTRACTTS")
            .arg(Arg::int("n"))
            .doc("write TS n's coordinates to extractedts, then stop")
            .set(|r: &mut R, l| mode(r, Mode::ExtractTs(l.usize(1)?))),
        kw("REMOVESP")
            .doc("remove the minima and TSs listed in min.remove and ts.remove, then stop")
            .set(|r: &mut R, _| mode(r, Mode::RemoveSp)),
        kw("RETAINSP")
            .doc("keep only the minima and TSs listed in min.retain and ts.retain, then stop")
            .set(|r: &mut R, _| mode(r, Mode::RetainSp)),
        kw("REMOVEUNCONNECTED")
            .arg(Arg::word("set").one_of(&["AB", "A", "B"]).or("AB"))
            .doc("remove minima not connected to the A and/or B sets, then stop")
            .set(|r: &mut R, l| {
                let w = l
                    .opt_string(1)?
                    .unwrap_or_else(|| "AB".into())
                    .to_ascii_uppercase();
                mode(r, Mode::RemoveUnconnected(w))
            }),
        kw("DIJINITSTART")
            .alias("DIJINITCONT")
            .arg(Arg::word("p|EXP").or("1"))
            .doc("connect A and B by Dijkstra over the missing connections, edge weight distance^p or EXP; DIJINITSTART first builds the database from odata.start/odata.finish")
            .example("2")
            .set(|r: &mut R, l| {
                if l.keyword() == "DIJINITSTART" {
                    r.input.startup = Startup::DijInitStart;
                }
                let cost = match l.opt_string(1)?.map(|w| w.to_ascii_uppercase()) {
                    None => PairCost::Power(1.0),
                    Some(w) if w == "EXP" => PairCost::Exp,
                    Some(w) if w == "INDEX" => {
                        return Err(l.error_at(
                            1,
                            "the INDEX metric is not supported by this implementation",
                        ))
                    }
                    Some(_) => PairCost::Power(l.f64(1)?),
                };
                r.strategies.push((0, Strategy::DijInit { cost }));
                Ok(())
            }),
        kw("CONNECTREGION")
            .arg(Arg::int("m1").or("1"))
            .arg(Arg::int("m2").or("1"))
            .arg(Arg::real("dist").or("1e10"))
            .doc("connect pairs of minima within an aligned distance, scanning from m1 and m2")
            .set(|r: &mut R, l| {
                let v = reals(l)?;
                r.strategies.push((
                    1,
                    Strategy::ConnectRegion {
                        m1: v.first().map_or(1, |&x| x.max(1.0) as usize),
                        m2: v.get(1).map_or(1, |&x| x.max(1.0) as usize),
                        dist: v.get(2).copied().unwrap_or(1.0e10),
                    },
                ));
                Ok(())
            }),
        kw("SHORTCUT")
            .arg(Arg::int("minsep"))
            .doc("connect minima at least minsep steps apart on the fastest path")
            .set(|r: &mut R, l| {
                let minsep = l.usize(1)?;
                r.strategies.push((2, Strategy::Shortcut { minsep }));
                Ok(())
            }),
        kw("UNTRAP")
            .arg(Arg::real("einc"))
            .arg(Arg::real("ethresh"))
            .arg(Arg::real("edeltamin").or("tiny"))
            .arg(Arg::real("elowbar").or("tiny"))
            .arg(Arg::real("ehighbar").or("infinity"))
            .doc("connect minima in traps (superbasins of high barrier) to lower minima")
            .set(|r: &mut R, l| {
                let v = reals(l)?;
                let edeltamin = v.get(2).copied().unwrap_or(f64::MIN_POSITIVE);
                if v.len() > 2 && edeltamin == 0.0 {
                    return Err(l.error_at(3, "edeltamin must not be 0"));
                }
                r.strategies.push((
                    3,
                    Strategy::Untrap {
                        einc: v[0],
                        ethresh: v[1],
                        edeltamin,
                        elowbar: v.get(3).copied().unwrap_or(f64::MIN_POSITIVE),
                        ehighbar: v.get(4).copied().unwrap_or(f64::INFINITY),
                    },
                ));
                Ok(())
            }),
        kw("CONNECTUNC")
            .arg(Arg::word("order").one_of(&["LOWEST", "EREF", "DISTREF"]).or("LOWEST"))
            .arg(Arg::int("n").or("2"))
            .doc("connect minima not connected to A and B: LOWEST [natt], EREF m or DISTREF m")
            .set(|r: &mut R, l| {
                let w = l
                    .opt_string(1)?
                    .unwrap_or_else(|| "LOWEST".into())
                    .to_ascii_uppercase();
                let (order, natt) = match w.as_str() {
                    "LOWEST" => (UncOrder::Lowest, l.opt_usize(2)?.unwrap_or(2)),
                    "EREF" => (UncOrder::Eref(l.usize(2)?), 2),
                    _ => (UncOrder::Distref(l.usize(2)?), 2),
                };
                r.strategies.push((
                    7,
                    Strategy::ConnectUnc {
                        order,
                        natt: natt.max(1),
                    },
                ));
                Ok(())
            }),
        kw("PAIRLIST")
            .arg(Arg::int("n"))
            .doc("candidate pairs kept per strategy list")
            .set(|r: &mut R, l| {
                r.input.pairlist = l.usize(1)?;
                Ok(())
            }),
    ];
    for (name, what) in NOT_PROVIDED {
        v.push(
            kw(name)
                .doc(what)
                .not_provided("it would change the database or results"),
        );
    }
    v
}

/// Kinetics and analysis.
fn kinetics() -> Vec<Keyword<R>> {
    vec![
        kw("TEMPERATURE")
            .arg(Arg::real("T"))
            .doc("temperature of rates and free energies (energy units, kB = 1)")
            .set(|r: &mut R, l| {
                r.input.temperature = Some(l.f64(1)?);
                Ok(())
            }),
        kw("PLANCK")
            .arg(Arg::real("h"))
            .doc("Planck's constant in the units of the database")
            .set(|r: &mut R, l| real(l, &mut r.input.planck)),
        kw("MAXBARRIER")
            .arg(Arg::real("E"))
            .doc("leave out TSs whose barriers from both sides exceed this")
            .set(|r: &mut R, l| real(l, &mut r.input.maxbarrier)),
        kw("MINBARRIER")
            .arg(Arg::real("E"))
            .doc("leave out TSs whose barrier is below this")
            .set(|r: &mut R, l| real(l, &mut r.input.minbarrier)),
        kw("NCONNMIN")
            .arg(Arg::int("n"))
            .doc("leave out minima with n or fewer connections")
            .set(|r: &mut R, l| {
                r.input.nconnmin = l.usize(1)?;
                Ok(())
            }),
        kw("DIJKSTRA")
            .arg(Arg::int("n").or("0"))
            .doc("the fastest path between A and B (Dijkstra on -ln of the branching probabilities)")
            .set(|r: &mut R, l| {
                r.input.dijkstra = Some(l.opt_usize(1)?.unwrap_or(0));
                Ok(())
            }),
        kw("NGT")
            .arg(Arg::int("nconnmin").or("0"))
            .arg(Arg::flag("kmc").or("F"))
            .doc("rates A<-B and B<-A by graph transformation; T for the kinetic Monte Carlo-like rates")
            .set(|r: &mut R, l| {
                let n = l.opt_usize(1)?.unwrap_or(0);
                let kmc = l
                    .opt_string(2)?
                    .is_some_and(|w| w.eq_ignore_ascii_case("T"));
                r.input.ngt = Some((n, kmc));
                Ok(())
            }),
        kw("RATESCYCLE")
            .arg(Arg::real("T").many())
            .doc("with NGT, the rates at each temperature: NGT.rates.new, NGT.rates.kSS, NGT.rates.kNSS")
            .set(|r: &mut R, l| {
                let t = reals(l)?;
                if t.iter().any(|&v| !(v.is_finite() && v > 0.0)) {
                    return Err(l.error("RATESCYCLE needs one or more positive temperatures"));
                }
                r.input.rates_cycle = t;
                Ok(())
            }),
        kw("WAITPDF")
            .doc("first-passage-time distributions A<-B and B<-A by eigendecomposition of the rate matrix: waitpdf*, waitlnpdf*, tobs*, Gaussianwaitlnpdf*, MFPT.to.A/B, wait.rates, *.right.eigenvectors")
            .set(|r: &mut R, _| {
                r.input.waitpdf = true;
                Ok(())
            }),
        kw("WAITPDFPRINT")
            .doc("with WAITPDF, also one file set per transient minimum X (start in X alone): waitlnpdfA.X / waitlnpdfB.X (the waitlnpdfAB / waitlnpdfBA layout and grid), eigendataA.X / eigendataB.X (mode, amplitude/e, -eigenvalue, -ln|eigenvalue| for amplitudes of at least 0.005, largest first), peaksA.X / peaksB.X (ln t and height of each local maximum of the ln t density of at least 0.01)")
            .set(|r: &mut R, _| {
                r.input.waitpdfprint = true;
                Ok(())
            }),
        kw("DIJKSTRALIST")
            .arg(Arg::int("layers").or("8"))
            .doc("the fastest path (largest product of branching probabilities) between every pair of the minima listed in the file DijkstraList: Epath, onpath, high, low (path minima that are energy maxima / minima along the path) and the neighbour layers onpath.N, high.N, low.N for N = 1..layers, with the equilibrium occupation of each minimum")
            .set(|r: &mut R, l| {
                let n = l.opt_usize(1)?.unwrap_or(8);
                r.input.dijkstralist = Some(n);
                Ok(())
            }),
        kw("NGTKEEPLIST")
            .doc("with NGT: partial graph transformation keeping only the minima listed in the file NGTkeeplist (and the A and B minima); writes the reduced network as free energies at TEMPERATURE to min.data.new, ts.data.new, min.A.new, min.B.new, mapping and its branching probabilities to Pbranch.removedlist(.map) (read the .new files back with FREEENERGY), and computes no rates")
            .set(|r: &mut R, _| {
                r.input.ngtkeeplist = true;
                Ok(())
            }),
        kw("FREEENERGY")
            .doc("min.data and ts.data hold free energies at TEMPERATURE (as NGTKEEPLIST writes them): k(i->j) = (kT/h) exp(-(F_ts - F_i)/kT), Z_i = exp(-F_i/kT); fvib, orders and moments of inertia are ignored")
            .set(|r: &mut R, _| {
                r.input.freeenergy = true;
                Ok(())
            }),
        kw("KMC")
            .arg(Arg::int("nkmc"))
            .arg(Arg::real("pairthresh").or("1.0"))
            .arg(Arg::int("nconnmin").or("0"))
            .doc("kinetic Monte Carlo: nkmc walks from B to A (DIRECTION AB) giving first-passage times and steps (DEBUG: one line per walk), waiting.times; pairthresh >= 1: no leapfrog; minima with nconnmin or fewer connections removed")
            .example("100 1.0 0")
            .set(|r: &mut R, l| {
                let n = l.usize(1)?;
                let thresh = l.opt_f64(2)?.unwrap_or(1.0);
                if thresh < 1.0 {
                    return Err(l.error_at(
                        2,
                        "the leapfrog acceleration (pairthresh below 1) is not provided by this implementation; use 1.0",
                    ));
                }
                if n == 0 {
                    return Err(l.error_at(1, "needs at least one walk"));
                }
                r.input.kmc = Some((n, thresh, l.opt_usize(3)?.unwrap_or(0)));
                Ok(())
            }),
        kw("REGROUPFREE")
            .arg(Arg::real("barrier"))
            .doc("regroup minima into free-energy groups separated by barriers above this")
            .set(|r: &mut R, l| {
                r.input.regroupfree = Some(l.f64(1)?);
                Ok(())
            }),
        kw("DUMPGROUPS")
            .doc("write the groups of REGROUPFREE")
            .set(|r: &mut R, _| {
                r.input.dumpgroups = true;
                Ok(())
            }),
    ]
}

/// Keywords of the Fortran PATHSAMPLE that this implementation recognises and does not
/// provide, with what they do.
const NOT_PROVIDED: &[(&str, &str)] = &[
    ("PBS", "run jobs through PBS"),
    ("SSH", "run jobs over ssh"),
    ("JOBSPERNODE", "jobs per cluster node"),
    ("ENERGY", "energy-based pair selection"),
    ("NEWCONNECTIONS", "new connections per minimum"),
    ("FROMLOWEST", "pairs from the lowest minima"),
    ("DIJINITSTARTFLY", "DIJINITSTART with on-the-fly distances"),
    ("DIJINITCONTFLY", "DIJINITCONT with on-the-fly distances"),
    ("DIJPRUNE", "pruning of the Dijkstra graph"),
    ("DIJKSTRAWAIT", "Dijkstra on waiting times"),
    ("DIJPAIR", "Dijkstra pair selection"),
    ("UNTRAPMETRIC", "UNTRAP with a distance metric"),
    ("CONNECTPAIRS", "connect the pairs of a file"),
    ("USEPAIRS", "use the pairs of a file"),
    ("FREEPAIRS", "pairs by free energy"),
    ("DSCALE", "distance scaling"),
    ("PSCALE", "probability scaling"),
    ("PFOLD", "committor probabilities"),
    ("PERMISOMER", "permutational isomers"),
    ("GT", "graph transformation (use NGT)"),
    ("SGT", "semi-graph transformation (use NGT)"),
    ("DGT", "dense graph transformation (use NGT)"),
    ("SDGT", "sparse-dense graph transformation (use NGT)"),
    ("GT2", "graph transformation, second version (use NGT)"),
    ("KMCCOMMIT", "kinetic Monte Carlo committors"),
    ("KSHORTESTPATHS", "the k shortest paths"),
    ("REGROUP", "regrouping by rates"),
    ("REGROUPFREEAB", "free-energy regrouping of A and B"),
    ("REGROUPPE", "regrouping by potential energy"),
    ("REGROUPRATE", "regrouping by rate"),
    ("REGROUPPERSIST", "persistence regrouping"),
    ("ONEREGROUP", "a single regrouping"),
    ("ALLOWAB", "A-B direct connections"),
    ("EXTRACTMINFILE", "extract minima listed in a file"),
    ("EXTRACTTSFILE", "extract TSs listed in a file"),
    ("IMFRQ", "imaginary frequencies"),
    ("FRICTION", "friction-corrected rates"),
    ("BHINTERP", "basin-hopping interpolation"),
    ("BISECT", "bisection connection"),
    ("DUMMYTS", "dummy transition states"),
    ("LOWESTFRQ", "lowest frequencies"),
    ("MACHINE", "binary points files"),
    ("DUMMYRUN", "dry run"),
    ("EXECGMIN", "GMIN jobs"),
    ("MAKEPAIRS", "pair files"),
    ("ADDMIN", "add minima from a file"),
    ("NOTRANSROT", "no overall translation and rotation"),
    ("TAG", "tagged atoms"),
];

/// PATHSAMPLE's keyword table.
pub fn table() -> KeywordTable<Reading> {
    KeywordTable::new("PATHSAMPLE", "pathdata")
        .with(system())
        .with(jobs())
        .with(strategies())
        .with(kinetics())
}

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
        let mut r = Reading::default();
        table().apply(deck.lines(), &mut r)?;
        let Reading {
            input: mut s,
            mut db,
            natoms,
            mlp,
            zeros,
            mut strategies,
        } = r;
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

    /// Every keyword: its example line is accepted and changes the reading (or is refused
    /// with the not-provided message); a word where a number belongs is refused naming it.
    #[test]
    fn every_keyword_of_the_table() {
        // PERMDIST needs the system first.
        let fresh = || Reading {
            natoms: Some(38),
            ..Reading::default()
        };
        let f = common::deck::check_table(&table(), fresh, &["CONNECTIONS"]);
        assert!(f.is_empty(), "{f:#?}");
    }

    /// The committed reference is the table's (regenerate with
    /// `PATHSAMPLE --keywords=markdown > docs/reference/pathsample-keywords.md`).
    #[test]
    fn the_committed_reference_is_generated_from_the_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/reference/pathsample-keywords.md"
        );
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == table().markdown(),
            "{path} is stale: run `PATHSAMPLE --keywords=markdown > {path}`"
        );
    }

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
