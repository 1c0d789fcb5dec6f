//! Choosing the GPU or the CPU path from the deck's request.

use std::sync::atomic::{AtomicBool, Ordering};

use common::mlp::Mlp;
use common::potential::{FrozenMask, Potential};
use nalgebra::DMatrix;

use crate::device::GpuMlp;
use crate::error::GpuError;
use crate::probe::{fallback_message, GpuRequest};

/// Set once the fallback line has been logged (once per process).
static FALLBACK_LOGGED: AtomicBool = AtomicBool::new(false);

/// The MLP potential on the path that was selected. Implements [`Potential`] and the batched
/// evaluation (one GPU launch for many weight vectors; a loop on the CPU).
#[derive(Debug)]
pub enum MlpBackend {
    /// The CPU path ([`common::mlp::Mlp`]).
    Cpu(Mlp),
    /// The GPU path.
    Gpu(GpuMlp),
}

impl MlpBackend {
    /// Whether the GPU path was selected.
    pub fn is_gpu(&self) -> bool {
        matches!(self, MlpBackend::Gpu(_))
    }

    /// The CPU potential (the wrapped one on the GPU path).
    pub fn cpu(&self) -> &Mlp {
        match self {
            MlpBackend::Cpu(m) => m,
            MlpBackend::Gpu(g) => g.cpu(),
        }
    }

    /// "CPU" or "GPU <n> (<name>)", for the programs' logs.
    pub fn describe(&self) -> String {
        match self {
            MlpBackend::Cpu(_) => "CPU".to_string(),
            MlpBackend::Gpu(g) => format!("GPU {} ({})", g.device(), g.device_name()),
        }
    }

    /// Energies and gradients of many weight vectors (walkers, DNEB images).
    pub fn energy_gradient_batch(&self, xs: &[&[f64]]) -> Vec<(f64, Vec<f64>)> {
        match self {
            MlpBackend::Cpu(m) => xs
                .iter()
                .map(|x| {
                    let mut g = vec![0.0; m.nopt()];
                    (m.energy_gradient(x, &mut g), g)
                })
                .collect(),
            MlpBackend::Gpu(g) => g.energy_gradient_batch(xs),
        }
    }

    /// Energies of many weight vectors.
    pub fn energy_batch(&self, xs: &[&[f64]]) -> Vec<f64> {
        match self {
            MlpBackend::Cpu(m) => xs.iter().map(|x| m.energy(x)).collect(),
            MlpBackend::Gpu(g) => g.energy_batch(xs),
        }
    }

    fn potential(&self) -> &dyn Potential {
        match self {
            MlpBackend::Cpu(m) => m,
            MlpBackend::Gpu(g) => g,
        }
    }
}

impl Potential for MlpBackend {
    fn nopt(&self) -> usize {
        self.potential().nopt()
    }
    fn energy(&self, x: &[f64]) -> f64 {
        self.potential().energy(x)
    }
    fn energy_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.potential().energy_gradient(x, grad)
    }
    fn hessian(&self, x: &[f64]) -> DMatrix<f64> {
        self.potential().hessian(x)
    }
    fn hessian_vector(&self, x: &[f64], v: &[f64], hv: &mut [f64]) {
        self.potential().hessian_vector(x, v, hv)
    }
    fn frozen(&self) -> Option<&FrozenMask> {
        self.potential().frozen()
    }
}

/// Serve `request` for `mlp`: [`GpuRequest::Off`] gives the CPU path silently; otherwise the
/// GPU path on the requested device, or, when it cannot be had, the CPU path after logging
/// (`log::warn`, once per process) `GPU requested but not available (<reason>): using the CPU
/// path`. Never panics. Returns the backend and the reason for a fallback, if any.
pub fn select_mlp_backend(mlp: Mlp, request: GpuRequest) -> (MlpBackend, Option<GpuError>) {
    let Some(device) = request.device() else {
        return (MlpBackend::Cpu(mlp), None);
    };
    match GpuMlp::new(mlp, device) {
        Ok(g) => {
            log::info!(
                "MLP loss on GPU {device} ({}): energy, gradient and Hv by CUDA kernels",
                g.device_name()
            );
            (MlpBackend::Gpu(g), None)
        }
        Err(failure) => {
            let failure = *failure;
            if !FALLBACK_LOGGED.swap(true, Ordering::Relaxed) {
                log::warn!("{}", fallback_message(&failure.error));
            }
            (MlpBackend::Cpu(failure.mlp), Some(failure.error))
        }
    }
}

/// [`select_mlp_backend`] as a boxed [`Potential`] (what the programs hold).
pub fn select_mlp(mlp: Mlp, request: GpuRequest) -> Box<dyn Potential> {
    Box::new(select_mlp_backend(mlp, request).0)
}
