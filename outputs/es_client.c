/* Elasticsearch HTTP client on libcurl multi; see es_client.h. */
#include "es_client.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <zlib.h>

#define RESP_MAX (64u << 20) /* a bulk response larger than this is cut (and then unparsable) */

struct es_host {
    char *url; /* without a trailing '/' */
    uint32_t fails;
    int64_t down_until_ms;
};

struct es_req {
    CURL *easy;
    struct curl_slist *hdrs;
    struct fdx_buf resp;
    struct fdx_buf gz;
    void *user;
    int host;
    int64_t start_ms;
    size_t sent;
    bool busy;
    char errbuf[CURL_ERROR_SIZE];
};

struct fdx_es_client {
    struct fdx_es_client_cfg cfg;
    CURLM *multi;
    struct es_host *hosts;
    size_t n_hosts;
    size_t rr;
    struct es_req *req;
    uint32_t busy;
    char *auth_header;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    struct fdx_buf *b = ud;
    size_t len = size * n;
    if (b->len + len > RESP_MAX || fdx_buf_append(b, p, len) != 0) {
        return 0;
    }
    return len;
}

struct fdx_es_client *fdx_es_client_new(const struct fdx_es_client_cfg *cfg, struct fdx_err *err)
{
    pthread_once(&curl_once, curl_init_once);
    struct fdx_es_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        goto nomem;
    }
    c->cfg = *cfg;
    if (c->cfg.max_in_flight == 0) {
        c->cfg.max_in_flight = 1;
    }
    c->n_hosts = cfg->hosts->n;
    c->hosts = calloc(c->n_hosts ? c->n_hosts : 1, sizeof(*c->hosts));
    c->req = calloc(c->cfg.max_in_flight, sizeof(*c->req));
    c->multi = curl_multi_init();
    if (c->hosts == NULL || c->req == NULL || c->multi == NULL) {
        goto nomem;
    }
    for (size_t i = 0; i < c->n_hosts; i++) {
        c->hosts[i].url = strdup(cfg->hosts->v[i]);
        if (c->hosts[i].url == NULL) {
            goto nomem;
        }
        size_t l = strlen(c->hosts[i].url);
        while (l > 0 && c->hosts[i].url[l - 1] == '/') {
            c->hosts[i].url[--l] = '\0';
        }
    }
    for (uint32_t i = 0; i < c->cfg.max_in_flight; i++) {
        c->req[i].easy = curl_easy_init();
        if (c->req[i].easy == NULL) {
            goto nomem;
        }
        fdx_buf_init(&c->req[i].resp, 0);
        fdx_buf_init(&c->req[i].gz, 0);
    }
    if (fdx_es_client_set_auth(c, cfg->user, cfg->password, cfg->api_key) != 0) {
        goto nomem;
    }
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->cfg.max_in_flight);
    return c;
nomem:
    fdx_err_set(err, "elasticsearch client: out of memory");
    fdx_es_client_free(c);
    return NULL;
}

void fdx_es_client_free(struct fdx_es_client *c)
{
    if (c == NULL) {
        return;
    }
    for (uint32_t i = 0; c->req != NULL && i < c->cfg.max_in_flight; i++) {
        struct es_req *r = &c->req[i];
        if (r->busy) {
            curl_multi_remove_handle(c->multi, r->easy);
        }
        if (r->easy != NULL) {
            curl_easy_cleanup(r->easy);
        }
        curl_slist_free_all(r->hdrs);
        fdx_buf_fini(&r->resp);
        fdx_buf_fini(&r->gz);
    }
    if (c->multi != NULL) {
        curl_multi_cleanup(c->multi);
    }
    for (size_t i = 0; c->hosts != NULL && i < c->n_hosts; i++) {
        free(c->hosts[i].url);
    }
    free(c->hosts);
    free(c->req);
    free(c->auth_header);
    free(c);
}

int fdx_es_client_set_auth(struct fdx_es_client *c, const char *user, const char *password,
                           const char *api_key)
{
    char *header = NULL;
    if (api_key != NULL) {
        size_t n = strlen(api_key) + 32;
        header = malloc(n);
        if (header == NULL) {
            return -ENOMEM;
        }
        snprintf(header, n, "Authorization: ApiKey %s", api_key);
    }
    /* libcurl copies option strings and header lines: requests in flight keep their own. */
    free(c->auth_header);
    c->auth_header = header;
    c->cfg.user = user;
    c->cfg.password = password;
    c->cfg.api_key = api_key;
    return 0;
}

static bool host_up(const struct es_host *h, int64_t now)
{
    return h->down_until_ms <= now;
}

static int pick_host(struct fdx_es_client *c, int64_t now)
{
    for (size_t k = 0; k < c->n_hosts; k++) {
        size_t i = (c->rr + k) % c->n_hosts;
        if (host_up(&c->hosts[i], now)) {
            c->rr = i + 1;
            return (int)i;
        }
    }
    return -1;
}

static void host_result(struct fdx_es_client *c, int host, bool failed, int64_t now)
{
    struct es_host *h = &c->hosts[host];
    if (!failed) {
        h->fails = 0;
        h->down_until_ms = 0;
        return;
    }
    h->fails++;
    if (h->fails >= c->cfg.host_down_after) {
        h->down_until_ms = now + (int64_t)c->cfg.host_recheck_ms;
    }
}

bool fdx_es_client_ready(struct fdx_es_client *c, int64_t now_ms)
{
    if (c->busy >= c->cfg.max_in_flight) {
        return false;
    }
    for (size_t i = 0; i < c->n_hosts; i++) {
        if (host_up(&c->hosts[i], now_ms)) {
            return true;
        }
    }
    return false;
}

uint32_t fdx_es_client_in_flight(const struct fdx_es_client *c)
{
    return c->busy;
}

static int gzip_body(struct fdx_buf *out, const char *body, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return -ENOMEM;
    }
    size_t bound = deflateBound(&z, (uLong)len) + 32;
    fdx_buf_reset(out);
    if (fdx_buf_reserve(out, bound) != 0) {
        deflateEnd(&z);
        return -ENOMEM;
    }
    z.next_in = (Bytef *)(uintptr_t)body;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->p;
    z.avail_out = (uInt)bound;
    int zr = deflate(&z, Z_FINISH);
    out->len = z.total_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? 0 : -EIO;
}

/* Options shared by bulk and control requests. Takes ownership of nothing; *hdrs receives
 * the header list to free after the request. */
static void setup_easy(struct fdx_es_client *c, CURL *e, const char *url, const char *method,
                       const char *ctype, const char *body, size_t len, bool gz,
                       struct curl_slist **hdrs, uint64_t timeout_ms)
{
    const struct fdx_es_client_cfg *g = &c->cfg;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)g->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, g->tls_verify ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, g->tls_verify ? 2L : 0L);
    if (g->ca_file != NULL && g->ca_file[0] != '\0') {
        curl_easy_setopt(e, CURLOPT_CAINFO, g->ca_file);
    }
    if (g->client_cert != NULL && g->client_cert[0] != '\0') {
        curl_easy_setopt(e, CURLOPT_SSLCERT, g->client_cert);
    }
    if (g->client_key != NULL && g->client_key[0] != '\0') {
        curl_easy_setopt(e, CURLOPT_SSLKEY, g->client_key);
    }
    if (g->user != NULL && g->user[0] != '\0') {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, g->user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, g->password != NULL ? g->password : "");
    }
    struct curl_slist *h = NULL;
    char ct[96];
    snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
    h = curl_slist_append(h, "Expect:");
    if (gz) {
        h = curl_slist_append(h, "Content-Encoding: gzip");
    }
    if (c->auth_header != NULL) {
        h = curl_slist_append(h, c->auth_header);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    *hdrs = h;
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body != NULL ? body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        if (strcmp(method, "POST") != 0) {
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        }
    }
}

int fdx_es_client_send(struct fdx_es_client *c, const char *method, const char *path,
                       const char *content_type, const char *body, size_t len, void *user)
{
    int64_t now = mono_ms();
    if (c->busy >= c->cfg.max_in_flight) {
        return -EAGAIN;
    }
    int host = pick_host(c, now);
    if (host < 0) {
        return -EAGAIN;
    }
    struct es_req *r = NULL;
    for (uint32_t i = 0; i < c->cfg.max_in_flight; i++) {
        if (!c->req[i].busy) {
            r = &c->req[i];
            break;
        }
    }
    if (r == NULL) {
        return -EAGAIN;
    }
    bool gz = c->cfg.gzip && len > 0;
    if (gz) {
        if (gzip_body(&r->gz, body, len) != 0) {
            return -ENOMEM;
        }
        body = r->gz.p;
        len = r->gz.len;
    }
    char url[1024];
    snprintf(url, sizeof(url), "%s%s", c->hosts[host].url, path);
    curl_easy_reset(r->easy);
    curl_slist_free_all(r->hdrs);
    r->hdrs = NULL;
    setup_easy(c, r->easy, url, method, content_type, body, len, gz, &r->hdrs,
               c->cfg.request_timeout_ms);
    fdx_buf_reset(&r->resp);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, &r->resp);
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
    r->errbuf[0] = '\0';
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
    if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
        return -ENOMEM;
    }
    r->busy = true;
    r->user = user;
    r->host = host;
    r->start_ms = now;
    r->sent = len;
    c->busy++;
    return 0;
}

static void finish(struct fdx_es_client *c, struct es_req *r, CURLcode cc, fdx_es_done_fn done,
                   void *ctx)
{
    int64_t now = mono_ms();
    struct fdx_es_result res = {0};
    res.transport_ok = cc == CURLE_OK;
    if (res.transport_ok) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
    }
    res.body = r->resp.p != NULL ? r->resp.p : "";
    res.body_len = r->resp.len;
    res.latency_ms = now - r->start_ms;
    res.error = r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(cc);
    res.host = r->host;
    res.sent_bytes = r->sent;
    bool failed = !res.transport_ok || res.status == 502 || res.status == 503 ||
                  res.status == 504;
    host_result(c, r->host, failed, now);
    curl_multi_remove_handle(c->multi, r->easy);
    r->busy = false;
    c->busy--;
    void *user = r->user;
    r->user = NULL;
    done(ctx, user, &res);
}

void fdx_es_client_poll(struct fdx_es_client *c, int timeout_ms, fdx_es_done_fn done, void *ctx)
{
    int running = 0;
    curl_multi_perform(c->multi, &running);
    if (timeout_ms > 0) {
        curl_multi_poll(c->multi, NULL, 0, timeout_ms, NULL);
        curl_multi_perform(c->multi, &running);
    }
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        struct es_req *r = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r != NULL && r->busy) {
            finish(c, r, m->data.result, done, ctx);
        }
    }
}

void fdx_es_client_abort(struct fdx_es_client *c, fdx_es_done_fn done, void *ctx)
{
    for (uint32_t i = 0; i < c->cfg.max_in_flight; i++) {
        struct es_req *r = &c->req[i];
        if (r->busy) {
            snprintf(r->errbuf, sizeof(r->errbuf), "aborted at shutdown");
            fdx_buf_reset(&r->resp);
            finish(c, r, CURLE_ABORTED_BY_CALLBACK, done, ctx);
        }
    }
}

int fdx_es_client_sync(struct fdx_es_client *c, const char *method, const char *path,
                       const char *body, size_t len, long *status, struct fdx_buf *resp)
{
    CURL *e = curl_easy_init();
    if (e == NULL) {
        return -ENOMEM;
    }
    int rc = -EHOSTUNREACH;
    int64_t now = mono_ms();
    for (size_t k = 0; k < c->n_hosts; k++) {
        int host = pick_host(c, now);
        if (host < 0) {
            break;
        }
        char url[1024];
        snprintf(url, sizeof(url), "%s%s", c->hosts[host].url, path);
        struct curl_slist *hdrs = NULL;
        curl_easy_reset(e);
        setup_easy(c, e, url, method, "application/json", body, len, false, &hdrs,
                   c->cfg.request_timeout_ms);
        fdx_buf_reset(resp);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, resp);
        CURLcode cc = curl_easy_perform(e);
        curl_slist_free_all(hdrs);
        if (cc == CURLE_OK) {
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
            host_result(c, host, *status >= 502 && *status <= 504, mono_ms());
            rc = 0;
            break;
        }
        host_result(c, host, true, mono_ms());
    }
    curl_easy_cleanup(e);
    return rc;
}
