//! SIGINT, SIGTERM and SIGHUP stop the whole study cleanly: the handler only records the
//! signal; the driver, which polls its running program every [`crate::programs::POLL`],
//! terminates that program (PATHSAMPLE's OPTIM jobs die with it), waits for it and returns
//! [`Interrupted`], so nothing is left running and the directory resumes with `landscape run`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The signals that stop a study.
pub const STOP_SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The error returned when a stop signal arrived.
#[derive(Debug, thiserror::Error)]
#[error(
    "stopped by {} ({}): nothing is left running; run the same `landscape run` command again \
     to resume the study",
    signal_name(*signal),
    signal
)]
pub struct Interrupted {
    /// The signal number.
    pub signal: i32,
}

impl Interrupted {
    /// The conventional exit status of a process stopped by `signal`: 128 + signal.
    pub fn exit_code(&self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(1)
    }
}

/// The name of a stop signal.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// Which stop signal has arrived, if any (shared with the signal handlers).
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicUsize>);

impl Interrupt {
    /// A flag that no signal sets (tests, `landscape analyse`).
    pub fn never() -> Self {
        Self::default()
    }

    /// Register the handlers for [`STOP_SIGNALS`]: from now on they record the signal instead
    /// of ending the process.
    pub fn install() -> std::io::Result<Self> {
        let flag = Arc::new(AtomicUsize::new(0));
        for s in STOP_SIGNALS {
            signal_hook::flag::register_usize(s, Arc::clone(&flag), s as usize)?;
        }
        Ok(Self(flag))
    }

    /// The signal that arrived, if any.
    pub fn signal(&self) -> Option<i32> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s as i32),
        }
    }

    /// `Err(Interrupted)` once a stop signal has arrived.
    pub fn check(&self) -> Result<(), Interrupted> {
        self.signal()
            .map_or(Ok(()), |signal| Err(Interrupted { signal }))
    }

    /// Record `signal` as if it had arrived (tests).
    pub fn raise(&self, signal: i32) {
        self.0.store(signal as usize, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raised_signal_is_reported_with_its_exit_code() {
        let i = Interrupt::never();
        assert!(i.check().is_ok());
        i.raise(libc::SIGTERM);
        let e = i.check().unwrap_err();
        assert_eq!(e.exit_code(), 143);
        assert!(e.to_string().starts_with("stopped by SIGTERM (15)"), "{e}");
    }
}
