//! Exact decimal expansion of binary floating-point values and decimal rounding.
//!
//! Every finite `f64` is `m · 2^e` with integer `m < 2^53`, so its decimal expansion is finite:
//! `m · 2^e` for `e ≥ 0`, and `m · 5^(−e) · 10^e` for `e < 0`. [`Decimal::exact`] computes that
//! expansion with a small base-2³² big integer (at most ~2550 bits for the smallest subnormal),
//! and [`Decimal::round_keep`] rounds it to a digit position, exact ties to even. This is what
//! glibc's `printf` (and therefore gfortran's formatted output) does.

/// A non-negative decimal number `0.d₁d₂d₃… × 10^exp`.
///
/// `digits` holds the decimal digits (values 0–9) with `digits[0] != 0` and no trailing zeros;
/// zero is represented by an empty `digits` (and `exp == 0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub(crate) digits: Vec<u8>,
    pub(crate) exp: i32,
}

impl Decimal {
    /// The zero value.
    pub(crate) fn zero() -> Self {
        Decimal {
            digits: Vec::new(),
            exp: 0,
        }
    }

    /// True when the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The exact decimal expansion of `|v|`. `v` must be finite (checked by the callers; a
    /// non-finite input gives zero rather than a panic).
    pub(crate) fn exact(v: f64) -> Self {
        if !v.is_finite() || v == 0.0 {
            return Decimal::zero();
        }
        let bits = v.abs().to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        // value = m · 2^e
        let (m, e) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), biased - 1075)
        };
        let mut n = BigUint::from_u64(m);
        if e >= 0 {
            n.shl(e as u32);
        } else {
            n.mul_pow5((-e) as u32);
        }
        let mut digits = n.into_decimal_digits();
        // value = N · 10^min(e, 0); N has digits.len() digits.
        let exp = digits.len() as i32 + e.min(0);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Decimal { digits, exp }
    }

    /// Rounds to `n` digits counted from the position of the first digit, i.e. to a multiple
    /// of `10^(exp − n)`, nearest with exact ties to even. `n ≤ 0` is allowed (the result is
    /// then 0 or one unit `10^(exp − n)`).
    pub(crate) fn round_keep(&self, n: i64) -> Decimal {
        let len = self.digits.len() as i64;
        if self.is_zero() || n >= len {
            return self.clone();
        }
        if n < 0 {
            // value < 10^exp ≤ 0.1 · 10^(exp − n): less than half a unit.
            return Decimal::zero();
        }
        let n = n as usize;
        let next = self.digits[n];
        let rest_nonzero = self.digits[n + 1..].iter().any(|&d| d != 0);
        // The kept part's last digit (an empty kept part is 0, which is even).
        let last_odd = n > 0 && self.digits[n - 1] % 2 == 1;
        let up = next > 5 || (next == 5 && (rest_nonzero || last_odd));
        let mut digits = self.digits[..n].to_vec();
        let mut exp = self.exp;
        if up {
            // Add one unit at position n−1 with carry.
            let mut i = n;
            loop {
                if i == 0 {
                    // Carry out of the first digit (or nothing kept): the value is 10^exp.
                    digits = vec![1];
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal::zero();
        }
        Decimal { digits, exp }
    }

    /// The digit multiplying `10^q`.
    pub(crate) fn digit_at(&self, q: i32) -> u8 {
        let idx = self.exp as i64 - 1 - q as i64;
        if idx >= 0 && (idx as usize) < self.digits.len() {
            self.digits[idx as usize]
        } else {
            0
        }
    }
}

/// Minimal unsigned big integer, little-endian base-2³² limbs.
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u64(v: u64) -> Self {
        let mut b = BigUint {
            limbs: vec![v as u32, (v >> 32) as u32],
        };
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn mul_small(&mut self, f: u32) {
        let mut carry = 0u64;
        for l in self.limbs.iter_mut() {
            let p = *l as u64 * f as u64 + carry;
            *l = p as u32;
            carry = p >> 32;
        }
        if carry > 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut k: u32) {
        const P13: u32 = 1_220_703_125; // 5^13
        while k >= 13 {
            self.mul_small(P13);
            k -= 13;
        }
        if k > 0 {
            self.mul_small(5u32.pow(k));
        }
    }

    fn shl(&mut self, s: u32) {
        let words = (s / 32) as usize;
        let bits = s % 32;
        if bits > 0 {
            let mut carry = 0u32;
            for l in self.limbs.iter_mut() {
                let nl = (*l << bits) | carry;
                carry = *l >> (32 - bits);
                *l = nl;
            }
            if carry > 0 {
                self.limbs.push(carry);
            }
        }
        if words > 0 {
            let mut v = vec![0u32; words];
            v.append(&mut self.limbs);
            self.limbs = v;
        }
    }

    /// Divides in place by `d`, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        self.trim();
        rem as u32
    }

    /// Decimal digits, most significant first, no leading zeros ("0" → empty).
    fn into_decimal_digits(mut self) -> Vec<u8> {
        const CHUNK: u32 = 1_000_000_000;
        let mut chunks = Vec::new();
        while !self.limbs.is_empty() {
            chunks.push(self.div_small(CHUNK));
        }
        let mut out = Vec::with_capacity(chunks.len() * 9);
        for (i, c) in chunks.iter().rev().enumerate() {
            let s = c.to_string();
            if i > 0 {
                out.extend(std::iter::repeat_n(0u8, 9 - s.len()));
            }
            out.extend(s.bytes().map(|b| b - b'0'));
        }
        out
    }
}
