//! Readers and writers of the suite's data files (files.md), one submodule per format.
//!
//! Writers reproduce the Fortran edit descriptors byte for byte (through
//! [`crate::fortran_fmt`]); readers accept any whitespace-separated layout.

pub mod error;
pub mod min_data_info;
pub mod path_info;
