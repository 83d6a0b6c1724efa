#include "services/runtime/ContainerRuntime.h"

namespace cw {

ContainerRuntime::ContainerRuntime(QObject *parent)
    : QObject(parent)
{
}

ContainerRuntime::~ContainerRuntime() = default;

} // namespace cw
