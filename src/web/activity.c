/*
 * web/activity.c - two ways of seeing a round table in its recap (issue 7):
 * a small chart of the posts per five minutes over the event, with each
 * speaker's share of them, drawn as inline SVG (no script, no outside
 * file: it prints and it travels in the standalone recap.html); and the
 * "who said what" view, the posts grouped by speaker in the order of the
 * event's people, then the floor, then those that name nobody.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/comments.h"
#include "web/web_int.h"

#define BUCKET_S    300 /* five minutes */
#define MAX_BUCKETS 144 /* twelve hours; a longer event gets wider buckets */
#define CHART_W     600
#define CHART_H     90

/* A post's time (UTC), 0 when unreadable. */
static time_t
post_at(const struct post *p)
{
    time_t t;

    return comment_time(p->created_at, &t) ? t : 0;
}

static void
activity_chart(struct html *h, const struct event *e, const struct post *posts, size_t n)
{
    struct arena *ar = &h->req->arena;
    time_t first = 0, last = 0, t;
    unsigned counts[MAX_BUCKETS] = {0}, max = 0;
    long width = BUCKET_S, nb;
    char from[32], to[32];
    size_t i;

    for (i = 0; i < n; i++) {
        if ((t = post_at(&posts[i])) == 0)
            continue;
        if (first == 0 || t < first)
            first = t;
        if (t > last)
            last = t;
    }
    if (first == 0)
        return;
    first -= first % BUCKET_S;
    while ((nb = (long)((last - first) / width) + 1) > MAX_BUCKETS)
        width *= 2;
    for (i = 0; i < n; i++)
        if ((t = post_at(&posts[i])) != 0 && ++counts[(t - first) / width] > max)
            max = counts[(t - first) / width];
    post_time(h->lang, e, &posts[0], from, sizeof(from));
    post_time(h->lang, e, &posts[n - 1], to, sizeof(to));
    html_raw(h, "<figure class=\"activity-chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                "role=\"img\" preserveAspectRatio=\"none\"");
    html_attr(h, "viewBox", arena_printf(ar, "0 0 %d %d", CHART_W, CHART_H));
    html_raw(h, "><title>");
    html_textf(h, msg(h->lang, MSG_ACTIVITY_CAPTION), from, to);
    html_raw(h, "</title>");
    for (i = 0; i < (size_t)nb; i++) {
        double w = (double)CHART_W / (double)nb, bar = (double)counts[i] * (CHART_H - 2) / max;
        if (counts[i] == 0)
            continue;
        html_raw(h, "<rect");
        html_attr(h, "x", arena_printf(ar, "%.1f", (double)i * w + 0.5));
        html_attr(h, "y", arena_printf(ar, "%.1f", CHART_H - bar));
        html_attr(h, "width", arena_printf(ar, "%.1f", w > 2 ? w - 1 : w));
        html_attr(h, "height", arena_printf(ar, "%.1f", bar));
        html_raw(h, "><title>");
        html_textf(h, "%u", counts[i]);
        html_raw(h, "</title></rect>");
    }
    html_raw(h, "</svg><figcaption>");
    html_textf(h, msg(h->lang, MSG_ACTIVITY_CAPTION), from, to);
    html_raw(h, "</figcaption></figure>\n");
}

/* Who spoke in posts[i]: the person's name, "" for the floor, NULL for nobody. */
static const char *
who(const struct post *p)
{
    return p->speaker_name != NULL ? p->speaker_name : p->speaker_audience ? "" : NULL;
}

static size_t
count_of(const struct post *posts, size_t n, const char *name)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++) {
        const char *w = who(&posts[i]);
        c += name == NULL ? w == NULL : (w != NULL && strcmp(w, name) == 0);
    }
    return c;
}

/* One line of the share: label, a bar, the count and the percentage. */
static void
share_line(struct html *h, const char *label, size_t count, size_t total)
{
    double pct = total > 0 ? 100.0 * (double)count / (double)total : 0;

    html_raw(h, "<li><span class=\"who\">");
    html_text(h, label);
    html_raw(h, "</span> <svg class=\"bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 "
                "6\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect height=\"6\"");
    html_attr(h, "width", arena_printf(&h->req->arena, "%.1f", pct));
    html_raw(h, "/></svg> <span class=\"count\">");
    html_textf(h, "%zu (%.0f %%)", count, pct);
    html_raw(h, "</span></li>");
}

void
recap_activity(struct html *h, const struct event *e, const struct post *posts, size_t n)
{
    size_t i;

    if (n == 0)
        return;
    html_raw(h, "<section class=\"activity\">\n<h2>");
    html_msg(h, MSG_ACTIVITY);
    html_raw(h, "</h2>\n");
    activity_chart(h, e, posts, n);
    html_raw(h, "<h3>");
    html_msg(h, MSG_SHARE);
    html_raw(h, "</h3>\n<ul class=\"share\">");
    for (i = 0; i < e->n_people; i++) {
        size_t c = count_of(posts, n, e->people[i].name);
        if (c > 0)
            share_line(h, e->people[i].name, c, n);
    }
    if (count_of(posts, n, "") > 0)
        share_line(h, msg(h->lang, MSG_AUDIENCE), count_of(posts, n, ""), n);
    if (count_of(posts, n, NULL) > 0)
        share_line(h, msg(h->lang, MSG_UNATTRIBUTED), count_of(posts, n, NULL), n);
    html_raw(h, "</ul>\n</section>\n");
}

/* One group of "who said what": its heading and its posts, in order. */
static void
group(struct html *h, const struct event *e, const char *heading, const struct post *posts,
      size_t n, const char *name)
{
    size_t i, c = count_of(posts, n, name);
    char when[32];

    if (c == 0)
        return;
    html_raw(h, "<section class=\"speaker-group\"><h3>");
    html_text(h, heading);
    html_raw(h, " <span class=\"count\">");
    html_textf(h, msg(h->lang, MSG_POSTS_COUNT), c);
    html_raw(h, "</span></h3>\n<ol class=\"recap-posts\">\n");
    for (i = 0; i < n; i++) {
        const char *w = who(&posts[i]);
        if (!(name == NULL ? w == NULL : (w != NULL && strcmp(w, name) == 0)))
            continue;
        post_time(h->lang, e, &posts[i], when, sizeof(when));
        html_raw(h, "<li><p class=\"who\"><time");
        html_attr(h, "datetime", posts[i].created_at);
        html_raw(h, ">");
        html_text(h, when);
        html_raw(h, "</time></p><p class=\"text\">");
        html_raw(h, posts[i].html != NULL ? posts[i].html : ""); /* escaped by the autolinker */
        html_raw(h, "</p></li>\n");
    }
    html_raw(h, "</ol></section>\n");
}

void
recap_by_speaker(struct html *h, const struct event *e, const struct post *posts, size_t n)
{
    size_t i;

    html_raw(h, "<section class=\"who-said-what\">\n<h2>");
    html_msg(h, MSG_WHO_SAID_WHAT);
    html_raw(h, "</h2>\n");
    for (i = 0; i < e->n_people; i++)
        group(h, e, e->people[i].name, posts, n, e->people[i].name);
    group(h, e, msg(h->lang, MSG_AUDIENCE), posts, n, "");
    group(h, e, msg(h->lang, MSG_UNATTRIBUTED), posts, n, NULL);
    html_raw(h, "</section>\n");
}
