//! The MLP keyword group shared by GMIN's and OPTIM's keyword tables (and the network
//! keyword alone by PATHSAMPLE's): written once, applied through [`MlpTarget`].

use crate::deck::{kw, Arg, DeckError, Keyword, Line};

use super::spec::MLP_KEYWORDS;

/// A network keyword line kept until `MLPdata` is read (the specification needs the data).
#[derive(Debug, Clone, PartialEq)]
pub struct MlpLine {
    /// Upper-case keyword (`MLPVB3`, `MLPMULTI`, ...).
    pub keyword: String,
    /// Numeric arguments as given (null items read as 0).
    pub args: Vec<f64>,
    /// File of the keyword, for messages.
    pub file: String,
    /// 1-based line of the keyword.
    pub line: usize,
}

impl MlpLine {
    /// Read a network keyword line (the arguments have been checked as reals).
    pub fn from_line(line: &Line) -> Result<MlpLine, DeckError> {
        Ok(MlpLine {
            keyword: line.keyword().to_string(),
            args: (1..=line.nargs())
                .map(|i| line.f64(i))
                .collect::<Result<_, _>>()?,
            file: line.file().to_string(),
            line: line.line_no(),
        })
    }

    /// `file:line`, for messages.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// What a program keeps of the MLP keywords.
pub trait MlpTarget {
    /// A network keyword (the program refuses a second potential keyword).
    fn set_network(&mut self, line: &Line, mlp: MlpLine) -> Result<(), DeckError>;
    /// Whether a network keyword has been read (MLPNORM must come before it).
    fn has_network(&self) -> bool;
    /// MLPNORM.
    fn set_mlpnorm(&mut self);
    /// NOREGBIAS.
    fn set_noregbias(&mut self);
}

/// The network keyword: `MLPVB3` and its relatives (one entry, the others as aliases).
pub fn network_keyword<T: MlpTarget>() -> Keyword<T> {
    kw(MLP_KEYWORDS[3])
        .aliases(&[
            MLP_KEYWORDS[0],
            MLP_KEYWORDS[1],
            MLP_KEYWORDS[2],
            MLP_KEYWORDS[4],
            MLP_KEYWORDS[5],
        ])
        .arg(Arg::real("sizes, Ndata, lambda...").many())
        .doc(
            "the tanh network with softmax outputs and its training data (MLPdata); argument \
             orders in docs/keywords.md section 2.3, e.g. MLPVB3 Nin Nstart Nhidden Nout Ndata \
             lambda",
        )
        .example("2 1 10 4 100 0.0001")
        .set(|t: &mut T, l| t.set_network(l, MlpLine::from_line(l)?))
}

/// MLPNORM and NOREGBIAS.
pub fn options<T: MlpTarget>() -> Vec<Keyword<T>> {
    vec![
        kw("MLPNORM")
            .doc("normalise each input column of MLPdata (must precede the MLP keyword)")
            .set(|t: &mut T, l| {
                if t.has_network() {
                    return Err(l.error("please put MLPNORM before MLP keyword"));
                }
                t.set_mlpnorm();
                Ok(())
            }),
        kw("NOREGBIAS")
            .doc("leave the biases out of the lambda |W|^2 regularisation")
            .set(|t: &mut T, _| {
                t.set_noregbias();
                Ok(())
            }),
    ]
}
