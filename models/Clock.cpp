#include "models/Clock.h"

#include <QDateTime>
#include <chrono>

namespace cw {

namespace {

class SystemClock final : public Clock {
public:
    Instant now() const override
    {
        const auto mono = std::chrono::steady_clock::now().time_since_epoch();
        return { QDateTime::currentMSecsSinceEpoch(),
            std::chrono::duration_cast<std::chrono::milliseconds>(mono).count() };
    }
};

} // namespace

const Clock &Clock::system()
{
    static const SystemClock clock;
    return clock;
}

} // namespace cw
