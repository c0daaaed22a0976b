"""tests/e2e/conftest.py - what every end-to-end test shares: the paths of
the gazouillis binaries under test, taken from the environment (make e2e
sets them), and a helper that runs one and reads its JSON.

GAZOUILLIS_BIN is the normal build, GAZOUILLIS_ASAN_BIN the same program
under ASan and UBSan; a sanitizer report makes the run exit with 86 or 87
and fails the test that made it.
"""
import json
import os
import subprocess

import pytest

SANITIZER_ENV = {
    "ASAN_OPTIONS": "exitcode=86:detect_leaks=1:abort_on_error=0",
    "LSAN_OPTIONS": "exitcode=86",
    "UBSAN_OPTIONS": "exitcode=87:halt_on_error=1:print_stacktrace=1",
}


def _binary(var):
    path = os.environ.get(var)
    if not path:
        pytest.fail(f"{var} is not set: run the end-to-end tests with 'make e2e'", pytrace=False)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{var}={path} is not an executable file: build it with 'make e2e'",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def gazouillis():
    """Path of the gazouillis binary (GAZOUILLIS_BIN)."""
    return _binary("GAZOUILLIS_BIN")


@pytest.fixture(scope="session")
def gazouillis_asan():
    """Path of the sanitized gazouillis binary (GAZOUILLIS_ASAN_BIN)."""
    return _binary("GAZOUILLIS_ASAN_BIN")


class Run:
    """One finished run: exit status, stdout, stderr and the parsed JSON."""

    def __init__(self, proc):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr.decode("utf-8", "replace")
        try:
            self.json = json.loads(proc.stdout) if proc.stdout.strip() else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return (f"Run(returncode={self.returncode}, stdout={self.stdout[:400]!r}, "
                f"stderr={self.stderr[:2000]!r})")


def run(binary, *args, stdin=b"", timeout=60):
    """Runs binary with args and stdin (bytes); fails the test on a sanitizer report."""
    env = dict(os.environ, **SANITIZER_ENV)
    proc = subprocess.run([binary, *args], input=stdin, capture_output=True, timeout=timeout,
                          env=env)
    result = Run(proc)
    assert result.returncode not in (86, 87), f"sanitizer report: {result!r}"
    assert "Sanitizer" not in result.stderr and "runtime error" not in result.stderr, result
    return result


@pytest.fixture
def count(gazouillis):
    """count(*args, stdin=b"") runs 'gazouillis count args...' (the normal build)."""
    return lambda *args, **kw: run(gazouillis, "count", *args, **kw)


@pytest.fixture
def count_asan(gazouillis_asan):
    """As count, with the sanitized build: for hostile input."""
    return lambda *args, **kw: run(gazouillis_asan, "count", *args, **kw)


# ---- a running server ----

def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gazouillis serve on a free loopback port with its own data directory.

    The first start's admin password is read from stdout; the log goes to
    a file (server.log in the data directory's parent) so a chatty server
    never blocks on a full pipe.
    """

    def __init__(self, binary, data_dir, log_path, *options, port=None):
        import time
        self.binary, self.data = binary, str(data_dir)
        self.port = port or free_port()  # a restart may take its old port again
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = str(log_path)
        self.log = open(self.log_path, "ab")
        env = dict(os.environ, **SANITIZER_ENV)
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", self.data,
             *options],
            stdout=subprocess.PIPE, stderr=self.log, env=env)
        self.admin_password = None
        self.banner = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            self.banner.append(line)
            if "password:" in line:
                self.admin_password = line.rsplit("password:", 1)[1].strip()
            if "listening on" in line:
                return
        self.stop()
        pytest.fail(f"the server did not start: {self.banner!r}\n{self.read_log()}", pytrace=False)

    def url(self, path):
        return self.base + path

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=None):
        """Stops the server (SIGTERM) and returns its exit status."""
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def cli(self, *args):
        """Runs another gazouillis command on the same data directory."""
        return run(self.binary, *args, "--data", self.data)

    def token(self, username):
        """A new API token of username (gazouillis token create)."""
        r = self.cli("token", "create", username)
        assert r.returncode == 0, r
        return r.stdout.decode().strip().split()[-1]

    def user(self, username, role="member"):
        """Creates an account; returns a bearer token for it."""
        r = self.cli("user", "add", username, "--role", role)
        assert r.returncode == 0, r
        return self.token(username)


@pytest.fixture(scope="module")
def server(gazouillis_asan, tmp_path_factory):
    """One server (the sanitized build) for a test module, with its data directory."""
    base = tmp_path_factory.mktemp("server")
    srv = Server(gazouillis_asan, base / "data", base / "server.log")
    yield srv
    status = srv.stop()
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert status == 0, f"exit status {status}\n{log[-4000:]}"
