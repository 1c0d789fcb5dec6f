//! The fallback is logged once, with the documented text (own process: the logger and the
//! once-per-process flag are global).

mod support;

use std::sync::Mutex;

use kernels::{select_mlp_backend, GpuRequest};
use support::random_mlp;

static RECORDS: Mutex<Vec<(log::Level, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        if record.target().starts_with("kernels") {
            RECORDS
                .lock()
                .unwrap()
                .push((record.level(), record.args().to_string()));
        }
    }
    fn flush(&self) {}
}

#[test]
fn fallback_is_logged_once() {
    static CAPTURE: Capture = Capture;
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let (m, _) = random_mlp(&[2, 3, 2], true, 10, 0.0, false, 1);
    // Off: nothing logged.
    let (b, _) = select_mlp_backend(m.clone(), GpuRequest::Off);
    assert!(!b.is_gpu());
    assert!(RECORDS.lock().unwrap().is_empty());
    // A device no machine has: one warning, even when asked three times.
    for _ in 0..3 {
        let (b, why) = select_mlp_backend(m.clone(), GpuRequest::Device(1000));
        assert!(!b.is_gpu() && why.is_some());
    }
    let records = RECORDS.lock().unwrap().clone();
    let warnings: Vec<_> = records
        .iter()
        .filter(|(l, _)| *l == log::Level::Warn)
        .collect();
    assert_eq!(warnings.len(), 1, "{records:?}");
    let text = &warnings[0].1;
    assert!(
        text.starts_with("GPU requested but not available (")
            && text.ends_with("): using the CPU path"),
        "{text}"
    );
    eprintln!("logged: {text}");
}
