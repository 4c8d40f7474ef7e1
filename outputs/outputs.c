/* The static registry of outputs. */
#include "output.h"

#include <string.h>

extern const struct fdx_output_ops fdx_output_file;
extern const struct fdx_output_ops fdx_output_elasticsearch;

static const struct fdx_output_ops *const all_outputs[] = {
    &fdx_output_file,
    &fdx_output_elasticsearch,
    NULL,
};

const struct fdx_output_ops *const *fdx_output_all(void)
{
    return all_outputs;
}

const struct fdx_output_ops *fdx_output_find(const char *name)
{
    for (size_t i = 0; all_outputs[i] != NULL; i++) {
        if (strcmp(all_outputs[i]->name, name) == 0) {
            return all_outputs[i];
        }
    }
    return NULL;
}
