/* The control thread: a libuv loop on the main thread that owns the configuration, the
 * listeners' life cycle, signals (SIGTERM/SIGINT drain, SIGHUP reload), the periodic stats
 * log and the metrics endpoint. */
#ifndef FDX_CONTROL_H
#define FDX_CONTROL_H

#include "cli_options.h"
#include "config.h"
#include "err.h"

/* Runs the collector until SIGTERM/SIGINT: opens the listeners, starts the pipeline and the
 * metrics endpoint, then serves. On a stop signal it drains (listeners stop, partial batches
 * are flushed, rings emptied, outputs flushed within shutdown_timeout), prints the summary
 * and returns 0. cfg belongs to the control from now on (freed on return). Returns 1 with err
 * filled when start-up fails. */
int fdx_control_run(const struct fdx_cli *cli, struct fdx_config *cfg, struct fdx_err *err);

#endif
