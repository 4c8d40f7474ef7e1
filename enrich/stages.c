/* The static registry of stages: the whole list, in one place. */
#include "stage.h"

#include <string.h>

static const struct fdx_stage_ops *const all_stages[] = {
    NULL,
};

const struct fdx_stage_ops *const *fdx_stage_all(void)
{
    return all_stages;
}

const struct fdx_stage_ops *fdx_stage_find(const char *name)
{
    for (size_t i = 0; all_stages[i] != NULL; i++) {
        if (strcmp(all_stages[i]->name, name) == 0) {
            return all_stages[i];
        }
    }
    return NULL;
}
