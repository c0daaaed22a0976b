"""tests/e2e/test_80_recap_views.py - the recap's pictures of a round table
and the event page's filter (issue 7): the chart of the posts per five
minutes (one bar per five minutes that had posts, their heights in
proportion), each speaker's share of the posts, the "who said what" view
grouping the posts by speaker (people in the event's order, the floor,
then nobody), and /e/SLUG?speaker=NAME showing that person's posts only,
without following the live stream (it would bring everyone's).
"""
import html
import re

import requests

import reference


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def make_event(server, slug, base):
    token = server.user(f"ed_{slug}", "editor")
    doc = reference.event_document(slug)
    doc["state"] = "published"
    # 12 posts over 40 minutes: 18:00 (3), 18:05 (0), 18:10 (1), then one every 5 minutes
    times = ["18:00:10", "18:01:00", "18:04:59", "18:12:00", "18:15:00", "18:20:00",
             "18:25:00", "18:30:00", "18:35:00", "18:36:00", "18:39:00", "18:39:30"]
    speakers = [{"name": "Jacques Beaudet"}, {"name": "Jacques Beaudet"}, None,
                {"audience": True, "label": "Commentaire de l’assemblée"},
                {"name": "Sonia Claveau"}] + [None] * 7
    doc["posts"] = [{"id": str(base + i), "author": f"ed_{slug}",
                     "created_at": f"2014-11-20T{t}-05:00", "text": f"message {i} #innover",
                     "speaker": speakers[i], "likes": 0} for i, t in enumerate(times)]
    r = requests.post(server.url("/api/v1/events"), json=doc, headers=auth(token), timeout=10)
    assert r.status_code == 201, r.text


def test_the_activity_chart_and_the_shares(server):
    make_event(server, "views", 117000000000000100)
    page = requests.get(server.url("/e/views/recap"), timeout=10).text
    chart = re.search(r'<figure class="activity-chart">(.*?)</figure>', page, re.S).group(1)
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)">'
                      r'<title>(\d+)</title>', chart)
    # 18:00-18:05: 3 posts; 18:10: 1; 18:15, 18:20, 18:25, 18:30: 1 each; 18:35: 4
    assert [int(c) for _, _, c in bars] == [3, 1, 1, 1, 1, 1, 4]
    heights = {int(c): float(hgt) for _, hgt, c in bars}
    assert heights[4] > heights[3] > heights[1] > 0
    assert "de 18 h 00 à 18 h 39" in html.unescape(chart)
    share = re.search(r'<ul class="share">(.*?)</ul>', page, re.S).group(1)
    lines = re.findall(r'<span class="who">([^<]*)</span>.*?<span class="count">([^<]*)</span>',
                       share)
    assert [(html.unescape(w), c) for w, c in lines] == [
        ("Sonia Claveau", "1 (8 %)"), ("Jacques Beaudet", "2 (17 %)"),
        ("L’assemblée", "1 (8 %)"), ("Sans intervenant nommé", "8 (67 %)")]


def test_who_said_what(server):
    make_event(server, "views2", 117000000000000200)
    page = requests.get(server.url("/e/views2/recap?view=speakers"), timeout=10).text
    groups = re.findall(r'<section class="speaker-group"><h3>([^<]*) <span class="count">'
                        r'(\d+) messages</span></h3>(.*?)</section>', page, re.S)
    assert [(html.unescape(g).strip(), int(c)) for g, c, _ in groups] == [
        ("Sonia Claveau", 1), ("Jacques Beaudet", 2), ("L’assemblée", 1),
        ("Sans intervenant nommé", 8)]
    assert "message 0 " in groups[1][2] and "message 1 " in groups[1][2]
    assert 'class="current">Qui a dit quoi' in page
    # not shown twice: the ordered list is not there in this view
    assert page.count("message 11 ") == 1


def test_the_event_page_filters_by_speaker(server):
    make_event(server, "views3", 117000000000000300)
    page = requests.get(server.url("/e/views3?speaker=Jacques%20Beaudet"), timeout=10).text
    texts = re.findall(r'message (\d+) ', page)
    assert sorted(set(texts)) == ["0", "1"]
    assert "data-stream" not in page  # a filtered page does not follow the live stream
    assert '<option value="Jacques Beaudet" selected>' in page
    floor = requests.get(server.url("/e/views3?speaker=audience"), timeout=10).text
    assert sorted(set(re.findall(r'message (\d+) ', floor))) == ["3"]
    everyone = requests.get(server.url("/e/views3?speaker=Personne%20Inconnue"), timeout=10).text
    assert len(set(re.findall(r'message (\d+) ', everyone))) == 12
