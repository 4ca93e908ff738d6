#!/usr/bin/env python3
"""Checks the hardening directives of Deploy/umweltd.service against what umweltd really does.

systemd is not booted in CI, so the directives cannot be applied; instead umweltd runs under
strace against a private mosquitto with a simulated building, receives SIGHUP and SIGTERM,
and the trace is compared with what each directive forbids:

  SystemCallFilter=@system-service ~@privileged @resources   syscalls outside the set
  RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6           socket() families
  MemoryDenyWriteExecute=yes                                 W+X mappings, mprotect(+X)
  ProtectSystem=strict, ProtectHome, PrivateTmp              files opened for writing
  ProcSubset=pid, ProtectProc=invisible, ProtectKernelTunables  /proc and /sys reads
  LockPersonality, RestrictNamespaces, RestrictRealtime,
  RestrictSUIDSGID, NoNewPrivileges, CapabilityBoundingSet=  personality, unshare/clone
                                                             namespaces, sched_setscheduler,
                                                             chmod +s, setuid, capabilities
Prints one line per directive and exits 1 if the runtime needs something a directive denies.
Usage: scripts/check-hardening.py [seconds]   (run as root or any user; needs strace, mosquitto)
"""
import atexit, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 8


def expand(group, seen=None):
    seen = seen if seen is not None else set()
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            if line not in seen:
                seen.add(line)
                names |= expand(line, seen)
        else:
            names.add(line)
    return names


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


allowed = expand("@system-service") - expand("@privileged") - expand("@resources")
work = tempfile.mkdtemp(prefix="umwelt-hardening-")
state = os.path.join(work, "state")
twins = os.path.join(work, "twins")
os.makedirs(state)
os.makedirs(twins)
subprocess.run(["cp", os.path.join(root, "Twins/demo-office.yaml"), twins], check=True)
port = free_port()
with open(os.path.join(work, "mosquitto.conf"), "w") as f:
    f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\n" + ("user root\n" if os.getuid() == 0 else ""))
children = []


def stop_children():
    # Whatever way the script ends, nothing it started outlives it (a leaked broker would also
    # hold the caller's stdout open).
    for child in children:
        if child.poll() is None:
            child.kill()
            child.wait()


atexit.register(stop_children)
broker = subprocess.Popen(["mosquitto", "-c", os.path.join(work, "mosquitto.conf")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
children.append(broker)
time.sleep(0.5)
trace = os.path.join(work, "trace")
open(trace, "w").close()
os.chmod(trace, 0o666)
# Like DynamicUser=yes, NoNewPrivileges=yes, CapabilityBoundingSet=: an unprivileged uid,
# no_new_privs, no capabilities (when run as root; otherwise as the calling user).
drop = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs",
         "--bounding-set=-all", "--inh-caps=-all"] if os.getuid() == 0 else [])
daemon_binary = os.path.join(root, ".build/debug/umweltd")
if drop:
    os.chmod(work, 0o755)
    os.chown(state, 65534, 65534)
    # The checkout may sit where the unprivileged user cannot reach (a 0700 temporary
    # directory, /root): run a copy from the work directory.
    daemon_binary = shutil.copy(daemon_binary, os.path.join(work, "umweltd"))
    os.chmod(daemon_binary, 0o755)
daemon = subprocess.Popen(
    drop + ["strace", "-f", "-qq", "-o", trace, daemon_binary,
     "--broker", f"127.0.0.1:{port}", "--twins", twins, "--state-dir", state, "--http", "127.0.0.1:0"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    env=dict(os.environ, OPENBLAS_NUM_THREADS="1", UMWELT_LOG_LEVEL="warning", UMWELT_CLIENT_ID=f"hardening-{port}"))
children.append(daemon)
simulator = subprocess.Popen(
    [os.path.join(root, ".build/debug/umwelt"), "simulate", "--twin", os.path.join(twins, "demo-office.yaml"),
     "--broker", f"127.0.0.1:{port}", "--speed", "3600", "--days", "1"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
children.append(simulator)
time.sleep(seconds)
simulator.terminate()
daemon_pid = None
# strace's child is umweltd: signal it, not strace. strace may not have written its first
# line yet on a loaded machine: wait for it (bounded), and fail clearly if it never comes.
deadline = time.time() + 30
while daemon_pid is None and time.time() < deadline:
    with open(trace) as f:
        first = f.readline().split()
    if first:
        daemon_pid = first[0]
    elif daemon.poll() is not None:
        break
    else:
        time.sleep(0.2)
if daemon_pid is None:
    sys.exit(f"FAIL umweltd under strace wrote no trace (exit status {daemon.poll()})")
os.kill(int(daemon_pid), signal.SIGHUP)
time.sleep(1.5)
os.kill(int(daemon_pid), signal.SIGTERM)
code = daemon.wait(timeout=30)
simulator.wait(timeout=10)
broker.terminate()
broker.wait(timeout=10)

calls = {}
lines = open(trace).read().splitlines()
for line in lines:
    m = re.match(r"^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
    if m:
        calls.setdefault(m.group(1), line)
problems = []


def report(directive, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {directive}: {detail}")
    if not ok:
        problems.append(directive)


# Calls outside the filter get EPERM (SystemCallErrorNumber=EPERM); these callers ignore it.
tolerated = {
    "setpriority": "libdispatch sets worker nice levels best-effort; already fails unprivileged",
    "mbind": "OpenBLAS NUMA hint for its buffers; result ignored",
    "fchown": "SQLite chowns new files only when euid is 0; never under DynamicUser",
    "sched_setaffinity": "OpenBLAS thread pinning; result ignored",
}
outside = sorted(c for c in calls if c not in allowed and c not in ("exit", "resumed"))
unknown = [c for c in outside if c not in tolerated]
report("SystemCallFilter=@system-service ~@privileged @resources", not unknown,
       f"{len(calls)} distinct syscalls used" + "".join(f"; {c} denied (EPERM) and tolerated: {tolerated[c]}" for c in outside if c in tolerated)
       + (f"; outside the filter: {', '.join(unknown)}" if unknown else ""))
families = sorted(set(re.findall(r"socket\((AF_[A-Z0-9]+)", "\n".join(lines))))
report("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
       set(families) <= {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"}, "families used: " + ", ".join(families)
       + ("; AF_NETLINK is glibc getaddrinfo(AI_ADDRCONFIG) probing addresses: when denied it assumes IPv4 and IPv6"
          if "AF_NETLINK" in families else ""))
wx = [l for l in lines if re.search(r"(mmap|mprotect|pkey_mprotect)\(.*PROT_WRITE\|PROT_EXEC|PROT_EXEC\|PROT_WRITE", l)]
addx = [l for l in lines if re.search(r"mprotect\(.*PROT_EXEC", l) and "= 0" in l]
report("MemoryDenyWriteExecute=yes", not wx and not addx,
       "no writable+executable mapping, no mprotect adding PROT_EXEC" if not wx and not addx else (wx + addx)[0])
writes = set()
for l in lines:
    m = re.search(r'open(?:at)?\([^"]*"([^"]+)", [^)]*(O_WRONLY|O_RDWR|O_CREAT)', l)
    if m and "= -1" not in l:
        writes.add(m.group(1))
bad_writes = sorted(w for w in writes if not w.startswith(state) and not w.startswith("/dev/")
                    and not re.match(r"/proc/(self|\d+)/task/\d+/comm$", w))  # thread names: procfs, not remounted
report("ProtectSystem=strict (+ StateDirectory)", not bad_writes,
       "writes only under the state directory" if not bad_writes else "writes elsewhere: " + ", ".join(bad_writes))
home = sorted({m for m in re.findall(r'"(/home/[^"]*|/root/[^"]*)"', "\n".join(lines))})
report("ProtectHome=yes", True, "home paths touched: " + (", ".join(home) if home else "none"))
procsys = sorted({p for p in re.findall(r'open(?:at)?\([^"]*"(/(?:proc|sys)/[^"]*)"', "\n".join(lines))})
non_pid = [p for p in procsys if p.startswith("/proc/") and not re.match(r"/proc/(self|thread-self|\d+)(/|$)", p)]
report("ProcSubset=pid / ProtectProc=invisible", True,
       "reads: " + (", ".join(procsys) if procsys else "none") +
       (f" (hidden by ProcSubset=pid, callers fall back: {', '.join(non_pid)})" if non_pid else ""))
for name, pattern, directive in [
    ("personality", r"^\d+\s+personality\(", "LockPersonality=yes"),
    ("namespaces", r"(unshare|setns)\(|clone3?\(.*CLONE_NEW", "RestrictNamespaces=yes"),
    ("realtime", r"sched_setscheduler\(|sched_setattr\(", "RestrictRealtime=yes"),
    ("setuid bits", r"chmod\(.*0[2467][0-7]{3}", "RestrictSUIDSGID=yes"),
    ("privilege changes", r"^\d+\s+(setuid|setgid|setresuid|setresgid|capset|setgroups)\(", "NoNewPrivileges=yes, CapabilityBoundingSet="),
    ("SysV IPC", r"^\d+\s+(shmget|semget|msgget)\(", "RemoveIPC=yes"),
    ("clock changes", r"^\d+\s+(settimeofday|clock_settime|adjtimex|clock_adjtime)\(", "ProtectClock=yes"),
    ("hostname changes", r"^\d+\s+(sethostname|setdomainname)\(", "ProtectHostname=yes"),
    ("kernel modules", r"^\d+\s+(init_module|finit_module|delete_module)\(", "ProtectKernelModules=yes"),
    ("kernel log", r"^\d+\s+syslog\(|/dev/kmsg|/proc/kmsg", "ProtectKernelLogs=yes"),
    ("device nodes", r'open(?:at)?\([^"]*"/dev/(?!null|urandom|random|zero|full|tty")', "PrivateDevices=yes, DevicePolicy=closed"),
]:
    hits = [l for l in lines if re.search(pattern, l)]
    report(directive, not hits, f"no {name}" if not hits else hits[0])
report("exit status after SIGTERM", code == 0, f"{code}")
database = os.path.join(state, "umwelt.sqlite")
report("ran as an unprivileged user" if drop else "ran", os.path.exists(database),
       "state written to " + database if os.path.exists(database) else "no state file: the daemon did not run")
if os.environ.get("KEEP_TRACE"): print("trace:", trace)
else: subprocess.run(["rm", "-rf", work])
sys.exit(1 if problems else 0)
