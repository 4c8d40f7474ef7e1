/* flowdex command line (DESIGN §8): run, replay, check-config, --version, --help.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli_options.h"
#include "config.h"
#include "control.h"
#include "log.h"
#include "replay.h"

static int check_config(const struct fdx_cli *cli)
{
    struct fdx_err err = {""};
    struct fdx_config *cfg = fdx_cli_build_config(cli, &err);
    if (cfg == NULL) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
        return 2;
    }
    struct fdx_buf out;
    fdx_buf_init(&out, 0);
    fdx_config_print(cfg, &out);
    fwrite(out.p, 1, out.len, stdout);
    fdx_buf_fini(&out);
    fdx_config_free(cfg);
    fprintf(stderr, "flowdex: configuration is valid\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct fdx_cli cli;
    struct fdx_err err = {""};
    if (fdx_cli_parse(argc, argv, &cli, &err) != 0) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
        return 2;
    }
    switch (cli.mode) {
    case FDX_CLI_VERSION:
        printf("flowdex %s\n", FDX_VERSION);
        return 0;
    case FDX_CLI_HELP:
        fdx_cli_usage(stdout);
        return 0;
    case FDX_CLI_CHECK:
        return check_config(&cli);
    case FDX_CLI_RUN:
    case FDX_CLI_REPLAY:
        break;
    }
    struct fdx_config *cfg = fdx_cli_build_config(&cli, &err);
    if (cfg == NULL) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
        return 2;
    }
    fdx_log_set_level((enum fdx_log_level)cfg->core.log_level);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout or socket is an error return, not a kill */
    if (cli.mode == FDX_CLI_REPLAY) {
        struct fdx_replay_opts ro = {cli.filter, 0, isatty(STDERR_FILENO) != 0};
        if (cli.speed != NULL && fdx_replay_parse_speed(cli.speed, &ro.speed) != 0) {
            fprintf(stderr, "flowdex: replay: bad --speed \"%s\" (a positive number)\n",
                    cli.speed);
            fdx_config_free(cfg);
            return 2;
        }
        int code = fdx_replay_run(cfg, &ro, cli.files, cli.nfiles);
        fdx_config_free(cfg);
        return code;
    }
    int code = fdx_control_run(&cli, cfg, &err);
    if (code != 0) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
    }
    return code;
}
