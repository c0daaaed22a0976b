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
