/*
 * bench/bench_fit.c - the live-tweeter's tools against issue 7's figures:
 * text_fit on a 200-character French sentence (goal: under 1 ms), and
 * speaker_find on the reference document's messages against its nine
 * people, against the creation of the same posts (post_create, one per
 * transaction as the composer writes them, in a store in a temporary
 * directory): what attribution adds to a post (goal: under 5%). Medians
 * of 7 runs of a fixed number of calls; key=value lines. `make bench-fit`
 * runs it.
 */
#define _XOPEN_SOURCE 700 /* nftw(), to remove the temporary store */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/posts.h"
#include "api/speakers.h"
#include "core/arena.h"
#include "core/rc.h"
#include "text/text.h"

#define RUNS 7

static double
now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Microseconds per post of n post_create() calls over messages, each its own transaction. */
static double
time_posts(struct store *st, const struct event *e, const struct account *acc,
           const char *const *messages, size_t n_messages, int n, int *serial)
{
    double t = now_s();
    int i;

    for (i = 0; i < n; i++) {
        struct arena ar = {0};
        struct response res = {0};
        struct post p;
        /* each text its own, as a live-tweeter's are */
        const char *text = arena_printf(&ar, "%s %d", messages[(size_t)i % n_messages], ++*serial);
        if (!post_create(st, &ar, e, acc, text, strlen(text), NULL, true, "visible", &p, &res)) {
            fprintf(stderr, "post_create: %d\n", res.status);
            exit(1);
        }
        response_reset(&res);
        arena_release(&ar);
    }
    return (now_s() - t) * 1e6 / n;
}

int
main(void)
{
    static const char sentence[] =
        "Les Pôles territoriaux de coopération économique sont une stratégie commune et "
        "continue de coopération et de mutualisation au service de projets économiques "
        "innovants, socialement utiles et durables #innover";
    static const char *const messages[] = {
        "Jean-Pierre Bédard: une qu. de valeurs et non de struc. légale ! #innover",
        "JP Bédard: Développer un modèle plus inclusif BNQ 21000 #innover",
        "JPBédard: on est en train de devenir uniquement des contribuables #innover",
        "MJ Ouellet: cela existe en partie au Pôle d’économie sociale #innover",
        "Commentaire de l’assemblée: sommes nous en train de parler du bébé ? #innover",
        "Selon Jacques Beaudet: il y a déjà des structures, favoriser le maillage. #innover",
        "Un débat sur les dédoublements de structures. Y en-a-t-il ? En quoi ? #innover",
        "CSarailis: il n’y a rien qui empêche de collaborer. #innover",
    };
    static struct person people[] = {
        {"Aina Rakotoarinivo", "", "host", "[]", NULL},
        {"Félix Bussières", "", "speaker", "[]", NULL},
        {"Francine Barbeau", "", "moderator", "[]", NULL},
        {"Sonia Claveau", "", "panelist", "[]", NULL},
        {"Jean-Pierre Bédard", "", "panelist", "[]", NULL},
        {"Marie-Josée Ouellet", "", "panelist", "[]", NULL},
        {"Christian Sarailis", "", "panelist", "[]", NULL},
        {"Jacques Beaudet", "", "panelist", "[]", NULL},
        {"Sylviane Pilote", "", "speaker", "[]", NULL},
    };
    struct event e = {.slug = "b",
                      .title = "Banc d’essai",
                      .hashtag = "innover",
                      .char_limit = 140,
                      .state = "live",
                      .attendance = -1,
                      .people = people,
                      .n_people = 9};
    struct fit_options opt = {.limit = 140};
    double fit_us[RUNS], speaker_us[RUNS], post_us[RUNS], t;
    struct text_fit_result r;
    int run, i, n_fit = 200, n_speak = 2000, n_post = 300, serial = 0;
    size_t m, n_messages = sizeof(messages) / sizeof(messages[0]);
    char dir[] = "/tmp/gz-bench-fit-XXXXXX";
    struct account acc = {.username = "bench", .role = "admin"};
    struct store *st = NULL;

    if (mkdtemp(dir) == NULL || store_open(dir, &st) != RC_OK ||
        store_account_add(st, &acc, &acc.id) != RC_OK || store_event_add(st, &e, &e.id) != RC_OK) {
        fprintf(stderr, "bench_fit: cannot make a store in %s\n", dir);
        return 1;
    }

    for (run = 0; run < RUNS; run++) {
        t = now_s();
        for (i = 0; i < n_fit; i++) {
            if (text_fit(sentence, strlen(sentence), &opt, &r) != 0)
                return 1;
            text_fit_release(&r);
        }
        fit_us[run] = (now_s() - t) * 1e6 / n_fit;
        t = now_s();
        for (i = 0; i < n_speak; i++) {
            struct arena ar = {0};
            struct speaker_match sm;
            m = (size_t)i % (sizeof(messages) / sizeof(messages[0]));
            (void)speaker_find(&ar, &e, messages[m], &sm);
            arena_release(&ar);
        }
        speaker_us[run] = (now_s() - t) * 1e6 / n_speak;
        post_us[run] = time_posts(st, &e, &acc, messages, n_messages, n_post, &serial);
    }
    store_close(st);
    if (nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "bench_fit: %s was left behind\n", dir);
    qsort(fit_us, RUNS, sizeof(double), cmp);
    qsort(speaker_us, RUNS, sizeof(double), cmp);
    qsort(post_us, RUNS, sizeof(double), cmp);
    if (text_fit(sentence, strlen(sentence), &opt, &r) != 0)
        return 1;
    printf("fit.sentence_chars=%zu\nfit.fits=%d\nfit.result=%s\n", strlen(sentence), r.fits,
           r.text);
    text_fit_release(&r);
    printf("fit.us_median=%.1f\nfit.us_min=%.1f\nfit.us_max=%.1f\n", fit_us[RUNS / 2], fit_us[0],
           fit_us[RUNS - 1]);
    printf("speaker.us_per_post_median=%.2f\nspeaker.us_min=%.2f\nspeaker.us_max=%.2f\n",
           speaker_us[RUNS / 2], speaker_us[0], speaker_us[RUNS - 1]);
    printf(
        "post_create.us_per_post_median=%.1f\npost_create.us_min=%.1f\npost_create.us_max=%.1f\n",
        post_us[RUNS / 2], post_us[0], post_us[RUNS - 1]);
    printf("speaker.share_of_post_creation_percent=%.2f\n",
           100.0 * speaker_us[RUNS / 2] / post_us[RUNS / 2]);
    return 0;
}
