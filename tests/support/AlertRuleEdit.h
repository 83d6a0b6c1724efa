#pragma once

#include "models/ClusterConfig.h"

#include <QtGlobal>

namespace cwtest {

/// The rule @p id of @p config, to change its timing or threshold; one the defaults lack is a
/// mistake in the test.
inline cw::AlertRuleConfig &rule(cw::ClusterConfig &config, const char *id)
{
    for (cw::AlertRuleConfig &r : config.alerts.rules) {
        if (r.id == QLatin1String(id))
            return r;
    }
    qFatal("no rule %s", id);
}

} // namespace cwtest
