//! Every kernel compiles to PTX with NVRTC (no GPU needed). Skipped, visibly, when libnvrtc is
//! not on the library path (see kernels/README.md and `.ci/run`).

mod support;

use common::mlp::Network;
use kernels::{compile_ptx, nvrtc_present, nvrtc_version, KERNEL_NAMES};
use support::skipped;

fn networks() -> Vec<(&'static str, Network)> {
    vec![
        (
            "MLPVB3 [2,10,4]",
            Network::new(vec![2, 10, 4], true).unwrap(),
        ),
        (
            "MLP3 [2,3,2] (no biases)",
            Network::new(vec![2, 3, 2], false).unwrap(),
        ),
        (
            "MLPMULTI [3,5,4,3]",
            Network::new(vec![3, 5, 4, 3], true).unwrap(),
        ),
        (
            "MLPMULTI [2,4,4,4,4]",
            Network::new(vec![2, 4, 4, 4, 4], true).unwrap(),
        ),
        (
            "MNIST [784,10,10]",
            Network::new(vec![784, 10, 10], true).unwrap(),
        ),
        (
            "[784,100,10]",
            Network::new(vec![784, 100, 10], true).unwrap(),
        ),
        (
            "single class [1,1,1]",
            Network::new(vec![1, 1, 1], true).unwrap(),
        ),
    ]
}

#[test]
fn every_kernel_compiles_to_ptx() {
    if !nvrtc_present() {
        skipped(
            "every_kernel_compiles_to_ptx",
            "libnvrtc not found on the library path \
             (pip install nvidia-cuda-nvrtc-cu12; see kernels/README.md)",
        );
        return;
    }
    eprintln!("NVRTC version {:?}", nvrtc_version());
    for (what, net) in networks() {
        for arch in [None, Some("compute_90")] {
            let ptx = compile_ptx(&net, arch)
                .unwrap_or_else(|e| panic!("{what} ({arch:?}) does not compile: {e}"));
            let text = ptx.to_src();
            for name in KERNEL_NAMES {
                assert!(
                    text.contains(&format!(".entry {name}(")),
                    "{what} ({arch:?}): no entry {name} in the PTX"
                );
            }
            assert!(text.contains(".f64"), "{what}: f64 arithmetic expected");
            // Deterministic reductions: no floating-point atomics in any kernel.
            assert!(
                !text.contains("atom.global.add.f64") && !text.contains("red.global.add.f64"),
                "{what}: floating-point atomics found"
            );
        }
    }
}

#[test]
fn compile_errors_are_reported_not_panicked() {
    if !nvrtc_present() {
        skipped(
            "compile_errors_are_reported_not_panicked",
            "libnvrtc not found",
        );
        return;
    }
    let err = kernels::compile_source("this is not CUDA", None).unwrap_err();
    assert!(matches!(err, kernels::GpuError::Compile(_)), "{err:?}");
}

#[test]
fn without_nvrtc_compilation_is_an_error() {
    if nvrtc_present() {
        skipped(
            "without_nvrtc_compilation_is_an_error",
            "libnvrtc is present",
        );
        return;
    }
    let net = Network::new(vec![2, 3, 2], true).unwrap();
    assert_eq!(
        compile_ptx(&net, None).unwrap_err(),
        kernels::GpuError::NoNvrtc
    );
}

#[test]
fn kernels_compile_to_cubin_for_real_architectures() {
    if !nvrtc_present() {
        skipped(
            "kernels_compile_to_cubin_for_real_architectures",
            "libnvrtc not found on the library path",
        );
        return;
    }
    let net = Network::new(vec![784, 10, 10], true).unwrap();
    for sm in ["sm_80", "sm_90"] {
        let bin = kernels::compile_cubin(&net, sm).unwrap_or_else(|e| panic!("{sm}: {e}"));
        assert_eq!(&bin[..4], b"\x7fELF", "{sm}: a CUBIN is an ELF image");
    }
    assert!(matches!(
        kernels::compile_cubin(&net, "sm_1"),
        Err(kernels::GpuError::Compile(_))
    ));
}
