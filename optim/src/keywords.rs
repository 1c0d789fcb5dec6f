//! OPTIM's keyword table: `odata` (or `odata.N`) → [`OptimInput`] (keyword-decks.md §3).
//!
//! Keyword reading stops at `POINTS` (atom lines `label x y z` follow) or `VARIABLES [NZERO]`
//! (one value per line follows). Every keyword of the table is recognised; any other is an
//! error naming it and its line.

use crate::connect::{ConnectSettings, DijkstraCost};
use crate::dneb::DnebSettings;
use crate::eigen::EigenSettings;
use crate::hef::HefSettings;
use common::deck::{Deck, DeckError, Line};
use common::lbfgs::LbfgsConfig;
use common::mlp::is_mlp_keyword;

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

/// An MLP keyword line kept for building the potential once `MLPdata` is read.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpLine {
    /// Keyword.
    pub keyword: String,
    /// Numeric arguments.
    pub args: Vec<f64>,
    /// `file:line` for messages.
    pub place: String,
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

const NO_OPS: &[&str] = &[
    "RADIUS",
    "PAIRCOLOUR",
    "DIJKSTRALOCAL",
    "ENDHESS",
    "CHECKCONT",
    "TRAD2",
];
const REJECTED: &[&str] = &["CONNECT", "NEB", "MACHINE", "PUSHOPT", "DUMPBESTPATH2"];

fn all_numbers(line: &Line) -> Result<Vec<f64>, DeckError> {
    (1..=line.nargs()).map(|i| line.f64(i)).collect()
}

impl OptimInput {
    /// Interpret a deck read with the `POINTS`/`VARIABLES` terminators.
    pub fn from_deck(deck: &Deck) -> Result<OptimInput, DeckError> {
        let mut minimiser = LbfgsConfig {
            max_step: 0.2,
            tolerance: 1.0e-3,
            max_iterations: 1,
            ..LbfgsConfig::default()
        };
        let mut hef = HefSettings::default();
        let mut dneb = DnebSettings::default();
        let mut connect = ConnectSettings::default();
        let mut eigen = EigenSettings::default();
        let mut task = Task::Minimise;
        let mut bfgsts = false;
        let mut steps: Option<usize> = None;
        let mut bfgssteps: Option<usize> = None;
        let mut gmax: Option<f64> = None;
        let mut nohess = false;
        let mut noit = false;
        let (mut dump_all_paths, mut dump_path, mut dump_data, mut path, mut nofrqs) =
            (false, false, false, false, false);
        let (mut numerical_hessian, mut reoptimise_endpoints, mut permdist, mut no_inversion) =
            (false, false, false, false);
        let mut ranrot = 0;
        let mut params = Vec::new();
        let mut freeze = Vec::new();
        let mut mlp: Option<MlpLine> = None;
        let (mut noregbias, mut mlpnorm) = (false, false);
        let mut gpu = kernels::GpuRequest::Off;
        for line in deck.lines() {
            let kw = line.keyword();
            match kw {
                "NEWCONNECT" => {
                    task = Task::Connect;
                    bfgsts = true;
                    let d = &mut connect;
                    if let Some(v) = line.opt_usize(1)? {
                        d.max_cycles = v;
                    }
                    if let Some(v) = line.opt_usize(2)? {
                        d.max_tries = v;
                    }
                    if let Some(v) = line.opt_f64(3)? {
                        d.image_density = v;
                    }
                    if let Some(v) = line.opt_f64(4)? {
                        d.iter_density = v;
                    }
                    if let Some(v) = line.opt_usize(5)? {
                        d.image_max = v;
                    }
                    if let Some(v) = line.opt_f64(6)? {
                        d.image_incr = v;
                    }
                    if let Some(v) = line.opt_f64(7)? {
                        d.rms_tol = v;
                    }
                }
                "NEWNEB" => {
                    let ni = line.usize(1)?;
                    let nit = line.opt_usize(2)?.unwrap_or(dneb.max_iterations);
                    let rms = line.opt_f64(3)?.unwrap_or(connect.rms_tol);
                    connect.first_cycle = Some((ni, nit, rms));
                    // IMAGEMAX is raised to at least NIMAGE + 2.
                    connect.image_max = connect.image_max.max(ni + 2);
                }
                "NEBK" => dneb.spring = line.f64(1)?,
                "DIJKSTRA" => {
                    connect.cost = match line.opt_string(1)?.map(|s| s.to_ascii_uppercase()) {
                        None => DijkstraCost::Power(1.0),
                        Some(w) if w == "EXP" => DijkstraCost::Exp,
                        Some(w) if w == "INDEX" || w == "INTERP" => {
                            return Err(line.error_at(
                                1,
                                format!("DIJKSTRA {w} is not supported by this implementation"),
                            ))
                        }
                        Some(_) => DijkstraCost::Power(line.f64(1)?),
                    }
                }
                "BFGSTS" => {
                    bfgsts = true;
                    if task == Task::Minimise {
                        task = Task::TransitionState;
                    }
                    if let Some(v) = line.opt_usize(1)? {
                        eigen.max_iterations = v;
                    }
                    if let Some(v) = line.opt_usize(2)? {
                        hef.nbfgsmax1 = v;
                    }
                    if let Some(v) = line.opt_usize(3)? {
                        hef.nbfgsmax2 = v;
                    }
                    if let Some(v) = line.opt_f64(4)? {
                        eigen.tolerance = v;
                    }
                }
                "BFGSMIN" | "BFGSCONV" => {
                    if let Some(v) = line.opt_f64(1)? {
                        gmax = Some(v);
                    }
                }
                "BFGSSTEPS" => {
                    let n = line.usize(1)?;
                    bfgssteps = Some(n);
                    if steps.is_none() {
                        steps = Some(n);
                    }
                }
                "STEPS" => {
                    let n = line.usize(1)?;
                    steps = Some(n);
                    if bfgssteps.is_none() {
                        bfgssteps = Some(n);
                    }
                }
                "CONVERGE" => {
                    if let Some(v) = line.opt_f64(2)? {
                        gmax = Some(v);
                    }
                }
                "MAXSTEP" => hef.max_step = line.f64(1)?,
                "MAXMAX" => hef.max_max = line.f64(1)?,
                "MINMAX" => hef.min_max = line.f64(1)?,
                "TRAD" => hef.trad = line.f64(1)?,
                "MAXBFGS" => {
                    let v = all_numbers(line)?;
                    if let Some(&a) = v.first() {
                        minimiser.max_step = a;
                        hef.subspace.max_step = a;
                    }
                    if let Some(&a) = v.get(1) {
                        eigen.max_step = a;
                    }
                    if let Some(&a) = v.get(3) {
                        dneb.max_step = a;
                    }
                }
                "UPDATES" => {
                    let v = all_numbers(line)?;
                    if let Some(&a) = v.first() {
                        minimiser.memory = (a as usize).max(1);
                        hef.subspace.memory = (a as usize).max(1);
                    }
                    if let Some(&a) = v.get(1) {
                        eigen.memory = (a as usize).max(1);
                    }
                    if let Some(&a) = v.get(3) {
                        dneb.memory = (a as usize).max(1);
                    }
                }
                "DGUESS" => {
                    let v = all_numbers(line)?;
                    if let Some(&a) = v.first() {
                        minimiser.dguess = a;
                        hef.subspace.dguess = a;
                    }
                    if let Some(&a) = v.get(1) {
                        eigen.dguess = a;
                    }
                    if let Some(&a) = v.get(2) {
                        dneb.dguess = a;
                    }
                }
                "MAXERISE" => {
                    minimiser.max_erise = line.f64(1)?;
                    hef.subspace.max_erise = minimiser.max_erise;
                    if let Some(v) = line.opt_f64(2)? {
                        eigen.max_erise = v;
                    }
                }
                "PUSHOFF" => connect.pushoff = line.f64(1)?,
                "EDIFFTOL" => connect.edifftol = line.f64(1)?,
                "GEOMDIFFTOL" => connect.geomdifftol = line.f64(1)?,
                "MAXTSENERGY" => connect.max_ts_energy = line.f64(1)?,
                "DUMPALLPATHS" => dump_all_paths = true,
                "DUMPPATH" | "DUMPBESTPATH" => dump_path = true,
                "DUMPDATA" => dump_data = true,
                "PATH" => {
                    path = true;
                    if task == Task::Minimise {
                        task = Task::TransitionState;
                        bfgsts = true;
                    }
                }
                "ENDNUMHESS" => numerical_hessian = true,
                "NOFRQS" => nofrqs = true,
                "NOHESS" => nohess = true,
                "NOIT" => noit = true,
                "CHECKINDEX" => hef.check_index = true,
                "REOPTIMISEENDPOINTS" => reoptimise_endpoints = true,
                "PERMDIST" => permdist = true,
                "NOINVERSION" => no_inversion = true,
                "RANROT" => ranrot = line.usize(1)?,
                "PARAMS" => params = all_numbers(line)?,
                "FREEZE" => {
                    for i in 1..=line.nargs() {
                        let k = line.usize(i)?;
                        if k == 0 {
                            return Err(line.error_at(i, "indices are 1-based"));
                        }
                        freeze.push(k);
                    }
                }
                "GPU" | "CUDA" => {
                    let args: Vec<String> = (1..=line.nargs())
                        .map(|i| line.string(i))
                        .collect::<Result<_, _>>()?;
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    gpu =
                        kernels::GpuRequest::from_keyword(kw, &refs).map_err(|m| line.error(m))?;
                }
                "NOREGBIAS" => noregbias = true,
                "MLPNORM" => {
                    if mlp.is_some() {
                        return Err(line.error("please put MLPNORM before MLP keyword"));
                    }
                    mlpnorm = true;
                }
                k if is_mlp_keyword(k) => {
                    if mlp.is_some() {
                        return Err(line.error("only one ML keyword per deck"));
                    }
                    mlp = Some(MlpLine {
                        keyword: k.to_string(),
                        args: all_numbers(line)?,
                        place: format!("{}:{}", line.file(), line.line_no()),
                    });
                }
                "POINTS" | "VARIABLES" => {}
                k if NO_OPS.contains(&k) => {}
                k if REJECTED.contains(&k) => return Err(line.not_supported()),
                _ => return Err(line.unknown()),
            }
        }
        if let Some(g) = gmax {
            minimiser.tolerance = g;
            hef.convr = g;
        }
        if let Some(n) = bfgssteps {
            minimiser.max_iterations = n;
        }
        if let Some(n) = steps {
            hef.max_steps = n;
        }
        // The OPTIM defaults (STEPS = BFGSSTEPS = 1) are useless for real runs; a deck that
        // asks for a TS search or a connection without them gets generous limits.
        if bfgsts && steps.is_none() {
            hef.max_steps = 200;
        }
        if bfgssteps.is_none() {
            minimiser.max_iterations = 10_000;
        }
        hef.subspace.tolerance = hef.convr;
        eigen.rayleigh_ritz = nohess && !noit;
        hef.eigen = eigen;
        let coords = Self::coordinates(deck)?;
        if let (Some(m), Coordinates::Atoms { .. }) = (&mlp, &coords) {
            return Err(DeckError::new(
                deck.file(),
                0,
                &m.keyword,
                "an MLP keyword needs VARIABLES, not POINTS",
            ));
        }
        Ok(OptimInput {
            task,
            minimiser,
            hef,
            dneb,
            connect,
            dump_all_paths,
            dump_path,
            dump_data,
            path,
            nofrqs,
            numerical_hessian,
            reoptimise_endpoints,
            permdist,
            no_inversion,
            ranrot,
            params,
            freeze,
            mlp,
            noregbias,
            mlpnorm,
            coords,
            gpu,
        })
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
