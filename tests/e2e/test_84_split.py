"""tests/e2e/test_84_split.py - a text too long for one post as a
numbered thread (issue 7, "split"): "gazouillis split" prints one part a
line, each within the limit as "gazouillis count" weighs it; POST
/api/v1/text/split answers the same parts under an event's limit and with
its hashtag; bad input is refused with a message.
"""

import requests

from conftest import run

LONG = ("JP Bédard: une question de valeurs et non de structure légale ! Aussi, il y a des "
        "entreprises privées qui ont des valeurs sociales, et il faut les inclure dans la "
        "réflexion. Développer un modèle plus inclusif, comme la norme BNQ 21000, est une piste "
        "sérieuse.")


def test_the_command(gazouillis):
    r = run(gazouillis, "split", "--limit", "140", "--hashtag", "innover", LONG)
    assert r.returncode == 0, r
    parts = r.stdout.decode().splitlines()
    assert len(parts) == 3
    for i, part in enumerate(parts, 1):
        assert part.startswith("JP Bédard: ") and part.endswith(f" {i}/3 #innover")
        c = run(gazouillis, "count", part)
        assert c.json["weightedLength"] <= 140, (part, c.json)
    r = run(gazouillis, "split", "--limit", "5", "x")
    assert r.returncode == 2 and "--limit takes a number" in r.stderr


def test_the_api(server):
    token = server.user("splitter", "editor")
    r = requests.post(server.url("/api/v1/events"), headers={"Authorization": f"Bearer {token}"},
                      json={"slug": "fil", "title": "Fil", "hashtag": "cooperer",
                            "char_limit": 100, "state": "live"}, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(server.url("/api/v1/text/split"), json={"text": LONG, "event": "fil"},
                      timeout=10)
    assert r.status_code == 200, r.text
    parts = r.json()["parts"]
    assert r.json()["limit"] == 100 and len(parts) >= 3
    assert all(p.endswith(f" {i}/{len(parts)} #cooperer") for i, p in enumerate(parts, 1))
    for p in parts:
        c = requests.post(server.url("/api/v1/text/count"), json={"text": p, "event": "fil"},
                          timeout=10).json()
        assert c["weighted_length"] <= 100 and c["valid"], (p, c)
    r = requests.post(server.url("/api/v1/text/split"), json={"text": "court"}, timeout=10)
    assert r.json()["parts"] == ["court"]
    r = requests.post(server.url("/api/v1/text/split"), json={"text": LONG, "limit": 3},
                      timeout=10)
    assert r.status_code == 422 and "'limit'" in r.json()["error"]
    r = requests.post(server.url("/api/v1/text/split"), json={"text": LONG, "event": "nope"},
                      timeout=10)
    assert r.status_code == 404
    r = requests.post(server.url("/api/v1/text/split"), data=b'{"text": "\xff"}',
                      headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400


def test_fit_the_command_and_the_api(gazouillis, server):
    long = ("Les Pôles territoriaux de coopération économique: une stratégie commune et continue, "
            "de coopération et de mutualisation, au service de projets économiques innovants "
            "#innover")
    r = run(gazouillis, "fit", "--limit", "140", long)
    assert r.returncode == 0, r
    fitted = r.stdout.decode().strip()
    assert run(gazouillis, "count", fitted).json["weightedLength"] <= 140
    assert "coopération -> coop." in r.stderr and fitted.endswith("#innover")
    r = run(gazouillis, "fit", "--limit", "140", "Court et juste #innover")
    assert r.returncode == 0 and r.stdout.decode().strip() == "Court et juste #innover"
    assert r.stderr == ""
    r = run(gazouillis, "fit", "--limit", "10", "Un texte de mots courts qui ne peut pas")
    assert r.returncode == 1 and "cannot fit" in r.stderr
    token = server.user("fitter", "editor")
    doc = {"slug": "ajuste", "title": "Ajusté", "hashtag": "innover", "char_limit": 100,
           "state": "live", "people": [{"name": "Mutualisation Territoriale", "role": "panelist"}]}
    assert requests.post(server.url("/api/v1/events"), json=doc,
                         headers={"Authorization": f"Bearer {token}"},
                         timeout=10).status_code == 201
    text = ("Mutualisation Territoriale: la mutualisation des ressources demande une coopération "
            "entre territoires #innover")
    r = requests.post(server.url("/api/v1/text/fit"), json={"text": text, "event": "ajuste"},
                      timeout=10)
    body = r.json()
    assert r.status_code == 200 and body["fits"] and body["limit"] == 100, body
    assert body["weighted_length"] <= 100 < body["original_length"]
    assert body["text"].startswith("Mutualisation Territoriale: ")  # a name of the event
    assert all(c["to"].endswith(".") for c in body["changes"])
    assert body["room_for_hashtag"] == 0
    # without the hashtag, room is left for the " #innover" the composer appends
    bare = text.replace(" #innover", "")
    r = requests.post(server.url("/api/v1/text/fit"), json={"text": bare, "event": "ajuste"},
                      timeout=10)
    body = r.json()
    assert r.status_code == 200 and body["fits"] and body["room_for_hashtag"] == 9, body
    assert body["weighted_length"] <= 91 and "#innover" not in body["text"]
    r = requests.post(server.url("/api/v1/events/ajuste/posts"), json={"text": body["text"]},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201 and r.json()["text"] == body["text"] + " #innover", r.text
    r = requests.post(server.url("/api/v1/text/fit"), json={"text": text, "lang": "de"},
                      timeout=10)
    assert r.status_code == 422
