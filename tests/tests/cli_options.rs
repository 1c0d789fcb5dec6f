//! Every binary answers `--help` and `--version` (exit 0) and rejects an unknown option
//! (non-zero) without touching the directory it runs in: a directory holding decks that would
//! make each program write (and a database) is byte-identical afterwards.

use e2e::{bin, copy_dir, test_input, write};
use std::path::Path;
use std::process::Command;

#[test]
fn help_and_version_answer_without_touching_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Decks that would make every program run and write: GMIN's data/coords, OPTIM's odata and
    // finish, a database with a pathdata that would connect, a dinfo.
    copy_dir(&test_input("gmin_ljat3"), d);
    copy_dir(&test_input("optim_ljat3_connect"), d);
    write(d, "min.data", "-2.2190981696 1.0 2 0.0 4.5 4.5\n");
    write(
        d,
        "pathdata",
        &format!(
            "EXEC {}\nNATOMS 3\nCYCLES 3\nCONNECTUNC LOWEST 2\n",
            bin("OPTIM").display()
        ),
    );
    write(
        d,
        "dinfo",
        "DELTA 0.1\nFIRST 0.0\nLEVELS 5\nMINIMA min.data\nTS ts.data\n",
    );
    let before = common::files::snapshot(d).unwrap();
    for program in [
        "GMIN",
        "OPTIM",
        "PATHSAMPLE",
        "disconnectionDPS",
        "landscape",
    ] {
        for (arg, ok) in [
            ("--help", true),
            ("--version", true),
            ("--frobnicate", false),
        ] {
            let out = Command::new(bin(program))
                .arg(arg)
                .current_dir(d)
                .output()
                .unwrap();
            assert_eq!(out.status.success(), ok, "{program} {arg}");
            let text = String::from_utf8_lossy(if ok { &out.stdout } else { &out.stderr });
            match arg {
                "--help" => {
                    assert!(text.contains("usage"), "{program}: {text}");
                    // The keyword reference it names is in the repository.
                    let reference = if program == "landscape" {
                        "landscape/README.md"
                    } else {
                        "docs/keywords.md"
                    };
                    assert!(text.contains(reference), "{program}: {text}");
                    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
                    assert!(root.join(reference).is_file(), "{reference}");
                }
                "--version" => assert!(text.starts_with(program), "{program}: {text}"),
                _ => assert!(text.contains("frobnicate"), "{program}: {text}"),
            }
            assert_eq!(
                common::files::snapshot(d).unwrap(),
                before,
                "{program} {arg} changed the directory"
            );
        }
    }
}

/// `PROGRAM --help | head` with the reader already gone: no panic, exit 0 (the text is simply
/// not delivered).
#[test]
fn help_into_a_closed_pipe_is_not_a_panic() {
    for program in [
        "GMIN",
        "OPTIM",
        "PATHSAMPLE",
        "disconnectionDPS",
        "landscape",
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(bin(program))
            .arg("--help")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{program}: {err}");
        assert!(!err.contains("panicked"), "{program}: {err}");
    }
}
