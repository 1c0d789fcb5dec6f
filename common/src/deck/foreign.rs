//! Keywords of systems this implementation does not provide (AMBER, CHARMM, ...): recognised
//! so that a user whose deck names them is told the truth — the potential is missing — rather
//! than that the keyword is misspelt. Shared by every keyword table ([`super::table`]).

/// How a keyword of another system is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignKind {
    /// A potential: an error (and reported before anything else in the deck).
    Potential,
    /// An option of that system that would change the results: an error.
    Option,
    /// An option that cannot change the results here (output of that system's files): a
    /// warning.
    Harmless,
}

/// One keyword of another system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Foreign {
    /// Upper-case keyword.
    pub name: &'static str,
    /// The system it belongs to ("the AMBER potential").
    pub system: &'static str,
    /// How it is treated.
    pub kind: ForeignKind,
}

/// What this implementation provides, for messages.
pub const PROVIDED: &str = "LJ, LJAT and the MLP family are";

use ForeignKind::{Harmless, Option as Opt, Potential};

const AMBER: &str = "the AMBER potential";
const CHARMM: &str = "the CHARMM potential";
const RIGID: &str = "rigid-body systems";

/// The keywords, from the Wales group's public decks (`wales-group/examples`: tetra_ALA,
/// trypzip, SER_LYS) and the GMIN/OPTIM/PATHSAMPLE keyword lists.
pub const FOREIGN: &[Foreign] = &[
    Foreign {
        name: "AMBER12",
        system: AMBER,
        kind: Potential,
    },
    Foreign {
        name: "AMBER9",
        system: AMBER,
        kind: Potential,
    },
    Foreign {
        name: "AMBER",
        system: AMBER,
        kind: Potential,
    },
    Foreign {
        name: "NAB",
        system: AMBER,
        kind: Potential,
    },
    Foreign {
        name: "CHARMM",
        system: CHARMM,
        kind: Potential,
    },
    Foreign {
        name: "UNRES",
        system: "the UNRES potential",
        kind: Potential,
    },
    Foreign {
        name: "OPEP",
        system: "the OPEP potential",
        kind: Potential,
    },
    Foreign {
        name: "GUPTA",
        system: "the Gupta potential",
        kind: Potential,
    },
    Foreign {
        name: "SC",
        system: "the Sutton-Chen potential",
        kind: Potential,
    },
    Foreign {
        name: "MORSE",
        system: "the Morse potential",
        kind: Potential,
    },
    Foreign {
        name: "BLJCLUSTER",
        system: "the binary LJ potential",
        kind: Potential,
    },
    Foreign {
        name: "TIP",
        system: "the TIPnP water potentials",
        kind: Potential,
    },
    Foreign {
        name: "DFTB",
        system: "the DFTB potential",
        kind: Potential,
    },
    Foreign {
        name: "CASTEP",
        system: "the CASTEP interface",
        kind: Potential,
    },
    Foreign {
        name: "ONETEP",
        system: "the ONETEP interface",
        kind: Potential,
    },
    Foreign {
        name: "CPMD",
        system: "the CPMD interface",
        kind: Potential,
    },
    Foreign {
        name: "GAUSSIAN",
        system: "the Gaussian interface",
        kind: Potential,
    },
    Foreign {
        name: "QCHEM",
        system: "the Q-Chem interface",
        kind: Potential,
    },
    Foreign {
        name: "RIGIDINIT",
        system: RIGID,
        kind: Potential,
    },
    Foreign {
        name: "GROUPROTATION",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "LPERMDIST",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "SETCHIRAL",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "NOCHIRALCHECKS",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "NOCISTRANS",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "CHECKCHIRALITY",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "MIN_ZERO_SEP",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "CHECKNEGATIVE",
        system: AMBER,
        kind: Opt,
    },
    Foreign {
        name: "DUMPSTRUCTURES",
        system: AMBER,
        kind: Harmless,
    },
];

/// The entry for `name` (upper case).
pub fn find(name: &str) -> Option<&'static Foreign> {
    FOREIGN.iter().find(|f| f.name == name)
}

/// Every name, in list order.
pub fn names() -> Vec<&'static str> {
    FOREIGN.iter().map(|f| f.name).collect()
}

impl Foreign {
    /// The message for a deck that uses this keyword (the keyword itself is named by the
    /// error or warning that carries it).
    pub fn message(&self) -> String {
        match self.kind {
            Potential => format!(
                "{} is not provided by this implementation ({PROVIDED})",
                self.system
            ),
            Opt => format!(
                "an option of {}, which this implementation does not provide ({PROVIDED})",
                self.system
            ),
            Harmless => format!(
                "an option of {}, ignored (it cannot change the results here)",
                self.system
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_upper_case() {
        let mut n = names();
        assert!(n.iter().all(|k| *k == k.to_ascii_uppercase()));
        n.sort_unstable();
        let len = n.len();
        n.dedup();
        assert_eq!(n.len(), len);
    }

    #[test]
    fn the_amber_message_says_what_is_missing() {
        assert_eq!(
            find("AMBER12").unwrap().message(),
            "the AMBER potential is not provided by this implementation \
             (LJ, LJAT and the MLP family are)"
        );
        assert_eq!(find("DUMPSTRUCTURES").unwrap().kind, ForeignKind::Harmless);
        assert!(find("STEPS").is_none());
    }
}
