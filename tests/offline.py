"""The program never opens a network connection: a guard for tests in this process, an audit for child processes.

- `NetworkGuard` replaces, at the `socket` module level, everything that reaches the network from Python: connecting,
  binding or sending on an IPv4/IPv6 socket, `create_connection`, and name resolution (`getaddrinfo`,
  `gethostbyname`…, i.e. DNS). An attempt raises `OSError` (as a machine without network would) and is recorded, so
  that a library that swallows the error still fails the test. Local sockets (AF_UNIX) stay allowed.
  `tests/conftest.py` installs it for every test.
- `NetworkAudit` runs a command (the program from source, or the frozen executable) inside a network namespace with
  no interface (`unshare -rn`, when the system allows it) and under `strace` (when installed), and reports every
  IPv4/IPv6 socket the process or its children open, Qt's C++ code included, which the Python guard cannot see.
"""

from __future__ import annotations

import functools
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

_NETWORK_FAMILIES = {socket.AF_INET, getattr(socket, "AF_INET6", socket.AF_INET)}
_RESOLVERS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo", "getfqdn")
_SOCKET_METHODS = ("connect", "connect_ex", "bind", "sendto", "sendmsg")


class NetworkAttempt(OSError):
    """What the guard raises: an OSError, like the failure a machine without network would give."""


class NetworkGuard:
    """Forbid and record every network attempt made from Python while installed (see the module docstring)."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: list[tuple[object, str, object]] = []

    def _refuse(self, what: str) -> None:
        self.attempts.append(what)
        raise NetworkAttempt(f"accès réseau interdit : {what}")

    def _patch(self, owner: object, name: str, replacement: object) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def install(self) -> NetworkGuard:
        guard = self
        for name in _SOCKET_METHODS:
            original = getattr(socket.socket, name, None)
            if original is None:  # sendmsg does not exist on Windows
                continue

            def method(sock, *args, _name=name, _original=original, **kwargs):
                if sock.family in _NETWORK_FAMILIES:
                    guard._refuse(f"socket.{_name}{args[:1]!r}")
                return _original(sock, *args, **kwargs)

            self._patch(socket.socket, name, functools.wraps(original)(method))
        self._patch(socket, "create_connection", self._refusing("socket.create_connection"))
        for name in _RESOLVERS:
            self._patch(socket, name, self._refusing(f"socket.{name}"))
        return self

    def _refusing(self, what: str) -> Callable[..., object]:
        def refuse(*args, **_kwargs):
            self._refuse(f"{what}{args[:1]!r}")

        return refuse

    def uninstall(self) -> None:
        while self._saved:
            owner, name, original = self._saved.pop()
            setattr(owner, name, original)

    def __enter__(self) -> NetworkGuard:
        return self.install()

    def __exit__(self, *_exc) -> None:
        self.uninstall()


# --- Child processes --------------------------------------------------------------------------------------------------


@functools.cache
def can_isolate() -> bool:
    """`unshare -rn` works here: a user namespace (no root needed) with its own, empty, network."""
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], check=False, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.cache
def can_strace() -> bool:
    if not shutil.which("strace"):
        return False
    try:
        return subprocess.run(["strace", "-f", "-qq", "-e", "trace=socket", "-o", "/dev/null", "true"],
                              check=False, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_SOCKET_CALL = re.compile(r"\bsocket\((AF_[A-Z0-9]+)")
_ADDRESS = re.compile(r"\b(connect|sendto|sendmsg|bind)\(\d+, .*?sa_family=(AF_[A-Z0-9]+)(?:, sun_path=([^,}]+))?")


def strace_findings(log: str) -> tuple[list[str], list[str]]:
    """(network findings, other socket use) from an `strace -f -e trace=%network` log.

    A finding is an IPv4/IPv6 socket or an address of those families; other use (local sockets: X11, D-Bus,
    fontconfig; netlink) is returned for the record, not as a failure.
    """
    findings, other = [], []
    for line in log.splitlines():
        family = None
        if match := _SOCKET_CALL.search(line):
            family = match.group(1)
        elif match := _ADDRESS.search(line):
            family = match.group(2)
        if family is None:
            continue
        text = re.sub(r"^\d+\s+", "", line.strip())
        (findings if family in ("AF_INET", "AF_INET6") else other).append(text[:200])
    return findings, other


class NetworkAudit:
    """Run commands with the network out of reach (unshare) and watched (strace), where the system allows."""

    def __init__(self, *, isolate: bool = True, strace: bool = True) -> None:
        self.isolate = isolate and can_isolate()
        self.strace = strace and can_strace()
        self.local_sockets: set[str] = set()

    def describe(self) -> str:
        parts = ["unshare -rn" if self.isolate else "no network namespace (unshare -rn unavailable)",
                 "strace" if self.strace else "no strace"]
        if self.local_sockets:
            parts.append("local sockets seen: " + " | ".join(sorted(self.local_sockets)[:12]))
        return ", ".join(parts)

    def run(self, argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 600) -> tuple[subprocess.CompletedProcess, list[str]]:
        """The finished process and its network findings (empty when it opened no IPv4/IPv6 socket)."""
        prefix: list[str] = ["unshare", "-rn"] if self.isolate else []
        with tempfile.TemporaryDirectory(prefix="strace-") as folder:
            log = Path(folder) / "network.log"
            if self.strace:
                prefix += ["strace", "-f", "-qq", "-e", "trace=%network", "-o", str(log)]
            proc = subprocess.run([*prefix, *argv], env=env, cwd=cwd, check=False, capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", timeout=timeout)
            findings, other = strace_findings(log.read_text(errors="replace")) if log.exists() else ([], [])
        self.local_sockets.update(_summarise(line) for line in other)
        return proc, findings


def _summarise(line: str) -> str:
    """`connect(…sun_path="/run/dbus/system_bus_socket"…)` → `connect AF_UNIX /run/dbus/system_bus_socket`."""
    if match := _ADDRESS.search(line):
        return " ".join(part.strip('"') for part in match.groups() if part)
    if match := _SOCKET_CALL.search(line):
        return f"socket {match.group(1)}"
    return line[:80]
