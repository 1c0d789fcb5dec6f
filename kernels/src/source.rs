//! The CUDA C source of the MLP loss kernels and the per-network header that specialises it.
//!
//! One translation unit holds every kernel; [`kernel_source`] prefixes [`KERNEL_BODY`] with a
//! generated header of compile-time constants (layer sizes and variable offsets of one
//! [`Network`]), so NVRTC sees constant loop bounds. The same text compiles as host C++ with
//! a small shim (the CPU emulation test in `kernels/tests/emulated.rs`), so the kernels'
//! arithmetic is checked on machines without a GPU.
//!
//! # Work decomposition (see also the crate documentation)
//!
//! - The data are split into chunks of [`CHUNK_ITEMS`] consecutive items. Launch grid
//!   `(G, M)`: `blockIdx.y` picks the weight vector (walker / image), `blockIdx.x = g` runs the
//!   chunks `g, g + G, g + 2G, ...` in that order, `G = min(nchunks, MAX_BLOCKS)` (a function of
//!   `Ndata` only, so a weight vector gets the same bits alone or in a batch).
//! - Within a block ([`THREADS`] threads) every layer is evaluated for all items of the chunk
//!   at once; buffers are node-major with the item index fastest (entry (node `t`, item `b`) at
//!   `t·CH + b`), as in the CPU path.
//! - Per-entry sums over a chunk's items (weight and bias gradients, Hv) are done by one warp:
//!   lane `l` sums items `l, l+32, ...` in order, then a fixed butterfly of `__shfl_xor_sync`
//!   combines the lanes, and lane 0 adds the result to the block's partial vector.
//! - Stage two: `reduce_partials` adds the `G` partial vectors of each weight vector in block
//!   order, one thread per component. The loss partials (one per block) are added on the host
//!   in block order. No floating-point atomics anywhere: repeated runs give identical bits.

use common::mlp::Network;

/// Items per chunk (one block processes one chunk at a time).
pub const CHUNK_ITEMS: usize = 64;
/// Threads per block (a multiple of 32).
pub const THREADS: usize = 256;
/// Upper bound on the number of blocks per weight vector (the partial-sum vectors).
pub const MAX_BLOCKS: usize = 512;
/// Threads per block of `reduce_partials`.
pub const REDUCE_THREADS: usize = 256;

// Whole warps per block, and within CUDA's (and the CPU emulation's) 1024 threads per block.
const _: () = assert!(THREADS.is_multiple_of(32) && THREADS <= 1024 && REDUCE_THREADS <= 1024);

/// The kernels every compiled module exports.
pub const KERNEL_NAMES: [&str; 3] = ["mlp_eg", "mlp_hv", "reduce_partials"];

/// Launch geometry for one data set: `(nchunks, G)`.
pub fn blocks_for(ndata: usize) -> (usize, usize) {
    let nchunks = ndata.div_ceil(CHUNK_ITEMS);
    (nchunks, nchunks.clamp(1, MAX_BLOCKS))
}

/// Doubles of per-block scratch: activations, deltas, probabilities, and the R-operator
/// activations and deltas (`(4·nodes + Nout)·CH`).
pub fn scratch_len(net: &Network) -> usize {
    let nodes: usize = net.sizes()[1..].iter().sum();
    (4 * nodes + net.nout()) * CHUNK_ITEMS
}

/// The full source for `net`: the generated header followed by [`KERNEL_BODY`].
pub fn kernel_source(net: &Network) -> String {
    let sizes = net.sizes();
    let nmat = net.n_matrices();
    let list = |v: Vec<usize>| {
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let woff: Vec<usize> = (0..=nmat).map(|k| net.weight_offset(k)).collect();
    let boff: Vec<usize> = (0..=nmat)
        .map(|k| {
            if k < nmat && net.has_biases() {
                net.bias_offset(k)
            } else {
                0
            }
        })
        .collect();
    let mut noff = vec![0usize];
    for &n in &sizes[1..] {
        noff.push(noff.last().copied().unwrap_or(0) + n);
    }
    let nodes = *noff.last().unwrap_or(&0);
    format!(
        "// Generated for layer sizes [{sizes}] ({bias}).\n\
         #define NIN {nin}\n\
         #define NOUT {nout}\n\
         #define NMAT {nmat}\n\
         #define NOPT {nopt}\n\
         #define NNODES {nodes}\n\
         #define HAS_BIAS {has_bias}\n\
         #define CH {ch}\n\
         #define NT {nt}\n\
         #define SCRATCH {scratch}\n\
         __constant__ int SZ[NMAT + 1] = {{{sz}}};\n\
         __constant__ int WOFF[NMAT + 1] = {{{woff}}};\n\
         __constant__ int BOFF[NMAT + 1] = {{{boff}}};\n\
         __constant__ int NOFF[NMAT + 1] = {{{noff}}};\n\
         {body}",
        sizes = list(sizes.to_vec()),
        bias = if net.has_biases() {
            "with biases"
        } else {
            "no biases"
        },
        nin = net.nin(),
        nout = net.nout(),
        nopt = net.nopt(),
        has_bias = u8::from(net.has_biases()),
        ch = CHUNK_ITEMS,
        nt = THREADS,
        scratch = scratch_len(net),
        sz = list(sizes.to_vec()),
        woff = list(woff),
        boff = list(boff),
        noff = list(noff),
        body = KERNEL_BODY,
    )
}

/// The kernels (CUDA C, f64). Needs the constants of the generated header.
///
/// Kernel signatures (all pointers to device memory, row-major, 0-based):
///
/// - `mlp_eg(w_all[M·NOPT], xT[NIN·ndata], labels[ndata], ndata, nchunks, want_grad,
///   scratch[M·G·SCRATCH], part_g[M·G·NOPT], part_e[M·G])`: grid `(G, M)`. Block `(g, m)`
///   writes the sum of `−ln p_c` over its chunks to `part_e[m·G + g]` and, when `want_grad`,
///   the sum of the item gradients to `part_g[(m·G + g)·NOPT ..]`.
/// - `mlp_hv(w_all, v_all[M·NOPT], xT, labels, ndata, nchunks, scratch, part[M·G·NOPT])`:
///   the same for `Σ_d H_d v` by the R-operator.
/// - `reduce_partials(part[M·G·len], G, len, total = M·len, out[M·len])`: `out[m·len + j] =
///   Σ_g part[(m·G + g)·len + j]`, `g` ascending.
///
/// `xT` is the input matrix transposed (feature-major, `xT[s·ndata + d]`), labels are 0-based.
pub const KERNEL_BODY: &str = r#"
#define NWARPS (NT / 32)
#define LAYER(j) (NOFF[(j) - 1] * CH)   /* start of layer j (1..NMAT) in a node buffer */

__device__ __forceinline__ double warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

/* Node s of layer k (k = 0: the inputs) for item b of the chunk starting at item d0. */
__device__ __forceinline__ double node_value(int k, int s, int b, const double *__restrict__ xT,
                                             int ndata, int d0, const double *act) {
    return k == 0 ? xT[(size_t)s * ndata + d0 + b] : act[LAYER(k) + s * CH + b];
}

/* Forward pass: act holds every hidden (tanh) and output (linear) node. */
__device__ void forward(const double *__restrict__ w, const double *__restrict__ xT, int ndata,
                        int d0, int nc, double *act) {
    for (int k = 0; k < NMAT; ++k) {
        const int S = SZ[k], T = SZ[k + 1];
        const double *Wk = w + WOFF[k];
        double *dst = act + LAYER(k + 1);
        for (int e = threadIdx.x; e < T * CH; e += NT) {
            const int t = e / CH, b = e % CH;
            if (b >= nc) continue;
            double a = HAS_BIAS ? w[BOFF[k] + t] : 0.0;
            const double *wr = Wk + t * S;
            if (k == 0) {
                const double *xc = xT + d0 + b;
                for (int s = 0; s < S; ++s) a += wr[s] * xc[(size_t)s * ndata];
            } else {
                const double *z = act + LAYER(k) + b;
                for (int s = 0; s < S; ++s) a += wr[s] * z[s * CH];
            }
            dst[t * CH + b] = (k + 1 < NMAT) ? tanh(a) : a;
        }
        __syncthreads();
    }
}

/* Softmax (max-shifted), per-item loss into lossb, output deltas p - e_c into del. */
__device__ void softmax(const int *__restrict__ labels, int d0, int nc, const double *act,
                        double *p, double *del, double *lossb) {
    for (int b = threadIdx.x; b < nc; b += NT) {
        const double *y = act + LAYER(NMAT) + b;
        double m = y[0];
        for (int i = 1; i < NOUT; ++i) m = fmax(m, y[i * CH]);
        double s = 0.0;
        for (int i = 0; i < NOUT; ++i) {
            const double e = exp(y[i * CH] - m);
            p[i * CH + b] = e;
            s += e;
        }
        const int c = labels[d0 + b];
        for (int i = 0; i < NOUT; ++i) {
            const double pi = p[i * CH + b] / s;
            p[i * CH + b] = pi;
            del[LAYER(NMAT) + i * CH + b] = (i == c) ? pi - 1.0 : pi;
        }
        lossb[b] = log(s) - (y[c * CH] - m);
    }
    __syncthreads();
}

/* Backward pass: adds the chunk's gradient sum to pg. */
__device__ void backward(const double *__restrict__ w, const double *__restrict__ xT, int ndata,
                         int d0, int nc, const double *act, double *del, double *pg) {
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    for (int k = NMAT - 1; k >= 0; --k) {
        const int S = SZ[k], T = SZ[k + 1];
        const double *d = del + LAYER(k + 1);
        for (int idx = warp; idx < T * S; idx += NWARPS) {
            const int t = idx / S, s = idx % S;
            double acc = 0.0;
            for (int b = lane; b < nc; b += 32) {
                acc += d[t * CH + b] * node_value(k, s, b, xT, ndata, d0, act);
            }
            acc = warp_sum(acc);
            if (lane == 0) pg[WOFF[k] + idx] += acc;
        }
        if (HAS_BIAS) {
            for (int t = warp; t < T; t += NWARPS) {
                double acc = 0.0;
                for (int b = lane; b < nc; b += 32) acc += d[t * CH + b];
                acc = warp_sum(acc);
                if (lane == 0) pg[BOFF[k] + t] += acc;
            }
        }
        if (k > 0) {
            const double *Wk = w + WOFF[k];
            double *dk = del + LAYER(k);
            const double *z = act + LAYER(k);
            for (int e = threadIdx.x; e < S * CH; e += NT) {
                const int s = e / CH, b = e % CH;
                if (b >= nc) continue;
                double acc = 0.0;
                for (int t = 0; t < T; ++t) acc += Wk[t * S + s] * d[t * CH + b];
                const double zv = z[s * CH + b];
                dk[s * CH + b] = acc * (1.0 - zv * zv);
            }
        }
        __syncthreads();
    }
}

extern "C" __global__ void __launch_bounds__(NT)
mlp_eg(const double *__restrict__ w_all, const double *__restrict__ xT,
       const int *__restrict__ labels, int ndata, int nchunks, int want_grad, double *scratch,
       double *part_g, double *part_e) {
    __shared__ double lossb[CH];
    const int G = gridDim.x, g = blockIdx.x, m = blockIdx.y;
    const size_t blk = (size_t)m * G + g;
    const double *w = w_all + (size_t)m * NOPT;
    double *act = scratch + blk * SCRATCH;
    double *del = act + NNODES * CH;
    double *p = del + NNODES * CH;
    double *pg = part_g + blk * NOPT;
    if (want_grad) {
        for (int j = threadIdx.x; j < NOPT; j += NT) pg[j] = 0.0;
    }
    __syncthreads();
    double eacc = 0.0;
    for (int c = g; c < nchunks; c += G) {
        const int d0 = c * CH;
        const int nc = min(CH, ndata - d0);
        forward(w, xT, ndata, d0, nc, act);
        softmax(labels, d0, nc, act, p, del, lossb);
        if (threadIdx.x == 0) {
            double cs = 0.0;
            for (int b = 0; b < nc; ++b) cs += lossb[b];
            eacc += cs;
        }
        if (want_grad) backward(w, xT, ndata, d0, nc, act, del, pg);
        __syncthreads();
    }
    if (threadIdx.x == 0) part_e[blk] = eacc;
}

extern "C" __global__ void __launch_bounds__(NT)
mlp_hv(const double *__restrict__ w_all, const double *__restrict__ v_all,
       const double *__restrict__ xT, const int *__restrict__ labels, int ndata, int nchunks,
       double *scratch, double *part) {
    __shared__ double lossb[CH];
    const int G = gridDim.x, g = blockIdx.x, m = blockIdx.y;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const size_t blk = (size_t)m * G + g;
    const double *w = w_all + (size_t)m * NOPT;
    const double *v = v_all + (size_t)m * NOPT;
    double *act = scratch + blk * SCRATCH;
    double *del = act + NNODES * CH;
    double *p = del + NNODES * CH;
    double *ract = p + NOUT * CH;
    double *rdel = ract + NNODES * CH;
    double *ph = part + blk * NOPT;
    for (int j = threadIdx.x; j < NOPT; j += NT) ph[j] = 0.0;
    __syncthreads();
    for (int c = g; c < nchunks; c += G) {
        const int d0 = c * CH;
        const int nc = min(CH, ndata - d0);
        forward(w, xT, ndata, d0, nc, act);
        softmax(labels, d0, nc, act, p, del, lossb);

        /* R-forward: R{a_{k+1}} = V_k z_k + W_k R{z_k} + R{b_k}; R{z} = (1 - z^2) R{a}. */
        for (int k = 0; k < NMAT; ++k) {
            const int S = SZ[k], T = SZ[k + 1];
            const double *Wk = w + WOFF[k];
            const double *Vk = v + WOFF[k];
            double *dst = ract + LAYER(k + 1);
            for (int e = threadIdx.x; e < T * CH; e += NT) {
                const int t = e / CH, b = e % CH;
                if (b >= nc) continue;
                double a = HAS_BIAS ? v[BOFF[k] + t] : 0.0;
                for (int s = 0; s < S; ++s) {
                    a += Vk[t * S + s] * node_value(k, s, b, xT, ndata, d0, act);
                }
                if (k > 0) {
                    const double *rz = ract + LAYER(k) + b;
                    for (int s = 0; s < S; ++s) a += Wk[t * S + s] * rz[s * CH];
                }
                if (k + 1 < NMAT) {
                    const double zv = act[LAYER(k + 1) + t * CH + b];
                    a *= 1.0 - zv * zv;
                }
                dst[t * CH + b] = a;
            }
            __syncthreads();
        }

        /* Output: R{delta} = p (R{y} - p . R{y}). */
        for (int b = threadIdx.x; b < nc; b += NT) {
            const double *ry = ract + LAYER(NMAT) + b;
            double pr = 0.0;
            for (int i = 0; i < NOUT; ++i) pr += p[i * CH + b] * ry[i * CH];
            for (int i = 0; i < NOUT; ++i) {
                rdel[LAYER(NMAT) + i * CH + b] = p[i * CH + b] * (ry[i * CH] - pr);
            }
        }
        __syncthreads();

        /* Backward with R: R{dW_k} = R{delta} z^T + delta R{z}^T, R{db_k} = R{delta};
           R{e} = W^T R{delta} + V^T delta, R{delta_k} = R{e}(1 - z^2) - 2 e z R{z}. */
        for (int k = NMAT - 1; k >= 0; --k) {
            const int S = SZ[k], T = SZ[k + 1];
            const double *d = del + LAYER(k + 1);
            const double *rd = rdel + LAYER(k + 1);
            for (int idx = warp; idx < T * S; idx += NWARPS) {
                const int t = idx / S, s = idx % S;
                double acc = 0.0;
                for (int b = lane; b < nc; b += 32) {
                    double a = rd[t * CH + b] * node_value(k, s, b, xT, ndata, d0, act);
                    if (k > 0) a += d[t * CH + b] * ract[LAYER(k) + s * CH + b];
                    acc += a;
                }
                acc = warp_sum(acc);
                if (lane == 0) ph[WOFF[k] + idx] += acc;
            }
            if (HAS_BIAS) {
                for (int t = warp; t < T; t += NWARPS) {
                    double acc = 0.0;
                    for (int b = lane; b < nc; b += 32) acc += rd[t * CH + b];
                    acc = warp_sum(acc);
                    if (lane == 0) ph[BOFF[k] + t] += acc;
                }
            }
            if (k > 0) {
                const double *Wk = w + WOFF[k];
                const double *Vk = v + WOFF[k];
                double *dk = del + LAYER(k);
                double *rdk = rdel + LAYER(k);
                const double *z = act + LAYER(k);
                const double *rz = ract + LAYER(k);
                for (int e = threadIdx.x; e < S * CH; e += NT) {
                    const int s = e / CH, b = e % CH;
                    if (b >= nc) continue;
                    double ee = 0.0, re = 0.0;
                    for (int t = 0; t < T; ++t) {
                        const double wts = Wk[t * S + s];
                        const double dt = d[t * CH + b];
                        ee += wts * dt;
                        re += wts * rd[t * CH + b] + Vk[t * S + s] * dt;
                    }
                    const double zv = z[s * CH + b];
                    const double dz = 1.0 - zv * zv;
                    dk[s * CH + b] = ee * dz;
                    rdk[s * CH + b] = re * dz - 2.0 * ee * zv * rz[s * CH + b];
                }
            }
            __syncthreads();
        }
    }
}

extern "C" __global__ void reduce_partials(const double *__restrict__ part, int G, int len,
                                           int total, double *out) {
    const int stride = gridDim.x * blockDim.x;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        const int m = i / len, j = i % len;
        const double *src = part + (size_t)m * G * len + j;
        double s = 0.0;
        for (int g = 0; g < G; ++g) s += src[(size_t)g * len];
        out[i] = s;
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants() {
        let net = Network::new(vec![4, 3, 2], true).unwrap();
        let src = kernel_source(&net);
        assert!(src.contains("#define NOPT 23\n"));
        assert!(src.contains("#define NNODES 5\n"));
        assert!(src.contains("__constant__ int WOFF[NMAT + 1] = {0, 12, 18};"));
        assert!(src.contains("__constant__ int BOFF[NMAT + 1] = {18, 21, 0};"));
        assert!(src.contains("__constant__ int NOFF[NMAT + 1] = {0, 3, 5};"));
        for name in KERNEL_NAMES {
            assert!(
                src.contains(&format!("\n{name}(")) || src.contains(&format!(" {name}(")),
                "{name}"
            );
        }
        let nb = Network::new(vec![2, 3, 2], false).unwrap();
        assert!(kernel_source(&nb).contains("#define HAS_BIAS 0\n"));
    }

    #[test]
    fn geometry() {
        assert_eq!(blocks_for(1), (1, 1));
        assert_eq!(blocks_for(64), (1, 1));
        assert_eq!(blocks_for(65), (2, 2));
        assert_eq!(blocks_for(60000), (938, MAX_BLOCKS));
    }
}
