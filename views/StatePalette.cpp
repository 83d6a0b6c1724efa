#include "views/StatePalette.h"

namespace cw::palette {

QColor good()
{
    return QColor(0x2e, 0x7d, 0x32);
}
QColor warn()
{
    return QColor(0xef, 0x8f, 0x00);
}
QColor bad()
{
    return QColor(0xc6, 0x28, 0x28);
}
QColor muted()
{
    return QColor(0x75, 0x75, 0x75);
}

QColor stateColor(NodeState state, bool stale)
{
    if (stale)
        return muted();
    switch (state) {
    case NodeState::Healthy:
        return good();
    case NodeState::Degraded:
        return warn();
    case NodeState::Down:
        return bad();
    case NodeState::Unknown:
        return muted();
    }
    return muted();
}

QColor stateTextColor(NodeState state, bool stale)
{
    return (!stale && state == NodeState::Degraded) ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace cw::palette
