//! `landscape bench`: per-call times of a network loss on random data, for users who want to
//! know what a study will cost and to compare with other tools.
//!
//! `landscape bench MLPVB3 2 1 10 4 1000 1.0D-4 [--data N] [--threads T] [--json]` builds the
//! network of the deck line (any MLP keyword; `NOREGBIAS` may follow the numbers), draws `N`
//! random items (default the line's Ndata; inputs uniform in [−1, 1], labels uniform over the
//! classes, seed 1) and a random point (uniform in [−1, 1]), and times energy+gradient, the
//! Hessian-vector product and (for at most [`DENSE_HESSIAN_MAX`] variables) the dense Hessian
//! on `T` threads (default: all). The Hessian-vector product is timed twice: at one point with
//! one vector, as eigenvector-following's Rayleigh-Ritz iterations call it (many products at
//! one geometry: the potential reuses the point's forward pass), and at a new point every call
//! (two points alternating). Each figure is the median of five rounds, each round as many
//! calls as fit in a fifth of the time budget (`--seconds`, default 2 s per quantity). On more
//! than one thread the energy+gradient is also timed on one thread, its rounds alternating
//! with the `T`-thread rounds (so that the speed-up compares the same minutes of a machine
//! whose speed drifts), and the report gives the speed-up.

use anyhow::{bail, Context, Result};
use common::mlp::{Mlp, MlpData, MlpSpec};
use common::potential::Potential;
use common::rng::Stream;
use std::time::{Duration, Instant};

/// Networks with more variables skip the dense Hessian (a 7,960-variable Hessian takes about a
/// minute).
pub const DENSE_HESSIAN_MAX: usize = 2000;

/// What `landscape bench` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchArgs {
    /// The network keyword line as given (`MLPVB3 2 1 10 4 1000 1.0D-4`).
    pub line: String,
    /// The parsed network.
    pub spec: MlpSpec,
    /// Number of random data items.
    pub data: usize,
    /// Rayon threads (None: all).
    pub threads: Option<usize>,
    /// One JSON line instead of text.
    pub json: bool,
    /// Time budget per quantity.
    pub seconds: f64,
}

/// Parse the arguments after `bench`.
pub fn parse_args(args: &[String]) -> Result<BenchArgs> {
    let mut words: Vec<String> = Vec::new();
    let mut data = None;
    let mut threads = None;
    let mut json = false;
    let mut seconds = 2.0;
    let mut noregbias = false;
    let mut i = 0;
    let value = |i: usize, name: &str| -> Result<&String> {
        args.get(i + 1)
            .with_context(|| format!("{name} needs a value (see landscape --help)"))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--data" => {
                data = Some(positive_int(value(i, "--data")?, "--data")?);
                i += 1;
            }
            "--threads" => {
                threads = Some(positive_int(value(i, "--threads")?, "--threads")?);
                i += 1;
            }
            "--seconds" => {
                let v = value(i, "--seconds")?;
                seconds = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && s.is_finite())
                    .with_context(|| format!("--seconds: '{v}' is not a positive number"))?;
                i += 1;
            }
            "--json" => json = true,
            a if a.eq_ignore_ascii_case("NOREGBIAS") => noregbias = true,
            a if a.starts_with("--") => bail!("unknown option {a} (see landscape --help)"),
            a => words.extend(a.split_whitespace().map(String::from)),
        }
        i += 1;
    }
    let Some(keyword) = words.first() else {
        bail!("bench needs a network line, e.g. landscape bench MLPVB3 2 1 10 4 1000 1.0D-4");
    };
    let mut nums = Vec::new();
    for w in &words[1..] {
        nums.push(
            common::deck::list_directed_real(w)
                .with_context(|| format!("{keyword}: '{w}' is not a number"))?,
        );
    }
    let mut spec = MlpSpec::from_keyword(keyword, &nums).map_err(anyhow::Error::msg)?;
    if !spec.kind.energy_supported() {
        bail!("{keyword}: the energy of this keyword is not supported");
    }
    spec.noregbias = noregbias;
    Ok(BenchArgs {
        line: words.join(" "),
        data: data.unwrap_or(spec.ndata),
        spec,
        threads,
        json,
        seconds,
    })
}

fn positive_int(v: &str, name: &str) -> Result<usize> {
    v.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .with_context(|| format!("{name}: '{v}' is not a positive integer"))
}

/// Measured per-call times.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchResult {
    /// Threads used.
    pub threads: usize,
    /// Number of variables.
    pub nopt: usize,
    /// Energy+gradient, microseconds per call.
    pub energy_gradient_us: f64,
    /// Energy+gradient on one thread, in rounds alternating with the others (None when the
    /// run is on one thread).
    pub energy_gradient_one_thread_us: Option<f64>,
    /// Hessian-vector product at one point, microseconds per call.
    pub hessian_vector_us: f64,
    /// Hessian-vector product at a new point every call, microseconds per call.
    pub hessian_vector_new_point_us: f64,
    /// Dense Hessian, milliseconds per call (None above [`DENSE_HESSIAN_MAX`] variables).
    pub hessian_ms: Option<f64>,
}

/// Rounds per figure.
const ROUNDS: u32 = 5;

/// Seconds per call of `f` over one round of about `length` (at least one call).
fn round(length: Duration, f: &mut impl FnMut()) -> f64 {
    let t = Instant::now();
    let mut n = 0u64;
    while n == 0 || t.elapsed() < length {
        f();
        n += 1;
    }
    t.elapsed().as_secs_f64() / n as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median seconds per call of `f` over [`ROUNDS`] rounds within `budget`.
fn per_call(budget: Duration, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..ROUNDS)
            .map(|_| round(budget / ROUNDS, &mut f))
            .collect(),
    )
}

/// [`per_call`] of `f` in `pool` and of `g` in `other`, their rounds alternating.
fn per_call_alternating(
    budget: Duration,
    (pool, mut f): (&rayon::ThreadPool, impl FnMut() + Send),
    (other, mut g): (&rayon::ThreadPool, impl FnMut() + Send),
) -> (f64, f64) {
    pool.install(&mut f);
    other.install(&mut g);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(pool.install(|| round(budget / ROUNDS, &mut f)));
        b.push(other.install(|| round(budget / ROUNDS, &mut g)));
    }
    (median(a), median(b))
}

/// The network on `n` random items (seed 1) and a random point.
pub fn random_problem(spec: &MlpSpec, n: usize) -> Result<(Mlp, Vec<f64>)> {
    let mut s = Stream::new(1, 0xBE_4C);
    let nin = spec.nin;
    let inputs = (0..n * nin).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    let labels = (0..n).map(|_| s.index(spec.nout)).collect();
    let mut spec = spec.clone();
    spec.ndata = n;
    let mlp = Mlp::new(&spec, MlpData::new(nin, inputs, labels))?;
    let x = (0..mlp.nopt()).map(|_| s.uniform_in(-1.0, 1.0)).collect();
    Ok((mlp, x))
}

/// Run the measurements.
pub fn run(a: &BenchArgs) -> Result<BenchResult> {
    let (mlp, x) = random_problem(&a.spec, a.data)?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = a.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().context("cannot start the thread pool")?;
    let budget = Duration::from_secs_f64(a.seconds);
    let n = mlp.nopt();
    let (mlp_ref, x_ref) = (&mlp, &x);
    // A loop body of energy+gradient calls, with its own gradient buffer.
    let eg_call = || {
        let mut g = vec![0.0; n];
        move || {
            std::hint::black_box(mlp_ref.energy_gradient(x_ref, &mut g));
        }
    };
    let (eg, eg_one) = if pool.current_num_threads() > 1 {
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .context("cannot start the thread pool")?;
        let (eg, eg_one) = per_call_alternating(budget, (&pool, eg_call()), (&one, eg_call()));
        (eg, Some(eg_one))
    } else {
        (pool.install(|| per_call(budget, eg_call())), None)
    };
    pool.install(|| {
        let mut hv = vec![0.0; n];
        let v: Vec<f64> = (0..n).map(|i| ((i % 7) as f64 - 3.0) * 0.1).collect();
        let hvt = per_call(budget, || mlp.hessian_vector(&x, &v, &mut hv));
        let x2: Vec<f64> = x.iter().map(|a| a * 0.999).collect();
        let mut at_x2 = false;
        let hvt_new = per_call(budget, || {
            at_x2 = !at_x2;
            mlp.hessian_vector(if at_x2 { &x2 } else { &x }, &v, &mut hv)
        });
        let hess = (n <= DENSE_HESSIAN_MAX).then(|| {
            per_call(budget, || {
                std::hint::black_box(mlp.hessian(&x));
            })
        });
        Ok(BenchResult {
            threads: rayon::current_num_threads(),
            nopt: n,
            energy_gradient_us: eg * 1e6,
            energy_gradient_one_thread_us: eg_one.map(|t| t * 1e6),
            hessian_vector_us: hvt * 1e6,
            hessian_vector_new_point_us: hvt_new * 1e6,
            hessian_ms: hess.map(|h| h * 1e3),
        })
    })
}

/// The report: text lines, or one JSON line.
pub fn render(a: &BenchArgs, r: &BenchResult) -> String {
    let hess_json = r
        .hessian_ms
        .map_or("null".to_string(), |h| format!("{h:.4}"));
    if a.json {
        return format!(
            "{{\"network\": \"{}\", \"nopt\": {}, \"data\": {}, \"threads\": {}, \"energy_gradient_us\": {:.3}, \"energy_gradient_one_thread_us\": {}, \"hessian_vector_us\": {:.3}, \"hessian_vector_new_point_us\": {:.3}, \"hessian_ms\": {}}}\n",
            a.line,
            r.nopt,
            a.data,
            r.threads,
            r.energy_gradient_us,
            r.energy_gradient_one_thread_us
                .map_or("null".to_string(), |t| format!("{t:.3}")),
            r.hessian_vector_us,
            r.hessian_vector_new_point_us,
            hess_json
        );
    }
    let hess = r.hessian_ms.map_or(
        format!("skipped (more than {DENSE_HESSIAN_MAX} variables)"),
        |h| format!("{h:.4} ms per call"),
    );
    let speed_up = r
        .energy_gradient_one_thread_us
        .map_or(String::new(), |one| {
            format!(
                " ({:.2} x faster than one thread, {one:.3} us, in alternating rounds)",
                one / r.energy_gradient_us
            )
        });
    format!(
        "network           {} ({} variables{})\n\
         data              {} random items\n\
         threads           {}\n\
         energy+gradient   {:.3} us per call{speed_up}\n\
         Hessian-vector    {:.3} us per call ({:.2} x energy+gradient) at one point\n\
         \x20                 {:.3} us per call ({:.2} x) at a new point each call\n\
         dense Hessian     {hess}\n",
        a.line,
        r.nopt,
        if a.spec.noregbias { ", NOREGBIAS" } else { "" },
        a.data,
        r.threads,
        r.energy_gradient_us,
        r.hessian_vector_us,
        r.hessian_vector_us / r.energy_gradient_us,
        r.hessian_vector_new_point_us,
        r.hessian_vector_new_point_us / r.energy_gradient_us,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<BenchArgs> {
        let v: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse_args(&v)
    }

    #[test]
    fn parses_the_deck_line_and_options() {
        let a = args("MLPVB3 2 1 10 4 1000 1.0D-4 --threads 1 --json").unwrap();
        assert_eq!(a.spec.nopt(), 74);
        assert_eq!(a.spec.lambda, 1.0e-4);
        assert_eq!((a.data, a.threads, a.json), (1000, Some(1), true));
        let b = args("MLPMULTI 2 1 4 50 1.0D-4 2 5 5 NOREGBIAS --data 30").unwrap();
        assert_eq!(b.data, 30);
        assert!(b.spec.noregbias);
        for bad in [
            "",
            "MLPVB3 2 1 10 4 1000 x",
            "MLPVB3 2 1 10 4 1000 --data 0",
            "MLPVB3 2 1 10 4 1000 --threads",
            "MLPVB3 2 1 10 4 1000 --frob",
            "MLPB3 2 3 4 10",
        ] {
            assert!(args(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_line_holds_every_figure() {
        let a = args("MLPVB3 2 1 3 2 20 0.0 --json --seconds 0.05 --threads 1").unwrap();
        let r = run(&a).unwrap();
        assert!(r.energy_gradient_us > 0.0 && r.hessian_vector_us > 0.0);
        let line = render(&a, &r);
        assert!(
            line.starts_with("{\"network\": \"MLPVB3 2 1 3 2 20 0.0\""),
            "{line}"
        );
        for k in [
            "energy_gradient_us",
            "\"energy_gradient_one_thread_us\": null",
            "hessian_vector_us",
            "hessian_vector_new_point_us",
            "hessian_ms",
            "\"data\": 20",
        ] {
            assert!(line.contains(k), "{line}");
        }
        assert_eq!(line.lines().count(), 1);
    }

    /// On two threads the energy+gradient is also timed on one, and both reports say so.
    #[test]
    fn several_threads_report_the_speed_up_against_one() {
        let a = args("MLPVB3 2 1 3 2 20 0.0 --threads 2 --seconds 0.05").unwrap();
        let r = run(&a).unwrap();
        assert_eq!(r.threads, 2);
        let one = r
            .energy_gradient_one_thread_us
            .expect("timed on one thread");
        assert!(one > 0.0);
        let text = render(&a, &r);
        assert!(text.contains("faster than one thread"), "{text}");
        let json = render(&BenchArgs { json: true, ..a }, &r);
        assert!(
            json.contains(&format!("\"energy_gradient_one_thread_us\": {one:.3}")),
            "{json}"
        );
    }

    #[test]
    fn random_problem_has_the_requested_items() {
        let a = args("MLPVB3 2 1 3 2 20 0.0 --data 7").unwrap();
        let (mlp, x) = random_problem(&a.spec, a.data).unwrap();
        assert_eq!(mlp.data().ndata(), 7);
        assert_eq!(x.len(), a.spec.nopt());
        assert!(mlp.energy(&x).is_finite());
    }
}
