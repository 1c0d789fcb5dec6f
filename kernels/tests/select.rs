//! The selection logic and the CPU fallback (CPU-only machines exercise all of it).

mod support;

use common::potential::Potential;
use kernels::{
    fallback_message, gpu_unavailable_reason, probe, select_mlp, select_mlp_backend,
    unavailable_reason, GpuError, GpuMlp, GpuRequest, Probe,
};
use support::{random_mlp, skipped};

#[test]
fn request_from_keyword() {
    assert_eq!(GpuRequest::from_keyword("GPU", &[]), Ok(GpuRequest::Auto));
    assert_eq!(GpuRequest::from_keyword("cuda", &[]), Ok(GpuRequest::Auto));
    assert_eq!(
        GpuRequest::from_keyword("GPU", &["1"]),
        Ok(GpuRequest::Device(1))
    );
    assert_eq!(
        GpuRequest::from_keyword("Cuda", &["0"]),
        Ok(GpuRequest::Device(0))
    );
    assert_eq!(
        GpuRequest::from_keyword("GPU", &["2.0"]),
        Ok(GpuRequest::Device(2))
    );
    assert_eq!(
        GpuRequest::from_keyword("GPU", &["1.0D0"]),
        Ok(GpuRequest::Device(1))
    );
    assert_eq!(
        GpuRequest::from_keyword("GPU", &["off"]),
        Ok(GpuRequest::Off)
    );
    assert!(GpuRequest::from_keyword("GPU", &["-1"]).is_err());
    assert!(GpuRequest::from_keyword("GPU", &["1.5"]).is_err());
    assert!(GpuRequest::from_keyword("GPU", &["x"]).is_err());
    assert!(GpuRequest::from_keyword("GPU", &["1", "2"]).is_err());
    assert!(GpuRequest::from_keyword("MLPVB3", &[]).is_err());
    assert!(GpuRequest::is_keyword("gpu") && GpuRequest::is_keyword("CUDA"));
    assert!(!GpuRequest::is_keyword("GPUS"));
    assert_eq!(GpuRequest::default(), GpuRequest::Off);
    assert_eq!(GpuRequest::Off.device(), None);
    assert_eq!(GpuRequest::Auto.device(), Some(0));
    assert_eq!(GpuRequest::Device(3).device(), Some(3));
}

#[test]
fn reasons_from_a_probe() {
    let ok = Probe {
        driver_library: true,
        nvrtc_library: true,
        devices: Some(Ok(2)),
    };
    assert_eq!(unavailable_reason(&ok, GpuRequest::Auto), None);
    assert_eq!(unavailable_reason(&ok, GpuRequest::Device(1)), None);
    assert_eq!(
        unavailable_reason(&ok, GpuRequest::Device(2)),
        Some(GpuError::NoDevice {
            requested: 2,
            count: 2
        })
    );
    // Off never has a reason, whatever the machine.
    let none = Probe {
        driver_library: false,
        nvrtc_library: false,
        devices: None,
    };
    assert_eq!(unavailable_reason(&none, GpuRequest::Off), None);
    assert_eq!(
        unavailable_reason(&none, GpuRequest::Auto),
        Some(GpuError::NoDriver)
    );
    let no_nvrtc = Probe {
        nvrtc_library: false,
        ..ok.clone()
    };
    assert_eq!(
        unavailable_reason(&no_nvrtc, GpuRequest::Auto),
        Some(GpuError::NoNvrtc)
    );
    let zero = Probe {
        devices: Some(Ok(0)),
        ..ok.clone()
    };
    assert_eq!(
        unavailable_reason(&zero, GpuRequest::Auto),
        Some(GpuError::NoDevice {
            requested: 0,
            count: 0
        })
    );
    let broken = Probe {
        devices: Some(Err("CUDA_ERROR_NO_DEVICE".into())),
        ..ok
    };
    match unavailable_reason(&broken, GpuRequest::Device(0)) {
        Some(GpuError::Driver(s)) => assert!(s.contains("CUDA_ERROR_NO_DEVICE")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn fallback_message_text() {
    assert_eq!(
        fallback_message(&GpuError::NoDriver),
        "GPU requested but not available (no CUDA driver library (libcuda.so) found): \
         using the CPU path"
    );
    assert!(fallback_message(&GpuError::NoDevice {
        requested: 3,
        count: 1
    })
    .contains("CUDA device 3 requested but 1 device(s) found"));
}

#[test]
fn probing_this_machine_never_panics() {
    let p = probe();
    eprintln!(
        "probe: {p:?}; reason for Auto: {:?}",
        gpu_unavailable_reason(GpuRequest::Auto)
    );
    assert_eq!(p.devices.is_some(), p.driver_library);
    assert_eq!(gpu_unavailable_reason(GpuRequest::Off), None);
    assert_eq!(
        gpu_unavailable_reason(GpuRequest::Auto),
        unavailable_reason(&p, GpuRequest::Auto)
    );
}

#[test]
fn off_is_the_cpu_path_silently() {
    let (m, x) = random_mlp(&[2, 5, 3], true, 50, 1.0e-3, false, 1);
    let ec = m.energy(&x);
    let (b, why) = select_mlp_backend(m, GpuRequest::Off);
    assert!(!b.is_gpu() && why.is_none());
    assert_eq!(b.describe(), "CPU");
    assert_eq!(b.energy(&x).to_bits(), ec.to_bits());
}

/// A device that no machine has: the CPU path, with the reason, results unchanged.
#[test]
fn missing_device_falls_back_to_the_cpu_path() {
    let (m, x) = random_mlp(&[3, 4, 2], true, 70, 1.0e-3, true, 2);
    let n = m.nopt();
    let mut gc = vec![0.0; n];
    let ec = m.energy_gradient(&x, &mut gc);
    let (b, why) = select_mlp_backend(m.clone(), GpuRequest::Device(1000));
    assert!(!b.is_gpu());
    match why {
        Some(GpuError::NoDriver)
        | Some(GpuError::NoDevice {
            requested: 1000, ..
        }) => {}
        Some(GpuError::Driver(_)) => {} // a driver without devices
        other => panic!("unexpected reason {other:?}"),
    }
    let mut gb = vec![0.0; n];
    assert_eq!(b.energy_gradient(&x, &mut gb).to_bits(), ec.to_bits());
    assert_eq!(gb, gc);
    let batch = b.energy_gradient_batch(&[&x, &x]);
    assert_eq!(batch[1].0.to_bits(), ec.to_bits());
    assert_eq!(batch[0].1, gc);
    assert_eq!(b.energy_batch(&[&x])[0].to_bits(), m.energy(&x).to_bits());
    // The boxed form behaves the same.
    let boxed = select_mlp(m.clone(), GpuRequest::Device(1000));
    assert_eq!(boxed.energy(&x).to_bits(), m.energy(&x).to_bits());
    assert_eq!(boxed.nopt(), n);
    // GpuMlp::new hands the potential back on failure.
    let failure = GpuMlp::new(m.clone(), 1000).unwrap_err();
    assert_eq!(failure.mlp.energy(&x).to_bits(), ec.to_bits());
}

/// On a machine without a GPU, `Auto` is the CPU path too (the case CI runs).
#[test]
fn auto_without_a_gpu_is_the_cpu_path() {
    let reason = gpu_unavailable_reason(GpuRequest::Auto);
    let Some(reason) = reason else {
        skipped(
            "auto_without_a_gpu_is_the_cpu_path",
            "this machine has a GPU",
        );
        return;
    };
    let (m, x) = random_mlp(&[2, 3, 2], true, 20, 0.0, false, 3);
    let (b, why) = select_mlp_backend(m.clone(), GpuRequest::Auto);
    assert!(!b.is_gpu());
    assert_eq!(why, Some(reason));
    assert_eq!(b.energy(&x).to_bits(), m.energy(&x).to_bits());
    let mut v = vec![0.0; m.nopt()];
    v[0] = 1.0;
    let (mut h1, mut h2) = (vec![0.0; m.nopt()], vec![0.0; m.nopt()]);
    b.hessian_vector(&x, &v, &mut h1);
    m.hessian_vector(&x, &v, &mut h2);
    assert_eq!(h1, h2);
}
