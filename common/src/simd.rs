//! Eight-lane blocks of `f64` with one implementation per instruction set: AVX-512 (one
//! register), AVX2 with FMA (two registers) and portable code (an array). The network kernels
//! are written once, generic over [`Simd`], and compiled for each; every operation is the same
//! IEEE operation in every implementation (`fma` is a single rounding, the lane reductions use
//! one fixed order), so all three give **bit-identical** results.
//!
//! The x86 implementations are zero-sized tokens that can only be made after the CPU was seen
//! to support their instructions ([`Avx512::new`], [`Avx2::new`]); their methods use the
//! instructions inside `unsafe` blocks justified by that token, and are `#[inline(always)]` so
//! that they compile to single instructions inside the `#[target_feature]` functions that the
//! dispatcher ([`isa_dispatch`]) generates. Used by the network kernels and the LJAT pair
//! loop. Blocks are read with [`block`] (bounds-checked) or, in the network kernels' innermost
//! loops, with [`block_unchecked`] after one check of the whole loop's extent.

/// Lanes per block.
pub(crate) const W: usize = 8;

/// Operations on blocks of [`W`] doubles.
pub(crate) trait Simd: Copy {
    /// A block.
    type V: Copy;
    /// Every lane `x`.
    fn splat(self, x: f64) -> Self::V;
    /// Load a block.
    fn load(self, p: &[f64; W]) -> Self::V;
    /// Store a block.
    fn store(self, p: &mut [f64; W], v: Self::V);
    /// `a + b`.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a − b`.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b`.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`.
    fn div(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b + c` with one rounding.
    fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `if a > b { a } else { b }` per lane (so a NaN in either gives `b`).
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// `|a|`.
    fn abs(self, a: Self::V) -> Self::V;
    /// The magnitude of `mag` with the sign of `sign`.
    fn copysign(self, mag: Self::V, sign: Self::V) -> Self::V;
    /// `+0.0` where `y < bound`, `v` elsewhere (a NaN `y` keeps `v`).
    fn zero_below(self, v: Self::V, y: Self::V, bound: f64) -> Self::V;
    /// `2^k` from `t = k + 1.5·2^52` (the integer `k ∈ [−1022, 1023]` in the low bits of `t`).
    fn pow2_from_shifted(self, t: Self::V) -> Self::V;
    /// Sum of the lanes: `((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7))`.
    fn reduce(self, v: Self::V) -> f64;
}

/// A zero-initialised buffer of `f64` whose first element is 64-byte aligned, so that every
/// block at a multiple of [`W`] lies in one cache line (an unaligned 8-lane load or store
/// touches two). The length is fixed at creation.
#[derive(Debug, Default)]
pub(crate) struct AlignedBuf {
    raw: Vec<f64>,
    start: usize,
    len: usize,
}

impl AlignedBuf {
    /// `len` zeros.
    pub(crate) fn zeros(len: usize) -> Self {
        let raw = vec![0.0; len + W - 1];
        let start = raw.as_ptr().align_offset(64).min(W - 1);
        Self { raw, start, len }
    }

    /// A copy of `v`.
    pub(crate) fn copy_of(v: &[f64]) -> Self {
        let mut b = Self::zeros(v.len());
        b.copy_from_slice(v);
        b
    }
}

impl Clone for AlignedBuf {
    fn clone(&self) -> Self {
        // A new allocation has its own alignment offset.
        Self::copy_of(self)
    }
}

impl std::ops::Deref for AlignedBuf {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.raw[self.start..self.start + self.len]
    }
}

impl std::ops::DerefMut for AlignedBuf {
    fn deref_mut(&mut self) -> &mut [f64] {
        &mut self.raw[self.start..self.start + self.len]
    }
}

/// The block at `at` of `v` as an array reference.
#[inline(always)]
pub(crate) fn block(v: &[f64], at: usize) -> &[f64; W] {
    v[at..at + W].try_into().expect("a whole block")
}

/// The block at `at` of `v`, mutable.
#[inline(always)]
pub(crate) fn block_mut(v: &mut [f64], at: usize) -> &mut [f64; W] {
    (&mut v[at..at + W]).try_into().expect("a whole block")
}

/// The block at `at` of `v` without a bounds check: for the innermost loops of the network
/// kernels, whose every index was checked once against the buffer's length before the loop
/// (each caller's `assert!` and `SAFETY` comment say which); [`block`] elsewhere. Measured:
/// the per-load checks cost 10 % of a small network's energy and gradient.
///
/// # Safety
///
/// `at + W ≤ v.len()`.
#[inline(always)]
pub(crate) unsafe fn block_unchecked(v: &[f64], at: usize) -> &[f64; W] {
    debug_assert!(at + W <= v.len());
    // SAFETY: `v[at..at + W]` is in bounds (the caller's contract); `[f64; W]` has the
    // alignment of `f64`.
    unsafe { &*v.as_ptr().add(at).cast::<[f64; W]>() }
}

/// [`block_unchecked`], mutable.
///
/// # Safety
///
/// `at + W ≤ v.len()`.
#[inline(always)]
pub(crate) unsafe fn block_mut_unchecked(v: &mut [f64], at: usize) -> &mut [f64; W] {
    debug_assert!(at + W <= v.len());
    // SAFETY: as in `block_unchecked`, and the borrow of `v` is unique.
    unsafe { &mut *v.as_mut_ptr().add(at).cast::<[f64; W]>() }
}

/// Portable implementation (lane by lane).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Portable;

impl Portable {
    #[inline(always)]
    fn map2(a: [f64; W], b: [f64; W], f: impl Fn(f64, f64) -> f64) -> [f64; W] {
        std::array::from_fn(|i| f(a[i], b[i]))
    }
}

impl Simd for Portable {
    type V = [f64; W];
    #[inline(always)]
    fn splat(self, x: f64) -> Self::V {
        [x; W]
    }
    #[inline(always)]
    fn load(self, p: &[f64; W]) -> Self::V {
        *p
    }
    #[inline(always)]
    fn store(self, p: &mut [f64; W], v: Self::V) {
        *p = v;
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        Self::map2(a, b, |x, y| x + y)
    }
    #[inline(always)]
    fn sub(self, a: Self::V, b: Self::V) -> Self::V {
        Self::map2(a, b, |x, y| x - y)
    }
    #[inline(always)]
    fn mul(self, a: Self::V, b: Self::V) -> Self::V {
        Self::map2(a, b, |x, y| x * y)
    }
    #[inline(always)]
    fn div(self, a: Self::V, b: Self::V) -> Self::V {
        Self::map2(a, b, |x, y| x / y)
    }
    #[inline(always)]
    fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::array::from_fn(|i| a[i].mul_add(b[i], c[i]))
    }
    #[inline(always)]
    fn max(self, a: Self::V, b: Self::V) -> Self::V {
        Self::map2(a, b, |x, y| if x > y { x } else { y })
    }
    #[inline(always)]
    fn abs(self, a: Self::V) -> Self::V {
        a.map(f64::abs)
    }
    #[inline(always)]
    fn copysign(self, mag: Self::V, sign: Self::V) -> Self::V {
        Self::map2(mag, sign, f64::copysign)
    }
    #[inline(always)]
    fn zero_below(self, v: Self::V, y: Self::V, bound: f64) -> Self::V {
        Self::map2(v, y, |x, yy| if yy < bound { 0.0 } else { x })
    }
    #[inline(always)]
    fn pow2_from_shifted(self, t: Self::V) -> Self::V {
        const SHIFTER_BITS: u64 = 0x4338_0000_0000_0000;
        t.map(|x| {
            let k = x.to_bits().wrapping_sub(SHIFTER_BITS);
            f64::from_bits(k.wrapping_add(1023) << 52)
        })
    }
    #[inline(always)]
    fn reduce(self, v: Self::V) -> f64 {
        ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, Avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Simd, W};
    use std::arch::x86_64::*;

    const SHIFTER_BITS: i64 = 0x4338_0000_0000_0000;

    /// AVX2 + FMA: a block is two 4-lane registers (lanes 0–3, 4–7).
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        /// The token, if this CPU has AVX2 and FMA.
        pub(crate) fn new() -> Option<Self> {
            (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"))
                .then_some(Avx2(()))
        }

        /// The token without checking.
        ///
        /// # Safety
        /// The CPU must support AVX2 and FMA.
        #[inline(always)]
        pub(crate) unsafe fn assume() -> Self {
            Avx2(())
        }
    }

    // SAFETY (every `unsafe` block of this impl): an `Avx2` value exists only when the CPU
    // supports AVX2 and FMA (`Avx2::new`); the loads and stores go through references to
    // whole arrays of W doubles.
    impl Simd for Avx2 {
        type V = (__m256d, __m256d);
        #[inline(always)]
        fn splat(self, x: f64) -> Self::V {
            unsafe { (_mm256_set1_pd(x), _mm256_set1_pd(x)) }
        }
        #[inline(always)]
        fn load(self, p: &[f64; W]) -> Self::V {
            unsafe {
                (
                    _mm256_loadu_pd(p.as_ptr()),
                    _mm256_loadu_pd(p.as_ptr().add(4)),
                )
            }
        }
        #[inline(always)]
        fn store(self, p: &mut [f64; W], v: Self::V) {
            unsafe {
                _mm256_storeu_pd(p.as_mut_ptr(), v.0);
                _mm256_storeu_pd(p.as_mut_ptr().add(4), v.1);
            }
        }
        #[inline(always)]
        fn add(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { (_mm256_add_pd(a.0, b.0), _mm256_add_pd(a.1, b.1)) }
        }
        #[inline(always)]
        fn sub(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { (_mm256_sub_pd(a.0, b.0), _mm256_sub_pd(a.1, b.1)) }
        }
        #[inline(always)]
        fn mul(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { (_mm256_mul_pd(a.0, b.0), _mm256_mul_pd(a.1, b.1)) }
        }
        #[inline(always)]
        fn div(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { (_mm256_div_pd(a.0, b.0), _mm256_div_pd(a.1, b.1)) }
        }
        #[inline(always)]
        fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
            unsafe {
                (
                    _mm256_fmadd_pd(a.0, b.0, c.0),
                    _mm256_fmadd_pd(a.1, b.1, c.1),
                )
            }
        }
        #[inline(always)]
        fn max(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { (_mm256_max_pd(a.0, b.0), _mm256_max_pd(a.1, b.1)) }
        }
        #[inline(always)]
        fn abs(self, a: Self::V) -> Self::V {
            unsafe {
                let m = _mm256_set1_pd(-0.0);
                (_mm256_andnot_pd(m, a.0), _mm256_andnot_pd(m, a.1))
            }
        }
        #[inline(always)]
        fn copysign(self, mag: Self::V, sign: Self::V) -> Self::V {
            unsafe {
                let m = _mm256_set1_pd(-0.0);
                let f = |x: __m256d, s: __m256d| {
                    _mm256_or_pd(_mm256_andnot_pd(m, x), _mm256_and_pd(m, s))
                };
                (f(mag.0, sign.0), f(mag.1, sign.1))
            }
        }
        #[inline(always)]
        fn zero_below(self, v: Self::V, y: Self::V, bound: f64) -> Self::V {
            unsafe {
                let b = _mm256_set1_pd(bound);
                let f = |x: __m256d, yy: __m256d| {
                    _mm256_andnot_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(yy, b), x)
                };
                (f(v.0, y.0), f(v.1, y.1))
            }
        }
        #[inline(always)]
        fn pow2_from_shifted(self, t: Self::V) -> Self::V {
            unsafe {
                let f = |x: __m256d| {
                    let k =
                        _mm256_sub_epi64(_mm256_castpd_si256(x), _mm256_set1_epi64x(SHIFTER_BITS));
                    let e = _mm256_slli_epi64::<52>(_mm256_add_epi64(k, _mm256_set1_epi64x(1023)));
                    _mm256_castsi256_pd(e)
                };
                (f(t.0), f(t.1))
            }
        }
        #[inline(always)]
        fn reduce(self, v: Self::V) -> f64 {
            unsafe {
                // Lanes (i, i+4), then (i, i+2), then (0, 1).
                let h = _mm256_add_pd(v.0, v.1);
                let q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd::<1>(h));
                _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)))
            }
        }
    }

    /// AVX-512 (F, DQ, VL) + FMA: a block is one register.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx512(());

    impl Avx512 {
        /// The token, if this CPU has AVX-512 F/DQ/VL, AVX2 and FMA.
        pub(crate) fn new() -> Option<Self> {
            (Avx2::new().is_some()
                && is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx512vl"))
            .then_some(Avx512(()))
        }

        /// The token without checking.
        ///
        /// # Safety
        /// The CPU must support AVX-512 F/DQ/VL, AVX2 and FMA.
        #[inline(always)]
        pub(crate) unsafe fn assume() -> Self {
            Avx512(())
        }
    }

    // SAFETY (every `unsafe` block of this impl): an `Avx512` value exists only when the CPU
    // supports AVX-512 F/DQ/VL, AVX2 and FMA (`Avx512::new`); loads and stores go through
    // references to whole arrays of W doubles.
    impl Simd for Avx512 {
        type V = __m512d;
        #[inline(always)]
        fn splat(self, x: f64) -> Self::V {
            unsafe { _mm512_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, p: &[f64; W]) -> Self::V {
            unsafe { _mm512_loadu_pd(p.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, p: &mut [f64; W], v: Self::V) {
            unsafe { _mm512_storeu_pd(p.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { _mm512_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { _mm512_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { _mm512_mul_pd(a, b) }
        }
        #[inline(always)]
        fn div(self, a: Self::V, b: Self::V) -> Self::V {
            unsafe { _mm512_div_pd(a, b) }
        }
        #[inline(always)]
        fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
            unsafe { _mm512_fmadd_pd(a, b, c) }
        }
        #[inline(always)]
        fn max(self, a: Self::V, b: Self::V) -> Self::V {
            // VMAXPD is `a > b ? a : b` (a NaN or two zeros select b), as the portable code.
            unsafe { _mm512_max_pd(a, b) }
        }
        #[inline(always)]
        fn abs(self, a: Self::V) -> Self::V {
            unsafe { _mm512_andnot_pd(_mm512_set1_pd(-0.0), a) }
        }
        #[inline(always)]
        fn copysign(self, mag: Self::V, sign: Self::V) -> Self::V {
            unsafe {
                let m = _mm512_set1_pd(-0.0);
                _mm512_or_pd(_mm512_andnot_pd(m, mag), _mm512_and_pd(m, sign))
            }
        }
        #[inline(always)]
        fn zero_below(self, v: Self::V, y: Self::V, bound: f64) -> Self::V {
            unsafe {
                let k = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(y, _mm512_set1_pd(bound));
                _mm512_mask_mov_pd(v, k, _mm512_setzero_pd())
            }
        }
        #[inline(always)]
        fn pow2_from_shifted(self, t: Self::V) -> Self::V {
            unsafe {
                let k = _mm512_sub_epi64(_mm512_castpd_si512(t), _mm512_set1_epi64(SHIFTER_BITS));
                let e = _mm512_slli_epi64::<52>(_mm512_add_epi64(k, _mm512_set1_epi64(1023)));
                _mm512_castsi512_pd(e)
            }
        }
        #[inline(always)]
        fn reduce(self, v: Self::V) -> f64 {
            unsafe {
                let lo = _mm512_castpd512_pd256(v);
                let hi = _mm512_extractf64x4_pd::<1>(v);
                let h = _mm256_add_pd(lo, hi);
                let q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd::<1>(h));
                _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)))
            }
        }
    }
}

/// The instruction set the vectorised loops are compiled for, chosen once per process from
/// what the CPU supports. Every variant performs the same operations in the same order (FMA
/// included: [`f64::mul_add`] is a single rounding everywhere), so results are bit-identical
/// whichever runs; only the vector width differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// Whatever the build target offers (no runtime-selected features).
    Generic,
    /// x86-64 AVX2 with FMA: 4 doubles per vector.
    Avx2,
    /// x86-64 AVX-512 (F, DQ, VL) with FMA: 8 doubles per vector.
    Avx512,
}

/// The best [`Isa`] of this CPU (x86-64 feature detection is cached by std). The variable
/// `MLP_ISA=portable|avx2` caps it (for tests and comparisons); read once per process.
#[inline]
pub(crate) fn isa() -> Isa {
    static CHOSEN: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let cap = std::env::var("MLP_ISA")
            .unwrap_or_default()
            .to_ascii_lowercase();
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = Avx2::new().is_some();
            let avx512 = Avx512::new().is_some();
            match cap.as_str() {
                "portable" | "generic" => Isa::Generic,
                "avx2" if avx2 => Isa::Avx2,
                _ if avx512 => Isa::Avx512,
                _ if avx2 => Isa::Avx2,
                _ => Isa::Generic,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = cap;
            Isa::Generic
        }
    })
}

/// Define `$name` that runs `$body` compiled for the CPU's [`Isa`], with `$s` bound to that
/// instruction set's [`Simd`] token: two `#[target_feature]` copies (x86-64) and a portable
/// one.
macro_rules! isa_dispatch {
    ([$s:ident] $(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) $(-> $ret)? {
                    // SAFETY: called only when `isa()` found AVX2 and FMA.
                    let $s = unsafe { $crate::simd::Avx2::assume() };
                    $body
                }
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
                fn avx512($($arg: $ty),*) $(-> $ret)? {
                    // SAFETY: called only when `isa()` found AVX-512 F/DQ/VL, AVX2 and FMA.
                    let $s = unsafe { $crate::simd::Avx512::assume() };
                    $body
                }
                match $crate::simd::isa() {
                    // SAFETY: isa() reports only features the CPU has.
                    $crate::simd::Isa::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: as above.
                    $crate::simd::Isa::Avx2 => return unsafe { avx2($($arg),*) },
                    $crate::simd::Isa::Generic => {}
                }
            }
            #[inline(always)]
            fn portable($($arg: $ty),*) $(-> $ret)? {
                let $s = $crate::simd::Portable;
                $body
            }
            portable($($arg),*)
        }
    };
}
pub(crate) use isa_dispatch;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every buffer (and every clone, a new allocation) starts on a 64-byte boundary, holds
    /// its length of zeros or the copied values, and an empty one is empty.
    #[test]
    fn aligned_buffers_start_on_a_cache_line() {
        let mut keep = Vec::new();
        for len in 0..200 {
            let mut b = AlignedBuf::zeros(len);
            assert_eq!(b.len(), len);
            assert!(b.iter().all(|&v| v == 0.0));
            if len > 0 {
                assert_eq!(b.as_ptr() as usize % 64, 0, "len {len}");
            }
            for (i, v) in b.iter_mut().enumerate() {
                *v = i as f64;
            }
            let c = b.clone();
            assert_eq!(&c[..], &b[..]);
            if len > 0 {
                assert_eq!(c.as_ptr() as usize % 64, 0);
            }
            keep.push((b, c));
        }
        assert!(AlignedBuf::default().is_empty());
    }
}
