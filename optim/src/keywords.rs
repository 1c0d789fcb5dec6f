//! OPTIM's keyword table ([`table`]): `odata` (or `odata.N`) → [`OptimInput`]
//! (keyword-decks.md §3); it also prints `OPTIM --keywords` and generates
//! docs/reference/optim-keywords.md.
//!
//! Keyword reading stops at `POINTS` (atom lines `label x y z` follow) or `VARIABLES [NZERO]`
//! (one value per line follows).

use crate::connect::{ConnectSettings, DijkstraCost};
use crate::dneb::DnebSettings;
use crate::eigen::EigenSettings;
use crate::hef::HefSettings;
use common::deck::{kw, Arg, Deck, DeckError, Keyword, KeywordTable, Line};
use common::lbfgs::keywords::{self as lbfgs_keywords, LbfgsParam, LbfgsTarget};
use common::lbfgs::LbfgsConfig;
use common::mlp::{MlpLine, MlpTarget};

/// What the run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Minimise the start point (BFGSMIN; the default).
    Minimise,
    /// Search for a TS from the start point (BFGSTS without NEWCONNECT).
    TransitionState,
    /// Connect the start point with `finish` (NEWCONNECT).
    Connect,
}

/// How the coordinates were given.
#[derive(Debug, Clone, PartialEq)]
pub enum Coordinates {
    /// `POINTS`: atoms with labels.
    Atoms {
        /// Labels (`AX` for LJAT).
        labels: Vec<String>,
        /// 3N values.
        x: Vec<f64>,
    },
    /// `VARIABLES [NZERO]`: network weights.
    Variables {
        /// NOPT values.
        x: Vec<f64>,
        /// Extra zero modes.
        nzero: usize,
    },
}

/// Everything an OPTIM run needs from its deck.
#[derive(Debug, Clone)]
pub struct OptimInput {
    /// What to do.
    pub task: Task,
    /// Minimiser (BFGSMIN/BFGSCONV tolerance, BFGSSTEPS, MAXBFGS 1, UPDATES 1, DGUESS 1, MAXERISE 1).
    pub minimiser: LbfgsConfig,
    /// TS search.
    pub hef: HefSettings,
    /// DNEB defaults.
    pub dneb: DnebSettings,
    /// NEWCONNECT.
    pub connect: ConnectSettings,
    /// DUMPALLPATHS.
    pub dump_all_paths: bool,
    /// DUMPPATH (or DUMPBESTPATH).
    pub dump_path: bool,
    /// DUMPDATA.
    pub dump_data: bool,
    /// PATH (path.xyz and EofS from a TS).
    pub path: bool,
    /// NOFRQS.
    pub nofrqs: bool,
    /// ENDNUMHESS: numerical Hessians for the final eigenvalues.
    pub numerical_hessian: bool,
    /// REOPTIMISEENDPOINTS.
    pub reoptimise_endpoints: bool,
    /// PERMDIST.
    pub permdist: bool,
    /// NOINVERSION.
    pub no_inversion: bool,
    /// RANROT.
    pub ranrot: usize,
    /// PARAMS values.
    pub params: Vec<f64>,
    /// FREEZE (1-based atom or variable indices).
    pub freeze: Vec<usize>,
    /// MLP keyword, if any.
    pub mlp: Option<MlpLine>,
    /// NOREGBIAS.
    pub noregbias: bool,
    /// MLPNORM.
    pub mlpnorm: bool,
    /// Start coordinates.
    pub coords: Coordinates,
    /// GPU [device] / CUDA [device] (project extension).
    pub gpu: kernels::GpuRequest,
}

/// An `odata` deck being read: the settings so far, and the values whose meaning depends on
/// other keywords (settled in [`Reading::finish`]).
#[derive(Debug, Clone)]
pub struct Reading {
    task: Task,
    minimiser: LbfgsConfig,
    hef: HefSettings,
    dneb: DnebSettings,
    connect: ConnectSettings,
    eigen: EigenSettings,
    bfgsts: bool,
    steps: Option<usize>,
    bfgssteps: Option<usize>,
    gmax: Option<f64>,
    nohess: bool,
    noit: bool,
    dump_all_paths: bool,
    dump_path: bool,
    dump_data: bool,
    path: bool,
    nofrqs: bool,
    numerical_hessian: bool,
    reoptimise_endpoints: bool,
    permdist: bool,
    no_inversion: bool,
    ranrot: usize,
    params: Vec<f64>,
    freeze: Vec<usize>,
    mlp: Option<MlpLine>,
    noregbias: bool,
    mlpnorm: bool,
    gpu: kernels::GpuRequest,
}

impl Default for Reading {
    fn default() -> Self {
        Reading {
            task: Task::Minimise,
            minimiser: LbfgsConfig {
                max_step: 0.2,
                tolerance: 1.0e-3,
                max_iterations: 1,
                ..LbfgsConfig::default()
            },
            hef: HefSettings::default(),
            dneb: DnebSettings::default(),
            connect: ConnectSettings::default(),
            eigen: EigenSettings::default(),
            bfgsts: false,
            steps: None,
            bfgssteps: None,
            gmax: None,
            nohess: false,
            noit: false,
            dump_all_paths: false,
            dump_path: false,
            dump_data: false,
            path: false,
            nofrqs: false,
            numerical_hessian: false,
            reoptimise_endpoints: false,
            permdist: false,
            no_inversion: false,
            ranrot: 0,
            params: Vec::new(),
            freeze: Vec::new(),
            mlp: None,
            noregbias: false,
            mlpnorm: false,
            gpu: kernels::GpuRequest::Off,
        }
    }
}

impl LbfgsTarget for Reading {
    /// Slots: MAXBFGS, UPDATES: 1 minimisation (and the HEF subspace), 2 the Rayleigh-Ritz
    /// eigenvector search, 4 DNEB; DGUESS: 1, 2, 3 DNEB; MAXERISE: 1, 2.
    fn set_lbfgs(&mut self, param: LbfgsParam, slot: usize, v: f64) {
        use LbfgsParam::*;
        match (param, slot) {
            (MaxStep, 0) => {
                self.minimiser.max_step = v;
                self.hef.subspace.max_step = v;
            }
            (MaxStep, 1) => self.eigen.max_step = v,
            (MaxStep, 3) => self.dneb.max_step = v,
            (Memory, 0) => {
                self.minimiser.memory = v as usize;
                self.hef.subspace.memory = v as usize;
            }
            (Memory, 1) => self.eigen.memory = v as usize,
            (Memory, 3) => self.dneb.memory = v as usize,
            (Dguess, 0) => {
                self.minimiser.dguess = v;
                self.hef.subspace.dguess = v;
            }
            (Dguess, 1) => self.eigen.dguess = v,
            (Dguess, 2) => self.dneb.dguess = v,
            (MaxErise, 0) => {
                self.minimiser.max_erise = v;
                self.hef.subspace.max_erise = v;
            }
            (MaxErise, 1) => self.eigen.max_erise = v,
            _ => {}
        }
    }
}

impl MlpTarget for Reading {
    fn set_network(&mut self, line: &Line, mlp: MlpLine) -> Result<(), DeckError> {
        if self.mlp.is_some() {
            return Err(line.error("only one ML keyword per deck"));
        }
        self.mlp = Some(mlp);
        Ok(())
    }
    fn has_network(&self) -> bool {
        self.mlp.is_some()
    }
    fn set_mlpnorm(&mut self) {
        self.mlpnorm = true;
    }
    fn set_noregbias(&mut self) {
        self.noregbias = true;
    }
}

impl kernels::GpuTarget for Reading {
    fn gpu_mut(&mut self) -> &mut kernels::GpuRequest {
        &mut self.gpu
    }
}

type R = Reading;

fn real(l: &Line, i: usize, v: &mut f64) -> Result<(), DeckError> {
    *v = l.f64(i)?;
    Ok(())
}

/// Connection of minima: NEWCONNECT, DNEB, Dijkstra.
fn connection() -> Vec<Keyword<R>> {
    vec![
        kw("NEWCONNECT")
            .arg(Arg::int("cycles").or("50"))
            .arg(Arg::int("tries").or("3"))
            .arg(Arg::real("imagedensity").or("10"))
            .arg(Arg::real("iterdensity").or("30"))
            .arg(Arg::int("imagemax").or("100"))
            .arg(Arg::real("imageincr").or("1"))
            .arg(Arg::real("rmstol").or("0.01"))
            .doc("connect the start and finish points (Carr-Trygubenko-Wales): cycles, tries per pair, DNEB image and iteration densities, image limit and increment, DNEB RMS force")
            .example("4 1 20.0 20.0 5 0.0 0.025")
            .set(|r: &mut R, l| {
                r.task = Task::Connect;
                r.bfgsts = true;
                let d = &mut r.connect;
                if let Some(v) = l.opt_usize(1)? {
                    d.max_cycles = v;
                }
                if let Some(v) = l.opt_usize(2)? {
                    d.max_tries = v;
                }
                if let Some(v) = l.opt_f64(3)? {
                    d.image_density = v;
                }
                if let Some(v) = l.opt_f64(4)? {
                    d.iter_density = v;
                }
                if let Some(v) = l.opt_usize(5)? {
                    d.image_max = v;
                }
                if let Some(v) = l.opt_f64(6)? {
                    d.image_incr = v;
                }
                if let Some(v) = l.opt_f64(7)? {
                    d.rms_tol = v;
                }
                Ok(())
            }),
        kw("NEWNEB")
            .arg(Arg::int("nimage"))
            .arg(Arg::int("iterations").or("DNEB default"))
            .arg(Arg::real("rmstol").or("NEWCONNECT's"))
            .doc("DNEB images, iterations and RMS force of the first connection cycle only")
            .set(|r: &mut R, l| {
                let ni = l.usize(1)?;
                let nit = l.opt_usize(2)?.unwrap_or(r.dneb.max_iterations);
                let rms = l.opt_f64(3)?.unwrap_or(r.connect.rms_tol);
                r.connect.first_cycle = Some((ni, nit, rms));
                // IMAGEMAX is raised to at least NIMAGE + 2.
                r.connect.image_max = r.connect.image_max.max(ni + 2);
                Ok(())
            }),
        kw("NEBK")
            .arg(Arg::real("k"))
            .doc("DNEB spring constant between images")
            .set(|r: &mut R, l| real(l, 1, &mut r.dneb.spring)),
        kw("DIJKSTRA")
            .arg(Arg::word("p|EXP").or("1"))
            .doc("choose the pairs of each connection cycle by Dijkstra over the missing connections; edge weight distance^p (p = 0: d + 1) or EXP")
            .example("2")
            .set(|r: &mut R, l| {
                r.connect.cost = match l.opt_string(1)?.map(|s| s.to_ascii_uppercase()) {
                    None => DijkstraCost::Power(1.0),
                    Some(w) if w == "EXP" => DijkstraCost::Exp,
                    Some(w) if w == "INDEX" || w == "INTERP" => {
                        return Err(l.error_at(
                            1,
                            format!("DIJKSTRA {w} is not supported by this implementation"),
                        ))
                    }
                    Some(_) => DijkstraCost::Power(l.f64(1)?),
                };
                Ok(())
            }),
        kw("PUSHOFF")
            .arg(Arg::real("d"))
            .doc("step away from a stationary point of the wrong index (length units)")
            .set(|r: &mut R, l| real(l, 1, &mut r.connect.pushoff)),
        kw("EDIFFTOL")
            .arg(Arg::real("de"))
            .doc("energy difference below which two stationary points may be the same")
            .set(|r: &mut R, l| real(l, 1, &mut r.connect.edifftol)),
        kw("GEOMDIFFTOL")
            .arg(Arg::real("d"))
            .doc("aligned distance below which two stationary points are the same")
            .set(|r: &mut R, l| real(l, 1, &mut r.connect.geomdifftol)),
        kw("MAXTSENERGY")
            .arg(Arg::real("E"))
            .doc("transition states above this energy are discarded")
            .set(|r: &mut R, l| real(l, 1, &mut r.connect.max_ts_energy)),
        kw("PERMDIST")
            .arg(Arg::real("tol").or("none"))
            .doc("align under the system's symmetry (atoms: permutations, rotations, inversion; networks: hidden-unit permutations and sign flips)")
            .set(|r: &mut R, _| {
                r.permdist = true;
                Ok(())
            }),
        kw("NOINVERSION")
            .doc("leave inversion out of the alignments")
            .set(|r: &mut R, _| {
                r.no_inversion = true;
                Ok(())
            }),
        kw("RANROT")
            .arg(Arg::int("n"))
            .doc("random starting orientations tried in each alignment, besides the standard one")
            .set(|r: &mut R, l| {
                r.ranrot = l.usize(1)?;
                Ok(())
            }),
        kw("CONNECT")
            .doc("the original connection algorithm")
            .not_provided("use NEWCONNECT"),
        kw("NEB")
            .doc("the original nudged elastic band")
            .not_provided("use NEWCONNECT with NEWNEB"),
        kw("PUSHOPT")
            .doc("push-off optimisation")
            .not_provided("it changes which minima a TS connects"),
        kw("DUMPBESTPATH2")
            .doc("an alternative path dump")
            .not_provided("use DUMPPATH"),
        kw("DIJKSTRALOCAL")
            .doc("local Dijkstra variant")
            .no_effect("the Dijkstra choice of NEWCONNECT is always global"),
    ]
}

/// Minimisation and the transition-state search.
fn optimisation() -> Vec<Keyword<R>> {
    let mut v = vec![
        kw("BFGSTS")
            .arg(Arg::int("evsteps").or("EigenSettings default"))
            .arg(Arg::int("nbfgs1").or("HEF default"))
            .arg(Arg::int("nbfgs2").or("HEF default"))
            .arg(Arg::real("evtol").or("EigenSettings default"))
            .doc("hybrid eigenvector-following TS search: eigenvector iterations, subspace L-BFGS steps before and after the eigenvector converges, its RMS tolerance")
            .example("50 3 25 0.0001")
            .set(|r: &mut R, l| {
                r.bfgsts = true;
                if r.task == Task::Minimise {
                    r.task = Task::TransitionState;
                }
                if let Some(v) = l.opt_usize(1)? {
                    r.eigen.max_iterations = v;
                }
                if let Some(v) = l.opt_usize(2)? {
                    r.hef.nbfgsmax1 = v;
                }
                if let Some(v) = l.opt_usize(3)? {
                    r.hef.nbfgsmax2 = v;
                }
                if let Some(v) = l.opt_f64(4)? {
                    r.eigen.tolerance = v;
                }
                Ok(())
            }),
        kw("BFGSMIN")
            .alias("BFGSCONV")
            .arg(Arg::real("rms").or("1e-3"))
            .doc("RMS gradient that ends a minimisation (and the TS search)")
            .set(|r: &mut R, l| {
                if let Some(v) = l.opt_f64(1)? {
                    r.gmax = Some(v);
                }
                Ok(())
            }),
        kw("CONVERGE")
            .arg(Arg::real("step").or("unused"))
            .arg(Arg::real("rms").or("BFGSMIN's"))
            .doc("convergence: the second value is the RMS gradient (the step criterion is not used)")
            .example("1e-4 1e-5")
            .set(|r: &mut R, l| {
                if let Some(v) = l.opt_f64(2)? {
                    r.gmax = Some(v);
                }
                Ok(())
            }),
        kw("BFGSSTEPS")
            .arg(Arg::int("n"))
            .doc("L-BFGS iteration limit of a minimisation (also STEPS when STEPS is absent)")
            .set(|r: &mut R, l| {
                let n = l.usize(1)?;
                r.bfgssteps = Some(n);
                if r.steps.is_none() {
                    r.steps = Some(n);
                }
                Ok(())
            }),
        kw("STEPS")
            .arg(Arg::int("n"))
            .doc("step limit of the TS search (also BFGSSTEPS when BFGSSTEPS is absent)")
            .set(|r: &mut R, l| {
                let n = l.usize(1)?;
                r.steps = Some(n);
                if r.bfgssteps.is_none() {
                    r.bfgssteps = Some(n);
                }
                Ok(())
            }),
        kw("MAXSTEP")
            .arg(Arg::real("d"))
            .doc("largest eigenvector-following step")
            .set(|r: &mut R, l| real(l, 1, &mut r.hef.max_step)),
        kw("MAXMAX")
            .arg(Arg::real("d"))
            .doc("upper limit of the adjusted eigenvector-following step")
            .set(|r: &mut R, l| real(l, 1, &mut r.hef.max_max)),
        kw("MINMAX")
            .arg(Arg::real("d"))
            .doc("lower limit of the adjusted eigenvector-following step")
            .set(|r: &mut R, l| real(l, 1, &mut r.hef.min_max)),
        kw("TRAD")
            .arg(Arg::real("r"))
            .doc("trust radius of eigenvector following")
            .set(|r: &mut R, l| real(l, 1, &mut r.hef.trad)),
        kw("CHECKINDEX")
            .doc("check the Hessian index of converged stationary points")
            .set(|r: &mut R, _| {
                r.hef.check_index = true;
                Ok(())
            }),
        kw("NOHESS")
            .doc("no Hessian in the TS search: the smallest eigenvalue by Rayleigh-Ritz minimisation")
            .set(|r: &mut R, _| {
                r.nohess = true;
                Ok(())
            }),
        kw("NOIT")
            .doc("with NOHESS: the smallest eigenvalue from the Hessian after all")
            .set(|r: &mut R, _| {
                r.noit = true;
                Ok(())
            }),
        kw("REOPTIMISEENDPOINTS")
            .doc("minimise the end points again when their RMS gradient exceeds BFGSMIN")
            .set(|r: &mut R, _| {
                r.reoptimise_endpoints = true;
                Ok(())
            }),
        kw("FREEZE")
            .arg(Arg::int("i").many())
            .doc("frozen atoms or variables (1-based)")
            .set(|r: &mut R, l| {
                for i in 1..=l.nargs() {
                    let k = l.usize(i)?;
                    if k == 0 {
                        return Err(l.error_at(i, "indices are 1-based"));
                    }
                    r.freeze.push(k);
                }
                Ok(())
            }),
        kw("PARAMS")
            .arg(Arg::real("p").many())
            .doc("potential parameters")
            .set(|r: &mut R, l| {
                r.params = (1..=l.nargs()).map(|i| l.f64(i)).collect::<Result<_, _>>()?;
                Ok(())
            }),
        kw("RADIUS")
            .doc("container radius")
            .no_effect("OPTIM has no container"),
        kw("TRAD2")
            .doc("second trust radius")
            .no_effect("not used by this eigenvector following"),
        kw("CHECKCONT")
            .doc("check continuity of paths")
            .no_effect("paths are checked always"),
        kw("MACHINE")
            .doc("binary path files")
            .not_provided("path.info is always text"),
    ];
    v.extend(lbfgs_keywords::group());
    v
}

/// Output.
fn output() -> Vec<Keyword<R>> {
    vec![
        kw("DUMPALLPATHS")
            .doc("append every TS with its minima to path.info")
            .set(|r: &mut R, _| {
                r.dump_all_paths = true;
                Ok(())
            }),
        kw("DUMPPATH")
            .alias("DUMPBESTPATH")
            .doc("write the final path (path.info)")
            .set(|r: &mut R, _| {
                r.dump_path = true;
                Ok(())
            }),
        kw("DUMPDATA")
            .doc("write min.data.info and ts data for PATHSAMPLE")
            .set(|r: &mut R, _| {
                r.dump_data = true;
                Ok(())
            }),
        kw("PATH")
            .arg(Arg::int("frames").or("all steps"))
            .arg(Arg::real("ediff").or("0"))
            .doc("from a TS: the two minima it connects, path.xyz and EofS; frames and ediff shape the Fortran's smoothed path.xyz and are not used (every step is written)")
            .set(|r: &mut R, _| {
                r.path = true;
                if r.task == Task::Minimise {
                    r.task = Task::TransitionState;
                    r.bfgsts = true;
                }
                Ok(())
            }),
        kw("ENDNUMHESS")
            .doc("numerical Hessians for the final frequencies")
            .set(|r: &mut R, _| {
                r.numerical_hessian = true;
                Ok(())
            }),
        kw("NOFRQS")
            .doc("no frequencies in the output (fvib not computed)")
            .set(|r: &mut R, _| {
                r.nofrqs = true;
                Ok(())
            }),
        kw("ENDHESS")
            .doc("Hessian at the end points")
            .no_effect("the final Hessians are always computed unless NOFRQS"),
        kw("PAIRCOLOUR")
            .doc("colouring of pair output")
            .no_effect("display only"),
        kw("POINTS")
            .doc("end of the keywords: atom lines `label x y z` follow")
            .set(|_: &mut R, _| Ok(())),
        kw("VARIABLES")
            .arg(Arg::int("nzero").or("0"))
            .doc("end of the keywords: network weights follow, one or more per line; nzero extra zero modes")
            .set(|_: &mut R, _| Ok(())),
    ]
}

/// Potentials: the MLP family (atoms after POINTS are LJAT, their parameters in PARAMS).
fn potentials() -> Vec<Keyword<R>> {
    let mut v = vec![
        common::mlp::keywords::network_keyword(),
        kernels::gpu_keyword(),
    ];
    v.extend(common::mlp::keywords::options());
    v
}

/// OPTIM's keyword table.
pub fn table() -> KeywordTable<Reading> {
    KeywordTable::new("OPTIM", "odata")
        .with(connection())
        .with(optimisation())
        .with(output())
        .with(potentials())
}

impl Reading {
    /// Settle the values that depend on several keywords.
    fn finish(mut self, coords: Coordinates) -> OptimInput {
        if let Some(g) = self.gmax {
            self.minimiser.tolerance = g;
            self.hef.convr = g;
        }
        if let Some(n) = self.bfgssteps {
            self.minimiser.max_iterations = n;
        }
        if let Some(n) = self.steps {
            self.hef.max_steps = n;
        }
        // The OPTIM defaults (STEPS = BFGSSTEPS = 1) are useless for real runs; a deck that
        // asks for a TS search or a connection without them gets generous limits.
        if self.bfgsts && self.steps.is_none() {
            self.hef.max_steps = 200;
        }
        if self.bfgssteps.is_none() {
            self.minimiser.max_iterations = 10_000;
        }
        self.hef.subspace.tolerance = self.hef.convr;
        self.eigen.rayleigh_ritz = self.nohess && !self.noit;
        self.hef.eigen = self.eigen;
        OptimInput {
            task: self.task,
            minimiser: self.minimiser,
            hef: self.hef,
            dneb: self.dneb,
            connect: self.connect,
            dump_all_paths: self.dump_all_paths,
            dump_path: self.dump_path,
            dump_data: self.dump_data,
            path: self.path,
            nofrqs: self.nofrqs,
            numerical_hessian: self.numerical_hessian,
            reoptimise_endpoints: self.reoptimise_endpoints,
            permdist: self.permdist,
            no_inversion: self.no_inversion,
            ranrot: self.ranrot,
            params: self.params,
            freeze: self.freeze,
            mlp: self.mlp,
            noregbias: self.noregbias,
            mlpnorm: self.mlpnorm,
            coords,
            gpu: self.gpu,
        }
    }
}

impl OptimInput {
    /// Interpret a deck read with the `POINTS`/`VARIABLES` terminators.
    pub fn from_deck(deck: &Deck) -> Result<OptimInput, DeckError> {
        let mut r = Reading::default();
        table().apply(deck.lines(), &mut r)?;
        let coords = Self::coordinates(deck)?;
        if let (Some(m), Coordinates::Atoms { .. }) = (&r.mlp, &coords) {
            return Err(DeckError::new(
                deck.file(),
                0,
                &m.keyword,
                "an MLP keyword needs VARIABLES, not POINTS",
            ));
        }
        Ok(r.finish(coords))
    }

    fn coordinates(deck: &Deck) -> Result<Coordinates, DeckError> {
        let Some(term) = deck.terminator() else {
            return Err(DeckError::new(
                deck.file(),
                0,
                "",
                "no POINTS or VARIABLES keyword: the start coordinates are missing",
            ));
        };
        let bad = |l: &common::deck::RawLine, msg: String| {
            DeckError::new(l.file(), l.line_no(), term.keyword(), msg)
        };
        match term.keyword() {
            "POINTS" => {
                let mut labels = Vec::new();
                let mut x = Vec::new();
                for l in deck.trailing_lines() {
                    let f: Vec<&str> = l.text().split_whitespace().collect();
                    if f.is_empty() {
                        continue;
                    }
                    if f.len() < 4 {
                        return Err(bad(
                            l,
                            format!("expected 'label x y z', found {} items", f.len()),
                        ));
                    }
                    labels.push(f[0].to_ascii_uppercase());
                    for t in &f[1..4] {
                        x.push(
                            common::deck::list_directed_real(t)
                                .ok_or_else(|| bad(l, format!("cannot read '{t}' as a number")))?,
                        );
                    }
                }
                if labels.is_empty() {
                    return Err(DeckError::new(
                        deck.file(),
                        term.line_no(),
                        "POINTS",
                        "no atoms after POINTS",
                    ));
                }
                Ok(Coordinates::Atoms { labels, x })
            }
            _ => {
                let nzero = term.opt_usize(1)?.unwrap_or(0);
                let mut x = Vec::new();
                for l in deck.trailing_lines() {
                    for t in l
                        .text()
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|t| !t.is_empty())
                    {
                        x.push(
                            common::deck::list_directed_real(t)
                                .ok_or_else(|| bad(l, format!("cannot read '{t}' as a number")))?,
                        );
                    }
                }
                if x.is_empty() {
                    return Err(DeckError::new(
                        deck.file(),
                        term.line_no(),
                        "VARIABLES",
                        "no values after VARIABLES",
                    ));
                }
                Ok(Coordinates::Variables { x, nzero })
            }
        }
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// Every keyword: its example line is accepted and changes the settings (or is refused
    /// with the not-provided message); a word where a number belongs is refused naming it.
    /// POINTS and VARIABLES end the keywords and set nothing themselves.
    #[test]
    fn every_keyword_of_the_table() {
        let f = common::deck::check_table(&table(), Reading::default, &["POINTS", "VARIABLES"]);
        assert!(f.is_empty(), "{f:#?}");
    }

    /// The committed reference is the table's (regenerate with
    /// `OPTIM --keywords=markdown > docs/reference/optim-keywords.md`).
    #[test]
    fn the_committed_reference_is_generated_from_the_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/reference/optim-keywords.md"
        );
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == table().markdown(),
            "{path} is stale: run `OPTIM --keywords=markdown > docs/reference/optim-keywords.md`"
        );
    }

    #[test]
    fn lbfgs_values_go_to_their_minimisers() {
        let text = "MAXBFGS 0.3 0.25 0 0.1\nUPDATES 9 8\nDGUESS 0.5 0.4 0.2\nMAXERISE 1e-4 1e-3\nPOINTS\nAX 0 0 0\n";
        let d = Deck::parse_with_terminators(text, "odata", &["POINTS", "VARIABLES"]);
        let e = OptimInput::from_deck(&d.unwrap()).unwrap_err();
        assert!(e.message.contains("must be positive, got 0"), "{e}");
        let text = text.replace("0.25 0 0.1", "0.25,,0.1");
        let d = Deck::parse_with_terminators(&text, "odata", &["POINTS", "VARIABLES"]).unwrap();
        let o = OptimInput::from_deck(&d).unwrap();
        assert_eq!(
            (o.minimiser.max_step, o.hef.eigen.max_step, o.dneb.max_step),
            (0.3, 0.25, 0.1)
        );
        assert_eq!(
            (
                o.minimiser.memory,
                o.hef.subspace.memory,
                o.hef.eigen.memory
            ),
            (9, 9, 8)
        );
        assert_eq!(
            (o.minimiser.dguess, o.hef.eigen.dguess, o.dneb.dguess),
            (0.5, 0.4, 0.2)
        );
        assert_eq!((o.minimiser.max_erise, o.hef.eigen.max_erise), (1e-4, 1e-3));
    }
}
