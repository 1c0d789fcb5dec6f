//! Run-time compilation of the kernels with NVRTC (loaded dynamically by `cudarc`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::mlp::Network;
use cudarc::nvrtc::{CompileOptions, Ptx};

use crate::error::{panic_text, GpuError};
use crate::source::kernel_source;

/// Whether `libnvrtc` can be loaded (any of the file names `cudarc` tries, e.g.
/// `libnvrtc.so`, `libnvrtc.so.12`, on the dynamic loader's search path).
pub fn nvrtc_present() -> bool {
    // SAFETY: only tries to dlopen the library and closes it again.
    catch_unwind(|| unsafe { cudarc::nvrtc::sys::is_culib_present() }).unwrap_or(false)
}

/// NVRTC's version `(major, minor)`, if the library loads.
pub fn nvrtc_version() -> Option<(i32, i32)> {
    if !nvrtc_present() {
        return None;
    }
    catch_unwind(|| {
        let (mut major, mut minor) = (0, 0);
        // SAFETY: the library is present; nvrtcVersion writes two ints.
        let rc = unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) };
        (rc == cudarc::nvrtc::sys::nvrtcResult::NVRTC_SUCCESS).then_some((major, minor))
    })
    .ok()
    .flatten()
}

/// Compile every kernel for `net` to PTX. `arch` is a virtual architecture such as
/// `"compute_90"` (None: NVRTC's default).
///
/// Errors: no NVRTC library, or the compiler's log.
pub fn compile_ptx(net: &Network, arch: Option<&str>) -> Result<Ptx, GpuError> {
    compile_source(&kernel_source(net), arch)
}

/// Compile a source string (the generated kernels) to PTX.
pub fn compile_source(src: &str, arch: Option<&str>) -> Result<Ptx, GpuError> {
    if !nvrtc_present() {
        return Err(GpuError::NoNvrtc);
    }
    let mut options = vec!["--std=c++14".to_string()];
    if let Some(a) = arch {
        options.push(format!("--gpu-architecture={a}"));
    }
    let opts = CompileOptions {
        options,
        name: Some("mlp_kernels.cu".into()),
        ..Default::default()
    };
    match catch_unwind(AssertUnwindSafe(|| {
        cudarc::nvrtc::compile_ptx_with_opts(src, opts)
    })) {
        Ok(Ok(ptx)) => Ok(ptx),
        Ok(Err(e)) => Err(GpuError::Compile(compile_error_text(&e))),
        Err(p) => Err(GpuError::Panic(format!(
            "NVRTC panicked: {}",
            panic_text(p.as_ref())
        ))),
    }
}

/// Compile every kernel for `net` to a CUBIN (machine code) for a real architecture such as
/// `"sm_90"`. A CUBIN needs no JIT at load time, so it also loads where the driver is older
/// than this NVRTC (which a PTX of a newer ISA version would not). The bytes load with
/// `Ptx::from_binary`.
pub fn compile_cubin(net: &Network, sm: &str) -> Result<Vec<u8>, GpuError> {
    if !nvrtc_present() {
        return Err(GpuError::NoNvrtc);
    }
    let src = std::ffi::CString::new(kernel_source(net))
        .map_err(|e| GpuError::Compile(format!("source: {e}")))?;
    let name = c"mlp_kernels.cu";
    let options = [
        "--std=c++14".to_string(),
        format!("--gpu-architecture={sm}"),
    ];
    match catch_unwind(AssertUnwindSafe(|| cubin_of(&src, name, &options))) {
        Ok(r) => r,
        Err(p) => Err(GpuError::Panic(format!(
            "NVRTC panicked: {}",
            panic_text(p.as_ref())
        ))),
    }
}

fn cubin_of(
    src: &std::ffi::CStr,
    name: &std::ffi::CStr,
    options: &[String],
) -> Result<Vec<u8>, GpuError> {
    use cudarc::nvrtc::{result, sys};
    let prog =
        result::create_program(src, Some(name)).map_err(|e| GpuError::Compile(format!("{e:?}")))?;
    // SAFETY: `prog` is live until destroyed at the end; buffers are sized by NVRTC.
    let out = unsafe {
        match result::compile_program(prog, options) {
            Err(e) => {
                let log = result::get_program_log(prog)
                    .map(|l| {
                        let bytes: Vec<u8> = l.iter().map(|&c| c as u8).collect();
                        String::from_utf8_lossy(&bytes)
                            .trim_end_matches('\0')
                            .to_string()
                    })
                    .unwrap_or_default();
                Err(GpuError::Compile(format!("{e:?}: {log}")))
            }
            Ok(()) => {
                let mut size = 0usize;
                let rc = sys::nvrtcGetCUBINSize(prog, &mut size);
                if rc != sys::nvrtcResult::NVRTC_SUCCESS || size == 0 {
                    Err(GpuError::Compile(format!("no CUBIN ({rc:?})")))
                } else {
                    let mut buf = vec![0u8; size];
                    let rc = sys::nvrtcGetCUBIN(prog, buf.as_mut_ptr().cast());
                    if rc == sys::nvrtcResult::NVRTC_SUCCESS {
                        Ok(buf)
                    } else {
                        Err(GpuError::Compile(format!("nvrtcGetCUBIN: {rc:?}")))
                    }
                }
            }
        }
    };
    // SAFETY: created above, destroyed once.
    let _ = unsafe { result::destroy_program(prog) };
    out
}

fn compile_error_text(e: &cudarc::nvrtc::CompileError) -> String {
    match e {
        cudarc::nvrtc::CompileError::CompileError { nvrtc, log, .. } => {
            format!("{nvrtc:?}: {}", log.to_string_lossy())
        }
        other => format!("{other:?}"),
    }
}
