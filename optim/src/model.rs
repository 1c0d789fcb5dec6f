//! The system OPTIM works on: [`common::system::BaseSystem`] (a potential with its identity,
//! alignment and zero modes), plus the small vector helpers of the searches.

pub use common::system::BaseSystem as Model;

/// Remove the components of `v` along the orthonormal `basis`.
pub fn project_out(v: &mut [f64], basis: &[Vec<f64>]) {
    for u in basis {
        let d = dot(v, u);
        v.iter_mut().zip(u).for_each(|(a, b)| *a -= d * b);
    }
}

pub use common::linalg::{dot, norm};
