/* Every key of every stage's key table is documented in docs/enrichment.md (as `key`), and
 * every stage has its section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "enrich_util.h"
#include "stage.h"

static char *doc;

static void test_every_stage_key_documented(void)
{
    const struct fdx_stage_ops *const *all = fdx_stage_all();
    unsigned stages = 0;
    for (unsigned i = 0; all[i] != NULL; i++, stages++) {
        char want[96];
        snprintf(want, sizeof(want), "\n## %s\n", all[i]->name);
        if (strstr(doc, want) == NULL) {
            fprintf(stderr, "docs/enrichment.md: no section \"## %s\"\n", all[i]->name);
            CHECK_TRUE(0);
        }
        for (const struct fdx_cfg_key *k = all[i]->keys; k->name != NULL; k++) {
            snprintf(want, sizeof(want), "| `%s` |", k->name);
            if (strstr(doc, want) == NULL) {
                fprintf(stderr, "docs/enrichment.md: stage %s key %s not documented\n",
                        all[i]->name, k->name);
                CHECK_TRUE(0);
            }
        }
    }
    CHECK_EQ_U64(stages, 8);
}

TEST_LIST{
    {"every_stage_key_documented", test_every_stage_key_documented},
};

int main(void)
{
    char *text = NULL;
    size_t len = 0;
    struct fdx_err err;
    if (fdx_enrich_read_file(FDX_SOURCE_DIR "/docs/enrichment.md", 1 << 20, &text, &len,
                             &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    doc = text;
    int rc = CHECK_RUN_ALL();
    free(text);
    return rc;
}
