/*
 * tests/unit/test_speakers.c - speaker prefixes as the reference document
 * writes them (api/speakers.c), with the event's people given WITHOUT
 * aliases: full names, first-initials forms, glued forms, "Selon NAME:",
 * a name after a question, the floor in its French and English words,
 * accents and case aside; and what must stay unattributed: no prefix, an
 * unknown name, a prefix two people share. And the keys kept between
 * calls: an edited person (a new alias, a new name) is seen at once, more
 * events than tables kept stay right, and threads share them safely.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/speakers.h"
#include "core/arena.h"

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

static const struct event reference = {
    .slug = "cooperer-2014", .people = people, .n_people = sizeof(people) / sizeof(people[0])};

static void
expect(const struct event *e, const char *text, enum speaker_kind kind, const char *who)
{
    struct arena ar = {0};
    struct speaker_match m;
    enum speaker_kind got = speaker_find(&ar, e, text, &m);

    if (got != kind)
        fail_msg("'%s': kind %d, expected %d", text, (int)got, (int)kind);
    if (kind == SPEAKER_PERSON)
        assert_string_equal(m.name, who);
    if (kind == SPEAKER_AUDIENCE)
        assert_string_equal(m.label, who);
    arena_release(&ar);
}

static void
the_reference_forms(void **state)
{
    (void)state;
    expect(&reference, "Jean-Pierre Bédard: une qu. de valeurs #innover", SPEAKER_PERSON,
           "Jean-Pierre Bédard");
    expect(&reference, "JP Bédard: Développer un modèle plus inclusif #innover", SPEAKER_PERSON,
           "Jean-Pierre Bédard");
    expect(&reference, "JPBédard: on est en train de devenir #innover", SPEAKER_PERSON,
           "Jean-Pierre Bédard");
    expect(&reference, "MJ Ouellet: cela existe en partie #innover", SPEAKER_PERSON,
           "Marie-Josée Ouellet");
    expect(&reference, "MJOuellet: il faut parler d’ententes #innover", SPEAKER_PERSON,
           "Marie-Josée Ouellet");
    expect(&reference, "JBeaudet: le Pôle devra réfléchir #innover", SPEAKER_PERSON,
           "Jacques Beaudet");
    expect(&reference, "CSarailis: il n’y a rien qui empêche #innover", SPEAKER_PERSON,
           "Christian Sarailis");
    expect(&reference, "SClaveau: problèmes de définitions #innover", SPEAKER_PERSON,
           "Sonia Claveau");
    expect(&reference, "FBarbeau: on veut aider #innover", SPEAKER_PERSON, "Francine Barbeau");
    expect(&reference, "Selon Jacques Beaudet: il y a déjà des structures #innover", SPEAKER_PERSON,
           "Jacques Beaudet");
    expect(&reference,
           "Croyez-vous que ces modèles seraient applicables au Québec? Marie-Josée Ouellet: oui",
           SPEAKER_PERSON, "Marie-Josée Ouellet");
    expect(&reference, "jacques BEAUDET: sans accents ni casse", SPEAKER_PERSON, "Jacques Beaudet");
    expect(&reference, "Felix Bussieres: sans accents", SPEAKER_PERSON, "Félix Bussières");
    expect(&reference, "J.-P. Bédard: avec des points", SPEAKER_PERSON, "Jean-Pierre Bédard");
}

static void
the_floor(void **state)
{
    (void)state;
    expect(&reference, "Commentaire de l’assemblée: sommes nous en train #innover",
           SPEAKER_AUDIENCE, "Commentaire de l’assemblée");
    expect(&reference, "Comment. de l’assemblée: il faut consacrer #innover", SPEAKER_AUDIENCE,
           "Comment. de l’assemblée");
    expect(&reference, "Question dans l’assemblée: quel serait l’intérêt? #innover",
           SPEAKER_AUDIENCE, "Question dans l’assemblée");
    expect(&reference, "Question from the floor: why now?", SPEAKER_AUDIENCE,
           "Question from the floor");
    expect(&reference, "Audience comment: thanks", SPEAKER_AUDIENCE, "Audience comment");
}

static void
what_stays_unattributed(void **state)
{
    static struct person twins[] = {
        {"Jacques Beaudet", "", "panelist", "[]", NULL},
        {"Julie Beaudet", "", "panelist", "[]", NULL},
    };
    const struct event two = {.slug = "x", .people = twins, .n_people = 2};

    (void)state;
    expect(&reference, "Comment innover et faire mieux avec moins ? #innover", SPEAKER_NONE, NULL);
    expect(&reference, "Les PTCE: une str. commune et continue #innover", SPEAKER_NONE, NULL);
    expect(&reference, "Aina Rakotoarinivo, Directeur général, ouvre l’événement.", SPEAKER_NONE,
           NULL);
    expect(&reference, "Paul Martin: un inconnu", SPEAKER_NONE, NULL);
    expect(&reference, "D’autres statistiques ici: http://www.chantier.qc.ca/", SPEAKER_NONE, NULL);
    /* J Beaudet fits both: nobody rather than the wrong one */
    expect(&two, "JBeaudet: qui des deux ?", SPEAKER_NONE, NULL);
    expect(&two, "Beaudet: qui des deux ?", SPEAKER_NONE, NULL);
    expect(&two, "Julie Beaudet: elle", SPEAKER_PERSON, "Julie Beaudet");
}

static void
an_edited_person_is_seen_at_once(void **state)
{
    struct person one[] = {{"Jacques Beaudet", "", "panelist", "[]", NULL}};
    struct event e = {.slug = "edit", .people = one, .n_people = 1};

    (void)state;
    expect(&e, "Jacquot: bonjour", SPEAKER_NONE, NULL);
    one[0].aliases_json = "[\"Jacquot\"]"; /* the same event, an alias added */
    expect(&e, "Jacquot: bonjour", SPEAKER_PERSON, "Jacques Beaudet");
    one[0].name = "Jacques Bodet"; /* renamed: the old name no longer names him */
    expect(&e, "Jacques Beaudet: bonjour", SPEAKER_NONE, NULL);
    expect(&e, "JBodet: bonjour", SPEAKER_PERSON, "Jacques Bodet");
    expect(&e, "Jacquot: bonjour", SPEAKER_PERSON, "Jacques Bodet");
    speaker_tables_clear();
    expect(&e, "Jacquot: bonjour", SPEAKER_PERSON, "Jacques Bodet");
}

/* Twenty events of one person each, more than the tables kept, asked in turn twice. */
static void
more_events_than_tables(void **state)
{
    static char names[20][32];
    static struct person each[20];
    struct event events[20];
    int round, i;

    (void)state;
    for (i = 0; i < 20; i++) {
        snprintf(names[i], sizeof(names[i]), "Personne Numéro%c", 'A' + i);
        each[i] = (struct person){names[i], "", "panelist", "[]", NULL};
        events[i] = (struct event){.slug = "n", .people = &each[i], .n_people = 1};
    }
    for (round = 0; round < 2; round++)
        for (i = 0; i < 20; i++) {
            char text[64];
            snprintf(text, sizeof(text), "PNuméro%c: présent", 'A' + i);
            expect(&events[i], text, SPEAKER_PERSON, names[i]);
            snprintf(text, sizeof(text), "PNuméro%c: absent", 'A' + (i + 1) % 20);
            expect(&events[i], text, SPEAKER_NONE, NULL);
        }
}

static void *
attribute_many(void *arg)
{
    const struct event *e = arg;
    int i;

    for (i = 0; i < 300; i++) {
        struct arena ar = {0};
        struct speaker_match m;
        if (speaker_find(&ar, e, i % 2 ? "JPBédard: oui" : "MJOuellet: non", &m) !=
                SPEAKER_PERSON ||
            strcmp(m.name, i % 2 ? "Jean-Pierre Bédard" : "Marie-Josée Ouellet") != 0) {
            arena_release(&ar);
            return (void *)1;
        }
        if (i % 50 == 0)
            speaker_tables_clear();
        arena_release(&ar);
    }
    return NULL;
}

static void
threads_share_the_tables(void **state)
{
    pthread_t t[4];
    void *failed;
    int i;

    (void)state;
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, attribute_many, (void *)&reference), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], &failed), 0);
        assert_null(failed);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_reference_forms),
        cmocka_unit_test(the_floor),
        cmocka_unit_test(what_stays_unattributed),
        cmocka_unit_test(an_edited_person_is_seen_at_once),
        cmocka_unit_test(more_events_than_tables),
        cmocka_unit_test(threads_share_the_tables),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    speaker_tables_clear();
    return failed;
}
