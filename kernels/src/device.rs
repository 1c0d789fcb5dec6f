//! [`GpuMlp`]: the MLP loss evaluated by the CUDA kernels.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::mlp::Mlp;
use common::potential::{FrozenMask, Potential};
use cudarc::driver::{
    CudaContext, CudaFunction, CudaModule, CudaSlice, CudaStream, LaunchConfig, PushKernelArg,
};
use cudarc::nvrtc::Ptx;
use nalgebra::DMatrix;

use crate::compile::{compile_cubin, compile_ptx};
use crate::error::{panic_text, GpuError};
use crate::host;
use crate::probe::{probe, unavailable_reason, GpuRequest};
use crate::source::{blocks_for, scratch_len, REDUCE_THREADS, THREADS};

/// Device memory one batch launch may use for its scratch and partial sums; larger batches
/// are split into groups (the results do not depend on the grouping).
const BATCH_BYTES: usize = 1 << 30;

/// Largest grid y-dimension (weight vectors per launch).
const MAX_GRID_Y: usize = 65_535;

/// Why [`GpuMlp::new`] failed, with the CPU potential handed back.
#[derive(Debug)]
pub struct GpuInitFailure {
    /// What went wrong.
    pub error: GpuError,
    /// The potential, unchanged.
    pub mlp: Mlp,
}

/// The device, its compiled kernels, the data (uploaded once) and reusable buffers.
struct DeviceState {
    ctx: Arc<CudaContext>,
    stream: Arc<CudaStream>,
    f_eg: CudaFunction,
    f_hv: CudaFunction,
    f_reduce: CudaFunction,
    xt: CudaSlice<f64>,
    labels: CudaSlice<i32>,
    w: Option<CudaSlice<f64>>,
    v: Option<CudaSlice<f64>>,
    scratch: Option<CudaSlice<f64>>,
    part: Option<CudaSlice<f64>>,
    part_e: Option<CudaSlice<f64>>,
    out: Option<CudaSlice<f64>>,
}

/// A buffer of at least `len` doubles (reallocated only when too small).
fn ensure<'a>(
    stream: &Arc<CudaStream>,
    slot: &'a mut Option<CudaSlice<f64>>,
    len: usize,
) -> Result<&'a mut CudaSlice<f64>, GpuError> {
    let len = len.max(1);
    if slot.as_ref().is_none_or(|b| b.len() < len) {
        *slot = None; // free first
        *slot = Some(stream.alloc_zeros::<f64>(len)?);
    }
    Ok(slot.as_mut().expect("just allocated"))
}

/// The MLP loss on an NVIDIA GPU: energy, gradient and Hessian-vector products by the CUDA
/// kernels of this crate (f64), the dense Hessian by the CPU [`Mlp`] it wraps. Results equal
/// the CPU path's to rounding (same formula, different summation order); repeated calls give
/// identical bits. Frozen variables are masked exactly as [`Mlp`] masks them.
///
/// If a GPU call fails after construction (a driver error), the error is logged once and this
/// potential continues on the CPU path.
pub struct GpuMlp {
    cpu: Mlp,
    nchunks: usize,
    blocks: usize,
    scratch: usize,
    device: usize,
    name: String,
    state: Mutex<Box<DeviceState>>,
    broken: AtomicBool,
}

impl std::fmt::Debug for GpuMlp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuMlp")
            .field("device", &self.device)
            .field("name", &self.name)
            .field("sizes", &self.cpu.network().sizes())
            .field("ndata", &self.cpu.data().ndata())
            .finish()
    }
}

impl GpuMlp {
    /// Compile the kernels for `mlp`'s network on CUDA device `device` (0-based) and upload
    /// its data. On failure the CPU potential comes back in the error. Never panics: the
    /// CUDA libraries are checked first and any panic in the bindings is contained.
    pub fn new(mlp: Mlp, device: usize) -> Result<GpuMlp, Box<GpuInitFailure>> {
        let fail = |error: GpuError, mlp: Mlp| Err(Box::new(GpuInitFailure { error, mlp }));
        if let Some(e) = unavailable_reason(&probe(), GpuRequest::Device(device)) {
            return fail(e, mlp);
        }
        if let Err(e) = check_sizes(&mlp) {
            return fail(e, mlp);
        }
        match catch_unwind(AssertUnwindSafe(|| init_device(&mlp, device))) {
            Ok(Ok((state, name))) => {
                let (nchunks, blocks) = blocks_for(mlp.data().ndata());
                let scratch = scratch_len(mlp.network());
                Ok(GpuMlp {
                    cpu: mlp,
                    nchunks,
                    blocks,
                    scratch,
                    device,
                    name,
                    state: Mutex::new(Box::new(state)),
                    broken: AtomicBool::new(false),
                })
            }
            Ok(Err(e)) => fail(e, mlp),
            Err(p) => fail(
                GpuError::Panic(format!("CUDA panicked: {}", panic_text(p.as_ref()))),
                mlp,
            ),
        }
    }

    /// The CPU potential (same network, data, λ, NOREGBIAS and frozen mask).
    pub fn cpu(&self) -> &Mlp {
        &self.cpu
    }

    /// Give the CPU potential back.
    pub fn into_cpu(self) -> Mlp {
        self.cpu
    }

    /// The device ordinal.
    pub fn device(&self) -> usize {
        self.device
    }

    /// The device's name as the driver reports it.
    pub fn device_name(&self) -> &str {
        &self.name
    }

    /// Energies of many weight vectors in one launch (e.g. basin-hopping walkers).
    pub fn energy_batch(&self, xs: &[&[f64]]) -> Vec<f64> {
        self.check_batch(xs);
        match self.run_eg(xs, false) {
            Some(parts) => xs
                .iter()
                .zip(parts)
                .map(|(x, (loss, _))| host::finish_energy(&self.cpu, x, loss))
                .collect(),
            None => xs.iter().map(|x| self.cpu.energy(x)).collect(),
        }
    }

    /// Energies and gradients of many weight vectors in one launch (walkers, DNEB images).
    /// Each result has the same bits as a single [`Potential::energy_gradient`] call.
    pub fn energy_gradient_batch(&self, xs: &[&[f64]]) -> Vec<(f64, Vec<f64>)> {
        self.check_batch(xs);
        match self.run_eg(xs, true) {
            Some(parts) => xs
                .iter()
                .zip(parts)
                .map(|(x, (loss, mut g))| {
                    host::finish_gradient(&self.cpu, x, &mut g);
                    (host::finish_energy(&self.cpu, x, loss), g)
                })
                .collect(),
            None => xs
                .iter()
                .map(|x| {
                    let mut g = vec![0.0; self.cpu.nopt()];
                    (self.cpu.energy_gradient(x, &mut g), g)
                })
                .collect(),
        }
    }

    /// Hessian-vector products for many (x, v) pairs in one launch.
    pub fn hessian_vector_batch(&self, xs: &[&[f64]], vs: &[&[f64]]) -> Vec<Vec<f64>> {
        self.check_batch(xs);
        self.check_batch(vs);
        assert_eq!(xs.len(), vs.len(), "one direction per point");
        let masked: Vec<Vec<f64>> = vs
            .iter()
            .map(|v| host::masked_direction(&self.cpu, v))
            .collect();
        let mrefs: Vec<&[f64]> = masked.iter().map(Vec::as_slice).collect();
        match self.guard(|st| launch_hv(self, st, xs, &mrefs)) {
            Some(sums) => sums
                .into_iter()
                .zip(&masked)
                .map(|(mut h, v)| {
                    host::finish_hv(&self.cpu, v, &mut h);
                    h
                })
                .collect(),
            None => xs
                .iter()
                .zip(vs)
                .map(|(x, v)| {
                    let mut h = vec![0.0; self.cpu.nopt()];
                    self.cpu.hessian_vector(x, v, &mut h);
                    h
                })
                .collect(),
        }
    }

    fn check_batch(&self, xs: &[&[f64]]) {
        let n = self.cpu.nopt();
        for x in xs {
            assert_eq!(x.len(), n, "x must hold NOPT values");
        }
    }

    fn run_eg(&self, xs: &[&[f64]], want_grad: bool) -> Option<Vec<(f64, Vec<f64>)>> {
        self.guard(|st| launch_eg(self, st, xs, want_grad))
    }

    /// Run `f` on the device; None (after logging once) when the GPU has failed.
    fn guard<T>(&self, f: impl FnOnce(&mut DeviceState) -> Result<T, GpuError>) -> Option<T> {
        if self.broken.load(Ordering::Relaxed) {
            return None;
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut state)
        }));
        let err = match result {
            Ok(Ok(v)) => return Some(v),
            Ok(Err(e)) => e,
            Err(p) => GpuError::Panic(format!("CUDA panicked: {}", panic_text(p.as_ref()))),
        };
        if !self.broken.swap(true, Ordering::Relaxed) {
            log::error!(
                "GPU evaluation failed on device {} ({err}): using the CPU path from now on",
                self.device
            );
        }
        None
    }
}

/// Walkers per launch so that scratch and partial sums stay within [`BATCH_BYTES`].
fn group(g: &GpuMlp, m: usize) -> usize {
    let nopt = g.cpu.nopt();
    let per = 8 * (g.blocks * (g.scratch + nopt + 1) + 3 * nopt);
    (BATCH_BYTES / per).clamp(1, m.clamp(1, MAX_GRID_Y))
}

fn upload(
    stream: &Arc<CudaStream>,
    slot: &mut Option<CudaSlice<f64>>,
    xs: &[&[f64]],
) -> Result<(), GpuError> {
    let host: Vec<f64> = xs.iter().flat_map(|x| x.iter().copied()).collect();
    let buf = ensure(stream, slot, host.len())?;
    stream.memcpy_htod(&host, buf)?;
    Ok(())
}

/// Sum the per-block vectors of `m` weight vectors: `out[i·len ..]`.
fn reduce(st: &mut DeviceState, g: usize, len: usize, m: usize) -> Result<(), GpuError> {
    let total = m * len;
    let out = ensure(&st.stream, &mut st.out, total)?;
    let part = st.part.as_ref().expect("partials allocated");
    let nblocks = total.div_ceil(REDUCE_THREADS).clamp(1, 4096) as u32;
    let (gi, li, ti) = (g as i32, len as i32, total as i32);
    let mut b = st.stream.launch_builder(&st.f_reduce);
    b.arg(part).arg(&gi).arg(&li).arg(&ti).arg(out);
    // SAFETY: argument types match the kernel signature; buffers hold M·G·len and M·len.
    unsafe {
        b.launch(LaunchConfig {
            grid_dim: (nblocks, 1, 1),
            block_dim: (REDUCE_THREADS as u32, 1, 1),
            shared_mem_bytes: 0,
        })
    }?;
    Ok(())
}

fn launch_eg(
    gpu: &GpuMlp,
    st: &mut DeviceState,
    xs: &[&[f64]],
    want_grad: bool,
) -> Result<Vec<(f64, Vec<f64>)>, GpuError> {
    st.ctx.bind_to_thread()?;
    let nopt = gpu.cpu.nopt();
    let g = gpu.blocks;
    let mut results = Vec::with_capacity(xs.len());
    for group in xs.chunks(group(gpu, xs.len())) {
        let m = group.len();
        upload(&st.stream, &mut st.w, group)?;
        ensure(&st.stream, &mut st.scratch, m * g * gpu.scratch)?;
        ensure(
            &st.stream,
            &mut st.part,
            if want_grad { m * g * nopt } else { 1 },
        )?;
        ensure(&st.stream, &mut st.part_e, m * g)?;
        let (ndata, nchunks, wg) = (
            gpu.cpu.data().ndata() as i32,
            gpu.nchunks as i32,
            i32::from(want_grad),
        );
        {
            let mut b = st.stream.launch_builder(&st.f_eg);
            b.arg(st.w.as_ref().expect("uploaded"))
                .arg(&st.xt)
                .arg(&st.labels)
                .arg(&ndata)
                .arg(&nchunks)
                .arg(&wg)
                .arg(st.scratch.as_mut().expect("allocated"))
                .arg(st.part.as_mut().expect("allocated"))
                .arg(st.part_e.as_mut().expect("allocated"));
            // SAFETY: argument types match `mlp_eg`; buffers are sized for grid (G, m).
            unsafe {
                b.launch(LaunchConfig {
                    grid_dim: (g as u32, m as u32, 1),
                    block_dim: (THREADS as u32, 1, 1),
                    shared_mem_bytes: 0,
                })
            }?;
        }
        let mut loss = vec![0.0; m * g];
        let pe = st.part_e.as_ref().expect("allocated");
        st.stream.memcpy_dtoh(&pe.slice(0..m * g), &mut loss)?;
        let mut grads = vec![0.0; if want_grad { m * nopt } else { 0 }];
        if want_grad {
            reduce(st, g, nopt, m)?;
            let out = st.out.as_ref().expect("allocated");
            st.stream.memcpy_dtoh(&out.slice(0..m * nopt), &mut grads)?;
        }
        for i in 0..m {
            let e = host::sum_in_order(&loss[i * g..(i + 1) * g]);
            let gr = if want_grad {
                grads[i * nopt..(i + 1) * nopt].to_vec()
            } else {
                Vec::new()
            };
            results.push((e, gr));
        }
    }
    st.stream.synchronize()?;
    Ok(results)
}

fn launch_hv(
    gpu: &GpuMlp,
    st: &mut DeviceState,
    xs: &[&[f64]],
    vs: &[&[f64]],
) -> Result<Vec<Vec<f64>>, GpuError> {
    st.ctx.bind_to_thread()?;
    let nopt = gpu.cpu.nopt();
    let g = gpu.blocks;
    let size = group(gpu, xs.len());
    let mut results = Vec::with_capacity(xs.len());
    for (xg, vg) in xs.chunks(size).zip(vs.chunks(size)) {
        let m = xg.len();
        upload(&st.stream, &mut st.w, xg)?;
        upload(&st.stream, &mut st.v, vg)?;
        ensure(&st.stream, &mut st.scratch, m * g * gpu.scratch)?;
        ensure(&st.stream, &mut st.part, m * g * nopt)?;
        let (ndata, nchunks) = (gpu.cpu.data().ndata() as i32, gpu.nchunks as i32);
        {
            let mut b = st.stream.launch_builder(&st.f_hv);
            b.arg(st.w.as_ref().expect("uploaded"))
                .arg(st.v.as_ref().expect("uploaded"))
                .arg(&st.xt)
                .arg(&st.labels)
                .arg(&ndata)
                .arg(&nchunks)
                .arg(st.scratch.as_mut().expect("allocated"))
                .arg(st.part.as_mut().expect("allocated"));
            // SAFETY: argument types match `mlp_hv`; buffers are sized for grid (G, m).
            unsafe {
                b.launch(LaunchConfig {
                    grid_dim: (g as u32, m as u32, 1),
                    block_dim: (THREADS as u32, 1, 1),
                    shared_mem_bytes: 0,
                })
            }?;
        }
        reduce(st, g, nopt, m)?;
        let mut sums = vec![0.0; m * nopt];
        let out = st.out.as_ref().expect("allocated");
        st.stream.memcpy_dtoh(&out.slice(0..m * nopt), &mut sums)?;
        results.extend(sums.chunks_exact(nopt).map(<[f64]>::to_vec));
    }
    st.stream.synchronize()?;
    Ok(results)
}

/// Sizes the kernels index with 32-bit integers.
fn check_sizes(mlp: &Mlp) -> Result<(), GpuError> {
    let lim = i32::MAX as usize / 2;
    let net = mlp.network();
    let ndata = mlp.data().ndata();
    let widest = net
        .sizes()
        .windows(2)
        .map(|w| w[0] * w[1])
        .max()
        .unwrap_or(0);
    if ndata > lim || net.nopt() > lim || widest > lim || scratch_len(net) > lim {
        return Err(GpuError::Unsupported(format!(
            "network or data set too large for the GPU kernels (NOPT {}, Ndata {ndata})",
            net.nopt()
        )));
    }
    Ok(())
}

/// Compile and load the kernels: a CUBIN for the device's architecture (no JIT, so no
/// dependence on the driver's PTX version), else PTX for its virtual architecture, else PTX
/// for NVRTC's default one. The error lists every attempt.
fn load_kernels(ctx: &Arc<CudaContext>, mlp: &Mlp) -> Result<Arc<CudaModule>, GpuError> {
    let net = mlp.network();
    let cc = ctx.compute_capability().ok();
    let mut tried = Vec::new();
    if let Some((major, minor)) = cc {
        let sm = format!("sm_{major}{minor}");
        match compile_cubin(net, &sm) {
            Ok(bin) => match ctx.load_module(Ptx::from_binary(bin)) {
                Ok(m) => return Ok(m),
                Err(e) => tried.push(format!("CUBIN {sm}: load: {e:?}")),
            },
            Err(e) => tried.push(format!("CUBIN {sm}: {e}")),
        }
    }
    let archs: Vec<Option<String>> = match cc {
        Some((major, minor)) => vec![Some(format!("compute_{major}{minor}")), None],
        None => vec![None],
    };
    for arch in archs {
        let what = arch.clone().unwrap_or_else(|| "default".into());
        match compile_ptx(net, arch.as_deref()) {
            Ok(ptx) => match ctx.load_module(ptx) {
                Ok(m) => {
                    if !tried.is_empty() {
                        log::debug!("GPU kernels: PTX {what} after: {}", tried.join("; "));
                    }
                    return Ok(m);
                }
                Err(e) => tried.push(format!("PTX {what}: load: {e:?}")),
            },
            Err(e @ GpuError::NoNvrtc) => return Err(e),
            Err(e) => tried.push(format!("PTX {what}: {e}")),
        }
    }
    Err(GpuError::Compile(tried.join("; ")))
}

/// Context, kernels and data on `device`; returns the state and the device name.
fn init_device(mlp: &Mlp, device: usize) -> Result<(DeviceState, String), GpuError> {
    let ctx = CudaContext::new(device)?;
    // One stream only: the per-buffer event tracking for multi-stream use is not needed.
    // SAFETY: no buffer exists yet, and all work of this context goes through one stream.
    unsafe { ctx.disable_event_tracking() };
    let name = ctx
        .name()
        .unwrap_or_else(|_| format!("CUDA device {device}"));
    let module = load_kernels(&ctx, mlp)?;
    let f_eg = module.load_function("mlp_eg")?;
    let f_hv = module.load_function("mlp_hv")?;
    let f_reduce = module.load_function("reduce_partials")?;
    let stream = ctx.default_stream();
    let xt = stream.clone_htod(&host::transpose_inputs(mlp))?;
    let labels = stream.clone_htod(&host::labels_i32(mlp))?;
    stream.synchronize()?;
    Ok((
        DeviceState {
            ctx,
            stream,
            f_eg,
            f_hv,
            f_reduce,
            xt,
            labels,
            w: None,
            v: None,
            scratch: None,
            part: None,
            part_e: None,
            out: None,
        },
        name,
    ))
}

impl Potential for GpuMlp {
    fn nopt(&self) -> usize {
        self.cpu.nopt()
    }

    fn energy(&self, x: &[f64]) -> f64 {
        self.energy_batch(&[x])[0]
    }

    fn energy_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        assert_eq!(grad.len(), self.cpu.nopt(), "grad must hold NOPT values");
        let (e, g) = self.energy_gradient_batch(&[x]).pop().expect("one result");
        grad.copy_from_slice(&g);
        e
    }

    /// The dense Hessian of the CPU path.
    fn hessian(&self, x: &[f64]) -> DMatrix<f64> {
        self.cpu.hessian(x)
    }

    fn hessian_vector(&self, x: &[f64], v: &[f64], hv: &mut [f64]) {
        assert_eq!(hv.len(), self.cpu.nopt(), "hv must hold NOPT values");
        let h = self.hessian_vector_batch(&[x], &[v]).pop().expect("one");
        hv.copy_from_slice(&h);
    }

    fn frozen(&self) -> Option<&FrozenMask> {
        self.cpu.frozen()
    }
}
