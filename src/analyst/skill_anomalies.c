#include "analyst/skill_internal.h"

int skill_anomalies(struct skill_ctx *x)
{
    return sk_refuse(x, "not yet");
}

int skill_quality(struct skill_ctx *x)
{
    return sk_refuse(x, "not yet");
}
