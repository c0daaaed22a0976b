/*
 * bench/bench_fit.c - the live-tweeter's tools against issue 7's figures:
 * text_fit on a 200-character French sentence (goal: under 1 ms), and
 * speaker_find on the reference document's messages against its nine
 * people (what attribution adds to a post). Medians of 7 runs of a fixed
 * number of calls; key=value lines. `make bench-fit` runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/speakers.h"
#include "core/arena.h"
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
    const struct event e = {.slug = "b", .people = people, .n_people = 9};
    struct fit_options opt = {.limit = 140};
    double fit_us[RUNS], speaker_us[RUNS], t;
    struct text_fit_result r;
    int run, i, n_fit = 200, n_speak = 2000;
    size_t m;

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
    }
    qsort(fit_us, RUNS, sizeof(double), cmp);
    qsort(speaker_us, RUNS, sizeof(double), cmp);
    if (text_fit(sentence, strlen(sentence), &opt, &r) != 0)
        return 1;
    printf("fit.sentence_chars=%zu\nfit.fits=%d\nfit.result=%s\n", strlen(sentence), r.fits,
           r.text);
    text_fit_release(&r);
    printf("fit.us_median=%.1f\nfit.us_min=%.1f\nfit.us_max=%.1f\n", fit_us[RUNS / 2], fit_us[0],
           fit_us[RUNS - 1]);
    printf("speaker.us_per_post_median=%.2f\nspeaker.us_min=%.2f\nspeaker.us_max=%.2f\n",
           speaker_us[RUNS / 2], speaker_us[0], speaker_us[RUNS - 1]);
    return 0;
}
