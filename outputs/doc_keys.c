/* The precompiled keys of doc_keys.h. */
#include "doc_keys.h"

#define fdx_obj_root fdx_jw_root

#define OBJ_DEFINE(id, parent, path, name)                                                         \
    const struct fdx_jw_obj fdx_obj_##id = FDX_JW_OBJ_INIT(&fdx_obj_##parent, path, name);
#define KEY_DEFINE(id, parent, name)                                                               \
    const struct fdx_jw_key fdx_key_##id = FDX_JW_KEY_INIT(&fdx_obj_##parent, name);
FDX_DOC_OBJECTS(OBJ_DEFINE)
FDX_DOC_KEYS_ECS(KEY_DEFINE)
FDX_DOC_KEYS_COUNTERS(KEY_DEFINE)
FDX_DOC_KEYS_PMACCT(KEY_DEFINE)

#define KEY_INFO(id, parent, name) {&fdx_key_##id, name},
const struct fdx_doc_key_info fdx_doc_keys_all[] = {
    FDX_DOC_KEYS_ECS(KEY_INFO) FDX_DOC_KEYS_COUNTERS(KEY_INFO) FDX_DOC_KEYS_PMACCT(KEY_INFO)};
const size_t fdx_doc_keys_count = sizeof(fdx_doc_keys_all) / sizeof(fdx_doc_keys_all[0]);

#define OBJ_ADDR(id, parent, path, name) &fdx_obj_##id,
const struct fdx_jw_obj *const fdx_doc_objs_all[] = {FDX_DOC_OBJECTS(OBJ_ADDR)};
const size_t fdx_doc_objs_count = sizeof(fdx_doc_objs_all) / sizeof(fdx_doc_objs_all[0]);
