//! The CUDA kernels' arithmetic checked without a GPU: the generated kernel source is compiled
//! as host C++ (g++) with a small shim that runs every CUDA thread of a block as a fiber
//! (`__syncthreads` and the warp shuffles are barriers), the grid one block at a time. The
//! sums then go through the same host finishing as [`kernels::GpuMlp`] and are compared with
//! the CPU path [`common::mlp::Mlp`] (energy and gradient to 1e-12 relative, Hv to 1e-10).
//! Skipped, visibly, when g++ is absent.

mod support;

use std::path::Path;
use std::process::Command;

use common::mlp::Mlp;
use common::potential::Potential;
use kernels::host;
use kernels::source::{blocks_for, kernel_source, scratch_len, REDUCE_THREADS};
use support::{random_mlp, random_vb3nn, random_vector, rel, rel_diff, skipped};

/// CUDA built-ins for host C++. Blocks run one after another, so `__shared__` can be `static`.
const SHIM: &str = r#"
#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstddef>
#include <cstdlib>
#include <ucontext.h>
using std::min;
/* Every CUDA thread of a block is a fiber on one OS thread; fibers switch only at barriers
   (round robin), so a missing __syncthreads reads stale (NaN-initialised) scratch. */
struct emu_dim3 { unsigned x, y, z; };
static emu_dim3 threadIdx, blockIdx, gridDim, blockDim;
#define EMU_MAX_T 1024
#define EMU_STACK (128 * 1024)
static ucontext_t emu_uc[EMU_MAX_T];
static jmp_buf emu_jb[EMU_MAX_T], emu_main_jb;
static bool emu_started[EMU_MAX_T], emu_done[EMU_MAX_T];
static unsigned emu_nt, emu_alive;
static char *emu_stacks;
static void (*emu_body)(void *);
static void *emu_arg;
static void emu_goto(unsigned to) { /* never returns */
    threadIdx.x = to;
    if (!emu_started[to]) {
        emu_started[to] = true;
        setcontext(&emu_uc[to]);
    }
    _longjmp(emu_jb[to], 1);
}
static unsigned emu_next(unsigned me) {
    unsigned n = (me + 1) % emu_nt;
    while (emu_done[n]) n = (n + 1) % emu_nt;
    return n;
}
static void emu_yield() {
    const unsigned me = threadIdx.x;
    const unsigned n = emu_next(me);
    if (n == me) return;
    if (_setjmp(emu_jb[me]) == 0) emu_goto(n);
    threadIdx.x = me;
}
static void emu_fiber() {
    emu_body(emu_arg);
    const unsigned me = threadIdx.x;
    emu_done[me] = true;
    if (--emu_alive == 0) _longjmp(emu_main_jb, 1);
    emu_goto(emu_next(me));
}
struct emu_bar { unsigned count, gen, n; };
static emu_bar emu_block_bar, emu_warp_bar[EMU_MAX_T / 32];
static void emu_wait(emu_bar &b) {
    const unsigned g = b.gen;
    if (++b.count == b.n) { b.count = 0; ++b.gen; return; }
    while (b.gen == g) emu_yield();
}
static double emu_shfl[2][EMU_MAX_T];
static unsigned emu_parity[EMU_MAX_T];
#define __global__
#define __device__
#define __constant__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static
static inline void __syncthreads() { emu_wait(emu_block_bar); }
static inline double __shfl_xor_sync(unsigned, double v, int o) {
    /* Double-buffered: the next shuffle writes the other buffer, and the one after can only
       start once every lane has passed the barrier of the next one (done reading this one). */
    const unsigned t = threadIdx.x, p = emu_parity[t];
    emu_parity[t] ^= 1u;
    emu_shfl[p][t] = v;
    emu_wait(emu_warp_bar[t / 32]);
    return emu_shfl[p][t ^ (unsigned)o];
}
template <class F> static void emu_launch(unsigned gx, unsigned gy, unsigned nt, F body) {
    gridDim = {gx, gy, 1};
    blockDim = {nt, 1, 1};
    emu_nt = nt;
    if (!emu_stacks) emu_stacks = (char *)malloc((size_t)EMU_MAX_T * EMU_STACK);
    emu_body = [](void *a) { (*(F *)a)(); };
    emu_arg = &body;
    for (unsigned by = 0; by < gy; ++by) {
        for (unsigned bx = 0; bx < gx; ++bx) {
            blockIdx = {bx, by, 0};
            emu_block_bar = {0, 0, nt};
            for (unsigned w = 0; w < nt / 32; ++w) emu_warp_bar[w] = {0, 0, 32};
            for (unsigned t = 0; t < nt; ++t) {
                emu_started[t] = emu_done[t] = false;
                emu_parity[t] = 0;
                getcontext(&emu_uc[t]);
                emu_uc[t].uc_stack.ss_sp = emu_stacks + (size_t)t * EMU_STACK;
                emu_uc[t].uc_stack.ss_size = EMU_STACK;
                emu_uc[t].uc_link = nullptr;
                makecontext(&emu_uc[t], emu_fiber, 0);
            }
            emu_alive = nt;
            if (_setjmp(emu_main_jb) == 0) emu_goto(0);
        }
    }
}
"#;

const LAUNCHERS: &str = r#"
extern "C" void emu_eg(unsigned G, unsigned M, const double *w, const double *xT,
                       const int *labels, int ndata, int nchunks, int want_grad,
                       double *scratch, double *part_g, double *part_e) {
    emu_launch(G, M, NT, [&] {
        mlp_eg(w, xT, labels, ndata, nchunks, want_grad, scratch, part_g, part_e);
    });
}
extern "C" void emu_hv(unsigned G, unsigned M, const double *w, const double *v,
                       const double *xT, const int *labels, int ndata, int nchunks,
                       double *scratch, double *part) {
    emu_launch(G, M, NT, [&] { mlp_hv(w, v, xT, labels, ndata, nchunks, scratch, part); });
}
extern "C" void emu_reduce(unsigned blocks, unsigned threads, const double *part, int G,
                           int len, int total, double *out) {
    emu_launch(blocks, 1, threads, [&] { reduce_partials(part, G, len, total, out); });
}
"#;

type EgFn = unsafe extern "C" fn(
    u32,
    u32,
    *const f64,
    *const f64,
    *const i32,
    i32,
    i32,
    i32,
    *mut f64,
    *mut f64,
    *mut f64,
);
type HvFn = unsafe extern "C" fn(
    u32,
    u32,
    *const f64,
    *const f64,
    *const f64,
    *const i32,
    i32,
    i32,
    *mut f64,
    *mut f64,
);
type ReduceFn = unsafe extern "C" fn(u32, u32, *const f64, i32, i32, i32, *mut f64);

fn gxx_available() -> bool {
    Command::new("g++")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The kernels of one network, compiled for the host.
struct Emulated {
    lib: libloading::Library,
    mlp: Mlp,
    xt: Vec<f64>,
    labels: Vec<i32>,
    scratch: usize,
    _dir: tempfile::TempDir,
}

impl Emulated {
    fn build(mlp: Mlp) -> Emulated {
        let dir = tempfile::tempdir().unwrap();
        let src = format!("{SHIM}\n{}\n{LAUNCHERS}", kernel_source(mlp.network()));
        let cpp = dir.path().join("emu.cpp");
        std::fs::write(&cpp, src).unwrap();
        let so = dir.path().join("libemu.so");
        compile(&cpp, &so);
        // SAFETY: a library we just built; its initialisers are trivial.
        let lib = unsafe { libloading::Library::new(&so) }.unwrap();
        Emulated {
            lib,
            xt: host::transpose_inputs(&mlp),
            labels: host::labels_i32(&mlp),
            scratch: scratch_len(mlp.network()),
            mlp,
            _dir: dir,
        }
    }

    fn reduce(&self, part: &[f64], g: usize, len: usize, m: usize) -> Vec<f64> {
        let f: libloading::Symbol<ReduceFn> = unsafe { self.lib.get(b"emu_reduce") }.unwrap();
        let total = m * len;
        let mut out = vec![f64::NAN; total];
        let blocks = total.div_ceil(REDUCE_THREADS).clamp(1, 4) as u32;
        // SAFETY: buffers sized as the kernel indexes them.
        unsafe {
            f(
                blocks,
                REDUCE_THREADS as u32,
                part.as_ptr(),
                g as i32,
                len as i32,
                total as i32,
                out.as_mut_ptr(),
            )
        };
        out
    }

    /// (energy, gradient) for each x, with `g` blocks per weight vector.
    fn eg(&self, xs: &[&[f64]], g: usize) -> Vec<(f64, Vec<f64>)> {
        let f: libloading::Symbol<EgFn> = unsafe { self.lib.get(b"emu_eg") }.unwrap();
        let (m, nopt) = (xs.len(), self.mlp.nopt());
        let ndata = self.mlp.data().ndata();
        let (nchunks, _) = blocks_for(ndata);
        let w: Vec<f64> = xs.iter().flat_map(|x| x.iter().copied()).collect();
        let mut scratch = vec![f64::NAN; m * g * self.scratch];
        let mut part_g = vec![f64::NAN; m * g * nopt];
        let mut part_e = vec![f64::NAN; m * g];
        // SAFETY: buffers sized as the kernel indexes them.
        unsafe {
            f(
                g as u32,
                m as u32,
                w.as_ptr(),
                self.xt.as_ptr(),
                self.labels.as_ptr(),
                ndata as i32,
                nchunks as i32,
                1,
                scratch.as_mut_ptr(),
                part_g.as_mut_ptr(),
                part_e.as_mut_ptr(),
            )
        };
        let sums = self.reduce(&part_g, g, nopt, m);
        xs.iter()
            .enumerate()
            .map(|(i, x)| {
                let loss = host::sum_in_order(&part_e[i * g..(i + 1) * g]);
                let mut grad = sums[i * nopt..(i + 1) * nopt].to_vec();
                host::finish_gradient(&self.mlp, x, &mut grad);
                (host::finish_energy(&self.mlp, x, loss), grad)
            })
            .collect()
    }

    fn hv(&self, x: &[f64], v: &[f64], g: usize) -> Vec<f64> {
        let f: libloading::Symbol<HvFn> = unsafe { self.lib.get(b"emu_hv") }.unwrap();
        let nopt = self.mlp.nopt();
        let ndata = self.mlp.data().ndata();
        let (nchunks, _) = blocks_for(ndata);
        let vm = host::masked_direction(&self.mlp, v);
        let mut scratch = vec![f64::NAN; g * self.scratch];
        let mut part = vec![f64::NAN; g * nopt];
        // SAFETY: buffers sized as the kernel indexes them.
        unsafe {
            f(
                g as u32,
                1,
                x.as_ptr(),
                vm.as_ptr(),
                self.xt.as_ptr(),
                self.labels.as_ptr(),
                ndata as i32,
                nchunks as i32,
                scratch.as_mut_ptr(),
                part.as_mut_ptr(),
            )
        };
        let mut h = self.reduce(&part, g, nopt, 1);
        host::finish_hv(&self.mlp, &vm, &mut h);
        h
    }
}

fn compile(cpp: &Path, so: &Path) {
    let out = Command::new("g++")
        .args([
            "-O1",
            "-std=c++17",
            "-shared",
            "-fPIC",
            "-U_FORTIFY_SOURCE",
            "-o",
        ])
        .arg(so)
        .arg(cpp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "g++ failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compare the emulated kernels with the CPU path at `x` (and a second point), for the
/// launcher's block count and for fewer blocks than chunks (blocks striding over chunks).
fn check(what: &str, mlp: Mlp, x: Vec<f64>) {
    let emu = Emulated::build(mlp);
    let mlp = &emu.mlp;
    let nopt = mlp.nopt();
    let (nchunks, g_default) = blocks_for(mlp.data().ndata());
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(99);
    let x2 = random_vector(&mut rng, nopt, 1.0);
    let v = random_vector(&mut rng, nopt, 1.0);
    let mut gc = vec![0.0; nopt];
    let (mut worst_e, mut worst_g, mut worst_h) = (0.0f64, 0.0f64, 0.0f64);
    for g in [g_default, 1, 2.min(nchunks)] {
        let res = emu.eg(&[&x, &x2], g);
        for (xx, (e, grad)) in [&x, &x2].into_iter().zip(&res) {
            let ec = mlp.energy_gradient(xx, &mut gc);
            assert!(rel(*e, ec) <= 1e-12, "{what} G={g}: energy {e} vs CPU {ec}");
            worst_e = worst_e.max(rel(*e, ec));
            let d = rel_diff(grad, &gc);
            worst_g = worst_g.max(d);
            assert!(d <= 1e-12, "{what} G={g}: gradient differs by {d:e}");
            if let Some(m) = mlp.frozen() {
                for (i, gv) in grad.iter().enumerate() {
                    if m.is_frozen(i) {
                        assert_eq!(*gv, 0.0, "{what}: frozen component {i}");
                    }
                }
            }
        }
        // A weight vector alone gives the same bits as in a batch.
        let alone = emu.eg(&[&x2], g);
        assert_eq!(
            alone[0].0.to_bits(),
            res[1].0.to_bits(),
            "{what}: batch energy"
        );
        assert!(
            alone[0]
                .1
                .iter()
                .zip(&res[1].1)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{what}: batch gradient bits"
        );
        let h = emu.hv(&x, &v, g);
        let mut hc = vec![0.0; nopt];
        mlp.hessian_vector(&x, &v, &mut hc);
        let d = rel_diff(&h, &hc);
        assert!(d <= 1e-10, "{what} G={g}: Hv differs by {d:e}");
        worst_h = worst_h.max(d);
    }
    // Repeated runs: identical bits.
    let a = emu.eg(&[&x], g_default);
    let b = emu.eg(&[&x], g_default);
    assert_eq!(a[0].0.to_bits(), b[0].0.to_bits());
    assert!(a[0]
        .1
        .iter()
        .zip(&b[0].1)
        .all(|(p, q)| p.to_bits() == q.to_bits()));
    eprintln!(
        "{what}: emulated kernels vs CPU (nchunks {nchunks}): energy {worst_e:.1e}, \
         gradient {worst_g:.1e}, Hv {worst_h:.1e} (relative)"
    );
}

macro_rules! emulated_test {
    ($name:ident, $what:expr, $make:expr) => {
        #[test]
        fn $name() {
            if !gxx_available() {
                skipped(
                    stringify!($name),
                    "g++ not found (needed to run the CUDA kernels on the CPU)",
                );
                return;
            }
            let (mlp, x) = $make;
            check($what, mlp, x);
        }
    };
}

// 150 items: two full chunks and one of 22 (fewer items than a warp in the last chunk).
emulated_test!(
    mlpvb3,
    "MLPVB3 [3,6,4]",
    random_mlp(&[3, 6, 4], true, 150, 1.0e-3, false, 1)
);
emulated_test!(
    mlpvb3_noregbias,
    "MLPVB3 [2,10,4] NOREGBIAS",
    random_mlp(&[2, 10, 4], true, 100, 1.0e-2, true, 2)
);
emulated_test!(
    mlpvb3nn,
    "MLPVB3NN [4,3,2] Nneigh 1",
    random_vb3nn(4, 3, 2, 90, 1, 3)
);
emulated_test!(
    mlpmulti,
    "MLPMULTI [3,5,4,3]",
    random_mlp(&[3, 5, 4, 3], true, 150, 1.0e-4, false, 4)
);
emulated_test!(
    mlpmulti_deep,
    "MLPMULTI [2,4,4,4,4]",
    random_mlp(&[2, 4, 4, 4, 4], true, 70, 0.0, false, 5)
);
emulated_test!(
    mlp3_no_biases,
    "MLP3 [2,3,2]",
    random_mlp(&[2, 3, 2], false, 33, 1.0e-3, false, 6)
);
emulated_test!(
    mnist_shape,
    "MNIST-shaped [784,10,10]",
    random_mlp(&[784, 10, 10], true, 80, 1.0e-4, false, 7)
);
emulated_test!(
    single_item,
    "one item [2,3,2]",
    random_mlp(&[2, 3, 2], true, 1, 0.0, false, 8)
);
