//! CUDA loss kernels for the MLP family (MLP3, MLPVB3, MLPVB3NN, MLPMULTI), compiled at run
//! time with NVRTC and launched through `cudarc`, with the CPU path ([`common::mlp::Mlp`]) as
//! the fallback.
//!
//! - **Nothing needs CUDA to build or test.** `cudarc` loads `libcuda` and `libnvrtc`
//!   dynamically; before touching the driver this crate checks that the libraries load
//!   ([`probe`]), and contains any panic of the bindings, so a machine without a GPU gets the
//!   CPU path and one log line.
//! - **Selection**: the deck keyword `GPU [device]` or `CUDA [device]` parses to a
//!   [`GpuRequest`] ([`GpuRequest::from_keyword`]); [`select_mlp`] / [`select_mlp_backend`]
//!   return the GPU potential, or the CPU one after logging once
//!   `GPU requested but not available (<reason>): using the CPU path`.
//!   [`unavailable_reason`] is the pure decision (from a [`Probe`]); [`gpu_unavailable_reason`]
//!   probes this machine.
//! - **Kernels** ([`source`]): one CUDA C translation unit, specialised per network by a
//!   generated header: energy + gradient (`mlp_eg`), the Hessian-vector product by the
//!   R-operator (`mlp_hv`), and the deterministic second-stage reduction (`reduce_partials`),
//!   loaded as a CUBIN for the device's architecture (else as PTX).
//!   f64 throughout; one block per chunk of 64 items; per-block partial sums reduced in block
//!   order (no floating-point atomics), so repeated runs give identical bits. The data and
//!   labels are uploaded once ([`GpuMlp::new`]); weights on every call; many weight vectors in
//!   one launch with [`GpuMlp::energy_gradient_batch`] (walkers, DNEB images).
//! - **Accuracy**: the same formulas as the CPU path in a different summation order. In the
//!   CPU emulation of the kernels (`tests/emulated.rs`) energies, gradients and Hv agree with
//!   the CPU path to 6e-15 relative or better; the tests require 1e-12 (Hv 1e-10).
//! - **Hessian**: [`GpuMlp`]'s dense Hessian is the CPU one; Hv runs on the GPU. Frozen
//!   variables (MLPVB3NN, or a caller's mask) are handled exactly as [`common::mlp::Mlp`]
//!   handles them.
//!
//! How to run the GPU tests and the benchmark on a GPU machine: see `kernels/README.md`.

mod compile;
mod device;
mod error;
pub mod host;
pub mod keywords;
mod probe;
mod select;
pub mod source;

pub use compile::{compile_cubin, compile_ptx, compile_source, nvrtc_present, nvrtc_version};
pub use device::{GpuInitFailure, GpuMlp};
pub use error::GpuError;
pub use keywords::{gpu_keyword, GpuTarget};
pub use probe::{
    fallback_message, gpu_unavailable_reason, probe, unavailable_reason, GpuRequest, Probe,
};
pub use select::{select_mlp, select_mlp_backend, MlpBackend};
pub use source::{kernel_source, KERNEL_NAMES};
