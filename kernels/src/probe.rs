//! What the deck asks for (`GpuRequest`) and whether this machine can provide it.

use std::panic::catch_unwind;

use crate::compile::nvrtc_present;
use crate::error::{panic_text, GpuError};

/// The deck's GPU request: keyword `GPU [device]` or `CUDA [device]` (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GpuRequest {
    /// No keyword: the CPU path, no message.
    #[default]
    Off,
    /// `GPU` / `CUDA` without a device: device 0.
    Auto,
    /// `GPU n` / `CUDA n`: device `n` (0-based, as CUDA numbers them).
    Device(usize),
}

impl GpuRequest {
    /// Whether `name` (any case) is a GPU keyword (`GPU` or `CUDA`).
    pub fn is_keyword(name: &str) -> bool {
        matches!(name.to_ascii_uppercase().as_str(), "GPU" | "CUDA")
    }

    /// Parse the keyword line `GPU [device]` / `CUDA [device]`: `keyword` and the items after
    /// it. An item `OFF`, `NONE` or `CPU` gives [`GpuRequest::Off`]; a non-negative integer a
    /// device; nothing [`GpuRequest::Auto`]. Extra items are an error.
    pub fn from_keyword(keyword: &str, args: &[&str]) -> Result<Self, String> {
        if !Self::is_keyword(keyword) {
            return Err(format!("{keyword} is not a GPU keyword (GPU or CUDA)"));
        }
        let kw = keyword.to_ascii_uppercase();
        match args {
            [] => Ok(GpuRequest::Auto),
            [a] => {
                let up = a.to_ascii_uppercase();
                if matches!(up.as_str(), "OFF" | "NONE" | "CPU") {
                    return Ok(GpuRequest::Off);
                }
                // Accept Fortran-style reals with an integral value ("1", "1.0").
                if let Ok(n) = a.parse::<usize>() {
                    return Ok(GpuRequest::Device(n));
                }
                match a.replace(['d', 'D'], "e").parse::<f64>() {
                    Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1.0e6 => {
                        Ok(GpuRequest::Device(v as usize))
                    }
                    _ => Err(format!(
                        "{kw}: the device must be a non-negative integer, found {a}"
                    )),
                }
            }
            _ => Err(format!(
                "{kw} takes at most one item (the device), found {}",
                args.len()
            )),
        }
    }

    /// Whether the GPU was asked for.
    pub fn wants_gpu(self) -> bool {
        !matches!(self, GpuRequest::Off)
    }

    /// The device ordinal asked for (0 for `Auto`), None for `Off`.
    pub fn device(self) -> Option<usize> {
        match self {
            GpuRequest::Off => None,
            GpuRequest::Auto => Some(0),
            GpuRequest::Device(n) => Some(n),
        }
    }
}

/// What this machine offers, as found by [`probe`]. Plain data, so that the decision
/// ([`unavailable_reason`]) is a pure function that tests can feed with any situation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `libcuda` loads (an NVIDIA driver is installed).
    pub driver_library: bool,
    /// `libnvrtc` loads.
    pub nvrtc_library: bool,
    /// Number of devices, or why the driver could not count them (None when the driver
    /// library is absent and the driver was not asked).
    pub devices: Option<Result<usize, String>>,
}

/// Look at the machine: which CUDA libraries load and how many devices the driver reports.
/// Never panics (a panic in the bindings is contained and reported as an error).
pub fn probe() -> Probe {
    // SAFETY: only tries to dlopen the driver library and closes it again.
    let driver_library =
        catch_unwind(|| unsafe { cudarc::driver::sys::is_culib_present() }).unwrap_or(false);
    let devices =
        driver_library.then(
            || match catch_unwind(cudarc::driver::CudaContext::device_count) {
                Ok(Ok(n)) => Ok(n.max(0) as usize),
                Ok(Err(e)) => Err(format!("{e:?}")),
                Err(p) => Err(format!("CUDA driver panicked: {}", panic_text(p.as_ref()))),
            },
        );
    Probe {
        driver_library,
        nvrtc_library: nvrtc_present(),
        devices,
    }
}

/// Why `request` cannot be served on a machine described by `probe` (None: it can, or the
/// GPU was not asked for). Pure: decides from the data only.
pub fn unavailable_reason(probe: &Probe, request: GpuRequest) -> Option<GpuError> {
    let device = request.device()?;
    if !probe.driver_library {
        return Some(GpuError::NoDriver);
    }
    match &probe.devices {
        None => return Some(GpuError::NoDriver),
        Some(Err(e)) => return Some(GpuError::Driver(e.clone())),
        Some(Ok(n)) if device >= *n => {
            return Some(GpuError::NoDevice {
                requested: device,
                count: *n,
            })
        }
        Some(Ok(_)) => {}
    }
    if !probe.nvrtc_library {
        return Some(GpuError::NoNvrtc);
    }
    None
}

/// [`unavailable_reason`] for this machine (runs [`probe`]).
pub fn gpu_unavailable_reason(request: GpuRequest) -> Option<GpuError> {
    if !request.wants_gpu() {
        return None;
    }
    unavailable_reason(&probe(), request)
}

/// The line logged when the GPU was requested but the CPU path is used.
pub fn fallback_message(reason: &GpuError) -> String {
    format!("GPU requested but not available ({reason}): using the CPU path")
}
