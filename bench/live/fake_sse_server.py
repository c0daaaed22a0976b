#!/usr/bin/python3
"""bench/live/fake_sse_server.py - a stand-in for gazouillis' live streams, to test
bench/live/streamload.c while the real ones are being written. Standard library only
(asyncio); listens on 127.0.0.1 only, never elsewhere.

  GET  /api/v1/events/SLUG/stream
       200 text/event-stream, chunked: "retry: 3000", then a ": keep-alive" comment
       every --keepalive-s seconds, and the events ("id: N", "event: NAME", "data: JSON")
  POST /api/v1/events/SLUG/posts  (Authorization: Bearer TOKEN, {"text": "..."})
       201 {"id": "74...", ...}, and an event `post` with that id (and a nested
       "author": {"id": ...} first, which the client must not take for it) to every
       open stream; every --update-every posts, an `update` event with the same id too

Options:
  --port P           port to listen on, 0 (default) for a free one
  --slug SLUG        the event (default demo); other slugs get 404
  --token TOKEN      the bearer token POST wants (default secret)
  --refuse-every N   answer every Nth stream 429 and close it (default 0: never)
  --keepalive-s S    seconds between keep-alive comments (default 1)
  --update-every N   an `update` event after every Nth post (default 3, 0: never)
  --order O          events-first (default): the event is written before the 201,
                     reply-first, or mixed (alternating)
  --fragment         cut each event across several chunks and writes, 1 ms apart
  --multiline        send every other `post` event's JSON on two data: lines
  --crlf             end SSE lines with CRLF
  --identity         no chunking: the stream body ends when the connection closes
  --chunked-post     send the 201 chunked too

To check the client's counters (all off by default):
  --refuse-status S  the status of --refuse-every (default 429)
  --duplicate-every N  send every Nth post's event twice
  --delay-every N    hold every Nth post's event back until after the next post's
                     (or 0.5 s): out of order
  --foreign-every N  after every Nth post, a `post` event with an id nobody posted
  --drop-every N     close every Nth stream after the first post's event
  --pad-bytes B      a "pad" string of B bytes in each post (before its "id"): big events

Prints "port=P" and "pid=PID" on stdout once listening; on SIGTERM or SIGINT, prints
its counters (key=value) on stderr and exits 0.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import time


class Stream:
    """One open event stream: frames what it sends, in order, maybe in pieces."""

    def __init__(self, writer, opts):
        self.writer = writer
        self.opts = opts
        self.queue = []
        self.wake = asyncio.Event()
        self.task = asyncio.ensure_future(self.pump()) if opts.fragment else None

    def frame(self, data):
        if self.opts.identity:
            return data
        return b"%x\r\n%s\r\n" % (len(data), data)

    def send(self, data):
        if self.writer.is_closing():
            return
        if self.task is None:
            self.writer.write(self.frame(data))  # at once: before a 201 written after it
        else:
            self.queue.append(data)
            self.wake.set()

    async def pump(self):
        """--fragment: each message in up to three chunks, each chunk in two writes."""
        try:
            while True:
                await self.wake.wait()
                self.wake.clear()
                while self.queue:
                    data = self.queue.pop(0)
                    cuts = sorted(random.sample(range(1, len(data)), min(2, len(data) - 1)))
                    pieces = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]
                    for piece in pieces:
                        framed = self.frame(piece)
                        cut = random.randrange(1, len(framed)) if len(framed) > 1 else 1
                        for part in (framed[:cut], framed[cut:]):
                            if part and not self.writer.is_closing():
                                self.writer.write(part)
                                await self.writer.drain()
                                await asyncio.sleep(0.001)
        except (ConnectionError, asyncio.CancelledError):
            pass

    def close(self):
        if self.task is not None:
            self.task.cancel()


class Hub:
    def __init__(self, opts):
        self.opts = opts
        self.streams = set()
        self.stream_requests = 0
        self.next_id = 7400000000000 + (int(time.time()) % 100000) * 1000
        self.seq = 0
        self.counts = {"streams_opened": 0, "streams_refused": 0, "streams_closed": 0,
                       "posts": 0, "post_events": 0, "other_events": 0, "foreign_events": 0, "keepalives": 0,
                       "bad_requests": 0}
        self.nl = "\r\n" if opts.crlf else "\n"
        self.held = None  # --delay-every: an event sent after the next one

    def every(self, n):
        return n and self.counts["posts"] % n == 0

    def post_event(self, ev):
        """Sends a post's event, with the misbehaviours asked for."""
        opts = self.opts
        held, self.held = self.held, None
        if self.every(opts.delay_every):
            self.held = ev
            asyncio.get_running_loop().call_later(0.5, self.flush_held, ev)
        else:
            self.broadcast(ev, "post_events")
            if self.every(opts.duplicate_every):
                self.broadcast(ev, "post_events")
        if held is not None:
            self.broadcast(held, "post_events")
        if opts.drop_every and self.counts["posts"] == 1:
            for i, s in enumerate(list(self.streams)):
                if i % opts.drop_every == 0:
                    s.writer.close()

    def flush_held(self, ev):
        if self.held is ev:
            self.held = None
            self.broadcast(ev, "post_events")

    def event(self, name, data_lines):
        self.seq += 1
        nl = self.nl
        text = f"id: {self.seq}{nl}event: {name}{nl}"
        text += "".join(f"data: {d}{nl}" for d in data_lines) + nl
        return text.encode()

    def broadcast(self, data, key):
        for s in list(self.streams):
            s.send(data)
            self.counts[key] += 1

    def post(self, text):
        self.next_id += 1
        pid = str(self.next_id)
        self.counts["posts"] += 1
        n = self.counts["posts"]
        post = {"author": {"id": str(40 + n % 7), "name": "fake"}}
        if self.opts.pad_bytes:
            post["pad"] = "x" * self.opts.pad_bytes
        post |= {"id": pid, "text": text,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        js = json.dumps(post, separators=(",", ":"))
        if self.opts.multiline and n % 2 == 0:
            cut = js.index(',"id"') + 1
            lines = [js[:cut], js[cut:]]
        else:
            lines = [js]
        return pid, post, self.event("post", lines)

    def after_post(self, pid):
        if self.every(self.opts.update_every):
            upd = json.dumps({"id": pid, "text": "edited"}, separators=(",", ":"))
            self.broadcast(self.event("update", [upd]), "other_events")
        if self.every(self.opts.foreign_every):
            other = json.dumps({"id": str(self.next_id + 500000), "text": "someone else"})
            self.broadcast(self.event("post", [other]), "foreign_events")


def response(status, reason, body, chunked=False, close=False, ctype="application/json"):
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
    if close:
        head += "Connection: close\r\n"
    if chunked:
        half = len(body) // 2
        payload = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (half, body[:half], len(body) - half,
                                                       body[half:])
        return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + payload
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def serve_stream(hub, reader, writer):
    opts = hub.opts
    hub.stream_requests += 1
    if opts.refuse_every and hub.stream_requests % opts.refuse_every == 0:
        hub.counts["streams_refused"] += 1
        writer.write(response(opts.refuse_status, "Refused", b'{"error":"no stream for you"}',
                              close=True))
        await writer.drain()
        return
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    head += "Connection: close\r\n\r\n" if opts.identity else "Transfer-Encoding: chunked\r\n\r\n"
    writer.write(head.encode())
    s = Stream(writer, opts)
    s.send(f"retry: 3000{hub.nl}{hub.nl}".encode())
    hub.streams.add(s)
    hub.counts["streams_opened"] += 1
    try:
        while await reader.read(4096):  # the client sends nothing more; EOF ends it
            pass
    finally:
        hub.streams.discard(s)
        hub.counts["streams_closed"] += 1
        s.close()


async def handle(hub, reader, writer):
    opts = hub.opts
    base = f"/api/v1/events/{opts.slug}/"
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            hdrs = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    hdrs[k.strip().lower()] = v.strip()
            if len(parts) != 3:
                hub.counts["bad_requests"] += 1
                writer.write(response(400, "Bad Request", b'{"error":"bad request"}', close=True))
                return
            method, path = parts[0], parts[1]
            body = await reader.readexactly(int(hdrs.get("content-length", "0") or 0))
            if method == "GET" and path == base + "stream":
                await serve_stream(hub, reader, writer)
                return
            if method == "POST" and path == base + "posts":
                if hdrs.get("authorization") != f"Bearer {opts.token}":
                    writer.write(response(401, "Unauthorized", b'{"error":"bad token"}'))
                    continue
                try:
                    text = json.loads(body)["text"]
                except (ValueError, KeyError, TypeError):
                    writer.write(response(400, "Bad Request", b'{"error":"no text"}'))
                    continue
                pid, post, ev = hub.post(text)
                reply = response(201, "Created", json.dumps(post).encode(),
                                 chunked=opts.chunked_post)
                first = opts.order == "events-first" or (
                    opts.order == "mixed" and hub.counts["posts"] % 2 == 1)
                if first:
                    hub.post_event(ev)
                writer.write(reply)
                await writer.drain()
                if not first:
                    hub.post_event(ev)
                hub.after_post(pid)
                continue
            hub.counts["bad_requests"] += 1
            writer.write(response(404, "Not Found", b'{"error":"not found"}'))
    except (ConnectionError, asyncio.LimitOverrunError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        writer.close()


async def keepalive(hub):
    while True:
        await asyncio.sleep(hub.opts.keepalive_s)
        hub.broadcast(f": keep-alive{hub.nl}{hub.nl}".encode(), "keepalives")


async def main(opts):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    hub = Hub(opts)
    server = await asyncio.start_server(lambda r, w: handle(hub, r, w), "127.0.0.1", opts.port,
                                        backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"port={port}\npid={os.getpid()}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    ka = asyncio.ensure_future(keepalive(hub))
    await stop.wait()
    ka.cancel()
    server.close()
    for k, v in hub.counts.items():
        print(f"{k}={v}", file=sys.stderr)


def parse():
    ap = argparse.ArgumentParser(description="fake SSE server for streamload (127.0.0.1 only)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--slug", default="demo")
    ap.add_argument("--token", default="secret")
    ap.add_argument("--refuse-every", type=int, default=0)
    ap.add_argument("--keepalive-s", type=float, default=1.0)
    ap.add_argument("--update-every", type=int, default=3)
    ap.add_argument("--order", choices=["events-first", "reply-first", "mixed"],
                    default="events-first")
    ap.add_argument("--fragment", action="store_true")
    ap.add_argument("--multiline", action="store_true")
    ap.add_argument("--crlf", action="store_true")
    ap.add_argument("--identity", action="store_true")
    ap.add_argument("--chunked-post", action="store_true")
    ap.add_argument("--refuse-status", type=int, default=429)
    ap.add_argument("--duplicate-every", type=int, default=0)
    ap.add_argument("--delay-every", type=int, default=0)
    ap.add_argument("--foreign-every", type=int, default=0)
    ap.add_argument("--drop-every", type=int, default=0)
    ap.add_argument("--pad-bytes", type=int, default=0)
    return ap.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
