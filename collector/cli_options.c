/* Command-line parsing and the mapping of each option onto its configuration key. */
#include "cli_options.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "output.h"
#include "stage.h"

void fdx_cli_usage(void *f)
{
    fprintf((FILE *)f,
            "usage: flowdex [OPTIONS]                 run the collector\n"
            "       flowdex replay [OPTIONS] FILE...  run pcap files through the same pipeline\n"
            "       flowdex check-config FILE         validate a configuration file and print\n"
            "                                         the effective configuration\n"
            "       flowdex --version | --help\n"
            "options (each is also a configuration key):\n"
            "  --config FILE               JSON configuration file (comments allowed)\n"
            "  --listen [PROTO@]ADDR:PORT  listen address, repeatable (key \"listen\"); UDP, and\n"
            "                              TCP too for IPFIX entries (key \"ipfix_tcp\");\n"
            "                              default :2055 :4739 :6343 on every address\n"
            "  --output -|PATH             NDJSON documents to stdout or appended to PATH\n"
            "  --es URL                    Elasticsearch output (key outputs[].hosts)\n"
            "  --workers N                 worker threads (key \"workers\")\n"
            "  --geoip MMDB                GeoIP stage with this database\n"
            "  --asn MMDB                  AS number/organisation stage with this database\n"
            "  --schema ecs|pmacct         document field names (key \"schema\")\n"
            "  --metrics ADDR:PORT         HTTP /metrics and /health (key \"metrics\")\n"
            "  --log-level LEVEL           error, warn, info or debug (key \"log_level\")\n"
            "replay only:\n"
            "  --filter EXPR               BPF filter on the capture (default: every UDP\n"
            "                              packet and IPFIX-over-TCP stream; the payload says\n"
            "                              the protocol)\n"
            "  --realtime                  at the capture's own pace (same as --speed 1)\n"
            "  --speed X                   at X times the capture's pace (default: as fast\n"
            "                              as possible)\n"
            "exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration\n");
}

static const struct {
    const char *name;
    size_t offset; /* of the const char * in struct fdx_cli */
} value_opts[] = {
    {"--config", offsetof(struct fdx_cli, config_path)},
    {"--output", offsetof(struct fdx_cli, output)},
    {"--es", offsetof(struct fdx_cli, es)},
    {"--workers", offsetof(struct fdx_cli, workers)},
    {"--geoip", offsetof(struct fdx_cli, geoip)},
    {"--asn", offsetof(struct fdx_cli, asn)},
    {"--schema", offsetof(struct fdx_cli, schema)},
    {"--metrics", offsetof(struct fdx_cli, metrics)},
    {"--log-level", offsetof(struct fdx_cli, log_level)},
    {"--filter", offsetof(struct fdx_cli, filter)},
    {"--speed", offsetof(struct fdx_cli, speed)},
    {"--listen", 0},
};

/* Matches "--name VALUE" or "--name=VALUE"; returns the value or NULL (err filled). */
static const char *take_value(int argc, char *const *argv, int *i, const char *name,
                              struct fdx_err *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (a[n] == '=') {
        return a + n + 1;
    }
    if (*i + 1 >= argc) {
        fdx_err_set(err, "option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static int parse_option(int argc, char *const *argv, int *i, struct fdx_cli *cli,
                        struct fdx_err *err)
{
    const char *a = argv[*i];
    if (strcmp(a, "--realtime") == 0) {
        cli->speed = "1";
        return 0;
    }
    for (size_t k = 0; k < FDX_ARRAY_LEN(value_opts); k++) {
        size_t n = strlen(value_opts[k].name);
        if (strncmp(a, value_opts[k].name, n) != 0 || (a[n] != '\0' && a[n] != '=')) {
            continue;
        }
        const char *v = take_value(argc, argv, i, value_opts[k].name, err);
        if (v == NULL) {
            return -EINVAL;
        }
        if (value_opts[k].offset == 0) {
            if (cli->nlisten == FDX_CLI_MAX_LISTEN) {
                fdx_err_set(err, "too many --listen options (at most %d)", FDX_CLI_MAX_LISTEN);
                return -EINVAL;
            }
            cli->listen[cli->nlisten++] = v;
        } else {
            *(const char **)((char *)cli + value_opts[k].offset) = v;
        }
        return 0;
    }
    fdx_err_set(err, "unknown option \"%s\" (see flowdex --help)", a);
    return -EINVAL;
}

int fdx_cli_parse(int argc, char *const *argv, struct fdx_cli *cli, struct fdx_err *err)
{
    memset(cli, 0, sizeof(*cli));
    int i = 1;
    if (argc > 1 && strcmp(argv[1], "replay") == 0) {
        cli->mode = FDX_CLI_REPLAY;
        i = 2;
    } else if (argc > 1 && strcmp(argv[1], "check-config") == 0) {
        cli->mode = FDX_CLI_CHECK;
        if (argc != 3) {
            fdx_err_set(err, "usage: flowdex check-config FILE");
            return -EINVAL;
        }
        cli->config_path = argv[2];
        return 0;
    }
    size_t first_file = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            cli->mode = FDX_CLI_VERSION;
            return 0;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli->mode = FDX_CLI_HELP;
            return 0;
        }
        if (strncmp(a, "--", 2) == 0 && a[2] != '\0') {
            if (parse_option(argc, argv, &i, cli, err) != 0) {
                return -EINVAL;
            }
            continue;
        }
        if (cli->mode != FDX_CLI_REPLAY) {
            fdx_err_set(err, "unexpected argument \"%s\" (see flowdex --help)", a);
            return -EINVAL;
        }
        if (cli->nfiles == 0) {
            first_file = (size_t)i;
        } else if ((size_t)i != first_file + cli->nfiles) {
            fdx_err_set(err, "replay: options must come before the files (\"%s\")", argv[i - 1]);
            return -EINVAL;
        }
        cli->nfiles++;
    }
    if (cli->mode != FDX_CLI_REPLAY && (cli->filter != NULL || cli->speed != NULL)) {
        fdx_err_set(err, "--filter, --realtime and --speed are replay options");
        return -EINVAL;
    }
    if (cli->mode == FDX_CLI_REPLAY) {
        if (cli->nfiles == 0) {
            fdx_err_set(err, "replay: no capture file given (usage: flowdex replay [OPTIONS] "
                             "FILE...)");
            return -EINVAL;
        }
        cli->files = argv + first_file;
    }
    return 0;
}

static struct json_object *section_array(struct json_object *root, const char *key)
{
    struct json_object *a = NULL;
    if (!json_object_object_get_ex(root, key, &a) || !json_object_is_type(a, json_type_array)) {
        a = json_object_new_array();
        json_object_object_add(root, key, a);
    }
    return a;
}

static void add_section(struct json_object *arr, const char *type, const char *key,
                        struct json_object *value)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "type", json_object_new_string(type));
    json_object_object_add(o, key, value);
    json_object_array_add(arr, o);
}

static int apply_workers(const char *text, struct json_object *root, struct fdx_err *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < 0) {
        fdx_err_set(err, "--workers: \"%s\" is not valid (expected a positive integer)", text);
        return -EINVAL;
    }
    json_object_object_add(root, "workers", json_object_new_int64(v));
    return 0;
}

int fdx_cli_apply(const struct fdx_cli *cli, struct json_object *root, struct fdx_err *err)
{
    if (cli->nlisten > 0) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < cli->nlisten; i++) {
            json_object_array_add(a, json_object_new_string(cli->listen[i]));
        }
        json_object_object_add(root, "listen", a);
    }
    if (cli->workers != NULL && apply_workers(cli->workers, root, err) != 0) {
        return -EINVAL;
    }
    static const struct {
        size_t offset;
        const char *key;
    } scalars[] = {
        {offsetof(struct fdx_cli, schema), "schema"},
        {offsetof(struct fdx_cli, metrics), "metrics"},
        {offsetof(struct fdx_cli, log_level), "log_level"},
    };
    for (size_t i = 0; i < FDX_ARRAY_LEN(scalars); i++) {
        const char *v = *(const char *const *)((const char *)cli + scalars[i].offset);
        if (v != NULL) {
            json_object_object_add(root, scalars[i].key, json_object_new_string(v));
        }
    }
    if (cli->geoip != NULL || cli->asn != NULL) {
        fdx_config_default_stages(root); /* the default chain, then the flag-given stages */
        struct json_object *st = section_array(root, "stages");
        if (cli->geoip != NULL) {
            add_section(st, "geoip", "database", json_object_new_string(cli->geoip));
        }
        if (cli->asn != NULL) {
            add_section(st, "asn", "database", json_object_new_string(cli->asn));
        }
    }
    if (cli->output != NULL || cli->es != NULL) {
        if (cli->es != NULL && fdx_output_find("elasticsearch") == NULL) {
            fdx_err_set(err, "--es: this flowdex has no \"elasticsearch\" output built in");
            return -EINVAL;
        }
        struct json_object *outs = section_array(root, "outputs");
        if (cli->output != NULL) {
            add_section(outs, "file", "path", json_object_new_string(cli->output));
        }
        if (cli->es != NULL) {
            struct json_object *hosts = json_object_new_array();
            json_object_array_add(hosts, json_object_new_string(cli->es));
            add_section(outs, "elasticsearch", "hosts", hosts);
        }
    }
    fdx_config_fill_defaults(root);
    return 0;
}

struct fdx_config *fdx_cli_build_config(const struct fdx_cli *cli, struct fdx_err *err)
{
    struct json_object *root = NULL;
    if (cli->config_path != NULL) {
        root = fdx_config_read_file(cli->config_path, err);
        if (root == NULL) {
            return NULL;
        }
    } else {
        root = json_object_new_object();
    }
    struct fdx_config *cfg = NULL;
    if (fdx_cli_apply(cli, root, err) == 0) {
        cfg = fdx_config_load(root, err);
    }
    json_object_put(root);
    return cfg;
}
