#pragma once

#include "models/NodeHealth.h"

#include <QColor>

namespace cw {

/// State colours, chosen to stay distinguishable on light and dark themes and, with the state
/// text always shown beside them, for colour-blind readers.
namespace palette {
QColor stateColor(NodeState state, bool stale);
QColor stateTextColor(NodeState state, bool stale);
QColor good();
QColor warn();
QColor bad();
QColor muted();
} // namespace palette

} // namespace cw
