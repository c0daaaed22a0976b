/*
 * text/config.c - the three counting configs upstream ships
 * (config/v1.json, v2.json, v3.json): v1 is the classic 140 characters,
 * v2 weighs CJK and emoji as two in 280, v3 is v2 counting an emoji
 * sequence once.
 */
#include <string.h>

#include "text/text_int.h"

static const struct text_weight_range weighted_ranges[] = {
    {0, 4351, 100},
    {8192, 8205, 100},
    {8208, 8223, 100},
    {8242, 8247, 100},
};

const struct text_config text_config_v1 = {
    .name = "v1",
    .version = 1,
    .max_weighted_length = 140,
    .scale = 1,
    .default_weight = 1,
    .transformed_url_length = 23,
    .ascii_weight = 1,
};

const struct text_config text_config_v2 = {
    .name = "v2",
    .version = 2,
    .max_weighted_length = 280,
    .scale = 100,
    .default_weight = 200,
    .transformed_url_length = 23,
    .ranges = weighted_ranges,
    .n_ranges = sizeof(weighted_ranges) / sizeof(weighted_ranges[0]),
    .ascii_weight = 100,
};

const struct text_config text_config_v3 = {
    .name = "v3",
    .version = 3,
    .max_weighted_length = 280,
    .scale = 100,
    .default_weight = 200,
    .transformed_url_length = 23,
    .emoji_parsing = true,
    .ranges = weighted_ranges,
    .n_ranges = sizeof(weighted_ranges) / sizeof(weighted_ranges[0]),
    .ascii_weight = 100,
};

const struct text_config *
text_config_find(const char *name)
{
    static const struct text_config *const all[] = {&text_config_v1, &text_config_v2,
                                                    &text_config_v3};
    size_t i;

    for (i = 0; name != NULL && i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
