// libFuzzer harness for the Docker Engine API parsers and the log-stream demultiplexer
// (clang only; see CMakeLists.txt). The first byte picks the parser; the demultiplexer is fed
// the rest in chunks whose sizes come from the input, as reads arrive from a socket.
#include "services/runtime/docker/DockerJson.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (data[0] % 7) {
    case 0:
        (void)cw::parseContainerList(body);
        break;
    case 1:
        (void)cw::parseContainerInspect(body);
        break;
    case 2:
        (void)cw::parseContainerStats(body);
        break;
    case 3:
        (void)cw::parseDockerEvent(body);
        break;
    case 4:
        (void)cw::parseEngineVersion(body);
        break;
    case 5:
        (void)cw::parseApiError(body);
        break;
    case 6: {
        cw::DockerLogDemuxer demuxer(false);
        qsizetype offset = 0;
        std::size_t step = 0;
        while (offset < body.size()) {
            const qsizetype chunk = 1 + qsizetype(data[step++ % size] % 97);
            const qsizetype n = std::min(chunk, body.size() - offset);
            (void)demuxer.feed(body.sliced(offset, n));
            offset += n;
        }
        (void)demuxer.finish();
        break;
    }
    }
    return 0;
}
