#include "tests/support/u85_command_words.hpp"

#include "parsers/ethosu/ethosu_operations.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>

namespace pteron::testing {

Node decodedU85Node(const std::vector<std::uint32_t>& words, const std::string& kind,
                    const std::string& name) {
    std::vector<std::byte> stream(words.size() * 4);
    std::memcpy(stream.data(), words.data(), stream.size());
    const auto commands = ethosu::splitCommands(stream, ethosu::Product::U85, name, 0);
    const auto operations = ethosu::buildOperations(commands, ethosu::Product::U85);
    REQUIRE(operations.size() == 1);
    REQUIRE(operations[0].kind == kind);
    Node node;
    node.op = "ethosu." + kind;
    node.name = name;
    node.attributes = operations[0].attributes();
    return node;
}

} // namespace pteron::testing
