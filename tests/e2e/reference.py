"""tests/e2e/reference.py - the event of the reference document
(shared/samples/000_aefccae2ae176f54.txt) as gazouillis holds it: the event
document, and its 51 live messages read from the sample itself, each with
the speaker its prefix names.
"""
import os
import re

SAMPLE = "samples/000_aefccae2ae176f54.txt"

PEOPLE = [
    {"name": "Aina Rakotoarinivo", "affiliation": "Fonds d’emprunt Québec", "role": "host",
     "aliases": [], "url": None},
    {"name": "Félix Bussières", "affiliation": "Pôle d’économie sociale de la Capitale-Nationale",
     "role": "speaker", "aliases": ["FBussières"], "url": None},
    {"name": "Francine Barbeau", "affiliation": "Groupe Conseils DDE", "role": "moderator",
     "aliases": ["FBarbeau"], "url": None},
    {"name": "Sonia Claveau", "affiliation": "Libre Emploi", "role": "panelist",
     "aliases": ["SClaveau"], "url": None},
    {"name": "Jean-Pierre Bédard", "affiliation": "à titre citoyen, DG adjoint du CLD de Québec",
     "role": "panelist", "aliases": ["JP Bédard", "JPBédard"], "url": None},
    {"name": "Marie-Josée Ouellet",
     "affiliation": "Direction de l’économie sociale, ministère de l’Économie, de l’Innovation "
                    "et des Exportations",
     "role": "panelist", "aliases": ["MJ Ouellet", "MJOuellet"], "url": None},
    {"name": "Christian Sarailis", "affiliation": "avocat en droit des affaires",
     "role": "panelist", "aliases": ["CSarailis"], "url": None},
    {"name": "Jacques Beaudet", "affiliation": "DG de la CDEC de Québec", "role": "panelist",
     "aliases": ["JBeaudet"], "url": None},
    {"name": "Sylviane Pilote", "affiliation": "La Nef", "role": "speaker", "aliases": [],
     "url": None},
]

ORGANIZATIONS = [
    {"kind": "organizer", "name": "Fonds d’Emprunt Québec", "url": "http://web.fonds-emprunt.qc.ca/"},
    {"kind": "organizer", "name": "Groupe Conseils DDE", "url": "http://groupedde.com/"},
    {"kind": "sponsor", "name": "Centre local de développement (CLD) de Québec",
     "url": "http://www.clddequebec.qc.ca"},
    {"kind": "sponsor", "name": "Caisse d’économie solidaire Desjardins",
     "url": "http://www.caissesolidaire.coop"},
    {"kind": "sponsor", "name": "Conférence régionale des élus de la Capitale-Nationale",
     "url": "http://www.crecn.qc.ca/"},
    {"kind": "sponsor", "name": "Pôle régional d’économie sociale de la Capitale-Nationale",
     "url": "http://www.cestbienplus.ca/"},
    {"kind": "sponsor", "name": "La Nef", "url": "https://www.facebook.com/la.nef.coop.de.solidarite"},
    {"kind": "supplier", "name": "Sonaudio", "url": "http://sonaudio.ca/sonaudio/"},
]


def event_document(slug="cooperer-2014"):
    """The event document of the round table, without posts."""
    return {
        "slug": slug,
        "title": "Coopérer dans les territoires pour faire face à la crise, innover et changer "
                 "d’échelle",
        "hashtag": "innover",
        "lang": "fr",
        "char_limit": 140,
        "starts_at": "2014-11-20T18:00:00-05:00",
        "ends_at": "2014-11-20T21:00:00-05:00",
        "timezone": "America/Toronto",
        "series": "Semaines de l’économie sociale",
        "venue": {"name": "La Nef", "address": None,
                  "url": "https://www.facebook.com/la.nef.coop.de.solidarite"},
        "attendance": 40,
        "context": "Le 20 novembre 2014, nous étions plus de 40 participants à l’événement "
                   "table-ronde dans le cadre des *Semaines de l’économie sociale*.",
        "disclaimer": "Il ne s’agit ici que de mon interprétation des idées émises.",
        "conclusion": "L’avenir nous appartient, si on ne travaille pas en silo et si on reste "
                      "solidaire!",
        "signature": "Eric Lamirande",
        "state": "live",
        "people": PEOPLE,
        "organizations": ORGANIZATIONS,
    }


def sample_path():
    shared = os.environ.get("GAZOUILLIS_SHARED") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    return os.path.join(shared, SAMPLE)


def messages():
    """The 51 live messages of the sample, in order, without their leading '-'."""
    with open(sample_path(), encoding="utf-8") as f:
        text = f.read()
    part = text.split("Réflexions socio-économiques en 140 caractères", 1)[1]
    part = part.split("réflexions au sujet de", 1)[0]
    return [line[1:] for line in part.splitlines() if line.startswith("-")]


AUDIENCE = re.compile(r"^(Commentaire de l’assemblée|Comment\. de l’assemblée|"
                      r"Question dans l’assemblée)\s*:")


def speaker_of(message):
    """The speaker a message's prefix names, as the API takes it."""
    m = AUDIENCE.match(message)
    if m:
        return {"audience": True, "label": m.group(1)}
    head = message.split(":", 1)[0] if ":" in message[:40] else ""
    head = head.replace("Selon ", "").strip()
    for p in PEOPLE:
        if head == p["name"] or head in p["aliases"]:
            return {"name": head}
    for p in PEOPLE:
        if message.startswith(p["name"]) or (p["name"] + ",") in message[:60]:
            return {"name": p["name"]}
    return None


def comments():
    """The two comments that end the sample ("2 réflexions"): a reader's, with
    the poem he quotes as its second paragraph, and the author's reply; as
    plain text bodies, paragraphs separated by a blank line."""
    with open(sample_path(), encoding="utf-8") as f:
        text = f.read()
    part = text.split("réflexions au sujet de", 1)[1].split("\n", 1)[1]
    part = part.split("Laisser un commentaire", 1)[0]
    bodies = []
    for chunk in part.split("J'aime")[:2]:
        lines = [line.strip() for line in chunk.strip("\n").splitlines()]
        lines[0] = re.sub(r"^1\. ", "", lines[0])
        paragraphs, current = [], []
        for line in lines:
            if line:
                current.append(re.sub(r"^1\. ", "", line))
            elif current:
                paragraphs.append("\n".join(current))
                current = []
        if current:
            paragraphs.append("\n".join(current))
        bodies.append("\n\n".join(paragraphs))
    return bodies
