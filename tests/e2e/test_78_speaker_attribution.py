"""tests/e2e/test_78_speaker_attribution.py - the speakers of the reference
document's 51 live messages found from their own words (api/speakers.c),
posted from a Mastodon app by the event's editor into an event whose
people have NO aliases: every "Name:" prefix in the author's forms ("JP
Bédard", "JPBédard", "MJ Ouellet", "JBeaudet", "Selon Jacques Beaudet",
a name after a question) is attributed to the right person, every
"Commentaire de l'assemblée"-like prefix to the floor with its words, and
every other message to nobody.
"""
import re

import requests
from mastodon import Mastodon

import reference

JPB, MJO, CS = "Jean-Pierre Bédard", "Marie-Josée Ouellet", "Christian Sarailis"
JB, SC, FB = "Jacques Beaudet", "Sonia Claveau", "Francine Barbeau"
# the prefixes of the document, as written, and whom they name
PREFIXES = {
    "Selon Jacques Beaudet": JB, "Jacques Beaudet": JB, "JBeaudet": JB,
    "Jean-Pierre Bédard": JPB, "JP Bédard": JPB, "JPBédard": JPB,
    "Christian Sarailis": CS, "CSarailis": CS,
    "Marie-Josée Ouellet": MJO, "MJ Ouellet": MJO, "MJOuellet": MJO,
    "Sonia Claveau": SC, "SClaveau": SC, "FBarbeau": FB,
}
FLOOR = re.compile(r"^(Commentaire de l’assemblée|Comment\. de l’assemblée|"
                   r"Question dans l’assemblée)\s*:")


def expected(message):
    """What the message's own words say: ("person", name), ("floor", label) or None."""
    m = FLOOR.match(message)
    if m:
        return ("floor", m.group(1))
    for head in [message.split(":", 1)[0]] + [part.split(":", 1)[0].strip()
                                              for part in message.split("?")[1:2]]:
        if head in PREFIXES:
            return ("person", PREFIXES[head])
    return None


def got(post):
    sp = post["speaker"]
    if sp is None:
        return None
    if sp.get("audience"):
        return ("floor", sp["label"])
    return ("person", sp["name"])


def test_every_prefixed_message_is_attributed_and_no_other(server):
    r = server.cli("user", "add", "eric", "--role", "editor")
    password = re.search(r"with password: (\S+)", r.stdout.decode()).group(1)
    token = server.token("eric")
    doc = reference.event_document("attribution")
    doc["char_limit"] = 280  # the document has one message of 145
    doc["people"] = [dict(p, aliases=[]) for p in doc["people"]]
    r = requests.post(server.url("/api/v1/events"), json=doc,
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 201, r.text
    cid, secret = Mastodon.create_app("attribution", api_base_url=server.base,
                                      scopes=["read", "write"])
    m = Mastodon(client_id=cid, client_secret=secret, api_base_url=server.base)
    m.log_in("eric", password, scopes=["read", "write"])
    messages = reference.messages()
    assert len(messages) == 51
    for text in messages:
        m.status_post(text)
    posts = requests.get(server.url("/api/v1/events/attribution/posts?limit=100"),
                         timeout=10).json()
    posts.reverse()  # oldest first, as posted
    assert [p["text"] for p in posts] == messages
    wrong = [(p["text"][:60], got(p), expected(p["text"])) for p in posts
             if got(p) != expected(p["text"])]
    assert wrong == []
    attributed = [p for p in posts if got(p) is not None]
    # the document's own count: 30 prefixed to a person, 10 to the floor, 11 to nobody
    assert sum(1 for p in attributed if got(p)[0] == "person") == 30
    assert sum(1 for p in attributed if got(p)[0] == "floor") == 10


def test_the_composer_finds_the_speaker_in_the_text(server):
    from test_40_web_auth import csrf_of, sign_in
    r = server.cli("user", "add", "ed2", "--role", "editor")
    password = re.search(r"with password: (\S+)", r.stdout.decode()).group(1)
    token = server.token("ed2")
    doc = reference.event_document("composer-auto")
    doc["people"] = [dict(p, aliases=[]) for p in doc["people"]]
    assert requests.post(server.url("/api/v1/events"), json=doc,
                         headers={"Authorization": f"Bearer {token}"},
                         timeout=10).status_code == 201
    s, r = sign_in(server, "ed2", password)
    assert r.status_code == 303
    page = s.get(server.url("/e/composer-auto"), timeout=10).text
    # "from the text" is what a new post gets unless the writer picks someone
    assert re.search(r'<option value="auto" selected>', page), page[:3000]
    for text, want in [("JP Bédard: un modèle plus inclusif", {"name": JPB}),
                       ("Commentaire de l’assemblée: et l’eau du bain ?",
                        {"audience": True, "label": "Commentaire de l’assemblée"}),
                       ("Rien à attribuer ici", None)]:
        r = s.post(server.url("/e/composer-auto/posts"),
                   data={"csrf": csrf_of(page), "text": text, "speaker": "auto"},
                   allow_redirects=False, timeout=10)
        assert r.status_code == 303, r.text
        post = requests.get(server.url("/api/v1/events/composer-auto/posts?limit=1"),
                            timeout=10).json()[0]
        assert post["text"].startswith(text) and post["speaker"] == want, post
    # a speaker picked by hand wins over the text
    r = s.post(server.url("/e/composer-auto/posts"),
               data={"csrf": csrf_of(page), "text": "JP Bédard: cité par Sonia", "speaker": ""},
               allow_redirects=False, timeout=10)
    post = requests.get(server.url("/api/v1/events/composer-auto/posts?limit=1"),
                        timeout=10).json()[0]
    assert post["speaker"] is None
