//! The L-BFGS keyword group shared by GMIN's and OPTIM's keyword tables: `MAXBFGS`,
//! `UPDATES`, `DGUESS` and `MAXERISE`, each a list of values whose k-th value (0-based slot)
//! goes to the program's k-th minimiser (GMIN: the quenches; OPTIM: minimisation, then
//! eigenvector search, then ... as its [`LbfgsTarget`] says).

use crate::deck::{kw, Arg, DeckError, Keyword, Line};

/// Which L-BFGS setting a keyword sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbfgsParam {
    /// MAXBFGS: largest step (length units).
    MaxStep,
    /// UPDATES: memory (number of correction pairs, at least 1).
    Memory,
    /// DGUESS: initial inverse-Hessian diagonal.
    Dguess,
    /// MAXERISE: largest energy rise accepted in a step.
    MaxErise,
}

/// A program's minimisers.
pub trait LbfgsTarget {
    /// Set `param` of the minimiser(s) in `slot` (the 0-based position of the value on the
    /// keyword line); slots the program does not have are ignored.
    fn set_lbfgs(&mut self, param: LbfgsParam, slot: usize, value: f64);
}

fn apply<T: LbfgsTarget>(t: &mut T, line: &Line, param: LbfgsParam) -> Result<(), DeckError> {
    for i in 1..=line.nargs() {
        if line.is_null(i) {
            continue;
        }
        let v = line.f64(i)?;
        let v = match param {
            LbfgsParam::MaxStep | LbfgsParam::Dguess if !(v > 0.0 && v.is_finite()) => {
                return Err(line.error_at(i, format!("must be positive, got {v}")))
            }
            LbfgsParam::Memory => v.trunc().max(1.0),
            _ => v,
        };
        t.set_lbfgs(param, i - 1, v);
    }
    Ok(())
}

/// MAXBFGS, UPDATES, DGUESS, MAXERISE.
pub fn group<T: LbfgsTarget>() -> Vec<Keyword<T>> {
    vec![
        kw("MAXBFGS")
            .arg(Arg::real("step").many())
            .doc("largest L-BFGS step, one value per minimiser")
            .set(|t: &mut T, l| apply(t, l, LbfgsParam::MaxStep)),
        kw("UPDATES")
            .arg(Arg::int("m").many())
            .doc("L-BFGS memory (correction pairs kept), one value per minimiser")
            .set(|t: &mut T, l| apply(t, l, LbfgsParam::Memory)),
        kw("DGUESS")
            .arg(Arg::real("d").many())
            .doc("initial guess of the inverse-Hessian diagonal, one value per minimiser")
            .set(|t: &mut T, l| apply(t, l, LbfgsParam::Dguess)),
        kw("MAXERISE")
            .arg(Arg::real("de").many())
            .doc("largest energy rise accepted in an L-BFGS step, one value per minimiser")
            .set(|t: &mut T, l| apply(t, l, LbfgsParam::MaxErise)),
    ]
}
