"""tests/e2e/test_74_tls.py - HTTPS in the server itself (serve --tls-cert
--tls-key), for Mastodon apps that refuse plain HTTP on a LAN: a
self-signed certificate made by the test (openssl), the instance and a
status over HTTPS, plain HTTP refused on the same port, the live streams
answering 501 with the reason, and bad option use refused with a message.
"""
import subprocess

import pytest
import requests

from conftest import Server, free_port, run


@pytest.fixture(scope="module")
def tls_server(gazouillis_asan, tmp_path_factory):
    base = tmp_path_factory.mktemp("tls")
    cert, key = base / "cert.pem", base / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    srv = Server(gazouillis_asan, base / "data", base / "server.log", "--tls-cert", str(cert),
                 "--tls-key", str(key))
    srv.cert = str(cert)
    srv.base = srv.base.replace("http://", "https://")
    yield srv
    assert srv.stop() == 0
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]


def test_the_api_over_https(tls_server):
    r = requests.get(tls_server.url("/api/v1/instance"), verify=tls_server.cert, timeout=10)
    assert r.status_code == 200
    assert r.json()["version"].startswith("4.0.0 (compatible; gazouillis ")
    assert r.json()["urls"]["streaming_api"].startswith("wss://")
    assert any("https://" in line for line in tls_server.banner)
    token = tls_server.token("admin")
    r = requests.post(tls_server.url("/api/v1/statuses"), data={"status": "chiffré #tls"},
                      headers={"Authorization": f"Bearer {token}"}, verify=tls_server.cert,
                      timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["url"].startswith("https://127.0.0.1:")
    r = requests.get(tls_server.url("/api/v1/timelines/tag/tls"), verify=tls_server.cert,
                     timeout=10)
    assert [s["id"] for s in r.json()] == [r.json()[0]["id"]]


def test_plain_http_gets_no_answer_on_the_https_port(tls_server):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(tls_server.url("/api/v1/instance").replace("https://", "http://"), timeout=5)


def test_streams_say_why_they_are_not_served_over_https(tls_server):
    for path in ("/api/v1/streaming/public", "/api/v1/stream"):
        r = requests.get(tls_server.url(path), verify=tls_server.cert, timeout=10)
        assert r.status_code == 501, (path, r.status_code, r.text)
        assert "proxy" in r.json()["error"]


def test_tls_options_must_go_together(gazouillis, tmp_path):
    r = run(gazouillis, "serve", "--listen", f"127.0.0.1:{free_port()}", "--data",
            str(tmp_path / "d"), "--tls-cert", "/nonexistent.pem")
    assert r.returncode == 2 and "--tls-cert and --tls-key go together" in r.stderr, r
    (tmp_path / "not.pem").write_text("hello")
    r = run(gazouillis, "serve", "--listen", f"127.0.0.1:{free_port()}", "--data",
            str(tmp_path / "d"), "--tls-cert", str(tmp_path / "not.pem"), "--tls-key",
            str(tmp_path / "not.pem"))
    assert r.returncode != 0 and "is not a PEM file" in r.stderr, r
