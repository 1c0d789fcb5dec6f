#!/usr/bin/env bash
# A throw-away single-node Slurm for the tests and for trying PATHSAMPLE's SLURM and
# SLURMQUEUE modes on one machine (CI runs it; developers may too).
#
#   scripts/slurm_local.sh start    write slurm.conf in the state directory, start slurmctld and
#                                   slurmd, wait until the node is idle; prints
#                                   `export SLURM_CONF=...` (eval it, or source this script's
#                                   output) for the client commands
#   scripts/slurm_local.sh stop     stop both daemons (by the pids recorded at start)
#   scripts/slurm_local.sh status   show the node and the queue
#
# Needs the Debian packages slurmd, slurmctld and slurm-client (munge is not used:
# AuthType=auth/none). The daemons run as the current user; nothing outside the state
# directory is written. Environment:
#   SLURM_LOCAL_DIR    state directory (default ${TMPDIR:-/tmp}/energy-landscapes-slurm-<uid>)
#   SLURM_LOCAL_PORT   slurmctld port (default 6817; slurmd gets the next one)
#   SLURM_LOCAL_CPUS   CPUs of the node (default 2)
set -euo pipefail

DIR="${SLURM_LOCAL_DIR:-${TMPDIR:-/tmp}/energy-landscapes-slurm-$(id -u)}"
PORT="${SLURM_LOCAL_PORT:-6817}"
CPUS="${SLURM_LOCAL_CPUS:-2}"
CONF="$DIR/slurm.conf"

die() { echo "slurm_local.sh: $*" >&2; exit 1; }

write_conf() {
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  local user
  user="$(id -un)"
  cat >"$CONF" <<EOF
# Written by scripts/slurm_local.sh: one node (this machine), no authentication, no accounting.
ClusterName=energylandscapes
SlurmctldHost=localhost
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=100000
ReturnToService=2
# Finished jobs stay visible to 'scontrol show job' for this many seconds.
MinJobAge=300
# A job past its time limit gets SIGTERM, then SIGKILL KillWait seconds later.
KillWait=2
InactiveLimit=0
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  command -v slurmctld >/dev/null || die "slurmctld not found (apt-get install slurmd slurmctld slurm-client)"
  command -v slurmd >/dev/null || die "slurmd not found"
  if running "$DIR/ctld.pid" && running "$DIR/d.pid"; then
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  stop >/dev/null 2>&1 || true
  write_conf
  export SLURM_CONF="$CONF"
  local t0
  t0=$(date +%s.%N)
  slurmctld -D -c -f "$CONF" >"$DIR/log/slurmctld.out" 2>&1 &
  echo $! >"$DIR/ctld.pid"
  slurmd -D -N localhost -f "$CONF" >"$DIR/log/slurmd.out" 2>&1 &
  echo $! >"$DIR/d.pid"
  local state=""
  for _ in $(seq 1 300); do
    state="$(sinfo -h -N -n localhost -o %T 2>/dev/null || true)"
    # "idle" exactly: "idle*" is a node that does not respond.
    [ "$state" = idle ] && break
    if ! running "$DIR/ctld.pid" || ! running "$DIR/d.pid"; then
      tail -n 20 "$DIR/log/"*.out "$DIR/log/"*.log >&2 2>/dev/null || true
      stop >/dev/null 2>&1 || true
      die "a Slurm daemon exited at start (logs in $DIR/log)"
    fi
    sleep 0.1
  done
  if [ "$state" != idle ]; then
    tail -n 20 "$DIR/log/"*.log >&2 2>/dev/null || true
    stop >/dev/null 2>&1 || true
    die "the node is not idle after 30 s (state '$state'; logs in $DIR/log)"
  fi
  echo "slurm_local.sh: node idle after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s" >&2
  echo "export SLURM_CONF=$CONF"
}

stop() {
  local f pid
  for f in "$DIR/d.pid" "$DIR/ctld.pid"; do
    if running "$f"; then
      pid="$(cat "$f")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) export SLURM_CONF="$CONF"; sinfo; squeue ;;
  *) die "usage: $0 start|stop|status" ;;
esac
