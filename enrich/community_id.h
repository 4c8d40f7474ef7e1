/* Community ID v1 (the Corelight community-id-spec flow hash), network.community_id: lets
 * flows pivot to Zeek and Suricata records of the same connection. Stage "community_id". */
#ifndef FDX_COMMUNITY_ID_H
#define FDX_COMMUNITY_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "stage.h"

/* Computes "1:<base64 of SHA-1>" into out (at least 31 bytes) for one flow tuple. For ICMP
 * and ICMPv6, sport/dport are the type and code. has_ports is false for protocols without
 * ports (the ports are then left out of the hash). hw: hash with the x86 SHA extensions
 * (only when fdx_sha1_hw_available()). Returns the length written. */
unsigned fdx_community_id_v1(uint16_t seed, const struct fdx_addr *src, const struct fdx_addr *dst,
                             uint8_t proto, uint16_t sport, uint16_t dport, bool has_ports,
                             bool hw, char *out);

extern const struct fdx_stage_ops fdx_stage_community_id;

#endif
