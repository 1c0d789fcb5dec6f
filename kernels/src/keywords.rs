//! The GPU keyword shared by GMIN's and OPTIM's keyword tables.

use common::deck::{kw, Arg, Keyword};

use crate::probe::GpuRequest;

/// A program that can evaluate network losses on a GPU.
pub trait GpuTarget {
    /// Where the deck's request is kept.
    fn gpu_mut(&mut self) -> &mut GpuRequest;
}

/// `GPU [device]` (alias `CUDA`): the project extension that runs network losses on an
/// NVIDIA GPU.
pub fn gpu_keyword<T: GpuTarget>() -> Keyword<T> {
    kw("GPU")
        .alias("CUDA")
        .arg(Arg::word("device").or("0"))
        .doc(
            "evaluate network losses on an NVIDIA GPU (project extension): device number, or \
             OFF/NONE/CPU; falls back to the CPU with a message when none is usable",
        )
        .example("1")
        .set(|t: &mut T, l| {
            let args: Vec<String> = (1..=l.nargs())
                .map(|i| l.string(i))
                .collect::<Result<_, _>>()?;
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            *t.gpu_mut() =
                GpuRequest::from_keyword(l.keyword(), &refs).map_err(|m| l.error_at(1, m))?;
            Ok(())
        })
}
