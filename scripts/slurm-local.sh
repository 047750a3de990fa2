#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying `longlora run SPEC --slurm` and for its test:
# installs Debian's slurm-wlm (slurmctld, slurmd, sbatch) and munge if missing, writes a
# minimal /etc/slurm/slurm.conf for this machine (node `localhost`, all its CPUs, partition
# `local`), and starts munged, slurmctld and slurmd if they are not running. The daemons talk
# over 127.0.0.1 only (the node's and controller's addresses); nothing is configured for
# other machines. Safe to run again. A slurm.conf not written by this script is never touched.
#
#   bash scripts/slurm-local.sh          install, configure, start
#   bash scripts/slurm-local.sh stop     stop the three daemons it started
set -euo pipefail

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
conf=/etc/slurm/slurm.conf
marker="# written by longlora scripts/slurm-local.sh"

if [ "${1:-}" = "stop" ]; then
    for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
        [ -s "$pidfile" ] && $sudo kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    exit 0
fi

missing=()
for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local: installing ${missing[*]}"
    $sudo apt-get update -qq
    # Without systemd (containers, CI) the packages' services are not started by apt.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The node line as slurmd sees this machine (CPUs, sockets, cores, threads, memory).
node=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/')
if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm-local: $conf exists and was not written by this script; using it as it is" >&2
else
    $sudo mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
    $sudo tee "$conf" >/dev/null <<EOF
$marker
ClusterName=longlora-local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
$node State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
fi

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# munged runs as the munge user; the package made its key.
$sudo mkdir -p /run/munge && $sudo chown munge:munge /run/munge
if ! running /run/munge/munged.pid; then
    $sudo runuser -u munge -- /usr/sbin/munged
fi
running /run/slurmctld.pid || $sudo /usr/sbin/slurmctld
running /run/slurmd.pid || $sudo /usr/sbin/slurmd -N localhost

# Ready when the node takes jobs.
for _ in $(seq 1 60); do
    state=$(sinfo -h -n localhost -o '%t' 2>/dev/null || true)
    case "$state" in
        idle*|mix*|alloc*) echo "slurm-local: ready (node localhost: $state)"; exit 0 ;;
        drain*|down*) $sudo scontrol update nodename=localhost state=resume 2>/dev/null || true ;;
    esac
    sleep 1
done
echo "slurm-local: the node did not become ready; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
exit 1
