//! Scratch a potential keeps between calls.

use std::sync::{Mutex, MutexGuard};

/// Buffers or a cache that a potential keeps between calls (so that a call overwrites them
/// instead of allocating and faulting in fresh ones, or reuses what an earlier call computed).
/// One call holds it at a time: a call that finds it in use (another thread evaluating the same
/// potential) works without it, with buffers of its own. A clone of the potential starts with
/// an empty one.
#[derive(Debug, Default)]
pub(crate) struct Kept<T>(Mutex<T>);

impl<T: Default> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<T> Kept<T> {
    /// The kept value, unless another call holds it.
    pub(crate) fn try_hold(&self) -> Option<MutexGuard<'_, T>> {
        self.0.try_lock().ok()
    }
}

impl Kept<Vec<f64>> {
    /// Run `f` with a buffer of `len` values (contents unspecified): the kept one, grown as
    /// needed, or a fresh one.
    pub(crate) fn with<R>(&self, len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
        let mut local = Vec::new();
        let mut guard = self.try_hold();
        let buf = guard.as_deref_mut().unwrap_or(&mut local);
        if buf.len() < len {
            buf.resize(len, 0.0);
        }
        f(&mut buf[..len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_value_is_not_handed_out_twice_and_a_clone_starts_empty() {
        let k: Kept<Vec<f64>> = Kept::default();
        k.with(3, |b| b.copy_from_slice(&[1.0, 2.0, 3.0]));
        // Kept between calls, grown on demand.
        k.with(4, |b| assert_eq!(&b[..3], &[1.0, 2.0, 3.0]));
        let held = k.try_hold().unwrap();
        assert!(k.try_hold().is_none());
        // In use: a fresh buffer.
        k.with(2, |b| assert_eq!(b, &[0.0, 0.0]));
        drop(held);
        assert!(k.clone().try_hold().unwrap().is_empty());
    }
}
