"""tests/e2e/test_25_import_export.py - "gazouillis export SLUG --format json"
and "gazouillis import FILE": the event document leaves one server and
enters an empty one unchanged, ids and times included; bad files are
refused with a message and leave nothing behind.
"""
import json

import requests

import reference
from conftest import Server


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_export_import_round_trip(gazouillis_asan, tmp_path):
    one = Server(gazouillis_asan, tmp_path / "one", tmp_path / "one.log")
    token = one.token("admin")
    doc = reference.event_document("transfer")
    assert requests.post(one.url("/api/v1/events"), json=doc, headers=auth(token),
                         timeout=10).status_code == 201
    for text in reference.messages()[:10]:
        r = requests.post(one.url("/api/v1/events/transfer/posts"),
                          json={"text": text, "speaker": reference.speaker_of(text)},
                          headers=auth(token), timeout=10)
        assert r.status_code == 201, r.text
    exported = one.cli("export", "transfer", "--format", "json")
    assert exported.returncode == 0, exported
    assert exported.json == requests.get(one.url("/api/v1/events/transfer"), timeout=10).json()
    assert one.stop() == 0

    # an empty server: started once (its admin), then the import
    two = Server(gazouillis_asan, tmp_path / "two", tmp_path / "two.log")
    assert two.stop() == 0
    path = tmp_path / "transfer.json"
    path.write_bytes(exported.stdout)
    r = two.cli("import", str(path))
    assert r.returncode == 0 and b"imported event 'transfer' (10 posts)" in r.stdout, r
    again = two.cli("export", "transfer")
    assert again.returncode == 0
    assert again.stdout == exported.stdout  # byte for byte

    # the same again: the slug is taken
    r = two.cli("import", str(path))
    assert r.returncode == 1 and "exists already" in r.stderr


def test_bad_documents_are_refused(gazouillis_asan, tmp_path):
    srv = Server(gazouillis_asan, tmp_path / "data", tmp_path / "log")
    assert srv.stop() == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = srv.cli("import", str(bad))
    assert r.returncode == 1 and "not a JSON object" in r.stderr
    doc = reference.event_document("broken")
    doc["posts"] = [{"author": "admin", "text": "ok #innover"},
                    {"author": "admin", "text": "x", "speaker": {"name": "Nobody"}}]
    bad.write_text(json.dumps(doc))
    r = srv.cli("import", str(bad))
    assert r.returncode == 1 and "none of the event's people" in r.stderr
    # nothing of it stayed
    r = srv.cli("export", "broken")
    assert r.returncode == 1 and "no such event" in r.stderr
    r = srv.cli("export")
    assert r.returncode == 2
    r = srv.cli("import", str(tmp_path / "missing.json"))
    assert r.returncode == 1
