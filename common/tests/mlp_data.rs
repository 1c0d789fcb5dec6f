//! `MLPdata` reading, keyword parsing and nearest-neighbour freezing.

// Wrapped in a module so that every test name contains "mlp" (`cargo test mlp`).
mod mlp_data {
    use common::mlp::{
        is_mlp_keyword, nearest_neighbour_mask, DataLayout, Mlp, MlpData, MlpDataError, MlpKind,
        MlpSpec, OutcomeColumn,
    };
    use common::potential::Potential;

    fn layout(nin: usize, nout: usize, ndata: usize) -> DataLayout {
        DataLayout::outcome_first(nin, nout, ndata)
    }

    fn err(text: &str, layout: &DataLayout) -> MlpDataError {
        MlpData::parse(text, "MLPdata", layout).unwrap_err()
    }

    #[test]
    fn outcome_first_free_format_and_nstart() {
        let text =
            "1\t9.0, 0.5  -1.0 7\n\n0,9.0,1.5D0,0.3-1,7,8\n  2 9 -0.2 0.8\nextra line ignored\n";
        let mut l = layout(2, 3, 3);
        l.nstart = 2;
        let d = MlpData::parse(text, "MLPdata", &l).unwrap();
        assert_eq!(d.ndata(), 3);
        assert_eq!(d.nin(), 2);
        assert_eq!(d.labels(), &[1, 0, 2]);
        assert_eq!(d.inputs(), &[0.5, -1.0, 1.5, 0.03, -0.2, 0.8]);
        assert_eq!(d.input(1), &[1.5, 0.03]);
        assert!(d.scales().is_none());
    }

    #[test]
    fn outcome_last_with_datstart() {
        let text = "skip me\nskip me too\n0.5 -1.0 1\n1.5 0.3 0\r\n";
        let l = DataLayout {
            outcome: OutcomeColumn::Last,
            datstart: 3,
            ..layout(2, 2, 2)
        };
        let d = MlpData::parse(text, "MLPdata", &l).unwrap();
        assert_eq!(d.labels(), &[1, 0]);
        assert_eq!(d.inputs(), &[0.5, -1.0, 1.5, 0.3]);
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let e = err("0 1.0 2.0\n1 1.0\n", &layout(2, 2, 2));
        assert!(
            matches!(
                e,
                MlpDataError::ColumnCount {
                    line: 2,
                    found: 2,
                    ..
                }
            ),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains("MLPdata line 2"), "{msg}");
        // Nstart beyond the columns present.
        let mut l = layout(2, 2, 1);
        l.nstart = 3;
        let e = err("0 1 2 3\n", &l);
        assert!(
            matches!(
                e,
                MlpDataError::ColumnCount {
                    line: 1,
                    found: 4,
                    ..
                }
            ),
            "{e:?}"
        );
        // Outcome-last needs exactly Nin + 1 values.
        let l = DataLayout {
            outcome: OutcomeColumn::Last,
            ..layout(2, 2, 2)
        };
        let e = err("1.0 2.0 0\n1.0 2.0 3.0 1\n", &l);
        assert!(
            matches!(
                e,
                MlpDataError::ColumnCount {
                    line: 2,
                    found: 4,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn label_out_of_range_names_the_line() {
        let e = err("0 1 2\n\n2 1 2\n", &layout(2, 2, 2));
        assert!(
            matches!(
                e,
                MlpDataError::LabelRange {
                    line: 3,
                    value: 2,
                    max: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("MLPdata line 3"), "{e}");
        let e = err("-1 1 2\n", &layout(2, 2, 1));
        assert!(
            matches!(
                e,
                MlpDataError::LabelRange {
                    line: 1,
                    value: -1,
                    ..
                }
            ),
            "{e:?}"
        );
        // Outcome-last: the last column.
        let l = DataLayout {
            outcome: OutcomeColumn::Last,
            ..layout(2, 2, 2)
        };
        let e = err("1 2 0\n1 2 5\n", &l);
        assert!(
            matches!(
                e,
                MlpDataError::LabelRange {
                    line: 2,
                    value: 5,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn label_not_an_integer_names_the_line() {
        let e = err("0 1 2\n0.5 1 2\n", &layout(2, 2, 2));
        assert!(
            matches!(e, MlpDataError::LabelNotInteger { line: 2, .. }),
            "{e:?}"
        );
        let e = err("one 1 2\n", &layout(2, 2, 1));
        assert!(
            matches!(e, MlpDataError::LabelNotInteger { line: 1, .. }),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("line 1") && e.to_string().contains("'one'"),
            "{e}"
        );
        // 1.0 is accepted as the integer 1.
        let d = MlpData::parse("1.0 1 2\n", "MLPdata", &layout(2, 2, 1)).unwrap();
        assert_eq!(d.labels(), &[1]);
    }

    #[test]
    fn non_number_names_the_line_and_column() {
        let e = err("0 1 2\n1 1 x2\n", &layout(2, 2, 2));
        assert!(
            matches!(e, MlpDataError::NotANumber { line: 2, column: 3, ref text, .. } if text == "x2"),
            "{e:?}"
        );
        assert!(e.to_string().contains("MLPdata line 2"), "{e}");
        let e = err("0 nan 2\n", &layout(2, 2, 1));
        assert!(
            matches!(
                e,
                MlpDataError::NotANumber {
                    line: 1,
                    column: 2,
                    ..
                }
            ),
            "{e:?}"
        );
        // Unused columns are not read.
        assert!(MlpData::parse("0 1 2 junk\n", "MLPdata", &layout(2, 2, 1)).is_ok());
    }

    #[test]
    fn too_few_lines_names_the_line() {
        let e = err("0 1 2\n1 3 4\n\n", &layout(2, 2, 3));
        assert!(
            matches!(
                e,
                MlpDataError::TooFewLines {
                    line: 3,
                    found: 2,
                    expected: 3,
                    ..
                }
            ),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.contains("MLPdata line 3") && msg.contains("Ndata = 3"),
            "{msg}"
        );
        let e = err("", &layout(2, 2, 1));
        assert!(
            matches!(
                e,
                MlpDataError::TooFewLines {
                    line: 0,
                    found: 0,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn read_from_file_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("MLPdata");
        std::fs::write(&path, "0 0.5 -1.0\n1 1.5 0.3\n1 -0.2 0.8\n").unwrap();
        let spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 2.0, 2.0, 3.0, 0.01]).unwrap();
        let p = Mlp::load(&spec, &path).unwrap();
        assert!((p.energy(&[0.0; 12]) - 2f64.ln()).abs() < 1e-15);
        let missing = dir.path().join("nothere");
        let e = MlpData::read(&missing, &spec.data_layout()).unwrap_err();
        assert!(matches!(e, MlpDataError::Io { .. }));
        assert!(e.to_string().contains("nothere"), "{e}");
        // Errors from a file name the file.
        std::fs::write(&path, "0 0.5 -1.0\n7 1.5 0.3\n").unwrap();
        let e = MlpData::read(&path, &spec.data_layout()).unwrap_err();
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn mlpnorm_scales_columns_and_leaves_zero_columns() {
        let mut l = layout(3, 2, 2);
        l.normalise = true;
        let d = MlpData::parse("0 1 0 -4\n1 -3 0 2\n", "MLPdata", &l).unwrap();
        assert_eq!(d.scales().unwrap(), &[2.0, 1.0, 3.0]);
        assert_eq!(d.inputs(), &[0.5, 0.0, -4.0 / 3.0, -1.5, 0.0, 2.0 / 3.0]);
        // A test set scaled with the training divisors.
        let mut t = MlpData::new(3, vec![2.0, 5.0, 3.0], vec![0]);
        t.apply_scales(d.scales().unwrap());
        assert_eq!(t.inputs(), &[1.0, 5.0, 1.0]);
    }

    #[test]
    fn keyword_argument_orders_and_defaults() {
        let s = MlpSpec::from_keyword("mlp3", &[2.0, 3.0, 4.0, 10.0]).unwrap();
        assert_eq!(s.kind, MlpKind::Mlp3);
        assert_eq!(
            (s.nin, s.hidden.clone(), s.nout, s.ndata),
            (2, vec![3], 4, 10)
        );
        assert_eq!((s.lambda, s.nstart, s.datstart), (0.0, 1, 1));
        assert_eq!(s.outcome, OutcomeColumn::First);
        assert!(!s.noregbias && !s.mlpnorm);
        let s = MlpSpec::from_keyword("MLP3", &[2.0, 3.0, 4.0, 10.0, 0.5, 4.0]).unwrap();
        assert_eq!(
            (s.lambda, s.datstart, s.outcome),
            (0.5, 4, OutcomeColumn::Last)
        );
        let l = s.data_layout();
        assert_eq!((l.nin, l.nout, l.ndata, l.datstart), (2, 4, 10, 4));
        // A null datstart reads as 0 and behaves as 1, but still selects the old layout.
        let s = MlpSpec::from_keyword("MLP3", &[2.0, 3.0, 4.0, 10.0, 0.5, 0.0]).unwrap();
        assert_eq!((s.datstart, s.outcome), (1, OutcomeColumn::Last));
        let s = MlpSpec::from_keyword("MLPB3", &[2.0, 3.0, 4.0, 10.0]).unwrap();
        assert_eq!(s.outcome, OutcomeColumn::Last);
        let s = MlpSpec::from_keyword("MLPB3NEW", &[2.0, 2.0, 3.0, 4.0, 10.0, 0.1]).unwrap();
        assert_eq!(
            (s.nstart, s.hidden[0], s.nout, s.outcome),
            (2, 3, 4, OutcomeColumn::First)
        );
        let s = MlpSpec::from_keyword("MLPVB3", &[2.0, 3.0, 10.0, 4.0, 100.0, 1.0e-4]).unwrap();
        assert_eq!(
            (s.nin, s.nstart, s.hidden[0], s.nout, s.ndata),
            (2, 3, 10, 4, 100)
        );
        assert_eq!(s.lambda, 1.0e-4);
        assert_eq!(s.data_layout().nstart, 3);
        let s = MlpSpec::from_keyword("MLPVB3NN", &[2.0, 1.0, 10.0, 4.0, 100.0, 0.0, 3.0]).unwrap();
        assert_eq!(s.nneigh, 3);
        let s = MlpSpec::from_keyword("MLPMULTI", &[2.0, 1.0, 4.0, 100.0, 0.1, 3.0, 4.0, 5.0, 6.0])
            .unwrap();
        assert_eq!((s.nout, s.ndata, s.lambda), (4, 100, 0.1));
        assert_eq!(s.hidden, vec![4, 5, 6]);
        assert_eq!(s.sizes(), vec![2, 4, 5, 6, 4]);
        let mut s = s;
        s.mlpnorm = true;
        assert!(s.data_layout().normalise);
    }

    #[test]
    fn keyword_errors() {
        let e =
            MlpSpec::from_keyword("MLPVB3NN", &[2.0, 1.0, 10.0, 4.0, 100.0, 0.0, 0.0]).unwrap_err();
        assert_eq!(e, "cannot have zero nearest neighbours");
        assert!(MlpSpec::from_keyword("MLP3", &[2.0, 3.0, 4.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPVB3", &[2.0, 0.0, 3.0, 4.0, 10.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 2.5, 4.0, 10.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, -2.0, 4.0, 10.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPMULTI", &[2.0, 1.0, 4.0, 100.0, 0.1]).is_err());
        assert!(MlpSpec::from_keyword("MLPMULTI", &[2.0, 1.0, 4.0, 100.0, 0.1, 2.0, 5.0]).is_err());
        assert!(MlpSpec::from_keyword("MLPMULTI", &[2.0, 1.0, 4.0, 100.0, 0.1, 0.0]).is_err());
        assert!(MlpSpec::from_keyword("LJAT", &[2.0]).is_err());
    }

    #[test]
    fn mlp_keyword_names() {
        for kw in [
            "MLP3", "mlpvb3", "MlpVb3NN", "MLPMULTI", "MLPB3", "MLPB3NEW",
        ] {
            assert!(is_mlp_keyword(kw), "{kw}");
        }
        for kw in [
            "MLPNORM",
            "NOREGBIAS",
            "MLPPROB",
            "MLPRINT",
            "LJAT",
            "MLP",
            "MLPVB3X",
        ] {
            assert!(!is_mlp_keyword(kw), "{kw}");
        }
    }

    #[test]
    fn data_must_match_the_network() {
        let spec = MlpSpec::from_keyword("MLPVB3", &[2.0, 1.0, 3.0, 2.0, 2.0]).unwrap();
        let wrong_nin = MlpData::new(3, vec![0.0; 6], vec![0, 1]);
        assert!(Mlp::new(&spec, wrong_nin).is_err());
        let bad_label = MlpData::new(2, vec![0.0; 4], vec![0, 2]);
        assert!(Mlp::new(&spec, bad_label).is_err());
    }

    #[test]
    fn nearest_neighbour_counts() {
        // [2,10,4]: Nneigh 1/2/3 freeze 40/20/10 of the 60 weights; biases never.
        for (nneigh, frozen) in [(1, 40), (2, 20), (3, 10), (4, 0), (9, 0)] {
            let m = nearest_neighbour_mask(2, 10, 4, nneigh);
            assert_eq!(m.len(), 74);
            assert_eq!(m.count(), frozen, "Nneigh {nneigh}");
            assert!((60..74).all(|v| !m.is_frozen(v)));
            let spec =
                MlpSpec::from_keyword("MLPVB3NN", &[2.0, 1.0, 10.0, 4.0, 5.0, 0.0, nneigh as f64])
                    .unwrap();
            assert_eq!(spec.frozen_mask().unwrap(), m);
        }
        // Every hidden node keeps min(Nneigh, I) inputs and min(Nneigh, O) outputs.
        let m = nearest_neighbour_mask(7, 5, 3, 2);
        for j in 0..5 {
            assert_eq!((0..7).filter(|k| !m.is_frozen(j * 7 + k)).count(), 2);
            assert_eq!((0..3).filter(|i| !m.is_frozen(35 + i * 5 + j)).count(), 2);
        }
        // Single-node layers (project rule): positions 0, ties go to the larger index.
        let m = nearest_neighbour_mask(3, 1, 2, 1);
        let free: Vec<usize> = (0..5).filter(|&v| !m.is_frozen(v)).collect();
        assert_eq!(free, vec![0, 3]);
        let m = nearest_neighbour_mask(1, 3, 1, 1);
        assert_eq!(m.count(), 0);
    }
}
