"""The program opens no network connection, ever (README, « Rien ne quitte l'ordinateur »).

In this process every test already runs under the Python guard (tests/conftest.py); the tests here run the main
flows on purpose, check the guard itself, and run the program in a child process inside an empty network namespace
and under strace, where Qt's C++ code is watched too. The frozen executable gets the same audit in CI
(scripts/build_executable.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from cartographie_desktop import cli
from tests.offline import NetworkAttempt, NetworkAudit, NetworkGuard, can_isolate, can_strace, strace_findings

ROOT = Path(__file__).resolve().parent.parent
DEMO_TABLE = ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx"


def test_the_guard_refuses_and_records_every_kind_of_attempt():
    original = socket.getaddrinfo
    with NetworkGuard() as guard:
        with pytest.raises(NetworkAttempt):
            socket.create_connection(("192.0.2.1", 80), timeout=0.1)
        with pytest.raises(NetworkAttempt):
            socket.getaddrinfo("example.org", 443)
        with pytest.raises(NetworkAttempt):
            socket.gethostbyname("example.org")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkAttempt):
            sock.connect(("192.0.2.1", 80))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(NetworkAttempt):
            sock.sendto(b"x", ("192.0.2.1", 53))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkAttempt):
            sock.bind(("127.0.0.1", 0))  # a local server would be network too (and a firewall prompt on Windows)
        # The road libraries take: urllib → http.client → create_connection (URLError is an OSError).
        with pytest.raises(OSError, match="accès réseau interdit"):
            urllib.request.urlopen("http://192.0.2.1/", timeout=0.1)
        left, right = socket.socketpair()  # local sockets stay allowed
        with left, right:
            left.sendall(b"ok")
            assert right.recv(2) == b"ok"
    assert len(guard.attempts) == 7
    assert any("create_connection" in attempt for attempt in guard.attempts)
    assert socket.getaddrinfo is original  # uninstalled


def test_an_attempt_the_code_swallows_is_still_recorded():
    with NetworkGuard() as guard, contextlib.suppress(OSError):  # what a library falling back quietly would do
        socket.getaddrinfo("example.org", 80)
    assert guard.attempts == ["socket.getaddrinfo('example.org',)"]


def test_strace_log_findings():
    log = "\n".join([
        '101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3',
        '101 connect(3, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 32) = -1 ENOENT',
        '102 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 4',
        '102 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 5',
        '102 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16) = 0',
        '102 +++ exited with 0 +++',
    ])
    findings, other = strace_findings(log)
    assert len(findings) == 2
    assert findings[0].startswith("socket(AF_INET6")
    assert "sin_port=htons(53)" in findings[1]
    assert len(other) == 3


def test_headless_flows_offline(tmp_path, no_network, capsys):
    """Import, summary, référentiel, report and export, in this process, with the network forbidden."""
    project = tmp_path / "import.carto"
    assert cli.main(["import", str(DEMO_TABLE), "-o", str(project), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] > 0
    assert cli.main(["summary", str(project), "--json"]) == 0
    assert cli.main(["summary", "--demo", "--json"]) == 0
    assert cli.main(["referentiel", "--json"]) == 0
    assert cli.main(["report", "--demo", "-o", str(tmp_path / "rapport.pdf")]) == 0
    assert cli.main(["export", "--demo", "-o", str(tmp_path / "resultats.xlsx")]) == 0
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "resultats.xlsx").read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert no_network.attempts == []


def _program(*args: str) -> list[str]:
    return [sys.executable, "-m", "cartographie_desktop", *args]


@pytest.mark.slow
@pytest.mark.skipif(not (can_isolate() or can_strace()), reason="ni unshare -rn ni strace sur cette machine")
def test_program_in_an_empty_network_namespace_opens_no_network_socket(tmp_path):
    """The program from source, in child processes: every flow succeeds without network, Qt included."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "profil"),
               XDG_CONFIG_HOME=str(tmp_path / "profil" / ".config"), XDG_DATA_HOME=str(tmp_path / "profil" / "data"),
               XDG_CACHE_HOME=str(tmp_path / "profil" / "cache"), PYTHONPATH=str(ROOT))
    audit = NetworkAudit()
    flows = [
        _program("import", str(DEMO_TABLE), "-o", str(tmp_path / "import.carto")),
        _program("summary", "--demo", "--json"),
        _program("report", "--demo", "-o", str(tmp_path / "rapport.pdf")),
        _program("export", "--demo", "-o", str(tmp_path / "resultats.xlsx")),
        _program("--demo", "--screenshot", str(tmp_path / "synthese.png"), "--view", "synthese"),
    ]
    for argv in flows:
        proc, findings = audit.run(argv, env=env, cwd=tmp_path, timeout=300)
        assert proc.returncode == 0, f"{argv[3:]} : {proc.stderr[-800:]}"
        assert findings == [], f"{argv[3:]} a ouvert une socket réseau : {findings}"
    assert (tmp_path / "synthese.png").stat().st_size > 0


@pytest.mark.skipif(not can_isolate(), reason="unshare -rn indisponible")
def test_the_namespace_really_has_no_network(tmp_path):
    """The audit is worth something only if connecting fails inside it."""
    code = ("import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
            "except OSError:\n    print('no')")
    proc = subprocess.run(["unshare", "-rn", sys.executable, "-c", code], check=False, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout.strip() == "no"
