#include "core/attribute.hpp"
#include "core/dtype.hpp"
#include "core/format_error.hpp"
#include "core/graph.hpp"
#include "core/mapped_file.hpp"
#include "core/model.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <sys/stat.h>

using namespace pteron;

TEST_CASE("dtype names and sizes") {
    CHECK(dtypeName(DType::Int8) == "int8");
    CHECK(dtypeName(DType::BFloat16) == "bf16");
    CHECK(dtypeBits(DType::Int48) == 48);
    CHECK(dtypeStorageBytes(DType::Int4, 3) == 2);
    CHECK(dtypeStorageBytes(DType::Float32, 10) == 40);
}

TEST_CASE("value type text marks dynamic bounds") {
    Value value;
    value.dtype = DType::Float32;
    value.hasShape = true;
    value.shape = {1, 8};
    CHECK(value.typeText() == "fp32[1,8]");
    value.dynamism = ShapeDynamism::DynamicBound;
    CHECK(value.typeText() == "fp32[<=1,<=8]");
}

TEST_CASE("attribute printing") {
    CHECK(toString(AttributeValue{std::vector<std::int64_t>{1, 2, 3}}) == "[1, 2, 3]");
    CHECK(toString(AttributeValue{EnumValue{"SAME", 1}}) == "SAME");
    CHECK(toString(AttributeValue{Blob{{0x0a, 0xff}}}) == "0x0aff");
}

TEST_CASE("graph host partitions are shared per backend") {
    Graph graph;
    const auto portable = graph.hostPartition("portable");
    CHECK(graph.hostPartition("cortex_m") != portable);
    CHECK(graph.hostPartition("portable") == portable);
}

TEST_CASE("a named pipe with no writer is refused at once, not waited on") {
    const auto fifo = (pteron::testing::madeDir() / "no_writer.fifo").string();
    std::remove(fifo.c_str());
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(pteron::MappedFile::open(fifo), Catch::Contains("a regular file"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    std::remove(fifo.c_str());
}

TEST_CASE("mapping a missing file is a FormatError") {
    CHECK_THROWS_AS(MappedFile::open("/nonexistent/file.pte"), FormatError);
    auto file = MappedFile::open(testing::fixture("pte/cc_multi_method.pte"));
    CHECK(file->size() == 2312);
}

TEST_CASE("constant bytes count a buffer shared by several tensors once") {
    const std::vector<std::byte> bytes(100);
    const auto file = MappedFile::fromBytes("weights.bin", bytes);
    const ByteView whole(file, file->bytes());
    Model model;
    Graph graph;
    Value first;
    first.data = whole.sub(0, 40);
    Value same = first; // a second tensor on the very same buffer
    Value overlapping;
    overlapping.data = whole.sub(30, 20); // 30..50 overlaps 0..40 by 10
    Value apart;
    apart.data = whole.sub(80, 8);
    for (const auto& value : {first, same, overlapping, apart})
        graph.values.push_back(value);
    model.addGraph(graph);
    CHECK(model.constantBytes() == 40 + 10 + 8);
    Graph other; // another graph viewing the same bytes adds nothing
    other.values.push_back(apart);
    model.addGraph(other);
    CHECK(model.constantBytes() == 58);
}
