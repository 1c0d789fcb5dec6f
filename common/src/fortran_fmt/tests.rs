//! Unit tests of the exact decimal layer against an independent base-10 reference.

use super::decimal::Decimal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Independent reference: the exact expansion of |v| computed with a little-endian vector of
/// base-10 digits (schoolbook multiplication by small factors), returned as (digits, exp) with
/// the same normalisation as `Decimal` (value = 0.digits × 10^exp, no leading/trailing zeros).
fn reference_expansion(v: f64) -> (Vec<u8>, i32) {
    let bits = v.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    if m == 0 {
        return (vec![], 0);
    }
    let mut d: Vec<u64> = m
        .to_string()
        .bytes()
        .rev()
        .map(|b| (b - b'0') as u64)
        .collect();
    let mul = |d: &mut Vec<u64>, f: u64| {
        let mut carry = 0u64;
        for x in d.iter_mut() {
            let p = *x * f + carry;
            *x = p % 10;
            carry = p / 10;
        }
        while carry > 0 {
            d.push(carry % 10);
            carry /= 10;
        }
    };
    let (base, mut count) = if e >= 0 { (2u64, e) } else { (5u64, -e) };
    while count > 0 {
        let k = count.min(20);
        mul(&mut d, base.pow(k as u32));
        count -= k;
    }
    // integer N = d (little-endian); value = N · 10^min(e,0)
    let mut digits: Vec<u8> = d.iter().rev().map(|&x| x as u8).collect();
    let exp = digits.len() as i32 + e.min(0);
    while digits.last() == Some(&0) {
        digits.pop();
    }
    (digits, exp)
}

#[test]
fn exact_expansion_matches_base10_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_f0f0);
    let mut specials = vec![
        0.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        5e-324,
        1.0,
        0.1,
        258.125,
        2f64.powi(-1074 + 52),
        2f64.powi(1023),
        f64::EPSILON,
    ];
    for _ in 0..3000 {
        specials.push(f64::from_bits(rng.gen::<u64>() & 0x7fef_ffff_ffff_ffff));
    }
    for _ in 0..1000 {
        // Subnormals and the smallest normals.
        specials.push(f64::from_bits(rng.gen_range(0..(1u64 << 53))));
    }
    for v in specials {
        let dec = Decimal::exact(v);
        let (digits, exp) = reference_expansion(v);
        assert_eq!(dec.digits, digits, "digits of {v:e}");
        if !digits.is_empty() {
            assert_eq!(dec.exp, exp, "exponent of {v:e}");
        }
    }
}

#[test]
fn known_expansions() {
    let d = Decimal::exact(0.1);
    let s: String = d.digits.iter().map(|&x| (b'0' + x) as char).collect();
    assert_eq!(s, "1000000000000000055511151231257827021181583404541015625");
    assert_eq!(d.exp, 0);
    let d = Decimal::exact(5e-324);
    assert_eq!(d.exp, -323);
    assert_eq!(d.digits.len(), 751);
    assert_eq!(&d.digits[..6], &[4, 9, 4, 0, 6, 5]);
    let d = Decimal::exact(1024.0);
    assert_eq!((d.digits.clone(), d.exp), (vec![1, 0, 2, 4], 4));
    assert!(Decimal::exact(0.0).is_zero());
    assert!(Decimal::exact(f64::NAN).is_zero());
}

fn dec(s: &str, exp: i32) -> Decimal {
    Decimal {
        digits: s.bytes().map(|b| b - b'0').collect(),
        exp,
    }
}

#[test]
fn round_keep_half_even_and_carries() {
    // 258.125 → keep 5 digits: tie, 2 is even → 258.12
    assert_eq!(dec("258125", 3).round_keep(5), dec("25812", 3));
    // 376.875 → tie, 7 odd → 376.88
    assert_eq!(dec("376875", 3).round_keep(5), dec("37688", 3));
    // tie broken by a later digit
    assert_eq!(dec("2581251", 3).round_keep(5), dec("25813", 3));
    // carry across all nines: 999.96 → 1000.0
    assert_eq!(dec("99996", 3).round_keep(4), dec("1", 4));
    // n = 0: 0.5·unit ties to 0 (even), above goes to one unit
    assert_eq!(dec("5", -2).round_keep(0), Decimal::zero());
    assert_eq!(dec("51", -2).round_keep(0), dec("1", -1));
    assert_eq!(dec("4999", -2).round_keep(0), Decimal::zero());
    // n < 0: always zero
    assert_eq!(dec("9999", -2).round_keep(-1), Decimal::zero());
    // nothing to round
    assert_eq!(dec("125", 1).round_keep(7), dec("125", 1));
    // trailing zeros removed after rounding: 1.2049 → 1.20 → "12"
    assert_eq!(dec("12049", 1).round_keep(3), dec("12", 1));
    assert_eq!(dec("123", 0).digit_at(-1), 1);
    assert_eq!(dec("123", 0).digit_at(0), 0);
    assert_eq!(dec("123", 0).digit_at(-4), 0);
}
