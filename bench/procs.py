"""Linux's /proc, read: CPU time, parents, command lines and syscalls of processes; memory."""

import contextlib
import os
import threading
from pathlib import Path


def pids():
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def stat_fields(pid):
    """/proc/<pid>/stat from its third field (the state) on: the command name before it may hold spaces."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def parent_pid(pid):
    return int(stat_fields(pid)[1])


def command_line(pid):
    return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def environment_variable(pid, name):
    """The variable as the process started with it, or None."""
    prefix = name.encode() + b"="
    for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
        if item.startswith(prefix):
            return item[len(prefix) :].decode()
    return None


def syscall(pid):
    """What the process waits in: the syscall number and its arguments (x86-64), ["running"] or ["gone"]."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/syscall").read_text().split()
    return ["gone"]


def process_ticks(pid, fields):
    """utime and stime of a process, with fields=4 also cutime and cstime (its reaped children)."""
    with contextlib.suppress(OSError):  # it has ended
        return sum(int(tick) for tick in stat_fields(pid)[11 : 11 + fields])
    return 0


def machine_ticks():
    """CPU ticks of the machine so far: (busy, all); busy leaves out idle and iowait."""
    ticks = [int(tick) for tick in Path("/proc/stat").read_text().split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def cpu_ticks(roots):
    """CPU so far of each process tree (itself, reaped and live children), then the machine's busy and all."""
    trees = []
    for pid in roots:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        trees.append(process_ticks(pid, 4) + sum(process_ticks(child, 2) for child in children))
    return [*trees, *machine_ticks()]


def process_table():
    """{pid: (parent, CPU ticks of itself and its reaped children, command line)} of every process."""
    found = {}
    for pid in pids():
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat_fields(pid)
            command = b" ".join(command_line(pid)).decode(errors="replace")
            found[pid] = (int(fields[1]), sum(map(int, fields[11:15])), command)
    return found


def rss_mb():
    """This process's resident memory."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class CpuSampler:
    """CPU used from now on by groups of processes, sampled every 2 s: a process that lives only part of the
    time (a PostgreSQL backend lives only as long as CONN_MAX_AGE) would be missed by a sample at each end.
    A process born since counts from 0. `groups(process_table())` names the groups: {name: pids}.
    """

    def __init__(self, groups):
        self.groups = groups
        self.first = self.sample()
        self.last = {part: dict(ticks) for part, ticks in self.first.items()}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample_now_and_then, daemon=True)
        self.thread.start()

    def sample(self):
        table = process_table()
        busy, every = machine_ticks()
        parts = {
            name: {pid: table[pid][1] for pid in group if pid in table}
            for name, group in self.groups(table).items()
        }
        return parts | {"busy": {0: busy}, "all": {0: every}}

    def sample_now_and_then(self):
        while not self.stop.wait(2):
            with contextlib.suppress(OSError, ValueError):
                for part, ticks in self.sample().items():
                    self.last[part] |= ticks

    def shares(self):
        """Each group's share of the machine's CPU time, "busy" and "others": busy less every group's."""
        self.stop.set()
        self.thread.join()
        for part, ticks in self.sample().items():
            self.last[part] |= ticks
        used = {
            part: sum(ticks - self.first[part].get(pid, 0) for pid, ticks in last.items())
            for part, last in self.last.items()
        }
        shares = {part: used[part] / max(used["all"], 1) for part in used if part != "all"}
        shares["others"] = shares["busy"]
        for part in self.first:
            if part not in ("busy", "all"):
                shares["others"] -= shares[part]
        return shares
