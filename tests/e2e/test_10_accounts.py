"""tests/e2e/test_10_accounts.py - 'gazouillis user add' and 'gazouillis
token create' as an operator runs them, each on a fresh data directory: the
password and the token are printed once on stdout and stored only as an
argon2id hash and a SHA-256; refusals exit 1 with a message naming the
problem, usage errors exit 2; neither secret appears on stderr or on disk.
"""
import hashlib
import os
import re
import sqlite3
import subprocess

import pytest

from conftest import SANITIZER_ENV, Run, run

PASSWORD = re.compile(r"[2-9a-hjkmnp-z]{5}(?:-[2-9a-hjkmnp-z]{5}){3}")
ADDED = re.compile(r"created user ([a-z0-9_]+) \((admin|editor|member)\) with password: (\S+)\n")
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture
def data(tmp_path):
    """A data directory that does not exist yet (the commands create it)."""
    return tmp_path / "data"


def user_add(binary, data, *args):
    return run(binary, "user", "add", *args, "--data", str(data))


def token_create(binary, data, *args):
    return run(binary, "token", "create", *args, "--data", str(data))


def added_password(r, name, role):
    """The password of a successful 'user add', checking the whole line."""
    assert r.returncode == 0, r
    m = ADDED.fullmatch(r.stdout.decode())
    assert m, r
    assert (m.group(1), m.group(2)) == (name, role)
    password = m.group(3)
    assert PASSWORD.fullmatch(password), password
    assert password not in r.stderr
    return password


def rows(data, sql, *params):
    with sqlite3.connect(str(data / "gazouillis.db")) as db:
        return db.execute(sql, params).fetchall()


def on_disk(data, secret):
    """True when some file of the data directory holds secret's bytes."""
    needle = secret.encode()
    for root, _, files in os.walk(data):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                if needle in f.read():
                    return True
    return False


# ---- user add ----

def test_user_add_prints_a_generated_password_once(gazouillis, data):
    password = added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    [(role, hashed)] = rows(data, "SELECT role, password_hash FROM accounts WHERE username = ?",
                            "eric")
    assert role == "member"
    assert hashed.startswith("$argon2id$v=19$m=65536,t=2,p=1$")
    assert password not in hashed
    assert not on_disk(data, password)


@pytest.mark.parametrize("role", ["admin", "editor", "member"])
def test_user_add_with_each_role(gazouillis, data, role):
    added_password(user_add(gazouillis, data, "jp_bedard", "--role", role), "jp_bedard", role)
    assert rows(data, "SELECT role FROM accounts WHERE username = 'jp_bedard'") == [(role,)]


def test_options_before_the_name_and_with_equals(gazouillis, data):
    r = run(gazouillis, "user", "add", f"--data={data}", "--role=editor", "aina")
    added_password(r, "aina", "editor")


def test_passwords_differ(gazouillis, data):
    a = added_password(user_add(gazouillis, data, "a"), "a", "member")
    b = added_password(user_add(gazouillis, data, "b"), "b", "member")
    assert a != b


def test_default_data_directory_is_data_in_the_working_directory(gazouillis, tmp_path):
    env = dict(os.environ, **SANITIZER_ENV)
    proc = subprocess.run([gazouillis, "user", "add", "eric"], cwd=tmp_path, capture_output=True,
                          timeout=60, env=env)
    added_password(Run(proc), "eric", "member")
    assert (tmp_path / "data" / "gazouillis.db").is_file()


def test_a_taken_name_is_refused(gazouillis, data):
    first = added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    r = user_add(gazouillis, data, "eric", "--role", "admin")
    assert r.returncode == 1, r
    assert r.stdout == b""
    assert "'eric' already exists" in r.stderr
    assert "password" not in r.stderr
    # the first account is untouched
    [(role, hashed)] = rows(data, "SELECT role, password_hash FROM accounts")
    assert role == "member" and first not in hashed


@pytest.mark.parametrize("name", ["Eric", "éric", "eric-l", "eric l", "a" * 31, "", "eric@x.org"])
def test_a_bad_name_is_refused(gazouillis, data, name):
    r = user_add(gazouillis, data, name)
    assert r.returncode == 1, r
    assert r.stdout == b""
    assert f"invalid user name '{name}'" in r.stderr and "a-z, 0-9 and _" in r.stderr
    assert not (data / "gazouillis.db").exists()


def test_a_30_character_name_is_fine(gazouillis, data):
    added_password(user_add(gazouillis, data, "a" * 30), "a" * 30, "member")


@pytest.mark.parametrize("role", ["root", "Admin", ""])
def test_a_bad_role_is_refused(gazouillis, data, role):
    r = user_add(gazouillis, data, "eric", "--role", role)
    assert r.returncode == 1, r
    assert r.stdout == b""
    assert f"unknown role '{role}'" in r.stderr and "admin, editor or member" in r.stderr
    assert not (data / "gazouillis.db").exists()


@pytest.mark.parametrize("args,words", [
    (["user"], "missing command"),
    (["user", "frob", "x"], "unknown command 'frob'"),
    (["user", "add"], "missing NAME"),
    (["user", "add", "a", "b"], "'b' is one too many"),
    (["user", "add", "eric", "--frobnicate"], "unknown option '--frobnicate'"),
    (["user", "add", "eric", "--role"], "'--role' needs a value"),
    (["user", "add", "eric", "--data"], "'--data' needs a value"),
    (["token"], "missing command"),
    (["token", "revoke", "x"], "unknown command 'revoke'"),
    (["token", "create"], "missing NAME"),
    (["token", "create", "eric", "--role", "admin"], "unknown option '--role'"),
    (["token", "create", "eric", "--scopes"], "'--scopes' needs a value"),
])
def test_usage_errors_exit_2(gazouillis, tmp_path, args, words):
    env = dict(os.environ, **SANITIZER_ENV)
    proc = subprocess.run([gazouillis, *args], cwd=tmp_path, capture_output=True, timeout=60,
                          env=env)
    r = Run(proc)
    assert r.returncode == 2, r
    assert r.stdout == b""
    assert words in r.stderr and "usage: gazouillis" in r.stderr
    assert not (tmp_path / "data").exists()


def test_help(gazouillis):
    for cmd in ("user", "token"):
        r = run(gazouillis, cmd, "--help")
        assert r.returncode == 0, r
        assert r.stdout.startswith(f"usage: gazouillis {cmd} ".encode())
    r = run(gazouillis, "--help")
    assert b"user" in r.stdout and b"token" in r.stdout


def test_user_password_gives_a_new_password(gazouillis, data):
    old = added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    [(old_hash,)] = rows(data, "SELECT password_hash FROM accounts")
    r = run(gazouillis, "user", "password", "eric", "--data", str(data))
    assert r.returncode == 0, r
    m = re.fullmatch(r"new password for user eric: (\S+)\n", r.stdout.decode())
    assert m and PASSWORD.fullmatch(m.group(1)) and m.group(1) != old, r
    [(new_hash,)] = rows(data, "SELECT password_hash FROM accounts")
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")

    r = run(gazouillis, "user", "password", "nobody", "--data", str(data))
    assert r.returncode == 1 and "no user 'nobody'" in r.stderr, r


# ---- token create ----

def test_token_create_prints_a_token_whose_hash_only_is_stored(gazouillis, data):
    added_password(user_add(gazouillis, data, "eric", "--role", "editor"), "eric", "editor")
    r = token_create(gazouillis, data, "eric")
    assert r.returncode == 0, r
    token = r.stdout.decode()
    assert token.endswith("\n")
    token = token[:-1]
    assert TOKEN.fullmatch(token), r
    assert token not in r.stderr
    assert "'read write'" in r.stderr

    [(username, stored, scopes)] = rows(
        data, "SELECT a.username, t.hash, t.scopes FROM tokens t JOIN accounts a "
              "ON a.id = t.account_id")
    assert username == "eric"
    assert stored == hashlib.sha256(token.encode()).digest()
    assert scopes == "read write"
    assert not on_disk(data, token)


def test_tokens_differ_and_keep_their_scopes(gazouillis, data):
    added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    a = token_create(gazouillis, data, "eric")
    b = token_create(gazouillis, data, "eric", "--scopes", "  write:statuses read read ")
    assert a.returncode == 0 and b.returncode == 0, (a, b)
    assert a.stdout != b.stdout
    hashes = dict(rows(data, "SELECT hash, scopes FROM tokens"))
    assert hashes == {
        hashlib.sha256(a.stdout.strip()).digest(): "read write",
        hashlib.sha256(b.stdout.strip()).digest(): "write:statuses read",
    }


@pytest.mark.parametrize("scopes,bad", [
    ("read admin:read", "admin:read"),
    ("write:nothing", "write:nothing"),
    ("read,write", "read,write"),
    ("READ", "READ"),
])
def test_unknown_scopes_are_refused(gazouillis, data, scopes, bad):
    added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    r = token_create(gazouillis, data, "eric", "--scopes", scopes)
    assert r.returncode == 1, r
    assert r.stdout == b""
    assert f"unknown scope '{bad}'" in r.stderr
    assert rows(data, "SELECT count(*) FROM tokens") == [(0,)]


@pytest.mark.parametrize("name", ["nobody", "Not_A_Name"])
def test_token_for_no_such_user_is_refused(gazouillis, data, name):
    added_password(user_add(gazouillis, data, "eric"), "eric", "member")
    r = token_create(gazouillis, data, name)
    assert r.returncode == 1, r
    assert r.stdout == b""
    assert f"no user '{name}'" in r.stderr


def test_token_without_a_database_is_refused_and_creates_nothing(gazouillis, data):
    r = token_create(gazouillis, data, "eric")
    assert r.returncode == 1, r
    assert "no database in" in r.stderr and str(data) in r.stderr
    assert not data.exists()


# ---- under ASan and UBSan ----

def test_both_commands_under_sanitizers(gazouillis_asan, data):
    added_password(user_add(gazouillis_asan, data, "eric", "--role", "admin"), "eric", "admin")
    assert user_add(gazouillis_asan, data, "eric").returncode == 1
    r = token_create(gazouillis_asan, data, "eric", "--scopes", "read write follow push")
    assert r.returncode == 0, r
    assert TOKEN.fullmatch(r.stdout.decode().strip())
    assert token_create(gazouillis_asan, data, "eric", "--scopes", "nope").returncode == 1
    assert run(gazouillis_asan, "user", "add", "x", "--role").returncode == 2
