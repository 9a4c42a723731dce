#include "core/attribute.hpp"
#include "core/dtype.hpp"
#include "core/format_error.hpp"
#include "core/graph.hpp"
#include "core/mapped_file.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("mapping a missing file is a FormatError") {
    CHECK_THROWS_AS(MappedFile::open("/nonexistent/file.pte"), FormatError);
    auto file = MappedFile::open(testing::fixture("pte/cc_multi_method.pte"));
    CHECK(file->size() == 2312);
}
