/* Prometheus text exposition format, version 0.0.4. */
#include "metrics.h"

void fdx_metrics_family(struct fdx_metrics *m, const char *name, const char *type,
                        const char *help)
{
    fdx_buf_printf(m->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void fdx_metrics_sample(struct fdx_metrics *m, const char *name, const char *labels,
                        uint64_t value)
{
    if (labels != NULL && labels[0] != '\0') {
        fdx_buf_printf(m->out, "%s{%s} %llu\n", name, labels, (unsigned long long)value);
    } else {
        fdx_buf_printf(m->out, "%s %llu\n", name, (unsigned long long)value);
    }
}

void fdx_metrics_sample_f(struct fdx_metrics *m, const char *name, const char *labels,
                          double value)
{
    if (labels != NULL && labels[0] != '\0') {
        fdx_buf_printf(m->out, "%s{%s} %.6g\n", name, labels, value);
    } else {
        fdx_buf_printf(m->out, "%s %.6g\n", name, value);
    }
}
