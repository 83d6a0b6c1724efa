// libFuzzer harness for the Redis INFO parser (clang only; see CMakeLists.txt). Besides sanitizer
// findings it traps when an error stops naming where the problem is.
#include "services/collectors/RedisInfoParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto info
        = cw::parseRedisInfo(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!info.ok() && info.error().isEmpty())
        __builtin_trap();
    return 0;
}
