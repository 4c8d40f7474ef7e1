/* The template cache shared by NetFlow v9 and IPFIX: keyed by exporter address, source id /
 * observation domain, protocol and template id (RFC 3954 §5, RFC 7011 §8). Add, replace,
 * withdrawal (IPFIX), expiry; bounded globally and per exporter, overflow refused and
 * counted by the caller (FDX_DROP_TEMPLATE_LIMIT). Module tag: templates. Owned by one
 * thread (the decode ctx owner): no locks. Allocates only when a template arrives. */
#ifndef FDX_TEMPLATES_H
#define FDX_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "drop.h"
#include "template_program.h"

struct fdx_tmpl_key {
    struct fdx_addr addr;
    uint32_t domain_id;
    uint16_t id;
    uint8_t proto;
};

struct fdx_exporter;
struct fdx_templates;

/* Upper bound on the bytes one cached template takes (accounting and tests). */
size_t fdx_templates_max_entry_bytes(void);

/* A cache of at most max_total templates, at most max_per_exporter per (exporter address,
 * domain, protocol). NULL on allocation failure. */
struct fdx_templates *fdx_templates_new(uint32_t max_total, uint32_t max_per_exporter);
void fdx_templates_free(struct fdx_templates *t);

/* The compiled program for key, or NULL. The pointer stays valid until the next put,
 * withdraw or expire call on the cache. */
const struct fdx_program *fdx_templates_find(struct fdx_templates *t,
                                             const struct fdx_tmpl_key *key, int64_t now_ms);

/* Adds or replaces the template for key (fields as declared). An identical template only
 * refreshes its time. exp counts this exporter's templates. Returns 0 (*changed says whether
 * a new program is in place), or a drop reason: FDX_DROP_TEMPLATE_LIMIT (a bound is reached;
 * the old template, if any, is kept), FDX_DROP_BAD_TEMPLATE. */
enum fdx_drop fdx_templates_put(struct fdx_templates *t, const struct fdx_tmpl_key *key,
                                const struct fdx_field_spec *f, unsigned n,
                                unsigned scope_count, bool is_options,
                                struct fdx_exporter *exp, int64_t now_ms, bool *changed);

/* Withdraws one template (IPFIX, RFC 7011 §8.1); true when it existed. */
bool fdx_templates_withdraw(struct fdx_templates *t, const struct fdx_tmpl_key *key);

/* Withdraws every template (or every options template) of (addr, domain, proto). Returns how
 * many were removed. */
unsigned fdx_templates_withdraw_all(struct fdx_templates *t, const struct fdx_tmpl_key *key,
                                    bool is_options);

/* Forgets every template and options template of addr for proto, whatever the domain: the
 * end of an IPFIX-over-TCP session (RFC 7011 §8). Returns how many were removed. */
unsigned fdx_templates_forget(struct fdx_templates *t, const struct fdx_addr *addr,
                              uint8_t proto);

/* Removes templates not refreshed for timeout_ms. Returns how many. */
unsigned fdx_templates_expire(struct fdx_templates *t, int64_t now_ms, int64_t timeout_ms);

/* Scratch array of FDX_TEMPLATE_MAX_FIELDS field specs for parsing a template before put;
 * owned by the cache's thread, overwritten by the next parse. */
struct fdx_field_spec *fdx_templates_scratch(struct fdx_templates *t);

uint32_t fdx_templates_count(const struct fdx_templates *t);
size_t fdx_templates_bytes(const struct fdx_templates *t); /* memory held by entries */

#endif
