/* Docs that can drift are checked against their tables: every core and decode key appears in
 * docs/configuration.md, every drop reason label in docs/operations.md (as `name`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "drop.h"

static char *slurp(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", FDX_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void require(const char *doc, const char *docname, const char *name)
{
    char quoted[128];
    snprintf(quoted, sizeof(quoted), "`%s`", name);
    if (strstr(doc, quoted) == NULL) {
        fprintf(stderr, "%s does not document %s\n", docname, quoted);
        CHECK_TRUE(false);
    }
}

static void test_configuration_keys(void)
{
    const char *doc = slurp("docs/configuration.md");
    CHECK_TRUE(doc != NULL);
    if (doc == NULL) {
        return;
    }
    for (const struct fdx_cfg_key *k = fdx_config_core_keys; k->name != NULL; k++) {
        require(doc, "docs/configuration.md", k->name);
    }
    for (const struct fdx_cfg_key *k = fdx_config_decode_keys; k->name != NULL; k++) {
        require(doc, "docs/configuration.md", k->name);
    }
}

static void test_drop_reasons(void)
{
    const char *doc = slurp("docs/operations.md");
    CHECK_TRUE(doc != NULL);
    if (doc == NULL) {
        return;
    }
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        require(doc, "docs/operations.md", fdx_drop_label[i]);
    }
}

TEST_LIST{
    {"configuration_keys", test_configuration_keys},
    {"drop_reasons", test_drop_reasons},
};

CHECK_MAIN()
