//! The keyword tables seen from outside: `PROGRAM --keywords`, and decks of systems we do not
//! provide (the public AMBER tutorials) told apart from misspelt keywords.

use e2e::{run, workdir};

/// The Wales group's AMBER tutorial decks, unchanged: each program names the missing
/// potential (not "Unrecognized command" for GROUPROTATION, CHECKNEGATIVE, USEDIAG, ...),
/// exits non-zero, and writes nothing.
#[test]
fn amber_tutorial_decks_are_told_the_potential_is_missing() {
    for (program, deck, line) in [
        ("GMIN", "data", 40),
        ("OPTIM", "odata", 0),
        ("PATHSAMPLE", "pathdata", 0),
    ] {
        let dir = workdir("amber_decks");
        let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        let out = run(program, &[], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{program}: {err}");
        assert!(
            err.contains(
                "AMBER12: the AMBER potential is not provided by this implementation \
                 (LJ, LJAT and the MLP family are)"
            ),
            "{program}: {err}"
        );
        assert!(
            err.contains(&format!("{deck}:")),
            "{program} names its deck: {err}"
        );
        if line > 0 {
            assert!(err.contains(&format!("{deck}:{line}:")), "{err}");
        }
        assert!(!err.contains("Unrecognized command"), "{program}: {err}");
        let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(before.len(), after.len(), "{program} wrote files");
    }
}

/// `--keywords` lists the table: the keyword, its arguments with defaults and its meaning,
/// one line each (grep-able); `--keywords=markdown` is the committed docs/reference file.
#[test]
fn keywords_option_prints_each_programs_table() {
    let here = std::env::temp_dir();
    for (program, needle, doc) in [
        ("GMIN", "STEPS n [tfac=1.0]", "gmin-keywords.md"),
        ("OPTIM", "NEWCONNECT [cycles=50]", "optim-keywords.md"),
        ("PATHSAMPLE", "DIRECTION AB|BA", "pathsample-keywords.md"),
        (
            "disconnectionDPS",
            "DELTA dE",
            "disconnectiondps-keywords.md",
        ),
    ] {
        let out = run(program, &["--keywords"], &here);
        assert!(out.status.success(), "{program}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.lines().any(|l| l.starts_with(needle)),
            "{program}: {text}"
        );
        let md = run(program, &["--keywords=markdown"], &here);
        assert!(md.status.success(), "{program}");
        let committed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../docs/reference")
                .join(doc),
        )
        .unwrap();
        assert_eq!(String::from_utf8_lossy(&md.stdout), committed, "{program}");
        let bad = run(program, &["--keywords=yaml"], &here);
        assert!(!bad.status.success(), "{program}");
    }
}
