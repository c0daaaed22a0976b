/*
 * tests/unit/test_speakers.c - speaker prefixes as the reference document
 * writes them (api/speakers.c), with the event's people given WITHOUT
 * aliases: full names, first-initials forms, glued forms, "Selon NAME:",
 * a name after a question, the floor in its French and English words,
 * accents and case aside; and what must stay unattributed: no prefix, an
 * unknown name, a prefix two people share.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_reference_forms),
        cmocka_unit_test(the_floor),
        cmocka_unit_test(what_stays_unattributed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
