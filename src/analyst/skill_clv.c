#include "analyst/skill_internal.h"

int skill_clv(struct skill_ctx *x)
{
    return sk_refuse(x, "not yet");
}
