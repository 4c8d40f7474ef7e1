/* Drop reason names, generated from the X-macro so they cannot drift from the enum. */
#include "drop.h"

const char *const fdx_drop_label[FDX_DROP__COUNT] = {
    [FDX_DROP_NONE] = "none",
#define FDX_X(name, label, stage, doc) [FDX_DROP_##name] = label,
    FDX_DROP_REASONS(FDX_X)
#undef FDX_X
};

const char *const fdx_drop_doc[FDX_DROP__COUNT] = {
    [FDX_DROP_NONE] = "not a drop",
#define FDX_X(name, label, stage, doc) [FDX_DROP_##name] = doc,
    FDX_DROP_REASONS(FDX_X)
#undef FDX_X
};

const char *const fdx_drop_stage[FDX_DROP__COUNT] = {
    [FDX_DROP_NONE] = "none",
#define FDX_X(name, label, stage, doc) [FDX_DROP_##name] = stage,
    FDX_DROP_REASONS(FDX_X)
#undef FDX_X
};
