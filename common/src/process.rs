//! Child processes that must not outlive the program that starts them (PATHSAMPLE's OPTIM
//! jobs, `landscape`'s GMIN and PATHSAMPLE): no orphan may write into a directory that a
//! restarted run is using.

use std::process::Command;

/// Arrange for the child that `cmd` spawns to be killed (SIGKILL) when the spawning process
/// dies, even by SIGKILL (Linux `PR_SET_PDEATHSIG`); a child whose parent died before the
/// signal was armed exits at once instead of running orphaned. Elsewhere: nothing.
pub fn die_with_parent(cmd: &mut Command) {
    die_with_parent_by(cmd, libc::SIGKILL);
}

/// As [`die_with_parent`], with `signal` instead of SIGKILL (`srun` must get SIGTERM: killed
/// outright it leaves its Slurm job step running).
pub fn die_with_parent_by(cmd: &mut Command, signal: libc::c_int) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        // SAFETY: the closure runs in the forked child before exec and calls only
        // async-signal-safe functions (prctl, getppid, _exit).
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() as u32 != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, signal);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_set_up_this_way_runs_normally() {
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", "exit 7"]);
        die_with_parent(&mut cmd);
        assert_eq!(cmd.status().unwrap().code(), Some(7));
    }
}
