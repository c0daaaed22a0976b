"""tests/e2e/test_76_websocket.py - the WebSocket form of the Mastodon
streaming API (GET /api/v1/streaming with Upgrade: websocket), which most
phone apps use, with a client written here on a raw socket: the handshake
answered as RFC 6455 says, a status posted meanwhile arriving as a text
frame {"stream": [...], "event": "update", "payload": "<status JSON>"},
its deletion as "delete", keep-alive pings, the token in the URL or in
Sec-WebSocket-Protocol, the client's own frames (its ping answered by a
pong with the same bytes, its close by a close and the end of the
connection, a frame that breaks the protocol ending the connection), one
socket carrying several subscriptions as masto.js (Elk, Phanpy) opens
them with "subscribe" and "unsubscribe" messages, each status coming
once per subscription and named as the client named it, and the
refusals (no upgrade, a bad version, no token for the user stream, an
unknown stream; on the socket: an unknown stream, a message that is not
JSON, too many subscriptions, a binary or oversized message).
"""
import base64
import hashlib
import json
import os
import socket
import struct
import time

import pytest
import requests

from conftest import Server

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@pytest.fixture(scope="module")
def srv(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("ws")
    s = Server(gazouillis_asan, base / "data", base / "server.log", "--stream-keepalive", "1",
               "--api-rate-limit", "100000")
    s.tok = s.token("admin")
    yield s
    assert s.stop() == 0
    log = s.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]


def connect(srv, query, headers=""):
    """Opens a WebSocket; returns the socket, the status line and the head's headers."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/v1/streaming?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{headers}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            break
        head += chunk
    lines = head.decode().split("\r\n")
    fields = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:] if line)}
    expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    return s, lines[0], fields, expected


def frame(s):
    """One frame: (opcode, payload); the server never masks."""
    b = s.recv(2)
    assert len(b) == 2, b
    assert b[1] & 0x80 == 0, "a server frame must not be masked"
    op, n = b[0] & 0x0F, b[1] & 0x7F
    if n == 126:
        n = struct.unpack(">H", s.recv(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", s.recv(8))[0]
    data = b""
    while len(data) < n:
        data += s.recv(n - len(data))
    return op, data


def next_message(s):
    """The next text frame as JSON, skipping pings."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        op, data = frame(s)
        if op == 1:
            return json.loads(data)
        assert op == 9, op  # only pings besides
    pytest.fail("no message within 10 s")


def client_frame(opcode, payload, fin=True):
    """A client's frame: masked, as RFC 6455 requires of clients."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def next_control(s, want):
    """The next frame of opcode want, skipping the server's keep-alive pings."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        op, data = frame(s)
        if op == want:
            return data
        assert op == 9, (op, data)
    pytest.fail(f"no frame {want} within 10 s")


def closed(s, timeout=5):
    """True when the server ends the connection (EOF or reset) within timeout;
    what it sends meanwhile (keep-alive pings) is read and dropped."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            if not s.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        pass
    return False


def post(srv, text):
    r = requests.post(srv.url("/api/v1/statuses"), data={"status": text},
                      headers={"Authorization": f"Bearer {srv.tok}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_hashtag_stream_over_websocket(srv):
    s, status, fields, expected = connect(srv, f"access_token={srv.tok}&stream=hashtag&tag=WS")
    assert status == "HTTP/1.1 101 Switching Protocols", status
    assert fields["upgrade"].lower() == "websocket"
    assert fields["sec-websocket-accept"] == expected
    time.sleep(0.2)
    post(srv, "ailleurs #autre")  # not this stream's
    st = post(srv, "en direct #ws")
    m = next_message(s)
    assert m["stream"] == ["hashtag", "WS"] and m["event"] == "update"  # as the client named it
    status_json = json.loads(m["payload"])
    assert status_json["id"] == st["id"] and "en direct" in status_json["content"]
    assert requests.delete(srv.url(f"/api/v1/statuses/{st['id']}"),
                           headers={"Authorization": f"Bearer {srv.tok}"},
                           timeout=10).status_code == 200
    m = next_message(s)
    assert m == {"stream": ["hashtag", "WS"], "event": "delete", "payload": st["id"]}
    s.close()


def test_the_user_stream_with_the_token_as_protocol_and_its_pings(srv):
    s, status, fields, _ = connect(srv, "stream=user",
                                   f"Sec-WebSocket-Protocol: {srv.tok}\r\n")
    assert status.startswith("HTTP/1.1 101"), status
    assert fields["sec-websocket-protocol"] == srv.tok
    op, data = frame(s)  # nothing published: the keep-alive, within a second or so
    assert (op, data) == (9, b"")
    post(srv, "pour tous")
    m = next_message(s)
    assert m["stream"] == ["user"] and m["event"] == "update"
    s.close()


def test_refusals(srv):
    r = requests.get(srv.url("/api/v1/streaming"), timeout=10)
    assert r.status_code == 400 and "WebSocket" in r.json()["error"]
    s, status, _, _ = connect(srv, "stream=user")
    assert status.startswith("HTTP/1.1 401"), status
    s.close()
    s, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=nonsense")
    assert status.startswith("HTTP/1.1 400"), status
    s.close()
    s, status, _, _ = connect(srv, "access_token=garbage&stream=public")
    assert status.startswith("HTTP/1.1 401"), status
    s.close()
    r = requests.get(srv.url("/api/v1/streaming?stream=public"), timeout=10,
                     headers={"Upgrade": "websocket", "Connection": "Upgrade",
                              "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                              "Sec-WebSocket-Version": "8"})
    assert r.status_code == 426 and r.headers["Sec-WebSocket-Version"] == "13"


def test_the_clients_frames_are_answered_as_rfc_6455_asks(srv):
    s, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=hashtag&tag=cadre")
    assert status.startswith("HTTP/1.1 101"), status
    # a ping gets a pong with the same bytes, even sent a byte at a time
    for byte in client_frame(0x9, b"es-tu la ?"):
        s.sendall(bytes([byte]))
    assert next_control(s, 0xA) == b"es-tu la ?"
    # an app's subscribe message (a text frame, sent in two pieces) does no harm
    sub = client_frame(0x1, json.dumps({"type": "subscribe", "stream": "hashtag",
                                        "tag": "autre"}).encode())
    s.sendall(sub[:5])
    time.sleep(0.05)
    s.sendall(sub[5:] + client_frame(0x9, b""))
    assert next_control(s, 0xA) == b""
    st = post(srv, "toujours la #cadre")
    m = next_message(s)
    assert m["event"] == "update" and json.loads(m["payload"])["id"] == st["id"]
    # a close gets a close with the same status code, then the connection ends
    s.sendall(client_frame(0x8, struct.pack(">H", 1000) + b"au revoir"))
    assert next_control(s, 0x8) == struct.pack(">H", 1000)
    assert closed(s)
    s.close()


def test_a_client_breaking_the_protocol_is_disconnected(srv):
    for bad in (bytes([0x89, 0x00]),                      # not masked
                client_frame(0x9, b"x" * 126),            # a control frame over 125 bytes
                client_frame(0x9, b"x", fin=False),       # a fragmented control frame
                client_frame(0x3, b"x")):                 # a reserved opcode
        s, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=public")
        assert status.startswith("HTTP/1.1 101"), status
        s.sendall(bad)
        assert closed(s), bad
        s.close()
    # the server goes on
    assert requests.get(srv.url("/api/v1/streaming/health"), timeout=10).status_code == 200


def send_json(s, obj):
    s.sendall(client_frame(0x1, json.dumps(obj).encode()))


def messages_until_quiet(s, quiet=1.0):
    """The text messages that come until none has for quiet seconds."""
    got = []
    while True:
        s.settimeout(quiet)
        try:
            op, data = frame(s)
        except socket.timeout:
            s.settimeout(10)
            return got
        if op == 1:
            got.append(json.loads(data))


def test_one_socket_carries_every_subscription_named_as_asked(srv):
    # masto.js's way: no stream in the URL, the token as the protocol, then messages
    s, status, _, _ = connect(srv, "", f"Sec-WebSocket-Protocol: {srv.tok}\r\n")
    assert status.startswith("HTTP/1.1 101"), status
    send_json(s, {"type": "subscribe", "stream": "hashtag", "tag": "Multi"})
    send_json(s, {"type": "subscribe", "stream": "public:local"})
    send_json(s, {"type": "subscribe", "stream": ["user"]})
    send_json(s, {"type": "subscribe", "stream": "user"})  # again: still once
    send_json(s, {"type": "subscribe", "stream": "hashtag", "tag": "multi"})  # the same tag
    s.sendall(client_frame(0x9, b"sync"))
    assert next_control(s, 0xA) == b"sync"  # every message above was read, none answered
    st = post(srv, "trois fois #multi")
    got = messages_until_quiet(s)
    assert sorted(tuple(m["stream"]) for m in got) == [
        ("hashtag", "Multi"), ("public:local",), ("user",)], got
    assert all(m["event"] == "update" and json.loads(m["payload"])["id"] == st["id"]
               for m in got)
    # a status without the tag comes on the two others only
    post(srv, "sans etiquette")
    assert sorted(tuple(m["stream"]) for m in messages_until_quiet(s)) == [
        ("public:local",), ("user",)]
    # unsubscribed (and from what it never had: quietly), the socket hears the tag alone
    send_json(s, {"type": "unsubscribe", "stream": "public:local"})
    send_json(s, {"type": "unsubscribe", "stream": "user"})
    send_json(s, {"type": "unsubscribe", "stream": "public"})
    s.sendall(client_frame(0x9, b"sync"))
    assert next_control(s, 0xA) == b"sync"
    st = post(srv, "une fois #Multi")
    got = messages_until_quiet(s)
    assert [m["stream"] for m in got] == [["hashtag", "Multi"]], got
    assert json.loads(got[0]["payload"])["id"] == st["id"]
    s.close()


def test_what_a_socket_may_not_subscribe_to_is_answered(srv):
    s, status, _, _ = connect(srv, f"access_token={srv.tok}")
    assert status.startswith("HTTP/1.1 101"), status
    send_json(s, {"type": "subscribe", "stream": "nonsense"})
    assert next_message(s) == {"error": "Unknown stream type", "status": 400}
    send_json(s, {"type": "subscribe", "stream": "hashtag"})
    assert next_message(s) == {"error": "Missing tag name parameter", "status": 400}
    s.sendall(client_frame(0x1, b"{subscribe"))
    m = next_message(s)
    assert m["status"] == 400 and "JSON object" in m["error"]
    send_json(s, {"type": "subscribe", "stream": "list", "list": "1"})
    assert next_message(s)["status"] == 401
    # a type of message a newer client may send is left alone
    send_json(s, {"type": "ping"})
    s.sendall(client_frame(0x9, b"sync"))
    assert next_control(s, 0xA) == b"sync"
    # at most 32 subscriptions on one socket
    for i in range(32):
        send_json(s, {"type": "subscribe", "stream": "hashtag", "tag": f"t{i}"})
    send_json(s, {"type": "subscribe", "stream": "hashtag", "tag": "one_more"})
    m = next_message(s)
    assert m["status"] == 429 and "32" in m["error"], m
    # a socket opened without a token hears the public streams, not the user's
    a, status, _, _ = connect(srv, "stream=public")
    assert status.startswith("HTTP/1.1 101"), status
    send_json(a, {"type": "subscribe", "stream": "user"})
    assert next_message(a)["status"] == 401
    a.close()
    # and without a stream, a token is needed
    a, status, _, _ = connect(srv, "")
    assert status.startswith("HTTP/1.1 401"), status
    a.close()
    # a binary message is closed with 1003, one over 4 KB with 1009
    s.sendall(client_frame(0x2, b"\x00\x01"))
    assert next_control(s, 0x8) == struct.pack(">H", 1003)
    assert closed(s)
    s.close()
    s, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=public")
    s.sendall(client_frame(0x1, b"x" * 5000))
    assert next_control(s, 0x8) == struct.pack(">H", 1009)
    assert closed(s)
    s.close()
    assert requests.get(srv.url("/api/v1/streaming/health"), timeout=10).status_code == 200


def test_notifications_come_on_the_user_subscriptions(srv):
    zoe = srv.user("zoe")
    s, status, _, _ = connect(srv, f"access_token={zoe}")
    assert status.startswith("HTTP/1.1 101"), status
    send_json(s, {"type": "subscribe", "stream": "user:notification"})
    send_json(s, {"type": "subscribe", "stream": "user"})
    s.sendall(client_frame(0x9, b"sync"))
    assert next_control(s, 0xA) == b"sync"
    st = post(srv, "Salut @zoe")  # admin mentions zoe
    got = messages_until_quiet(s)
    kinds = sorted((tuple(m["stream"]), m["event"]) for m in got)
    assert kinds == [(("user",), "notification"), (("user",), "update"),
                     (("user:notification",), "notification")], got
    n = json.loads([m for m in got if m["event"] == "notification"][0]["payload"])
    assert n["type"] == "mention" and n["status"]["id"] == st["id"]
    assert n["account"]["username"] == "admin"
    # zoe's like through the native API (the web's way), of admin's post in an event:
    # admin's socket is told, with zoe as who did it
    doc = {"slug": "ws-notes", "title": "T", "hashtag": "wsnotes", "lang": "fr",
           "char_limit": 140, "state": "live"}
    r = requests.post(srv.url("/api/v1/events"), json=doc,
                      headers={"Authorization": f"Bearer {srv.tok}"}, timeout=10)
    assert r.status_code == 201, r.text
    a, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=user:notification")
    assert status.startswith("HTTP/1.1 101"), status
    time.sleep(0.2)
    mine = post(srv, "Dans l'evenement #wsnotes")
    r = requests.post(srv.url(f"/api/v1/posts/{mine['id']}/like"),
                      headers={"Authorization": f"Bearer {zoe}"}, timeout=10)
    assert r.status_code == 200, r.text
    got = messages_until_quiet(a)
    assert [m["stream"] for m in got] == [["user:notification"]], got
    n = json.loads(got[0]["payload"])
    assert (n["type"], n["account"]["username"], n["status"]["id"]) == (
        "favourite", "zoe", mine["id"])
    listed = requests.get(srv.url("/api/v1/notifications"),
                          headers={"Authorization": f"Bearer {srv.tok}"}, timeout=10).json()
    assert n["id"] in [x["id"] for x in listed]
    a.close()
    messages_until_quiet(s)  # zoe hears the post's update on her user stream
    # after unsubscribing from user:notification, the user subscription still hears them
    send_json(s, {"type": "unsubscribe", "stream": "user:notification"})
    s.sendall(client_frame(0x9, b"sync"))
    assert next_control(s, 0xA) == b"sync"
    post(srv, "Encore @zoe")
    got = messages_until_quiet(s)
    assert sorted((tuple(m["stream"]), m["event"]) for m in got) == [
        (("user",), "notification"), (("user",), "update")], got
    s.close()
    # another account's socket hears none of zoe's notifications
    a, status, _, _ = connect(srv, f"access_token={srv.tok}&stream=user:notification")
    assert status.startswith("HTTP/1.1 101"), status
    time.sleep(0.2)
    post(srv, "Et encore @zoe")
    assert messages_until_quiet(a) == []
    a.close()


def test_a_socket_that_does_not_read_is_closed_whatever_it_subscribed_to(srv):
    """A client that stops reading is let go once 256 KB wait for it - here
    sockets on one topic twice (user and user:notification both hear their
    account's notifications), which the hub must forget once, whichever of
    the two finds it full. Four of them, each told of posts of another
    length, so that the full one is not always the same."""
    sockets = []
    for k in range(4):
        token = srv.user(f"lent{k}")
        raw = socket.socket()
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once
        raw.settimeout(10)
        raw.connect(("127.0.0.1", srv.port))
        key = base64.b64encode(os.urandom(16)).decode()
        raw.sendall((f"GET /api/v1/streaming?access_token={token} HTTP/1.1\r\n"
                     f"Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:  # a client speaks once the handshake is answered
            head += raw.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        send_json(raw, {"type": "subscribe", "stream": "user:notification"})
        send_json(raw, {"type": "subscribe", "stream": "user"})
        sockets.append(raw)
    time.sleep(0.3)
    http = requests.Session()
    headers = {"Authorization": f"Bearer {srv.tok}"}
    # per socket: the kernel's send buffer (128 KB), the hub's 256 KB, the client's few KB
    for i in range(1000):  # followers-only: notifications alone, ~2.5 KB each, twice
        k = i % 4
        r = http.post(srv.url("/api/v1/statuses"), headers=headers, timeout=10,
                      data={"status": f"@lent{k} numero {i} " + "bla " * (10 + 30 * k),
                            "visibility": "private"})
        assert r.status_code == 200, r.text
    # what each socket holds is read; then it ends: the server let it go
    for raw in sockets:
        assert closed(raw, timeout=20)
        raw.close()
    assert requests.get(srv.url("/api/v1/streaming/health"), timeout=10).status_code == 200
