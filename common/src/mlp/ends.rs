//! A call's chunks shared between the calling thread, from the front, and helper threads, from
//! the back.
//!
//! The calling thread starts at once while a helper starts only when the pool wakes it (tens
//! of µs in a virtual machine; traced over thousands of [784,10,10] calls: a median of 26-60 µs,
//! 90th percentiles of 45-100 µs); a fixed split of the chunks makes the caller wait that long
//! at the end.
//! Claiming chunks from both ends balances the work whenever the helpers start, and keeps the
//! caller's chunks a prefix in chunk order (it can add them to the result as it goes, the
//! prefix of the serial order).

use std::hint::spin_loop;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// Claims on chunks `0..n`: `front` hands out `0, 1, 2, …`, `back` hands out `n−1, n−2, …`
/// down to `floor`, each chunk once. Both ends live in one word, so a claim is one
/// compare-and-swap.
struct Claims {
    /// `lo << 32 | hi`: the chunks `lo..hi` are unclaimed.
    ends: AtomicU64,
    floor: usize,
    /// Helpers between trying a claim and finishing its chunk.
    busy: AtomicUsize,
}

impl Claims {
    fn new(n: usize, floor: usize) -> Self {
        assert!(n < 1 << 32, "too many chunks");
        Self {
            ends: AtomicU64::new(n as u64),
            floor,
            busy: AtomicUsize::new(0),
        }
    }

    fn unpack(v: u64) -> (usize, usize) {
        ((v >> 32) as usize, (v & 0xFFFF_FFFF) as usize)
    }

    /// One claim: `next(lo, hi)` gives the claimed chunk and the new ends, or None when
    /// nothing is left for this end.
    fn claim(&self, next: impl Fn(usize, usize) -> Option<(usize, usize, usize)>) -> Option<usize> {
        let mut cur = self.ends.load(Ordering::Acquire);
        loop {
            let (lo, hi) = Self::unpack(cur);
            let (ci, lo, hi) = next(lo, hi)?;
            let new = (lo as u64) << 32 | hi as u64;
            match self
                .ends
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(ci),
                Err(v) => cur = v,
            }
        }
    }

    fn front(&self) -> Option<usize> {
        self.claim(|lo, hi| (lo < hi).then_some((lo, lo + 1, hi)))
    }

    fn back(&self) -> Option<usize> {
        let floor = self.floor;
        self.claim(|lo, hi| (hi > lo.max(floor)).then(|| (hi - 1, lo, hi - 1)))
    }

    /// The first chunk the front did not claim.
    fn front_end(&self) -> usize {
        Self::unpack(self.ends.load(Ordering::Acquire)).0
    }
}

/// How long the caller spins for helpers' chunks still running after the last claim (about
/// one chunk's time) before leaving the wait to the pool, which parks the thread (and waking a
/// parked thread costs tens of µs in a virtual machine).
const SPIN: Duration = Duration::from_micros(200);

/// Work through the chunks: the calling thread runs `front(ci, &mut chunks[ci])` for
/// `ci = 0, 1, 2, …` in order while up to `helpers` threads of the current rayon pool run
/// `back` on the last chunk, the one before, …, never below `floor`, until the two meet; each
/// chunk runs once. `back` also gets a state made by `init` (one per helper) and returns a
/// value. Returns the first chunk `k` that `front` did not run and the values of chunks
/// `k..` in chunk order.
pub(crate) fn from_both_ends<C: Send, S, T: Send>(
    chunks: &mut [C],
    floor: usize,
    helpers: usize,
    mut front: impl FnMut(usize, &mut C) + Send,
    init: impl Fn() -> S + Sync,
    back: impl Fn(&mut S, usize, &mut C) -> T + Sync,
) -> (usize, Vec<T>) {
    assert!(floor <= chunks.len(), "floor beyond the last chunk");
    let claims = Claims::new(chunks.len(), floor);
    let slots: Vec<Mutex<(&mut C, Option<T>)>> =
        chunks.iter_mut().map(|c| Mutex::new((c, None))).collect();
    let helper = || {
        let mut state = None;
        loop {
            claims.busy.fetch_add(1, Ordering::SeqCst);
            let Some(ci) = claims.back() else {
                claims.busy.fetch_sub(1, Ordering::SeqCst);
                break;
            };
            let mut slot = slots[ci].lock().unwrap();
            let (chunk, out) = &mut *slot;
            *out = Some(back(state.get_or_insert_with(&init), ci, chunk));
            drop(slot);
            claims.busy.fetch_sub(1, Ordering::SeqCst);
        }
    };
    rayon::join(
        || {
            while let Some(ci) = claims.front() {
                front(ci, slots[ci].lock().unwrap().0);
            }
            let t = Instant::now();
            while claims.busy.load(Ordering::SeqCst) > 0 && t.elapsed() < SPIN {
                spin_loop();
            }
        },
        || (0..helpers).into_par_iter().for_each(|_| helper()),
    );
    let k = claims.front_end();
    let values = slots
        .into_iter()
        .skip(k)
        .map(|s| {
            s.into_inner()
                .unwrap()
                .1
                .expect("every chunk after the front's ran")
        })
        .collect();
    (k, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_meet_once_and_respect_the_floor() {
        let c = Claims::new(6, 2);
        assert_eq!(c.back(), Some(5));
        assert_eq!(c.front(), Some(0));
        assert_eq!(c.back(), Some(4));
        assert_eq!(c.back(), Some(3));
        assert_eq!(c.back(), Some(2));
        // The back stops at the floor; the front takes what is left.
        assert_eq!(c.back(), None);
        assert_eq!(c.front(), Some(1));
        assert_eq!(c.front(), None);
        assert_eq!(c.front_end(), 2);
        let c = Claims::new(3, 2);
        assert_eq!(
            (c.front(), c.front(), c.front()),
            (Some(0), Some(1), Some(2))
        );
        assert_eq!((c.back(), c.front(), c.front_end()), (None, None, 3));
    }

    /// Every chunk runs once; the front's chunks are a prefix, run in order; the values of
    /// the rest come back in chunk order. Under contention on several threads.
    #[test]
    fn every_chunk_runs_once_with_the_front_a_prefix() {
        for threads in 1..=4 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (nchunks, floor) in [(1, 0), (2, 1), (9, 3), (40, 10), (40, 40)] {
                for _ in 0..20 {
                    let mut chunks = vec![-1.0; nchunks];
                    let mut fronts = Vec::new();
                    let (k, values) = pool.install(|| {
                        from_both_ends(
                            &mut chunks,
                            floor,
                            threads - 1,
                            |ci, c| {
                                fronts.push(ci);
                                *c = -2.0;
                            },
                            || 0usize,
                            |count, ci, c| {
                                *count += 1;
                                *c = ci as f64;
                                std::thread::yield_now();
                                ci * 10
                            },
                        )
                    });
                    assert_eq!(fronts, (0..k).collect::<Vec<_>>());
                    assert!(k >= floor && k <= nchunks);
                    assert_eq!(values, (k..nchunks).map(|c| c * 10).collect::<Vec<_>>());
                    for (ci, &c) in chunks.iter().enumerate() {
                        assert_eq!(c, if ci < k { -2.0 } else { ci as f64 }, "chunk {ci}");
                    }
                }
            }
        }
    }
}
