#!/usr/bin/python3
"""bench/server/gz.py - the small pieces of bench/server/run.sh that are
easier in Python than in sh. Standard library only; every request goes to
127.0.0.1 and has a timeout. Each command prints key=value lines.

  gz.py supervise BIN DATA PORT STDOUT LOG PIDFILE READYFILE EXITFILE
        runs `BIN serve --listen 127.0.0.1:PORT --data DATA`, writes its pid
        to PIDFILE, polls GET /healthz from the moment before exec and writes
        start_ms (exec to the first 200) to READYFILE; then waits for the
        server (SIGTERM and SIGINT are passed on to it) and writes its exit
        status to EXITFILE.
  gz.py setup BASE TOKEN SLUG N SHARED
        creates the reference event (state "live") and posts its first N
        live messages, with their speakers (tests/e2e/reference.py).
  gz.py empty-event BASE TOKEN SLUG
        creates an empty event in state "live" (no people, no posts), for
        streams that stay idle (bench/live/run.sh).
  gz.py fetch URL BODYFILE
        GET URL: status, content_type, bytes; the body saved as it came.
  gz.py fetch-as URL TOKEN ENCODING BODYFILE
        the same with a bearer token and "Accept-Encoding: ENCODING" (gzip
        or identity), as an app asks; also content_encoding. The body is
        saved as it came (gzipped when the server gzipped it).
  gz.py metrics BASE
        posts (gazouillis_posts) and status_201 (requests answered 201).
  gz.py rss PID
        VmRSS and VmHWM of PID in kB.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "..", "tests", "e2e")


def loopback(url):
    if not url.startswith("http://127.0.0.1:"):
        sys.exit(f"gz.py: refusing a non-loopback address: {url}")
    return url


def healthz_ok(port):
    """One GET /healthz on a fresh connection: True on a 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
            return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def supervise(binary, data, port, stdout_path, log_path, pidfile, readyfile, exitfile):
    port = int(port)
    out, log = open(stdout_path, "wb"), open(log_path, "ab")
    t0 = time.monotonic()
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data", data],
                            stdout=out, stderr=log, stdin=subprocess.DEVNULL)
    with open(pidfile, "w") as f:
        f.write(f"{proc.pid}\n")

    def forward(sig, _frame):
        if proc.poll() is None:
            proc.send_signal(sig)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    ready, deadline = None, t0 + 10
    while time.monotonic() < deadline and proc.poll() is None:
        if healthz_ok(port):
            ready = (time.monotonic() - t0) * 1000
            break
        time.sleep(0.0005)
    with open(readyfile + ".tmp", "w") as f:
        if ready is not None:
            f.write(f"start_ms={ready:.1f}\n")
        else:
            f.write(f"start_failed={'exited' if proc.poll() is not None else 'no answer in 10 s'}\n")
    os.rename(readyfile + ".tmp", readyfile)
    if ready is None and proc.poll() is None:
        proc.terminate()
    try:
        rc = proc.wait(timeout=600 * 6)
    except subprocess.TimeoutExpired:  # the shell's trap normally stops it long before
        proc.kill()
        rc = proc.wait()
    with open(exitfile + ".tmp", "w") as f:
        f.write(f"exit_status={rc}\n")
    os.rename(exitfile + ".tmp", exitfile)


def request(method, url, token=None, body=None, timeout=10, encoding=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(loopback(url), data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if encoding:
        req.add_header("Accept-Encoding", encoding)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def setup(base, token, slug, n, shared):
    os.environ["GAZOUILLIS_SHARED"] = shared
    sys.path.insert(0, E2E)
    import reference  # noqa: E402 (tests/e2e/reference.py, read only)

    doc = reference.event_document(slug)
    doc["state"] = "live"
    status, _, body = request("POST", f"{base}/api/v1/events", token, doc)
    if status != 201:
        sys.exit(f"gz.py: creating the event: {status} {body[:300]!r}")
    posted = forced = 0
    for text in reference.messages()[: int(n)]:
        post = {"text": text, "speaker": reference.speaker_of(text)}
        status, _, body = request("POST", f"{base}/api/v1/events/{slug}/posts", token, post)
        if status == 422:  # the reference's one message of 145: kept knowingly
            post["force"] = True
            forced += 1
            status, _, body = request("POST", f"{base}/api/v1/events/{slug}/posts", token, post)
        if status != 201:
            sys.exit(f"gz.py: posting {text!r}: {status} {body[:300]!r}")
        posted += 1
    print(f"event={slug}\nposted={posted}\nforced={forced}")


def empty_event(base, token, slug):
    doc = {"slug": slug, "title": f"Banc d'essai {slug}", "hashtag": slug.replace("-", ""),
           "lang": "fr", "state": "live"}
    status, _, body = request("POST", f"{base}/api/v1/events", token, doc)
    if status != 201:
        sys.exit(f"gz.py: creating the event {slug}: {status} {body[:300]!r}")
    print(f"event={slug}")


def fetch(url, bodyfile):
    status, headers, body = request("GET", url)
    with open(bodyfile, "wb") as f:
        f.write(body)
    print(f"status={status}\ncontent_type={headers.get('Content-Type', '')}\nbytes={len(body)}")


def fetch_as(url, token, encoding, bodyfile):
    status, headers, body = request("GET", url, token, encoding=encoding)
    with open(bodyfile, "wb") as f:
        f.write(body)
    print(f"status={status}\ncontent_type={headers.get('Content-Type', '')}\n"
          f"content_encoding={headers.get('Content-Encoding', '')}\nbytes={len(body)}")


def metrics(base):
    status, _, body = request("GET", f"{base}/metrics")
    posts = s201 = ""
    for line in body.decode("utf-8", "replace").splitlines():
        if line.startswith("gazouillis_posts "):
            posts = line.split()[1]
        elif line.startswith('gazouillis_http_requests_total{code="201"}'):
            s201 = line.split()[1]
    print(f"status={status}\nposts={posts}\nstatus_201={s201 or 0}")


def rss(pid):
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                vals[key] = rest.split()[0]
    print(f"rss_kb={vals.get('VmRSS', '')}\nhwm_kb={vals.get('VmHWM', '')}\n"
          f"threads={vals.get('Threads', '')}")


def main():
    cmds = {"supervise": (supervise, 8), "setup": (setup, 5),
            "empty-event": (empty_event, 3), "fetch": (fetch, 2),
            "fetch-as": (fetch_as, 4),
            "metrics": (metrics, 1), "rss": (rss, 1)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        sys.exit(__doc__)
    fn, _ = cmds[sys.argv[1]]
    fn(*sys.argv[2:])


if __name__ == "__main__":
    main()
