//! Why the GPU path could not be used.

use std::any::Any;

/// Why the GPU path is unavailable or failed. The `Display` text is what the programs log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuError {
    /// The CUDA driver library (`libcuda.so`) cannot be loaded: no NVIDIA driver.
    #[error("no CUDA driver library (libcuda.so) found")]
    NoDriver,
    /// NVRTC (`libnvrtc.so` / `libnvrtc.so.12`) cannot be loaded.
    #[error("no NVRTC library (libnvrtc.so or libnvrtc.so.12) on the library path")]
    NoNvrtc,
    /// The driver reports no device, or fewer than the one requested.
    #[error("CUDA device {requested} requested but {count} device(s) found")]
    NoDevice {
        /// 0-based ordinal asked for.
        requested: usize,
        /// Devices the driver reports.
        count: usize,
    },
    /// A CUDA driver call failed.
    #[error("CUDA driver error: {0}")]
    Driver(String),
    /// NVRTC rejected the kernels (the compiler log).
    #[error("NVRTC compilation failed: {0}")]
    Compile(String),
    /// The potential cannot be evaluated on the GPU.
    #[error("{0}")]
    Unsupported(String),
    /// A panic inside the CUDA bindings, contained.
    #[error("{0}")]
    Panic(String),
}

impl From<cudarc::driver::DriverError> for GpuError {
    fn from(e: cudarc::driver::DriverError) -> Self {
        GpuError::Driver(format!("{e:?}"))
    }
}

/// The message of a caught panic payload.
pub(crate) fn panic_text(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
