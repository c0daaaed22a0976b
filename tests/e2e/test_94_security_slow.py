"""tests/e2e/test_94_security_slow.py - slow and greedy clients (slowloris):
200 sockets that send their headers one byte every two seconds for 16
seconds while a reader goes on browsing, whose latency must stay what it
was before; one address held to its share of the connections
(--max-connections-per-address), while the others are served; and a
connection that sends nothing is closed after the idle timeout (30 s).
Bounded: about 35 seconds, 260 sockets at most, all to 127.0.0.1.
"""
import socket
import statistics
import threading
import time

import pytest
import requests

from security_world import start, stop

SLOW = 200
DRIP_S = 2.0
ATTACK_S = 16.0
IDLE_TIMEOUT_S = 30  # CONNECTION_TIMEOUT_S in src/http/server.c


@pytest.fixture(scope="module")
def server(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "slow")
    yield srv
    stop(srv)


def browse(server, seconds):
    """Latencies of a reader's requests (a page, an API list, health) for seconds."""
    s = requests.Session()
    out, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        for path in ("/", "/api/v1/events", "/healthz"):
            t0 = time.monotonic()
            r = s.get(server.url(path), timeout=10)
            out.append(time.monotonic() - t0)
            assert r.status_code == 200, (path, r.status_code)
        time.sleep(0.02)
    return sorted(out)


def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p))]


def is_closed(sock, wait):
    sock.settimeout(wait)
    try:
        return sock.recv(1024) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def test_slow_clients_do_not_slow_the_others(server):
    idle = socket.create_connection(("127.0.0.1", server.port))  # sends nothing at all
    opened = time.monotonic()
    before = browse(server, 2)
    request = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n" +
               b"X-Padding: x\r\n" * 40)
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(SLOW)]
    dropped = []
    stop_at = time.monotonic() + ATTACK_S

    def drip():
        at = 0
        while time.monotonic() < stop_at and at < len(request):
            for s in socks:
                if s in dropped:
                    continue
                try:
                    s.send(request[at:at + 1])
                except OSError:
                    dropped.append(s)
            at += 1
            time.sleep(DRIP_S)

    t = threading.Thread(target=drip)
    t.start()
    during = browse(server, ATTACK_S - 1)
    t.join()
    metrics = requests.get(server.url("/metrics"), timeout=10).text
    open_now = int(metrics.split("\ngazouillis_http_open_connections ")[1].split()[0])
    for s in socks:
        s.close()
    print(f"\nslowloris: {SLOW} sockets, one byte every {DRIP_S:g} s for {ATTACK_S:g} s; "
          f"reader {len(before)} requests before: median {statistics.median(before) * 1e3:.1f} ms,"
          f" p99 {pct(before, .99) * 1e3:.1f} ms; {len(during)} during: median "
          f"{statistics.median(during) * 1e3:.1f} ms, p99 {pct(during, .99) * 1e3:.1f} ms, "
          f"max {during[-1] * 1e3:.1f} ms; {open_now} connections open")
    assert dropped == [], "the server closed slow clients that were still sending"
    assert open_now >= SLOW
    assert statistics.median(during) < statistics.median(before) * 3 + 0.05
    assert pct(during, .99) < 1.0 and during[-1] < 2.0
    # the connection that never sent a byte is closed after the idle timeout
    left = IDLE_TIMEOUT_S + 3 - (time.monotonic() - opened)
    assert not is_closed(idle, 0.1)  # not before
    assert is_closed(idle, max(left, 0.1)), "an idle connection outlived the timeout"
    idle.close()


def test_one_address_holds_only_its_share(gazouillis_asan, tmp_path_factory):
    srv = start(gazouillis_asan, tmp_path_factory, "per-address", "--max-connections-per-address",
                "50")
    greedy = []
    try:
        def connect():
            return socket.create_connection(("127.0.0.1", srv.port), timeout=5,
                                            source_address=("127.0.0.2", 0))
        for _ in range(50):
            s = connect()
            s.sendall(b"GET / HTTP/1.1\r\n")  # and no more
            greedy.append(s)
        time.sleep(0.5)
        assert not any(is_closed(s, 0.01) for s in greedy)
        extra = connect()
        assert is_closed(extra, 5), "the 51st connection of one address was kept"
        extra.close()
        # another address is served meanwhile
        r = requests.get(srv.url("/healthz"), timeout=5)
        assert r.status_code == 200
        # a place freed is a place taken
        for s in greedy[:10]:
            s.close()
        time.sleep(0.5)
        s = connect()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        s.settimeout(5)
        assert s.recv(100).startswith(b"HTTP/1.1 200"), "a freed place was not given again"
        s.close()
    finally:
        for s in greedy:
            s.close()
        stop(srv)
