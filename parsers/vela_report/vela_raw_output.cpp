#include "parsers/vela_report/vela_raw_output.hpp"

#include "core/format_error.hpp"
#include "core/mapped_file.hpp"
#include "parsers/common/zip_archive.hpp"

#include <algorithm>

namespace pteron::vela_report {
namespace {

const std::string kFormat(kRawFormat);

std::string arrayName(const std::string& entry) {
    constexpr std::string_view suffix = ".npy";
    if (entry.size() > suffix.size() && entry.substr(entry.size() - suffix.size()) == suffix)
        return entry.substr(0, entry.size() - suffix.size());
    return entry;
}

std::optional<std::int64_t> scalar(const VelaRawOutput& raw, std::string_view name) {
    const NpyArray* array = raw.array(name);
    if (!array || !array->numeric() || array->elementCount == 0) return std::nullopt;
    return array->integerAt(0);
}

// Product of a shape array such as scratch_shape = [bytes].
std::optional<std::int64_t> shapeSize(const VelaRawOutput& raw, std::string_view name) {
    const NpyArray* array = raw.array(name);
    if (!array || !array->numeric()) return std::nullopt;
    std::int64_t size = 1;
    for (auto dim : array->integers()) {
        if (dim < 0 || (dim != 0 && size > INT64_MAX / dim)) return std::nullopt;
        size *= dim;
    }
    return size;
}

// Rows of a 2-d shape array (one shape per tensor); empty when ragged shapes were pickled.
std::vector<std::vector<std::int64_t>> shapeRows(const NpyArray* array) {
    std::vector<std::vector<std::int64_t>> rows;
    if (!array || !array->numeric() || array->shape.size() != 2) return rows;
    const auto values = array->integers();
    const auto count = static_cast<std::size_t>(array->shape[0]);
    const auto rank = static_cast<std::size_t>(array->shape[1]);
    // With rank 0 the row count is not bounded by the data; no Vela tensor list is that long.
    if (rank == 0 && count > 4096) return rows;
    for (std::size_t i = 0; i < count; ++i)
        rows.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(i * rank),
                          values.begin() + static_cast<std::ptrdiff_t>((i + 1) * rank));
    return rows;
}

std::vector<std::int64_t> column(const NpyArray* array) {
    if (!array || !array->numeric() || array->shape.size() > 1) return {};
    return array->integers();
}

std::vector<VelaRawTensor> tensors(const VelaRawOutput& raw, const std::string& prefix) {
    const auto shapes = shapeRows(raw.array(prefix + "_shape"));
    const auto sizes = column(raw.array(prefix + "_elem_size"));
    const auto regions = column(raw.array(prefix + "_region"));
    const auto offsets = column(raw.array(prefix + "_offset"));
    const std::size_t count =
        std::max({shapes.size(), sizes.size(), regions.size(), offsets.size()});
    std::vector<VelaRawTensor> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (i < shapes.size()) out[i].shape = shapes[i];
        if (i < sizes.size()) out[i].elementSize = sizes[i];
        if (i < regions.size()) out[i].region = regions[i];
        if (i < offsets.size()) out[i].offset = offsets[i];
    }
    return out;
}

ByteView requiredBytes(const VelaRawOutput& raw, std::string_view name) {
    const NpyArray* array = raw.array(name);
    if (!array)
        throw FormatError(raw.file, kFormat, "archive entries",
                          "an array " + std::string(name) + ".npy");
    if (!array->numeric())
        throw FormatError(raw.file, kFormat, std::string(name) + ".npy",
                          "a numeric array, found dtype " + array->descr);
    return array->data;
}

} // namespace

const NpyArray* VelaRawOutput::array(std::string_view name) const {
    for (const auto& [key, value] : arrays)
        if (key == name) return &value;
    return nullptr;
}

VelaRawOutput readVelaRawOutput(const ByteView& bytes, const std::string& file) {
    const ZipArchive archive(bytes, file);
    VelaRawOutput raw;
    raw.file = file;
    for (const auto& entry : archive.entries()) {
        if (entry.name.empty() || entry.name.back() == '/') continue;
        raw.arrays.emplace_back(arrayName(entry.name),
                                parseNpy(archive.contents(entry), file, entry.name));
    }
    raw.commandStream = requiredBytes(raw, "cmd_data");
    if (raw.array("weight_data")) raw.weightData = requiredBytes(raw, "weight_data");
    raw.weightRegion = scalar(raw, "weight_region");
    raw.scratchSize =
        raw.array("scratch_size") ? scalar(raw, "scratch_size") : shapeSize(raw, "scratch_shape");
    raw.scratchRegion = scalar(raw, "scratch_region");
    raw.scratchFastSize = raw.array("scratch_fast_size") ? scalar(raw, "scratch_fast_size")
                                                         : shapeSize(raw, "scratch_fast_shape");
    raw.scratchFastRegion = scalar(raw, "scratch_fast_region");
    raw.inputs = tensors(raw, "input");
    raw.outputs = tensors(raw, "output");
    raw.variables = tensors(raw, "variable");
    return raw;
}

VelaRawOutput readVelaRawOutput(const std::string& path) {
    auto file = MappedFile::open(path);
    const ByteView bytes(file, file->bytes());
    return readVelaRawOutput(bytes, path);
}

} // namespace pteron::vela_report
