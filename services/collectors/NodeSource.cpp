#include "services/collectors/NodeSource.h"

namespace cw {

NodeSource::NodeSource(QObject *parent)
    : QObject(parent)
{
}

NodeSource::~NodeSource() = default;

} // namespace cw
