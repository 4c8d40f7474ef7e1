/* The command line (DESIGN §8): `flowdex [OPTIONS]`, `flowdex replay [OPTIONS] FILE...`,
 * `flowdex check-config FILE`, `--version`, `--help`. Every option is also a config key:
 * the options are applied onto the JSON configuration before it is validated, so the file
 * and the flags go through the same checks. Control path only. */
#ifndef FDX_CLI_OPTIONS_H
#define FDX_CLI_OPTIONS_H

#include <stddef.h>

#include "err.h"

struct json_object;

enum fdx_cli_mode { FDX_CLI_RUN, FDX_CLI_REPLAY, FDX_CLI_CHECK, FDX_CLI_VERSION, FDX_CLI_HELP };

#define FDX_CLI_MAX_LISTEN 64

struct fdx_cli {
    enum fdx_cli_mode mode;
    const char *config_path; /* --config, or check-config's FILE */
    const char *listen[FDX_CLI_MAX_LISTEN];
    size_t nlisten;
    const char *output; /* --output -|PATH */
    const char *es;     /* --es URL */
    const char *workers;
    const char *geoip;
    const char *asn;
    const char *schema;
    const char *metrics;
    const char *log_level;
    const char *filter; /* replay: --filter BPF expression */
    const char *speed;  /* replay: --speed X (--realtime is "1") */
    char *const *files; /* replay: the capture files (points into argv) */
    size_t nfiles;
};

/* Parses argv (pointers are kept, not copied). Returns 0 or -EINVAL with err naming the bad
 * option or argument. */
int fdx_cli_parse(int argc, char *const *argv, struct fdx_cli *cli, struct fdx_err *err);

/* Applies the options onto the configuration object root (created empty when there is no
 * file), then fills the registry-dependent defaults (fdx_config_fill_defaults). Returns 0 or
 * -EINVAL with err filled (for example --es when no elasticsearch output is built in). */
int fdx_cli_apply(const struct fdx_cli *cli, struct json_object *root, struct fdx_err *err);

/* The whole configuration for cli: the --config file (if any), the options applied onto it,
 * the defaults, validated. Returns NULL with err filled (exit code 2). */
struct fdx_config;
struct fdx_config *fdx_cli_build_config(const struct fdx_cli *cli, struct fdx_err *err);

/* Writes the usage text to f (a FILE *). */
void fdx_cli_usage(void *f);

#endif
