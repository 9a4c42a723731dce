#include "parsers/common/flatbuffer_check.hpp"

namespace pteron {

flatbuffers::Verifier::Options verifierOptions(std::size_t bufferSize) {
    flatbuffers::Verifier::Options options;
    options.max_depth = 128;
    options.max_tables = static_cast<flatbuffers::uoffset_t>(bufferSize / 4 + 16);
    options.check_alignment = true;
    return options;
}

} // namespace pteron
