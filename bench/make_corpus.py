#!/usr/bin/python3
"""Writes the benchmark corpus: one post per line, UTF-8, no newlines inside.

First the 51 live messages of the reference document (the lines starting
with "-" after the heading "Réflexions socio-économiques en 140 caractères…",
leading "-" stripped), then a generated mix of live-covering posts in French
and English: speaker prefixes, links with and without protocol (paths,
queries, fragments, parentheses, trailing punctuation), hashtags (accented
too), mentions (lists and @user@example.org), an occasional cashtag,
typographic apostrophes, non-breaking spaces, emoji (ZWJ, skin tones, flags,
keycaps), and now and then decomposed accents (NFD text pasted from a Mac).

Deterministic: the same --seed and --count give the same bytes, whatever
the Python 3 version (only random.Random.random/randrange/choice are used).

Standard library only. Run with /usr/bin/python3:
    /usr/bin/python3 bench/make_corpus.py --sample ../shared/samples/000_aefccae2ae176f54.txt \
        --out bench/out/corpus.txt
"""

import argparse
import os
import random
import sys
import unicodedata

HEADING = "Réflexions socio-économiques en 140 caractères…"


def reference_messages(path):
    """The live messages of the reference document, in order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == HEADING)
    except StopIteration:
        sys.exit("make_corpus: heading %r not found in %s" % (HEADING, path))
    out = []
    for line in lines[start + 1:]:
        line = line.rstrip("\r")
        if "réflexions au sujet de" in line:  # the comments section that follows
            break
        if line.startswith("-"):
            out.append(line[1:].strip())
    return out


# ---- vocabulary ----

SPEAKERS_FR = [
    "Jacques Beaudet", "Marie-Josée Ouellet", "JP Bédard", "Sonia Claveau", "Christian Sarailis",
    "Francine Barbeau", "Félix Bussières", "Aina Rakotoarinivo", "Sylviane Pilote",
    "Hélène Côté", "François Lévesque", "Geneviève Thériault", "Noémie Gagné", "Benoît Després",
    "Mᵉ Anaïs Lefèvre", "Dr Éloïse Bérubé", "Jean-François Dubé", "Zoé Nguyễn", "Loïc Le Bihan",
    "La ministre", "Le maire", "Une participante", "Commentaire de l’assemblée",
    "Question de la salle", "Modératrice",
]
SPEAKERS_EN = [
    "Sarah O’Connor", "Prof. Amir Haddad", "Dr. Linda Maziade", "Tom McAllister",
    "Priya Raghunathan", "José Álvarez", "Keynote", "Panel", "Q&A", "Moderator",
    "Audience question", "Chief economist", "The mayor", "Søren Kierkegaard-Hansen",
]

SENT_FR = [
    "il faut travailler ensemble, pas en silo",
    "l’économie sociale n’est pas une économie de seconde zone",
    "on ne peut pas faire mieux avec toujours moins de ressources",
    "les coopératives ont créé 1 200 emplois l’an dernier au Québec",
    "c’est une question de valeurs et non de structure légale",
    "la démocratie participative recule; il faut la défendre",
    "les entreprises privées ont aussi une responsabilité sociale",
    "on parle d’ententes de services, pas de subventions",
    "qu’est-ce qu’un pôle territorial de coopération économique ?",
    "le financement à long terme reste le nerf de la guerre",
    "42 % des organismes disent manquer de bénévoles",
    "la mutualisation des ressources, ça marche à l’échelle locale",
    "« il faut changer d’échelle » — applaudissements dans la salle",
    "pause café de 15 min, on reprend à 10 h 30",
    "fin de la table ronde, merci à tous les panélistes !",
    "l’intelligence collective, ça s’organise",
    "les médias sont souvent complices du statu quo…",
    "déjà 300 participants inscrits, salle comble",
    "le budget prévoit 2,5 M$ pour l’innovation sociale",
    "on veut des indicateurs d’impact, pas juste des chiffres",
    "la transition écologique passe par les territoires",
    "les jeunes entrepreneurs cherchent du sens, pas seulement du profit",
    "très bonne question sur l’accès au crédit pour les coops",
    "présentation des résultats de l’étude 2014–2015",
    "ça ne fonctionne que si les élus suivent",
    "début de l’atelier sur les données ouvertes",
    "il n’y a rien qui empêche de collaborer",
    "on est en train de devenir uniquement des contribuables",
    "l’avenir nous appartient, si on ne travaille pas en silo",
    "vote à main levée : 80 % pour la motion",
]
SENT_EN = [
    "we need to stop working in silos",
    "social enterprises created 1,200 jobs last year",
    "it’s a question of values, not of legal structure",
    "you can’t do more with less forever",
    "long-term funding is still the main bottleneck",
    "42% of nonprofits report a shortage of volunteers",
    "great question from the floor about access to credit",
    "coffee break, back at 10:30",
    "slides will be shared after the session",
    "“change the scale, not the values” — big applause",
    "the transition has to start locally",
    "open data is a public good, treat it that way",
    "impact metrics matter more than vanity numbers",
    "the room is packed, 300+ people",
    "live demo time, fingers crossed",
    "we’re wrapping up the panel, thanks everyone!",
    "budget: $2.5M for social innovation next year",
    "don’t miss the workshop on cooperative housing",
    "the mayor just announced a new fund for co-ops",
    "interesting point on procurement rules for small businesses",
    "nobody owns collective intelligence",
    "Q: how do we measure social return? A: carefully",
    "keynote starts in 5 minutes",
    "hands up if you work for a co-op — about half the room",
]

HASHTAGS = [
    "innover", "innover", "innover", "économie", "ÉconomieSociale", "ess2014", "Québec", "QC",
    "coop", "coopératives", "live", "COP21", "données_ouvertes", "santé", "climat", "GreenTech",
    "AI", "IA", "socialinnovation", "opendata", "Montréal", "TablesRondes", "écoloQC",
    "mtlpoli", "assnat", "polqc", "100jours", "Beauté", "ÉtatsGénéraux", "entrepreneuriat",
    "NousSommes", "ChangerDÉchelle", "ÉgalitéFH", "café", "naïveté", "fête",
]
# Things that look like hashtags but are not (or are cut short): kept rare.
HASHTAG_EDGES = [
    "#2014", "#1", "#déjà-vu", "#l’économie", "#c'est", "＃innover", "##double", "#_underscore",
    "#ÉTÉ2015!", "#émoji🎉", "#tag.fin",
]

MENTIONS = [
    "@LeDevoir", "@radiocanadainfo", "@lapresse", "@user_42", "@jbeaudet", "@ville_quebec",
    "@FondsEmpruntQc", "@groupedde", "@CDECQuebec", "@PoleESCN", "@chantier_es", "@TheEconomist",
    "@guardian", "@a", "@Sonia_Claveau", "@MJOuellet",
]
FEDI = [
    "@alice@example.org", "@bob@mastodon.social", "@eric@framapiaf.org", "@gazouillis@pixelfed.fr",
    "@jp.bedard@exemple.qc.ca", "@news@social.coop",
]
LISTS = ["@gazouillis/panel-2014", "@LeDevoir/politique", "@ville_quebec/elus"]
MENTION_EDGES = ["＠LeDevoir", "email: info@groupedde.com", "@@double", "@toolongusername1234567"]

CASHTAGS = ["$TSLA", "$GOOG", "$BNS.TO", "$AAPL", "$DJI", "$SHOP", "$RY.TO"]

DOMAINS = [
    "groupedde.com", "www.cestbienplus.ca", "web.fonds-emprunt.qc.ca", "www.chantier.qc.ca",
    "www.csmoesac.qc.ca", "fr.wikipedia.org", "en.wikipedia.org", "www.ledevoir.com",
    "ici.radio-canada.ca", "www.lapresse.ca", "www.facebook.com", "youtu.be", "bit.ly", "t.co",
    "github.com", "www.economie.gouv.qc.ca", "sonaudio.ca", "www.caissesolidaire.coop",
    "example.org", "docs.google.com", "www.quebec.ca", "www.theguardian.com", "medium.com",
    "mastodon.social", "müller.de", "www.bbc.co.uk", "événement.ca",
]
PATHS = [
    "", "/", "/la.nef.coop.de.solidarite", "/wiki/Pôle_territorial_de_coopération_économique",
    "/wiki/Social_economy", "/2014/11/20/table-ronde", "/nouvelles/economie/2014-11-20",
    "/watch?v=dQw4w9WgXcQ", "/3xYzAb", "/abc123", "/gazouillis/gazouillis/issues/42",
    "/document/d/1a2B3c4D5e/edit", "/fr/programme.html", "/sonaudio/", "/@eric/11337",
    "/article?id=12345&utm_source=twitter&utm_medium=social", "/recherche?q=économie+sociale",
    "/page#section-2", "/path/with(parens)", "/rapport.pdf", "/~jbeaudet/notes.txt",
]
EMOJI = [
    "👏", "👏👏👏", "🎤", "📣", "✅", "🇨🇦", "🇫🇷", "👍🏽", "👨‍👩‍👧", "❤️", "🔥", "📊", "1️⃣",
    "💡", "🙌🏼", "🤔", "☕", "🌱", "⚠️", "🏳️‍🌈", "😂", "📸", "➡️", "🗳️",
]
APOS = ["’", "'"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def p(self, prob):
        return self.r.random() < prob

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def url(self):
        r = self.r
        host = self.pick(DOMAINS)
        path = self.pick(PATHS)
        if host in ("youtu.be", "bit.ly", "t.co") and not path.strip("/"):
            path = "/" + "".join(self.pick("abcdefghijkXYZ0123456789") for _ in range(7))
        x = r.random()
        if x < 0.45:
            proto = "https://"
        elif x < 0.70:
            proto = "http://"
        else:
            proto = ""  # "www.x.ca/…" or a bare domain
        u = proto + host + path
        y = r.random()
        if y < 0.08:
            return "(" + u + ")"
        if y < 0.14:
            return u + "."
        if y < 0.18:
            return u + ","
        if y < 0.20:
            return "«" + u + "»"
        return u

    def hashtag(self):
        if self.p(0.04):
            return self.pick(HASHTAG_EDGES)
        return "#" + self.pick(HASHTAGS)

    def mention(self):
        x = self.r.random()
        if x < 0.20:
            return self.pick(FEDI)
        if x < 0.26:
            return self.pick(LISTS)
        if x < 0.30:
            return self.pick(MENTION_EDGES)
        return self.pick(MENTIONS)

    def sentence(self, fr):
        s = self.pick(SENT_FR if fr else SENT_EN)
        if self.p(0.5):
            s = s[0].upper() + s[1:]
        if "’" in s and self.p(0.25):
            s = s.replace("’", "'")  # typed on a keyboard without smart quotes
        end = self.pick([".", ".", "!", "", " !", "…"] if fr else [".", ".", "!", "", "…"])
        if s.endswith(("?", "!", "…")):
            end = ""
        return s + end

    def post(self):
        r = self.r
        fr = self.p(0.65)
        # Length budget: mostly up to 140 characters, a tail up to ~280.
        limit = self.pick([140, 140, 140, 140, 200, 280])
        head = []
        if self.p(0.55):
            sp = self.pick(SPEAKERS_FR if fr else SPEAKERS_EN)
            # French typography puts a (narrow) no-break space before the colon.
            colon = ":" if not fr else self.pick([":", ":", " :", "\u00a0:", "\u202f:"])
            head.append(sp + colon)
        elif self.p(0.15):
            head.append(self.mention())  # a reply
        # Entities and emoji.
        extras = []
        if self.p(0.45):
            extras.append(self.url())
        if self.p(0.12):
            extras.append(self.url())
        for _ in range(r.randrange(0, 4)):
            extras.append(self.hashtag())
        if self.p(0.35):
            extras.append(self.mention())
        if self.p(0.08):
            extras.append(self.mention())
        if self.p(0.04):
            extras.append(self.pick(CASHTAGS))
        if self.p(0.3):
            extras.append(self.pick(EMOJI))
        if self.p(0.05):
            extras.append(self.pick(["via", "RT", "cc", "h/t"]) + " " + self.mention())
        # Sentences while they fit (the first one, cut at a word, always).
        room = limit - sum(len(x) + 1 for x in head + extras)
        body, used = [], set()
        for _ in range(3):
            s = self.sentence(fr)
            if s in used:
                continue
            if body and len(s) + 1 > room:
                break
            if not body and len(s) + 1 > room:
                s = s[:max(room - 2, 12)]
                s = (s[:s.rfind(" ")] if " " in s else s) + "…"
            body.append(s)
            used.add(s)
            room -= len(s) + 1
        parts = head + body
        for e in extras:
            if self.p(0.25):
                parts.insert(len(head) + r.randrange(len(parts) - len(head) + 1), e)
            else:
                parts.append(e)
        text = " ".join(parts)
        if self.p(0.03):
            text = text.replace(" ", "  ", 1)  # a double space
        if self.p(0.02):
            text = unicodedata.normalize("NFD", text)  # pasted from a Mac
        return text.strip() or "#innover"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--sample",
                    default=os.path.join(here, "..", "..", "shared", "samples",
                                         "000_aefccae2ae176f54.txt"))
    ap.add_argument("--out", default=os.path.join(here, "out", "corpus.txt"))
    ap.add_argument("--count", type=int, default=5000, help="generated posts (default 5000)")
    ap.add_argument("--seed", type=int, default=20141120)
    a = ap.parse_args()

    ref = reference_messages(a.sample)
    if len(ref) != 51:
        print("make_corpus: warning: %d reference messages, expected 51" % len(ref),
              file=sys.stderr)
    g = Gen(a.seed)
    posts = ref + [g.post() for _ in range(a.count)]
    for p in posts:
        assert "\n" not in p and "\r" not in p and "\0" not in p
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    data = "".join(p + "\n" for p in posts).encode("utf-8")
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.out)
    cps = sum(len(p) for p in posts)
    print("corpus: %d posts (%d reference + %d generated, seed %d), %d bytes, "
          "%.1f characters per post, longest %d"
          % (len(posts), len(ref), a.count, a.seed, len(data), cps / len(posts),
             max(len(p) for p in posts)))


if __name__ == "__main__":
    main()
