#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying `longlora run SPEC --slurm` and for its test:
# installs Debian's slurm-wlm (slurmctld, slurmd, sbatch) and munge if missing, writes a
# minimal /etc/slurm/slurm.conf for this machine (node `localhost`, all its CPUs, partition
# `local`), and starts munged, slurmctld and slurmd if they are not running (restarting
# slurmctld and slurmd if it changed the file). The daemons listen on 127.0.0.1 only:
# the node's and controller's addresses are 127.0.0.1, and `CommunicationParameters=
# NoCtldInAddrAny,NoInAddrAny` makes them bind to those instead of every address (slurmctld
# binds to what this machine's host name resolves to); munged listens on a unix socket
# only. The script checks the listening sockets at the end. Safe to run again. A slurm.conf
# not written by this script is never touched.
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
    new=$(mktemp)
    cat > "$new" <<EOF
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
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
$node State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    if ! cmp -s "$new" "$conf"; then
        $sudo cp "$new" "$conf"
        changed=1
    fi
    rm -f "$new"
fi

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Daemons started with another slurm.conf are restarted (slurmctld keeps its job state).
if [ "${changed:-0}" = 1 ]; then
    for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
        if running "$pidfile"; then
            pid=$(cat "$pidfile")
            echo "slurm-local: $conf changed; restarting $(basename "$pidfile" .pid)"
            $sudo kill "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        fi
    done
fi

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
        idle*|mix*|alloc*)
            # Every socket the daemons listen on, which must all be on loopback.
            listening=$(ss -Hltnp 2>/dev/null | grep -E '"(slurmctld|slurmd|munged)"' | awk '{print $4}' | sort -u | tr '\n' ' ')
            exposed=$(for a in $listening; do case "$a" in 127.*|\[::1\]:*) ;; *) echo "$a" ;; esac; done)
            if [ -n "$exposed" ]; then
                echo "slurm-local: the daemons listen beyond loopback: $exposed(this host name, $(hostname), resolves there; see /etc/hosts)" >&2
                exit 1
            fi
            echo "slurm-local: ready (node localhost: $state; listening on ${listening:-?}only)"
            exit 0 ;;
        drain*|down*) $sudo scontrol update nodename=localhost state=resume 2>/dev/null || true ;;
    esac
    sleep 1
done
echo "slurm-local: the node did not become ready; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
exit 1
